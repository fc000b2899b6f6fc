//! `cargo xtask generate` on broken specs: non-zero exit, file/line/reason, output untouched.
