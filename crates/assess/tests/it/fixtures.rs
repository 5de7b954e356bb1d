//! Small contracts and streams.

use assess::{Report, Verdict};
use chrono::NaiveDate;
use indicators::{Engine, ParseOptions};
use serde_json::{Value, json};
use targets::Contract;

pub(crate) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

/// A contract from 2019 for two years, regions r1 and r2, providers p1 (the contractor)
/// and p2, with `results` under one in-scope goal and `extra` merged in at the top.
pub(crate) fn contract(results: Value, extra: Value) -> Contract {
    let mut doc = json!({
        "format_version": 1,
        "id": "fixture",
        "title": "Fixture",
        "client": "region",
        "contractor": "p1",
        "start": "2019-01-01",
        "initial_term_years": 2,
        "regions": [ { "id": "r1", "name": "One" }, { "id": "r2", "name": "Two" } ],
        "baseline_period": { "kind": "calendar_year", "year": 2018 },
        "providers": [
            { "id": "p1", "facts": { "contract_value": "200000.00" } },
            { "id": "p2", "facts": { "contract_value": "200000.01" } }
        ],
        "goals": [ { "id": "g", "title": "Goal", "scope": "in_scope", "results": results } ]
    });
    if let (Value::Object(a), Value::Object(b)) = (&mut doc, extra) {
        a.extend(b);
    }
    Contract::from_json(&doc.to_string()).expect("a valid fixture contract")
}

/// Assesses `contract` on JSON Lines `events` as of `as_of`.
pub(crate) fn run(contract: &Contract, events: &str, as_of: &str) -> Report {
    let mut e = Engine::new();
    let summary = e.push_jsonl(events.as_bytes(), ParseOptions::default());
    assert_eq!(summary.malformed, 0, "fixture events are valid");
    assess::assess(contract, &e.view(), d(as_of)).expect("assessable")
}

/// `(dimension, period label or due, status, early)` of every verdict.
pub(crate) fn states(r: &Report) -> Vec<(String, String, String, bool)> {
    r.verdicts
        .iter()
        .map(|v| {
            let when = v
                .period
                .as_ref()
                .map(|p| p.label.clone())
                .unwrap_or_else(|| {
                    v.required
                        .as_ref()
                        .and_then(|q| q.due)
                        .map(|x| x.to_string())
                        .unwrap_or_default()
                });
            (v.dimension.clone(), when, v.status.to_string(), v.early)
        })
        .collect()
}

pub(crate) fn one<'r>(r: &'r Report, dimension: &str, label: &str) -> &'r Verdict {
    r.verdicts
        .iter()
        .find(|v| v.dimension == dimension && v.period.as_ref().is_some_and(|p| p.label == label))
        .expect("the verdict exists")
}

/// A stay in region `region` from `from` to `to` (or open), JSON Lines.
pub(crate) fn stay(client: &str, region: &str, from: &str, to: Option<&str>) -> String {
    let mut s = format!(
        "{{\"id\":\"{client}-a-{from}\",\"kind\":\"admission\",\"date\":\"{from}\",\"client\":\"{client}\",\"region\":\"{region}\"}}\n"
    );
    if let Some(to) = to {
        s.push_str(&format!(
            "{{\"id\":\"{client}-d-{to}\",\"kind\":\"discharge\",\"date\":\"{to}\",\"client\":\"{client}\"}}\n"
        ));
    }
    s
}

/// Mean stay per region, year over year: 5 % in contract year one and 10 % in year two,
/// with a declared baseline of 100 for r1 only.
pub(crate) fn year_over_year_mean_stay() -> Contract {
    let results = json!([{ "id": "s", "title": "Mean stay", "indicator": { "name": "mean_stay_days" }, "dimension": "per_region",
        "rule": { "kind": "stepped_change", "direction": "decrease", "convention": "year_over_year",
                  "baseline": { "kind": "declared", "values": { "r1": "100" } },
                  "steps": [ { "period": { "kind": "contract_year", "year": 1 }, "change": "5" },
                             { "period": { "kind": "contract_year", "year": 2 }, "change": "10" } ] } }]);
    contract(results, json!({}))
}
