//! One-shot: assess `n` generated contracts on about `events` generated events.
//!
//! ```text
//! cargo run --release -p benches --bin many -- [contracts] [events]
//! ```

#![allow(clippy::print_stdout)]

use std::time::Instant;

use benches::{assess_each, contracts, stream};
use chrono::NaiveDate;
use indicators::Engine;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (n, events) = (
        args.first().copied().unwrap_or(1000),
        args.get(1).copied().unwrap_or(1_000_000),
    );
    let contracts = contracts(n);
    // THREADS=n assesses the contracts in n shares at once, with one assessor over the one
    // view, whose cache the threads share (default 1).
    let threads: usize = std::env::var("THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1)
        .max(1);
    let mut engine = Engine::new().with_threads(threads);
    engine.extend(&stream(events));
    let view = engine.view();
    let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default();
    let t = Instant::now();
    let assessor = assess::Assessor::new(&view);
    let share = contracts.len().div_ceil(threads).max(1);
    let verdicts: usize = std::thread::scope(|s| {
        let handles: Vec<_> = contracts
            .chunks(share)
            .map(|part| {
                let assessor = &assessor;
                s.spawn(move || assess_each(assessor, part, as_of))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .sum()
    });
    let secs = t.elapsed().as_secs_f64();
    println!(
        "contracts={} verdicts={verdicts} time={secs:.3}s per_contract={:.3}ms",
        contracts.len(),
        secs * 1000.0 / contracts.len() as f64
    );
}
