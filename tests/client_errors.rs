//! Each error status, malformed bodies, typed errors and predicates.
