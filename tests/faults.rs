//! The fault suite on real loopback sockets: broken, stalled, flooded and oversized responses.
