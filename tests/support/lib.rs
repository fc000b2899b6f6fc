//! Helpers shared by the workspace tests.

pub mod admin;
pub mod baseline;
pub mod batches;
pub mod diff;
pub mod examples;
pub mod files;
pub mod fixtures;
pub mod generator;
pub mod memory;
pub mod messages;
pub mod multipart;
pub mod perf;
pub mod prism;
pub mod runtime;
pub mod semver;
pub mod sse_server;
