//! Retry rules: statuses, x-should-retry, retry-after(-ms), backoff, replayability, logging.
