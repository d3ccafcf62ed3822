//! CLI behaviour, end to end through the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]
