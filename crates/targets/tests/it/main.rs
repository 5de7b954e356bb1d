//! Integration tests of `targets`, through the public API only.

mod arithmetic;
mod fixtures;
mod lint;
mod load;
mod roundtrip;
