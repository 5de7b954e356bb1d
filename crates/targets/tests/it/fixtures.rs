//! Small contracts built around one result.

use serde_json::{Value, json};
use targets::Contract;

/// A two-region contract from 2019 for two years, one optional extension, with `result`
/// as its only result under an in-scope goal.
pub(crate) fn contract_with(result: Value) -> Value {
    json!({
        "format_version": 1,
        "id": "fixture",
        "title": "Fixture",
        "client": "region",
        "contractor": "p1",
        "start": "2019-01-01",
        "initial_term_years": 2,
        "extension": { "times": 1, "years_each": 1 },
        "regions": [ { "id": "r1", "name": "Region one" }, { "id": "r2", "name": "Region two" } ],
        "baseline_period": { "kind": "calendar_year", "year": 2017 },
        "providers": [ { "id": "p1", "facts": { "contract_value": "250000.00" } } ],
        "goals": [ { "id": "g", "title": "Goal", "scope": "in_scope", "results": [ result ] } ]
    })
}

/// A stepped change of the mean stay, per region, with the given rule fields merged in.
pub(crate) fn stepped(extra: Value) -> Value {
    let mut rule = json!({
        "kind": "stepped_change",
        "direction": "decrease",
        "convention": "compound",
        "baseline": { "kind": "declared", "values": { "r1": "100", "r2": "80" } },
        "steps": [
            { "period": { "kind": "contract_year", "year": 1 }, "change": "5" },
            { "period": { "kind": "contract_year", "year": 2 }, "change": "5" }
        ]
    });
    merge(&mut rule, extra);
    json!({
        "id": "t",
        "title": "Mean stay",
        "indicator": { "name": "mean_stay_days" },
        "dimension": "per_region",
        "rule": rule
    })
}

pub(crate) fn merge(into: &mut Value, extra: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, extra) {
        for (k, v) in b {
            a.insert(k, v);
        }
    }
}

pub(crate) fn load(v: &Value) -> Result<Contract, targets::Error> {
    Contract::from_json(&v.to_string())
}
