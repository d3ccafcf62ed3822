//! Integration tests: the CLI through its binary, and every embedded stack rendered in memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod agents;
mod cli;
mod common;
mod doctor;
mod errors;
mod fuzz;
mod hostile;
mod interactive;
mod large;
mod layers;
mod messages;
mod new_git;
mod parse_cache;
mod probes;
mod repository;
mod safety;
#[cfg(feature = "serve")]
mod serve;
mod stacks;
mod support;
mod template_errors;
mod template_tools;
mod templates;
mod terminal;
mod transactions;
mod truth;
mod update;
mod update_base;
mod update_moves;
mod update_records;
mod update_surprises;
mod update_tags;
mod verify;
