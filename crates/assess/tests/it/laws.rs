//! Laws of the assessment.

use std::collections::BTreeMap;

use assess::Status;
use chrono::{Days, NaiveDate};
use indicators::{Engine, ParseOptions};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use crate::fixtures::{contract, run};

fn measured_bound(op: &str, bound: Decimal) -> targets::Contract {
    contract(
        json!([{ "id": "m", "title": "Score", "dimension": "overall", "indicator": { "name": "measured", "metric": "score" },
                 "rule": { "kind": "bound", "op": op, "bound": bound.to_string(), "periods": { "each": "calendar_year" } } }]),
        json!({}),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A value exactly at the bound is met; the smallest step beyond it is not.
    #[test]
    fn a_verdict_never_turns_on_rounding(mantissa in -10_000_000_000i64..10_000_000_000, scale in 0u32..12) {
        let value = Decimal::new(mantissa, scale);
        let ev = format!("{{\"id\":\"m\",\"kind\":\"measurement\",\"date\":\"2019-05-01\",\"metric\":\"score\",\"value\":\"{value}\"}}\n");
        // The smallest step that still leaves the bound exactly representable.
        let tiny = Decimal::new(1, scale + 6);
        prop_assert_eq!((value - tiny) + tiny, value);
        let status = |op: &str, bound: Decimal| run(&measured_bound(op, bound), &ev, "2019-12-31").verdicts[0].status;
        prop_assert_eq!(status("<=", value), Status::Met);
        prop_assert_eq!(status(">=", value), Status::Met);
        prop_assert_eq!(status("<=", value - tiny), Status::NotMet);
        prop_assert_eq!(status(">=", value + tiny), Status::NotMet);
    }
}

fn bundled_engine() -> Engine {
    let mut e = Engine::new();
    let _ = e.push_jsonl(
        samples::streams::JEUGDZORGPLUS_SAMPLE.as_bytes(),
        ParseOptions::default(),
    );
    e
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Moving the as-of date forward never turns a decided verdict back into pending.
    #[test]
    fn decided_verdicts_stay_decided(a in 0u64..1200, gap in 1u64..400) {
        let c = targets::Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
        let e = bundled_engine();
        let view = e.view();
        let start = NaiveDate::from_ymd_opt(2018, 6, 1).unwrap_or_default();
        let d1 = start.checked_add_days(Days::new(a)).unwrap_or(start);
        let d2 = d1.checked_add_days(Days::new(gap)).unwrap_or(d1);
        let key = |v: &assess::Verdict| (v.result.clone(), v.dimension.clone(), format!("{:?}", v.check), v.period.as_ref().map(|p| p.label.clone()));
        let r1 = assess::assess(&c, &view, d1).expect("assessable");
        let r2 = assess::assess(&c, &view, d2).expect("assessable");
        let later: BTreeMap<_, Status> = r2.verdicts.iter().map(|v| (key(v), v.status)).collect();
        for v in r1.verdicts.iter().filter(|v| v.status.is_decided()) {
            prop_assert_ne!(later.get(&key(v)).copied(), Some(Status::Pending), "{:?} at {} then {}", key(v), d1, d2);
        }
    }

    /// The same events in another order give the same report.
    #[test]
    fn assessment_is_deterministic_and_order_independent(seed in any::<u64>(), day in 0u64..900) {
        let c = targets::Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
        let mut lines: Vec<&str> = samples::streams::JEUGDZORGPLUS_SAMPLE.lines().collect();
        let mut s = seed | 1;
        for i in (1..lines.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            lines.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let shuffled = lines.join("\n");
        let mut e2 = Engine::new();
        let _ = e2.push_jsonl(shuffled.as_bytes(), ParseOptions::default());
        let as_of = NaiveDate::from_ymd_opt(2018, 9, 1).unwrap_or_default().checked_add_days(Days::new(day)).unwrap_or_default();
        let e1 = bundled_engine();
        let a = assess::assess(&c, &e1.view(), as_of).expect("assessable");
        let b = assess::assess(&c, &e2.view(), as_of).expect("assessable");
        let again = assess::assess(&c, &e1.view(), as_of).expect("assessable");
        // Rejections of malformed lines carry line numbers; everything else must match.
        prop_assert_eq!(&a.verdicts, &b.verdicts);
        prop_assert_eq!(&a.consequences, &b.consequences);
        prop_assert_eq!(&a, &again);
    }
}

/// The bundled sample split at `d`: the lines dated on or before it without retractions,
/// and the others (later lines, retractions included).
fn split(d: NaiveDate) -> (Vec<String>, Vec<String>) {
    let mut known = Vec::new();
    let mut later = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for line in samples::streams::JEUGDZORGPLUS_SAMPLE.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let date = v["date"].as_str().and_then(|s| s.parse::<NaiveDate>().ok());
        let retraction = v["kind"] == "retraction";
        match date {
            Some(x) if x <= d && !retraction => {
                ids.insert(v["id"].to_string());
                known.push(line.to_owned());
            }
            Some(x) if x > d => later.push((v["id"].to_string(), line.to_owned())),
            _ => {}
        }
    }
    // A second version of an id known by D is a conflict, which rejects every version
    // whatever its date (semantics §2): not what these laws are about.
    let later = later
        .into_iter()
        .filter(|(id, _)| !ids.contains(id))
        .map(|(_, l)| l)
        .collect();
    (known, later)
}

/// Retractions dated after `d`, of about one in `every` of `known`, with fresh ids.
fn late_retractions(known: &[String], d: NaiveDate, seed: u64, every: u64) -> Vec<String> {
    let mut s = seed | 1;
    let mut out = Vec::new();
    for (i, line) in known.iter().enumerate() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        if s % every != 0 {
            continue;
        }
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let date = d.checked_add_days(Days::new(1 + s % 300)).unwrap_or(d);
        out.push(
            json!({ "id": format!("late-{i}"), "kind": "retraction", "date": date.to_string(), "target": v["id"] })
                .to_string(),
        );
    }
    out
}

fn assess_lines(lines: &[String], as_of: NaiveDate) -> assess::Report {
    let c = targets::Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
    let mut e = Engine::new();
    let _ = e.push_jsonl(lines.join("\n").as_bytes(), ParseOptions::default());
    assess::assess(&c, &e.view(), as_of).expect("assessable")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// An assessment as of D is the same whatever arrives dated after D, corrections of
    /// earlier events included: a report as of D can be reproduced at any later time.
    #[test]
    fn events_dated_after_the_as_of_day_change_nothing_as_of_it(day in 0u64..1300, seed in any::<u64>()) {
        let d = NaiveDate::from_ymd_opt(2018, 3, 1).unwrap_or_default().checked_add_days(Days::new(day)).unwrap_or_default();
        let (known, later) = split(d);
        let mut everything = known.clone();
        everything.extend(later);
        everything.extend(late_retractions(&known, d, seed, 7));
        let a = assess_lines(&known, d);
        let b = assess_lines(&everything, d);
        prop_assert_eq!(&a.verdicts, &b.verdicts);
        prop_assert_eq!(&a.consequences, &b.consequences);
        prop_assert_eq!(&a.summary, &b.summary);
    }

    /// Events dated after D never change a verdict decided as of D, unless they are
    /// corrections; and every change corrections make is reported as a restatement
    /// that says what the verdict was.
    #[test]
    fn only_corrections_change_a_decided_verdict_and_they_say_so(day in 300u64..1100, gap in 1u64..500, seed in any::<u64>()) {
        let d1 = NaiveDate::from_ymd_opt(2018, 3, 1).unwrap_or_default().checked_add_days(Days::new(day)).unwrap_or_default();
        let d2 = d1.checked_add_days(Days::new(gap)).unwrap_or(d1);
        let (known, later) = split(d1);
        let first = assess_lines(&known, d1);
        let key = |v: &assess::Verdict| (v.result.clone(), v.dimension.clone(), format!("{:?}", v.check), v.period.as_ref().map(|p| p.label.clone()));
        // Later events without corrections: every decided verdict stays as it was.
        let plain: Vec<String> = later.iter().filter(|l| !l.contains("\"retraction\"")).cloned().collect();
        let mut more = known.clone();
        more.extend(plain);
        let second = assess_lines(&more, d2);
        let then: BTreeMap<_, _> = second.verdicts.iter().map(|v| (key(v), v)).collect();
        for v in first.verdicts.iter().filter(|v| v.status.is_decided()) {
            let now = then.get(&key(v)).map(|w| w.status);
            prop_assert_eq!(now, Some(v.status), "{:?} as of {} then {}", key(v), d1, d2);
        }
        // With corrections: a verdict decided by its due date that changes says so.
        let mut corrected = more.clone();
        corrected.extend(late_retractions(&known, d1, seed, 5));
        let third = assess_lines(&corrected, d2);
        let then: BTreeMap<_, _> = third.verdicts.iter().map(|v| (key(v), v)).collect();
        for v in first.verdicts.iter().filter(|v| v.status.is_decided() && !v.early) {
            let Some(w) = then.get(&key(v)) else { continue };
            if w.status != v.status {
                let r = w.restated.as_ref();
                prop_assert!(r.is_some(), "{:?} changed from {} to {} without a restatement", key(v), v.status, w.status);
                prop_assert_eq!(r.map(|r| r.status), Some(v.status));
            }
        }
    }
}

/// One assessor shared by threads gives each thread what an assessor of its own gives:
/// every bundled contract against one view holding all the sample streams, assessed by
/// two threads at once in opposite orders and at several dates, equals each assessed
/// alone.
#[test]
fn an_assessor_shared_by_threads_assesses_as_one_of_its_own() {
    fn shareable<T: Send + Sync>(_: &T) {}
    let mut engine = Engine::new().with_threads(2);
    for s in samples::streams::ALL {
        let _ = engine.push_jsonl(s.jsonl.as_bytes(), ParseOptions::default());
    }
    let view = engine.view();
    let contracts: Vec<targets::Contract> = samples::contracts::ALL
        .iter()
        .map(|(_, text)| targets::Contract::from_json(text).expect("valid"))
        .collect();
    let dates = ["2019-06-30", "2020-12-31", "2021-12-31"]
        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date"));
    let jobs: Vec<(usize, NaiveDate)> = (0..contracts.len())
        .flat_map(|c| dates.iter().map(move |d| (c, *d)))
        .collect();
    let shared = assess::Assessor::new(&view);
    shareable(&shared);
    let run = |order: Vec<(usize, NaiveDate)>| {
        order
            .into_iter()
            .map(|(c, d)| ((c, d), shared.assess(&contracts[c], d).expect("assessable")))
            .collect::<BTreeMap<_, _>>()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| run(jobs.clone()));
        let b = s.spawn(|| run(jobs.iter().rev().copied().collect()));
        (a.join().expect("no panic"), b.join().expect("no panic"))
    });
    for (c, d) in &jobs {
        let alone = assess::assess(&contracts[*c], &view, *d).expect("assessable");
        assert!(!alone.verdicts.is_empty());
        assert_eq!(a[&(*c, *d)], alone, "contract {c} as of {d}");
        assert_eq!(
            b[&(*c, *d)],
            alone,
            "contract {c} as of {d}, the other thread"
        );
    }
}
