//! The committed generated/ equals a fresh generation of spec/, and generation is deterministic.
