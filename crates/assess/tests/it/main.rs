//! Integration tests of `assess`, through the public API only.

mod bundled;
mod fixtures;
mod laws;
mod verdicts;
