//! Helpers shared by the workspace tests.

pub mod batches;
pub mod fixtures;
pub mod generator;
pub mod messages;
pub mod perf;
pub mod prism;
pub mod runtime;
pub mod sse_server;
