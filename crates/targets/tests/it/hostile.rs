//! Hostile contracts: arithmetic that cannot be done exactly is reported, never
//! clamped; limits are errors at the limit; the lint stays fast on large contracts.

use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use serde_json::{Value, json};
use targets::change::{Direction, equal_step_for_total};
use targets::model::{Condition, ContractDoc, FactOp};
use targets::num::{Percent, Ratio};
use targets::period::Period;
use targets::{Contract, MAX_NESTING, Severity, lint};

use crate::fixtures::{contract_with, load, stepped};

fn codes(doc: &Value) -> Vec<(String, Severity)> {
    let c = load(doc).expect("valid");
    lint::lint(&c)
        .into_iter()
        .map(|f| (f.code, f.severity))
        .collect()
}

#[test]
fn steps_whose_totals_do_not_fit_are_reported() {
    // One step of the largest decimal, as a percent.
    let huge = stepped(json!({ "steps": [
        { "period": { "kind": "contract_year", "year": 1 }, "change": "79228162514264337593543950335" } ] }));
    let found = codes(&contract_with(huge));
    assert_eq!(
        found,
        [("decrease_of_100_percent".to_owned(), Severity::Error)],
        "it was lint clean"
    );
    // Fifty steps of 99.9999999999 %: their compound product needs more digits than a
    // decimal has.
    let steps: Vec<Value> = (0..50)
        .map(|_| json!({ "period": { "kind": "contract_year", "year": 1 }, "change": "99.9999999999" }))
        .collect();
    let many = stepped(json!({ "steps": steps }));
    let found = codes(&contract_with(many));
    assert!(
        found.contains(&("arithmetic_not_exact".to_owned(), Severity::Error)),
        "{found:?}"
    );
}

#[test]
fn the_equal_step_is_right_with_many_decimals() {
    // 10 % over one step is 10 %, whatever the grid; at 20 to 26 decimals the grid
    // overflowed a u64 and gave a wrong answer.
    for decimals in 0..=26 {
        let p = equal_step_for_total(Direction::Decrease, Percent::from_int(10), 1, decimals)
            .expect("one step of 10 %");
        assert_eq!(p, Percent::from_int(10), "{decimals} decimals");
    }
}

#[test]
fn a_contract_year_beyond_the_calendar_is_an_error() {
    let start = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("date");
    assert!(Period::contract_year(start, u32::MAX).is_err());
    assert!(Period::contract_year(start, 400_000_000).is_err());
    assert!(Period::contract_year(start, 2).is_ok());
}

#[test]
fn comparisons_beyond_a_decimal_are_decided() {
    let big = Ratio::new(Decimal::MAX, Decimal::new(7, 0)).expect("ratio");
    let small = Ratio::new(Decimal::new(-1, 0), Decimal::MAX).expect("ratio");
    assert_eq!(
        big.cmp_exact(&small).expect("decided"),
        std::cmp::Ordering::Greater
    );
    let a = Ratio::new(Decimal::MAX, Decimal::new(3, 0)).expect("ratio");
    let b = Ratio::new(Decimal::MAX - Decimal::ONE, Decimal::new(3, 0)).expect("ratio");
    assert_eq!(
        a.cmp_exact(&b).expect("decided"),
        std::cmp::Ordering::Greater
    );
    assert_eq!(a.cmp_exact(&a).expect("decided"), std::cmp::Ordering::Equal);
}

fn nested(depth: usize) -> Condition {
    let mut c = Condition::Fact {
        fact: "contract_value".into(),
        op: FactOp::Gt,
        value: Decimal::ZERO,
    };
    for _ in 1..depth {
        c = Condition::Not { of: Box::new(c) };
    }
    c
}

fn doc_with_condition(depth: usize) -> ContractDoc {
    let mut result = json!({ "id": "t", "title": "T", "indicator": { "name": "inflow" }, "dimension": "overall",
        "rule": { "kind": "bound", "op": "<=", "bound": "5", "periods": { "each": "calendar_year" } } });
    if let Value::Object(m) = &mut result {
        m.insert(
            "applies_to".into(),
            json!({ "kind": "fact", "fact": "contract_value", "op": ">", "value": "0" }),
        );
    }
    let c = load(&contract_with(result)).expect("valid");
    let mut doc = c.doc().clone();
    doc.goals[0].results[0].applies_to = Some(nested(depth));
    doc
}

#[test]
fn conditions_nest_at_most_the_limit_through_the_api_and_through_json() {
    let ok = Contract::from_doc(doc_with_condition(MAX_NESTING)).expect("at the limit");
    // What loads, saves and loads again.
    assert!(Contract::from_json(&ok.to_json()).is_ok());
    for depth in [MAX_NESTING + 1, 10_000] {
        let err = Contract::from_doc(doc_with_condition(depth)).expect_err("too deep");
        let text = err.to_string();
        assert!(text.contains("$.goals[0].results[0].applies_to"), "{text}");
        assert!(
            text.contains(&format!("nests {depth} levels deep")),
            "{text}"
        );
    }
    // The same document as JSON is refused with the same message.
    let json = serde_json::to_string(&doc_with_condition(MAX_NESTING + 1)).expect("json");
    let err = Contract::from_json(&json).expect_err("too deep");
    assert!(err.to_string().contains("nests 33 levels deep"), "{err}");
}

#[test]
fn the_contradiction_check_is_fast_on_ten_thousand_results() {
    // Alternating caps and floors on one indicator, each pair contradicting.
    let results: Vec<Value> = (0..10_000)
        .map(|i| {
            let (op, bound) = if i % 2 == 0 { ("<=", "10") } else { (">=", "12") };
            json!({ "id": format!("r{i}"), "title": "R", "indicator": { "name": "inflow" }, "dimension": "overall",
                    "rule": { "kind": "bound", "op": op, "bound": bound, "periods": { "each": "calendar_year" } } })
        })
        .collect();
    let mut doc = contract_with(results[0].clone());
    doc["goals"][0]["results"] = Value::Array(results);
    let c = load(&doc).expect("valid");
    let t = Instant::now();
    let findings = lint::lint(&c);
    let took = t.elapsed();
    assert!(took < Duration::from_secs(20), "the lint took {took:?}");
    // Every result after the first is reported once, against the first it contradicts.
    let contradictions: Vec<_> = findings
        .iter()
        .filter(|f| f.code == "contradicting_targets")
        .collect();
    assert_eq!(contradictions.len(), 9_999);
    assert!(
        contradictions[0]
            .message
            .starts_with("result `r1` contradicts result `r0`")
    );
}

#[test]
fn more_results_than_the_limit_is_an_error() {
    let results: Vec<Value> = (0..=targets::MAX_RESULTS)
        .map(|i| json!({ "id": format!("r{i}"), "title": "R", "indicator": { "name": "inflow" }, "dimension": "overall",
                         "rule": { "kind": "bound", "op": "<=", "bound": "10", "periods": { "each": "calendar_year" } } }))
        .collect();
    let mut doc = contract_with(results[0].clone());
    doc["goals"][0]["results"] = Value::Array(results);
    let err = load(&doc).expect_err("too many");
    assert!(
        err.to_string().contains("10001 results; at most 10000"),
        "{err}"
    );
}
