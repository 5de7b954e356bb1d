//! The lint: each finding on a fixture that shows it, and the bundled contract.

use serde_json::{Value, json};
use targets::{Contract, Severity, lint};

use crate::fixtures::{contract_with, load, merge, stepped};

fn codes(doc: &Value) -> Vec<(String, Severity, String)> {
    let c = load(doc).expect("valid");
    lint::lint(&c)
        .into_iter()
        .map(|f| (f.code, f.severity, f.path))
        .collect()
}

fn messages(doc: &Value) -> Vec<String> {
    let c = load(doc).expect("valid");
    lint::lint(&c).into_iter().map(|f| f.message).collect()
}

#[test]
fn the_bundled_contract_has_exactly_the_documents_defects() {
    let c = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
    let f = lint::lint(&c);
    // 2a: "5 % and 5 % is a total fall of at least 9.25 %" matches neither reading.
    let mean = f
        .iter()
        .find(|x| x.path == "$.goals[1].results[0].rule.stated_total")
        .expect("2a");
    assert_eq!(
        (mean.code.as_str(), mean.severity),
        ("stated_total_mismatch", Severity::Error)
    );
    assert!(
        mean.message
            .contains("9.25 % matches no convention: compound gives 9.75 %, additive gives 10 %")
    );
    // Located by goal and result as well as by path, and said in Dutch too.
    assert_eq!(
        (mean.goal.as_deref(), mean.result.as_deref()),
        (Some("2"), Some("2a-mean-stay"))
    );
    assert!(
        mean.message_nl.contains(
            "(daling 9,25 %) klopt met geen enkele lezing: samengesteld geeft 9,75 %, opgeteld 10 %"
        ),
        "{}",
        mean.message_nl
    );
    // 2b: "5 % and 10 % is 15 %" is additive, while the steps are compound (14.5 %).
    let long = f
        .iter()
        .find(|x| x.path == "$.goals[1].results[1].rule.stated_total")
        .expect("2b");
    assert_eq!(
        (long.code.as_str(), long.severity),
        ("stated_total_other_convention", Severity::Warning)
    );
    assert!(long.message.contains(
        "15 % matches the additive total, but the steps are declared compound (total 14.5 %)"
    ));
    // Inflow: "5 % and 5 % is 10 %" is additive too (compound 9.75 %).
    let inflow = f
        .iter()
        .find(|x| x.path == "$.goals[9].results[2].rule.stated_total")
        .expect("inflow");
    assert_eq!(inflow.code, "stated_total_other_convention");
    assert!(inflow.message.contains(
        "10 % matches the additive total, but the steps are declared compound (total 9.75 %)"
    ));
    // 2b does not say relative or percentage points.
    assert!(
        f.iter()
            .any(|x| x.code == "rate_step_without_unit" && x.path == "$.goals[1].results[1].rule")
    );
    // The regions' driver and the innovation proposal are due before the contract starts.
    for due in ["2018-09-01", "2018-10-01"] {
        assert!(
            f.iter()
                .any(|x| x.code == "date_outside_term" && x.message.contains(due)),
            "{due}"
        );
    }
    assert_eq!(f.len(), 6);
}

#[test]
fn lint_report_of_the_bundled_contract() {
    let c = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
    insta::assert_snapshot!("lint_jeugdzorgplus_nhn", lint::render_text(&lint::lint(&c)));
    insta::assert_json_snapshot!("lint_jeugdzorgplus_nhn_json", lint::lint(&c));
}

#[test]
fn a_rate_step_without_unit_is_flagged_and_an_explicit_unit_is_not() {
    let rate = |unit: Option<&str>| {
        let mut r = stepped(
            json!({ "baseline": { "kind": "declared", "values": { "r1": "20", "r2": "30" } } }),
        );
        r["indicator"] = json!({ "name": "share_stays_over_30_weeks" });
        if let Some(u) = unit {
            r["rule"]["unit"] = json!(u);
        }
        contract_with(r)
    };
    assert_eq!(
        codes(&rate(None)),
        [(
            "rate_step_without_unit".to_owned(),
            Severity::Warning,
            "$.goals[0].results[0].rule".to_owned()
        )]
    );
    assert!(codes(&rate(Some("relative"))).is_empty());
    let mut pp = rate(Some("percentage_points"));
    pp["goals"][0]["results"][0]["rule"]["convention"] = json!("additive");
    assert!(codes(&pp).is_empty());
    // A count is not a rate: no unit needed.
    assert!(codes(&contract_with(stepped(json!({})))).is_empty());
}

#[test]
fn stated_totals_against_each_convention() {
    let with_total = |conv: &str, total: &str| {
        contract_with(stepped(json!({
            "convention": conv, "stated_total": { "value": total, "binding": false }
        })))
    };
    assert!(codes(&with_total("compound", "9.75")).is_empty());
    assert!(codes(&with_total("additive", "10")).is_empty());
    assert!(codes(&with_total("year_over_year", "9.75")).is_empty());
    assert_eq!(
        codes(&with_total("additive", "9.75"))[0].0,
        "stated_total_other_convention"
    );
    assert_eq!(
        messages(&with_total("additive", "9.75")),
        [
            "stated total fall 9.75 % matches the compound total, but the steps are declared additive (total 10 %); compound gives 9.75 %, additive gives 10 %"
        ]
    );
    assert_eq!(codes(&with_total("compound", "9.25"))[0].1, Severity::Error);
}

#[test]
fn a_decrease_of_100_percent_or_more() {
    let one = contract_with(stepped(
        json!({ "steps": [ { "period": { "kind": "contract_year", "year": 1 }, "change": "100" } ] }),
    ));
    assert_eq!(
        messages(&one),
        ["a fall of 100 % leaves nothing; no value can meet it except zero or below"]
    );
    let sum = contract_with(stepped(json!({ "convention": "additive", "steps": [
        { "period": { "kind": "contract_year", "year": 1 }, "change": "60" },
        { "period": { "kind": "contract_year", "year": 2 }, "change": "40" } ] })));
    assert_eq!(
        messages(&sum),
        ["the steps add up to a fall of 100 %; read additively they leave nothing"]
    );
    let fine = contract_with(stepped(json!({ "steps": [
        { "period": { "kind": "contract_year", "year": 1 }, "change": "60" },
        { "period": { "kind": "contract_year", "year": 2 }, "change": "39.99" } ] })));
    assert!(codes(&fine).is_empty());
}

#[test]
fn step_periods_overlap_gap_and_order() {
    let steps = |a: Value, b: Value| {
        contract_with(stepped(json!({ "steps": [
        { "period": a, "change": "5" }, { "period": b, "change": "5" } ] })))
    };
    let y = |year: i32| json!({ "kind": "calendar_year", "year": year });
    let overlap = steps(
        y(2019),
        json!({ "kind": "quarter", "year": 2019, "quarter": 4 }),
    );
    assert_eq!(
        messages(&overlap),
        ["step period 2019-10-01 to 2019-12-31 overlaps step period 2019"]
    );
    let gap = steps(
        y(2019),
        json!({ "kind": "range", "start": "2020-02-01", "end": "2021-01-01" }),
    );
    assert_eq!(
        messages(&gap),
        ["no step covers 2020-01-01 to 2020-01-31 between 2019 and 2020-02-01 to 2020-12-31"]
    );
    let order = steps(y(2020), y(2019));
    assert_eq!(codes(&order)[0].0, "steps_out_of_order");
}

#[test]
fn dates_outside_the_term_and_windows_before_the_start() {
    let late = contract_with(json!({
        "id": "d", "title": "x", "indicator": { "name": "delivered_on", "deliverable": "a" }, "dimension": "overall",
        "rule": { "kind": "deadline", "deliverable": "a", "on_or_before": "2022-01-01" } }));
    // The longest term is three years: 2019 to 2021; 2022-01-01 is its first day after.
    assert_eq!(
        messages(&late),
        ["deadline 2022-01-01 lies outside the longest possible term 2019-01-01 to 2021-12-31"]
    );
    let ok = contract_with(json!({
        "id": "d", "title": "x", "indicator": { "name": "delivered_on", "deliverable": "a" }, "dimension": "overall",
        "rule": { "kind": "deadline", "deliverable": "a", "on_or_before": "2021-12-31" } }));
    assert!(codes(&ok).is_empty());
    let window = contract_with(json!({
        "id": "b", "title": "x", "indicator": { "name": "max_tariff" }, "dimension": "overall",
        "rule": { "kind": "bound", "op": "<=", "bound": "423", "valid_until": "2019-01-01" } }));
    assert_eq!(codes(&window)[0].0, "window_ends_before_start");
    assert_eq!(codes(&window)[0].1, Severity::Error);
}

#[test]
fn contradicting_targets() {
    let bound = |id: &str, op: &str, b: &str| {
        json!({
        "id": id, "title": "x", "indicator": { "name": "recidivism_rate" }, "dimension": "per_region",
        "rule": { "kind": "bound", "op": op, "bound": b } })
    };
    let mut doc = contract_with(bound("cap", "<=", "10"));
    doc["goals"][0]["results"]
        .as_array_mut()
        .expect("array")
        .push(bound("floor", ">=", "12"));
    assert_eq!(
        messages(&doc),
        [
            "result `floor` contradicts result `cap` ($.goals[0].results[0]): in 2019 the value must be <= 10 and >= 12"
        ]
    );
    let mut touching = contract_with(bound("cap", "<=", "10"));
    touching["goals"][0]["results"]
        .as_array_mut()
        .expect("array")
        .push(bound("floor", ">=", "10"));
    assert!(codes(&touching).is_empty());
    let mut strict = contract_with(bound("cap", "<", "10"));
    strict["goals"][0]["results"]
        .as_array_mut()
        .expect("array")
        .push(bound("floor", ">=", "10"));
    assert_eq!(codes(&strict)[0].0, "contradicting_targets");

    let mut dirs = contract_with(stepped(json!({})));
    let mut up = stepped(json!({ "direction": "increase" }));
    up["id"] = json!("up");
    dirs["goals"][0]["results"]
        .as_array_mut()
        .expect("array")
        .push(up);
    assert_eq!(codes(&dirs)[0].0, "contradicting_targets");
}

#[test]
fn milestones_missing_baselines_and_out_of_scope_consequences() {
    let doc = contract_with(json!({
        "id": "m", "title": "x", "indicator": { "name": "bridging_days" }, "dimension": "per_region",
        "rule": { "kind": "milestone", "direction": "decrease", "unit": "relative",
                  "baseline": { "kind": "declared", "values": { "r1": "400" } },
                  "points": [ { "by": "2020-01-01", "change": "30" }, { "by": "2021-01-01", "change": "20" } ] } }));
    assert_eq!(
        messages(&doc),
        [
            "no baseline value for `r2`; its verdicts will be insufficient data",
            "the milestone of 2021-01-01 asks 20 % but the earlier one of 2020-01-01 asked 30 %"
        ]
    );
    let mut oos = contract_with(stepped(json!({})));
    oos["goals"][0]["scope"] = json!("out_of_scope");
    merge(
        &mut oos,
        json!({ "consequences": [ { "kind": "escalation", "id": "e", "title": "x", "from": "2020-01-01",
        "condition": { "kind": "any_not_met", "results": { "ids": ["t"] } }, "action": "talk" } ] }),
    );
    assert_eq!(codes(&oos)[0].0, "consequence_on_out_of_scope");
}
