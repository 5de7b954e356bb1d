//! Ingest plus the full catalogue of built-in indicators, per calendar year (2015 to
//! 2020) and per region, for 1M and 10M generated dirty events, from events in memory and
//! from JSON Lines bytes (on one thread, and on every core as the command reads).

use benches::{jsonl, stream, years};
use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use indicators::{Engine, Indicator, ParseOptions};

fn catalogue(engine: &mut Engine) -> usize {
    let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default();
    let view = engine.view();
    view.table(&Indicator::catalogue(), &years(2015, 2020), as_of)
        .rows
        .len()
}

fn ingest_and_catalogue(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingest_and_catalogue");
    group.sample_size(10);
    for n in [1_000_000usize, 10_000_000] {
        let events = stream(n);
        group.throughput(Throughput::Elements(events.len() as u64));
        // On one thread, and on every core as the command runs.
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        group.bench_function(format!("memory/{}M", n / 1_000_000), |b| {
            b.iter(|| {
                let mut e = Engine::new();
                e.extend(&events);
                catalogue(&mut e)
            })
        });
        group.bench_function(format!("memory/{}M/{cores} threads", n / 1_000_000), |b| {
            b.iter(|| {
                let mut e = Engine::new().with_threads(cores);
                e.extend(&events);
                catalogue(&mut e)
            })
        });
        let bytes = jsonl(&events);
        drop(events);
        group.bench_function(format!("jsonl/{}M", n / 1_000_000), |b| {
            b.iter(|| {
                let mut e = Engine::new();
                let _ = e.push_jsonl(&bytes, ParseOptions::default());
                catalogue(&mut e)
            })
        });
        group.bench_function(format!("jsonl/{}M/{cores} threads", n / 1_000_000), |b| {
            b.iter(|| {
                let mut e = Engine::new().with_threads(cores);
                let _ = e.push_jsonl(&bytes, ParseOptions::default());
                catalogue(&mut e)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, ingest_and_catalogue);
criterion_main!(benches);
