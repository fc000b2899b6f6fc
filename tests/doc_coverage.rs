//! Every field on the transcribed reference pages is in the spec, at the right place.
