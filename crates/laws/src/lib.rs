//! The laws the fuzz targets in `fuzz/` check on arbitrary input, as plain functions, so
//! that `cargo test` on stable replays every input the fuzzers kept (`tests/replay.rs`).
//!
//! Each function panics when a law does not hold; that is how a fuzzer reports it. They
//! are not for use outside the fuzz targets and their replay.

#![allow(clippy::unwrap_used)]

use chrono::{Days, NaiveDate};
use indicators::{Engine, Indicator, ParseOptions, Span};
use targets::Contract;

/// Contract loading and the lint: arbitrary text never panics, and a contract that loads
/// round-trips through its JSON and lints the same way again.
pub fn contract(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(c) = Contract::from_json(text) else {
        return;
    };
    let findings = targets::lint::lint(&c);
    let again = Contract::from_json(&c.to_json()).expect("a loaded contract loads again");
    assert_eq!(c.doc(), again.doc(), "the contract round-trips");
    assert_eq!(
        findings,
        targets::lint::lint(&again),
        "the lint is the same"
    );
}

/// One event line: parsing never panics, and an event that parses writes a line that
/// parses to the same event.
pub fn line(data: &[u8]) {
    let options = ParseOptions::default();
    if let Ok(Some(e)) = indicators::parse_line(data, options) {
        let json = e.to_json();
        let back = indicators::parse_line(json.as_bytes(), options)
            .expect("an event's own line parses")
            .expect("and is an event");
        assert_eq!(e.to_owned_event(), back.to_owned_event(), "{json}");
    }
}

/// A whole stream and its assessment: nothing is lost (`read = accepted + duplicates +
/// rejected + ignored`), the lines in reverse order and the stream pushed in two halves
/// give the same table and the same report, and assessing never panics.
pub fn stream(data: &[u8]) {
    let options = ParseOptions::default();
    let lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
    let batch = |parts: &[Vec<u8>]| {
        let mut e = Engine::new();
        for p in parts {
            let _ = e.push_jsonl(p, options);
            // Querying in between must not change the end result.
            let _ = e.view().counts();
        }
        e
    };
    let join = |ls: &[&[u8]]| ls.join(&b'\n');
    let one = batch(&[data.to_vec()]);
    let mut reversed: Vec<&[u8]> = lines.clone();
    reversed.reverse();
    let mut other = batch(&[join(&reversed)]);
    let half = lines.len() / 2;
    let mut halves = batch(&[join(&lines[..half]), join(&lines[half..])]);

    let view = one.view();
    let acc = view.accounting();
    assert_eq!(
        acc.read,
        acc.accepted + acc.duplicates + acc.rejected + acc.ignored,
        "nothing is lost"
    );
    // An as-of date from the input, so that the fuzzer explores dates too.
    let pick = data.first().copied().unwrap_or(0);
    let as_of = NaiveDate::from_ymd_opt(2018, 1, 1)
        .unwrap()
        .checked_add_days(Days::new(u64::from(pick) * 11))
        .unwrap();
    let years: Vec<Span> = (2017..=2021)
        .filter_map(|y| Span::calendar_year(y).ok())
        .collect();
    let inds = Indicator::catalogue();
    let table = serde_json::to_string(&view.table(&inds, &years, as_of)).unwrap();
    for e in [&mut other, &mut halves] {
        let v = e.view();
        let t = serde_json::to_string(&v.table(&inds, &years, as_of)).unwrap();
        assert_eq!(table, t, "the same table whatever the order or the batches");
    }
    let contract = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).unwrap();
    let report = assess::assess(&contract, &view, as_of).unwrap();
    let other_report = assess::assess(&contract, &other.view(), as_of).unwrap();
    assert_eq!(
        serde_json::to_string(&report.verdicts).unwrap(),
        serde_json::to_string(&other_report.verdicts).unwrap(),
        "the same verdicts whatever the order"
    );
    let _ = assess::markdown::render(&report, assess::Lang::Nl);
}
