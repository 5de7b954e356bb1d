//! Ingest plus the full catalogue per year per region (placeholder, filled below).
fn main() {}
