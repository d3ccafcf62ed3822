//! `sprout serve` over HTTP on ephemeral loopback ports.

mod api;
mod connections;
mod harness;
mod http;
