//! sprout's library: everything but argument parsing and the process exit, so tests and
//! benchmarks can render projects in memory.

pub mod answers;
pub mod catalog;
pub mod cli;
pub mod condition;
pub mod error;
pub mod escape;
pub mod exit;
pub mod git;
pub mod helpers;
pub mod install;
pub mod lift;
pub mod listing;
pub mod manifest;
pub mod names;
pub mod new;
pub mod output;
pub mod plan;
pub mod prompt;
pub mod record;
pub mod render;
pub mod report;
pub mod secrets;
#[cfg(feature = "serve")]
pub mod serve;
pub mod signals;
pub mod stack;
pub mod value;
pub mod writer;
