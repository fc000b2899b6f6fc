//! Messages create and count_tokens on the wire; serialization against the docs examples.
