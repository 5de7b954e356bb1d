//! Integration tests of `indicators`, through the public API only.

mod fixtures;
mod hostile;
mod knowledge;
mod laws;
mod values;
