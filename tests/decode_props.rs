//! Property tests: response decoding and SSE parsing never panic on arbitrary input.
