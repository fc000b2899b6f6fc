//! Generator output on small fixture specs, one construct each, as insta snapshots; broken specs and their error messages.
