//! Assessment at scale: the Jeugdzorgplus contract on 10M events, and 1,000 contracts of
//! 20 results each on 1M events. The engine is built once; each iteration assesses with
//! a fresh `Assessor` (a cold cache), so every indicator value is computed again.

use benches::{contracts, stream};
use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use indicators::Engine;

fn jeugdzorgplus_on_10m(c: &mut Criterion) {
    let contract =
        targets::Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
    let mut engine = Engine::new();
    engine.extend(&stream(10_000_000));
    let view = engine.view();
    let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default();
    let mut group = c.benchmark_group("assess");
    group.sample_size(10);
    group.bench_function("jeugdzorgplus/10M events", |b| {
        b.iter(|| {
            assess::Assessor::new(&view)
                .assess(&contract, as_of)
                .map(|r| r.verdicts.len())
        })
    });
    group.finish();
}

fn many_contracts_on_1m(c: &mut Criterion) {
    let contracts = contracts(1000);
    assert_eq!(contracts.len(), 1000, "every generated contract is valid");
    let mut engine = Engine::new();
    engine.extend(&stream(1_000_000));
    let view = engine.view();
    let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default();
    let mut group = c.benchmark_group("assess");
    group.sample_size(10);
    group.throughput(Throughput::Elements(contracts.len() as u64));
    group.bench_function("1000 contracts x 20 results/1M events", |b| {
        b.iter(|| benches::assess_all(&view, &contracts, as_of))
    });
    group.finish();
}

criterion_group!(benches, jeugdzorgplus_on_10m, many_contracts_on_1m);
criterion_main!(benches);
