//! Streaming Messages: SSE parsing, typed events, the accumulated message.
