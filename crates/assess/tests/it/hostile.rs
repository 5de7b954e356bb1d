//! Hostile contracts and streams for the assessment: hand-computed regressions.

use assess::{ConsequenceStatus, Status};
use serde_json::json;

use crate::fixtures::{contract, one, run, stay};

fn line(v: serde_json::Value) -> String {
    format!("{v}\n")
}

#[test]
fn a_share_of_results_met_is_compared_exactly() {
    // 8 of 9 results met is 88.888… %, below 88.88888888888888888888888889 %; the
    // rounded product 88.88888888888888888888888889 × 9 = 800 said "released".
    let results: Vec<serde_json::Value> = (0..9)
        .map(|i| json!({ "id": format!("r{i}"), "title": "Inflow", "indicator": { "name": "inflow" }, "dimension": "overall",
                         "rule": { "kind": "bound", "op": "<=", "bound": if i == 0 { "0" } else { "10" },
                                   "periods": { "each": "calendar_year" } } }))
        .collect();
    let c = contract(
        json!(results),
        json!({ "consequences": [ { "kind": "bonus_tranche", "id": "t", "title": "T", "phase": "p", "amount": "10.00",
            "decided_on": "2019-12-31",
            "condition": { "kind": "share_met", "percent": "88.88888888888888888888888889", "results": "all_in_scope" } } ] }),
    );
    let ev = stay("a", "r1", "2019-03-01", Some("2019-04-01"));
    let r = run(&c, &ev, "2019-12-31");
    assert_eq!(
        r.verdicts
            .iter()
            .filter(|v| v.status == Status::Met)
            .count(),
        8
    );
    assert_eq!(r.consequences[0].status, ConsequenceStatus::Withheld);
}

#[test]
fn a_tariff_cap_on_a_period_not_started_is_not_decided_early() {
    let c = contract(
        json!([{ "id": "t", "title": "Tariff", "indicator": { "name": "max_tariff", "unit": "day" }, "dimension": "overall",
                 "rule": { "kind": "bound", "op": "<=", "bound": "423", "periods": { "each": "calendar_year" } } }]),
        json!({}),
    );
    let tariff = |id: &str, date: &str, amount: &str| {
        line(
            json!({ "id": id, "kind": "tariff", "date": date, "provider": "p1", "amount": amount, "unit": "day" }),
        )
    };
    // 430 from 2019; a new tariff of 420 from 1 December 2019, before 2020 starts.
    let ev = tariff("a", "2019-01-01", "430.00") + &tariff("b", "2019-12-01", "420.00");
    // As of 30 June 2019 the 2020 tariff is not known yet: pending, not an early not met.
    let r = run(&c, &ev, "2019-06-30");
    let v2020 = one(&r, "overall", "2020");
    assert_eq!((v2020.status, v2020.early), (Status::Pending, false));
    // 2019 itself has started: 430 is above the cap for good.
    let v2019 = one(&r, "overall", "2019");
    assert_eq!((v2019.status, v2019.early), (Status::NotMet, true));
    // And 2020 is met once it is over.
    assert_eq!(
        one(&run(&c, &ev, "2020-12-31"), "overall", "2020").status,
        Status::Met
    );
}

#[test]
fn a_count_of_open_stays_is_not_decided_early() {
    let c = contract(
        json!([{ "id": "o", "title": "Open", "indicator": { "name": "custom", "indicator": "open_stays" }, "dimension": "overall",
                 "rule": { "kind": "bound", "op": "<=", "bound": "1", "periods": { "each": "calendar_year" } } }]),
        json!({ "custom_indicators": { "open_stays": {
            "over": "stays", "date": "admission", "filter": { "kind": "discharged", "is": false }, "measure": { "kind": "count" } } } }),
    );
    // Two stays open in March 2019; both end in April.
    let ev = stay("a", "r1", "2019-03-01", Some("2019-04-01"))
        + &stay("b", "r1", "2019-03-02", Some("2019-04-02"));
    let r = run(&c, &ev, "2019-03-31");
    assert_eq!(one(&r, "overall", "2019").status, Status::Pending);
    assert_eq!(
        one(&run(&c, &ev, "2019-12-31"), "overall", "2019").status,
        Status::Met
    );
}

#[test]
fn tranche_totals_beyond_a_decimal_are_an_error_not_a_clamp() {
    let tranche = |id: &str| {
        json!({ "kind": "bonus_tranche", "id": id, "title": "T", "phase": "p", "amount": "79228162514264337593543950335",
                "decided_on": "2019-12-31", "condition": { "kind": "at_least", "met": 0, "results": "all_in_scope" } })
    };
    let c = contract(
        json!([{ "id": "i", "title": "Inflow", "indicator": { "name": "inflow" }, "dimension": "overall",
                 "rule": { "kind": "bound", "op": "<=", "bound": "10", "periods": { "each": "calendar_year" } } }]),
        json!({ "consequences": [ tranche("a"), tranche("b") ] }),
    );
    let e = indicators::Engine::new();
    let view = e.view();
    let err = assess::assess(&c, &view, crate::fixtures::d("2019-12-31")).expect_err("overflow");
    assert!(err.to_string().contains("does not fit"), "{err}");
}

#[test]
fn a_retraction_cycle_in_the_sample_stream_does_not_hang_the_report() {
    let c = targets::Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
    let mut ev = samples::streams::JEUGDZORGPLUS_SAMPLE.to_owned();
    ev.push_str(
        "{\"id\":\"x\",\"kind\":\"retraction\",\"date\":\"2019-01-01\",\"target\":\"x\"}\n",
    );
    let r = run(&c, &ev, "2020-12-31");
    assert!(!r.verdicts.is_empty());
    assert!(r.data.rejected >= 1);
}

#[test]
fn markdown_shows_titles_and_names_as_written() {
    let c = contract(
        json!([{ "id": "i", "title": "Inflow", "indicator": { "name": "inflow" }, "dimension": "per_region",
                 "rule": { "kind": "bound", "op": "<=", "bound": "10", "periods": { "each": "calendar_year" } } }]),
        json!({ "title": "A | B <script>alert(1)</script>\n# not a heading",
                "regions": [ { "id": "r1", "name": "One | *two* <b>" }, { "id": "r2", "name": "Two" } ] }),
    );
    let r = run(&c, "", "2019-12-31");
    let md = assess::markdown::render(&r, assess::Lang::En);
    let first = md.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        "# Assessment: A \\| B &lt;script&gt;alert(1)&lt;/script&gt; # not a heading"
    );
    assert!(!md.contains("<script>") && !md.contains("<b>"));
    assert!(md.contains("One \\| \\*two\\* &lt;b&gt;"));
}
