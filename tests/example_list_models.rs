//! The list_models example against a local server.
