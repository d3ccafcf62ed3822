//! `sprout template check|test|new`: tools for people who write templates.
//!
//! A template folder is one stack (a `sprout.toml` beside `files/`) or a collection (stack
//! folders and an optional `_shared/`); [`folder`] loads either. [`check`] proves it statically
//! and in memory, [`test`] generates a covering set of projects and verifies each, and
//! [`scaffold`] writes a minimal template that passes both.

pub mod check;
pub mod combos;
pub mod command;
pub mod folder;
pub mod hostile;
pub mod meaning;
pub mod scaffold;
pub mod structured;
pub mod test;
