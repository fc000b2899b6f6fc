//! Contract tests: every operation validated by Prism serving the spec.
