//! Loading: every problem, with its JSON path; nothing panics.

use serde_json::json;
use targets::{Contract, Error};

use crate::fixtures::{contract_with, load, merge, stepped};

fn paths(e: &Error) -> Vec<String> {
    e.problems()
        .iter()
        .map(|p| format!("{} :: {}", p.path, p.message))
        .collect()
}

#[test]
fn the_bundled_contract_loads_with_its_schedules() {
    let c = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
    assert_eq!(c.targets().count(), 15);
    assert_eq!(c.term().to_string(), "2019-01-01 to 2020-12-31");
    assert_eq!(c.max_term().to_string(), "2019-01-01 to 2022-12-31");
    // The tariff cap holds until 2021-01-01: calendar years 2019 and 2020.
    let tariff: Vec<String> = c
        .schedule("4-tariff")
        .iter()
        .filter_map(|s| s.period())
        .map(|p| p.to_string())
        .collect();
    assert_eq!(tariff, ["2019", "2020"]);
    // The bridging milestones are measured over the twelve months before each date.
    let bridging: Vec<String> = c
        .schedule("oos-bridging")
        .iter()
        .filter_map(|s| s.period())
        .map(|p| p.to_string())
        .collect();
    assert_eq!(bridging, ["2019", "2020"]);
    // The quarterly client report: one check per quarter of the term, due 30 days after.
    let reports: Vec<String> = c
        .schedule("quarterly-client-report")
        .iter()
        .filter_map(|s| match s {
            targets::ScheduleItem::Report { due, .. } => Some(due.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(reports.len(), 8);
    assert_eq!(reports[0], "2019-04-30");
    assert_eq!(reports[7], "2021-01-30");
}

#[test]
fn syntax_errors_name_line_and_column() {
    let e = Contract::from_json("{\n  \"id\": }").expect_err("invalid");
    assert_eq!(e.problems().len(), 1);
    assert_eq!(e.problems()[0].path, "$");
    assert!(
        e.problems()[0].message.contains("line 2, column 9"),
        "{:?}",
        paths(&e)
    );
}

#[test]
fn all_problems_of_a_document_are_reported_with_paths() {
    let mut doc = contract_with(stepped(json!({ "convention": "compounded" })));
    merge(
        &mut doc,
        json!({ "format_version": 3, "title": 5, "colour": "red" }),
    );
    doc["goals"][0]["results"]
        .as_array_mut()
        .expect("array")
        .push(json!({ "id": "u", "title": "x", "indicator": { "name": "inflow" }, "dimension": "per_region",
                      "rule": { "kind": "bound", "op": "<=", "bound": 5 } }));
    let e = load(&doc).expect_err("invalid");
    let p = paths(&e);
    assert!(
        p.iter()
            .any(|s| s.starts_with("$.format_version :: unsupported format version 3")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|s| s.starts_with("$.colour :: unknown field `colour`")),
        "{p:?}"
    );
    // The unknown field does not hide the next problem of the same object.
    assert!(
        p.iter()
            .any(|s| s.starts_with("$.title :: invalid type: integer `5`, expected a string")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|s| s
            .starts_with("$.goals[0].results[0].rule.convention :: unknown variant `compounded`")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|s| s.starts_with("$.goals[0].results[1].rule.bound :: invalid type")),
        "{p:?}"
    );
}

#[test]
fn semantic_problems_are_all_reported() {
    let mut doc = contract_with(stepped(json!({
        "unit": "percentage_points",
        "baseline": { "kind": "declared", "values": { "r1": "100", "r3": "80" } },
        "steps": [ { "period": { "kind": "quarter", "year": 2019, "quarter": 5 }, "change": "-5" } ]
    })));
    doc["goals"][0]["results"].as_array_mut().expect("array").push(json!({
        "id": "t", "title": "dup", "indicator": { "name": "custom", "indicator": "nope" }, "dimension": "overall",
        "rule": { "kind": "bound", "op": ">=", "bound": "1", "bounds": [ { "period": { "kind": "calendar_year", "year": 2019 }, "value": "1" } ] }
    }));
    let e = load(&doc).expect_err("invalid");
    let p = paths(&e);
    let expect = [
        "$.goals[0].results[1].id :: duplicate result id `t`",
        "$.goals[0].results[0].rule.unit :: percentage points apply to rates; `mean_stay_days` is not a rate",
        "$.goals[0].results[0].rule.unit :: percentage points add up; they cannot be compounded",
        "$.goals[0].results[0].rule.baseline.values.r3 :: `r3` is not a value of the dimension (expected one of: r1, r2)",
        "$.goals[0].results[0].rule.steps[0].change :: a step is a magnitude; give the direction in `direction`",
        "$.goals[0].results[0].rule.steps[0].period :: invalid period: quarter 5 is not between 1 and 4",
        "$.goals[0].results[1].indicator.indicator :: no custom indicator `nope` is defined",
        "$.goals[0].results[1].rule :: give either `bound` or `bounds`, not both",
    ];
    for x in expect {
        assert!(p.iter().any(|s| s == x), "missing {x:?} in {p:?}");
    }
    assert_eq!(p.len(), expect.len(), "{p:?}");
}

#[test]
fn a_deadline_must_judge_its_own_deliverable() {
    let doc = contract_with(json!({
        "id": "d", "title": "x", "indicator": { "name": "delivered_on", "deliverable": "a" }, "dimension": "overall",
        "rule": { "kind": "deadline", "deliverable": "b", "on_or_before": "2019-07-01" }
    }));
    let p = paths(&load(&doc).expect_err("invalid"));
    assert_eq!(
        p,
        ["$.goals[0].results[0].indicator :: a deadline judges `delivered_on` of `b`"]
    );
}

#[test]
fn consequences_must_name_existing_results() {
    let mut doc = contract_with(stepped(json!({})));
    merge(
        &mut doc,
        json!({ "consequences": [
            { "kind": "bonus_tranche", "id": "b", "title": "x", "phase": "1", "amount": "10.00", "decided_on": "2019-12-31",
              "condition": { "kind": "at_least", "met": 2, "results": { "ids": ["t", "zz"] } } }
        ]}),
    );
    let p = paths(&load(&doc).expect_err("invalid"));
    assert_eq!(
        p,
        ["$.consequences[0].condition.results.ids[1] :: no result has id `zz`"]
    );
}

#[test]
fn decimals_must_be_strings() {
    let doc = contract_with(stepped(json!({
        "steps": [ { "period": { "kind": "contract_year", "year": 1 }, "change": 5 } ]
    })));
    let p = paths(&load(&doc).expect_err("invalid"));
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("$.goals[0].results[0].rule.steps[0].change :: invalid type: integer `5`"),
        "{p:?}"
    );
}
