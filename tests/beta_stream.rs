//! A streamed beta reply, accumulated, against the same reply unstreamed.
