//! Integration tests of `assess`, through the public API only.

mod bundled;
mod contracts;
mod duties;
mod fixtures;
mod hostile;
mod laws;
mod time;
mod verdicts;
