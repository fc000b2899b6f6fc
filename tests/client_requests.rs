//! Configuration, per-request overrides, client-side checks, percent-encoding, secret redaction.
