//! Integration tests of `targets`, through the public API only.

mod arithmetic;
mod fixtures;
mod hostile;
mod lint;
mod load;
mod roundtrip;
