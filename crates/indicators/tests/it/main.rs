//! Integration tests of `indicators`, through the public API only.

mod fixtures;
mod laws;
mod values;
