//! One-shot measurement at scale: throughput and memory of ingest plus the full
//! catalogue per year per region, from in-memory events or from JSON Lines.
//!
//! ```text
//! cargo run --release -p benches --bin scale -- <events> <memory|borrowed|jsonl>
//! ```
//!
//! `borrowed` adds the same events as `memory`, but as `Event<&str>` borrowed from one
//! buffer holding all their strings, instead of `Event<String>` with a heap string per
//! field: the difference is what the input's layout costs the engine.
//!
//! `THREADS=2` gives the engine two threads (see `Engine::with_threads`): in memory, a
//! second thread interns the event ids; from JSON Lines, both threads parse; either way
//! the stays are derived and the catalogue evaluated in two shares. Run each mode in its
//! own process so that the peak resident memory (VmHWM) it reports belongs to that mode.
//! The input itself (events in memory, or the JSON Lines buffer) is measured before
//! ingest and reported separately.
//!
//! The phases printed: `ingest` adds the events and derives the stays of the clients
//! they touch (the engine derives before a call that adds returns); `view` builds the
//! view over the derived stays; `catalogue` evaluates the catalogue.

#![allow(clippy::print_stdout)]

use std::time::Instant;

use benches::{jsonl, peak_rss, stream, years};
use chrono::NaiveDate;
use indicators::{Engine, Event, Indicator, ParseOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mode = args.get(1).map_or("memory", String::as_str);
    // `file <path>`: ingest a JSON Lines file written earlier (to profile the ingest alone).
    let (mode, events, bytes) = match (mode, args.get(2)) {
        ("file", Some(path)) => ("jsonl", Vec::new(), std::fs::read(path).unwrap_or_default()),
        _ => {
            let events = stream(n);
            let bytes = if mode == "jsonl" {
                jsonl(&events)
            } else {
                Vec::new()
            };
            let events = if mode == "jsonl" { Vec::new() } else { events };
            (mode, events, bytes)
        }
    };
    let input_events = if mode == "jsonl" {
        bytes.iter().filter(|b| **b == b'\n').count()
    } else {
        events.len()
    };
    // For `borrowed`: every string of the events in one buffer, in the order `Event::map`
    // visits them, then the events again with their strings borrowed from it.
    let buffer = std::cell::RefCell::new(String::new());
    if mode == "borrowed" {
        for e in &events {
            let _ = e.map(|s| buffer.borrow_mut().push_str(s));
        }
    }
    let buffer = buffer.into_inner();
    let at = std::cell::Cell::new(0usize);
    let borrowed: Vec<Event<&str>> = match mode {
        "borrowed" => events
            .iter()
            .map(|e| {
                e.map(|s| {
                    let from = at.replace(at.get() + s.len());
                    buffer.get(from..from + s.len()).unwrap_or_default()
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let before = peak_rss().unwrap_or(0);
    let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default();
    let t0 = Instant::now();
    // THREADS=n gives the engine n threads (default 1).
    let threads = std::env::var("THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1);
    let mut engine = Engine::new().with_threads(threads);
    if mode == "jsonl" {
        let _ = engine.push_jsonl(&bytes, ParseOptions::default());
    } else if mode == "borrowed" {
        engine.extend(&borrowed);
    } else {
        engine.extend(&events);
    }
    let t1 = Instant::now();
    let view = engine.view();
    let t2 = Instant::now();
    let table = view.table(&Indicator::catalogue(), &years(2015, 2020), as_of);
    let t3 = Instant::now();
    let acc = view.accounting();
    let total = t3 - t0;
    println!(
        "mode={mode} events={input_events} bytes={} ingest={:.3}s view={:.3}s catalogue={:.3}s total={:.3}s \
         throughput={:.2}M events/s rows={} accepted={} rejected={} duplicates={} \
         engine_heap={:.0}MiB peak_rss={:.0}MiB input_peak_before_ingest={:.0}MiB",
        bytes.len(),
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        total.as_secs_f64(),
        input_events as f64 / total.as_secs_f64() / 1e6,
        table.rows.len(),
        acc.accepted,
        acc.rejected,
        acc.duplicates,
        engine.heap_bytes() as f64 / 1048576.0,
        peak_rss().unwrap_or(0) as f64 / 1048576.0,
        before as f64 / 1048576.0,
    );
}
