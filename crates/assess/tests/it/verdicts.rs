//! Hand-computed verdicts for every rule kind and every state.

use assess::{Check, ConsequenceStatus, Status};
use serde_json::json;

use crate::fixtures::{contract, one, run, states, stay, year_over_year_mean_stay};

fn bound(indicator: serde_json::Value, op: &str, bound: &str) -> serde_json::Value {
    json!([{ "id": "b", "title": "Bound", "indicator": indicator, "dimension": "per_region",
             "rule": { "kind": "bound", "op": op, "bound": bound, "periods": { "each": "calendar_year" } } }])
}

/// Region r1 in 2019: ten discharges and one readmission within six months after goals.
fn recidivism_events() -> String {
    let mut s = String::new();
    s.push_str(&stay("x", "r1", "2018-06-01", Some("2019-01-15")));
    s.push_str(
        "{\"id\":\"xg\",\"kind\":\"goals_achieved\",\"date\":\"2019-01-10\",\"client\":\"x\"}\n",
    );
    s.push_str(&stay("x", "r1", "2019-03-01", None));
    for i in 1..=9 {
        s.push_str(&stay(
            &format!("c{i}"),
            "r1",
            "2018-06-01",
            Some("2019-02-01"),
        ));
    }
    s
}

#[test]
fn exactly_at_the_bound_is_met_for_at_most_and_at_least() {
    let ev = recidivism_events();
    let rate = json!({ "name": "recidivism_rate" });
    for (op, expected) in [
        ("<=", Status::Met),
        (">=", Status::Met),
        ("<", Status::NotMet),
        (">", Status::NotMet),
    ] {
        let c = contract(bound(rate.clone(), op, "10"), json!({}));
        let r = run(&c, &ev, "2019-12-31");
        let v = one(&r, "r1", "2019");
        assert_eq!(v.status, expected, "{op}");
        // 1 readmission over 10 discharges is exactly 10 %.
        assert_eq!(
            v.measured.as_ref().map(|n| n.display.as_str()),
            Some("10.00 %")
        );
        assert_eq!(
            v.measured.as_ref().map(|n| (n.numerator, n.denominator)),
            Some((10.into(), 1.into()))
        );
    }
    // Region r2 has no outflow: a rate over nothing is insufficient data, not 0 %.
    let c = contract(bound(rate, "<=", "10"), json!({}));
    let r = run(&c, &ev, "2019-12-31");
    let v = one(&r, "r2", "2019");
    assert_eq!(v.status, Status::InsufficientData);
    assert_eq!(
        v.explanation.en,
        "Recidivism region Two, 2019: no value; required at most 10.00 %; insufficient data: the indicator has no value (nothing to divide by)."
    );
}

#[test]
fn a_year_over_year_step_uses_the_realised_previous_year() {
    let c = year_over_year_mean_stay();
    // 2019: 90 nights. 2020: 82 nights (31 + 29 + 22).
    let ev = stay("a", "r1", "2019-01-01", Some("2019-04-01"))
        + &stay("b", "r1", "2020-01-01", Some("2020-03-23"));
    let r = run(&c, &ev, "2020-12-31");
    let y1 = one(&r, "r1", "2019");
    assert_eq!(
        (
            y1.status,
            y1.required
                .as_ref()
                .and_then(|q| q.value.as_ref())
                .map(|n| n.display.as_str())
        ),
        (Status::Met, Some("95"))
    );
    let y2 = one(&r, "r1", "2020");
    // Required: the realised 90 × 0.90 = 81 (compounding the baseline would give 85.5).
    assert_eq!(y2.status, Status::NotMet);
    assert_eq!(
        y2.required
            .as_ref()
            .and_then(|q| q.value.as_ref())
            .map(|n| n.display.as_str()),
        Some("81")
    );
    assert_eq!(
        y2.margin.as_ref().map(|m| m.absolute.display.as_str()),
        Some("1")
    );
    assert_eq!(
        y2.explanation.en,
        "Mean stay region One, 2020: 82 days; required at most 81 (10 % against the realised value of 2019); not met, 1 day too high."
    );
    assert_eq!(
        y2.explanation.nl,
        "Gemiddelde verblijfsduur regio One, 2020: 82 dagen; vereist ten hoogste 81 (10 % t.o.v. de gerealiseerde waarde van 2019); niet gehaald, 1 dag te hoog."
    );
    // Region r2 has no declared baseline.
    let v = one(&r, "r2", "2019");
    assert_eq!(v.status, Status::InsufficientData);
    assert!(
        v.explanation
            .en
            .ends_with("insufficient data: no baseline value."),
        "{}",
        v.explanation.en
    );
}

#[test]
fn a_percentage_point_step_against_a_relative_one() {
    let rule = |unit: &str| {
        json!([{ "id": "s", "title": "Long stays", "indicator": { "name": "share_stays_over_30_weeks" },
        "dimension": "per_region",
        "rule": { "kind": "stepped_change", "direction": "decrease", "convention": "additive", "unit": unit,
                  "baseline": { "kind": "declared", "values": { "r1": "50", "r2": "50" } },
                  "steps": [ { "period": { "kind": "contract_year", "year": 1 }, "change": "20" } ] } }])
    };
    // Five discharges in 2019, two of them after more than 210 nights: 40 %.
    let mut ev = String::new();
    for i in 0..2 {
        ev.push_str(&stay(
            &format!("long{i}"),
            "r1",
            "2018-01-01",
            Some("2019-03-01"),
        ));
    }
    for i in 0..3 {
        ev.push_str(&stay(
            &format!("short{i}"),
            "r1",
            "2019-01-01",
            Some("2019-02-01"),
        ));
    }
    let points = run(
        &contract(rule("percentage_points"), json!({})),
        &ev,
        "2019-12-31",
    );
    let v = one(&points, "r1", "2019");
    // 50 % − 20 points = 30 %; 40 % is 10 points too high.
    assert_eq!(v.status, Status::NotMet);
    assert_eq!(
        v.required
            .as_ref()
            .and_then(|q| q.value.as_ref())
            .map(|n| n.display.as_str()),
        Some("30.00 %")
    );
    assert!(v.explanation.en.ends_with("(20 percentage points against baseline 2018: 50.00 %); not met, 10.00 percentage points too high."), "{}", v.explanation.en);
    let relative = run(&contract(rule("relative"), json!({})), &ev, "2019-12-31");
    let v = one(&relative, "r1", "2019");
    // 50 % × 0.80 = 40 %: exactly at the requirement.
    assert_eq!(v.status, Status::Met);
    assert!(
        v.explanation.en.ends_with("met, exactly at the limit."),
        "{}",
        v.explanation.en
    );
}

#[test]
fn a_count_cap_already_exceeded_is_not_met_early_and_pending_until_the_last_day() {
    let c = contract(bound(json!({ "name": "inflow" }), "<=", "2"), json!({}));
    let ev = stay("a", "r1", "2019-01-10", None)
        + &stay("b", "r1", "2019-02-10", None)
        + &stay("c", "r1", "2019-03-10", None);
    let r = run(&c, &ev, "2019-03-31");
    assert_eq!(
        states(&r),
        [
            (
                "r1".to_owned(),
                "2019".to_owned(),
                "not met".to_owned(),
                true
            ),
            (
                "r1".to_owned(),
                "2020".to_owned(),
                "pending".to_owned(),
                false
            ),
            (
                "r2".to_owned(),
                "2019".to_owned(),
                "pending".to_owned(),
                false
            ),
            (
                "r2".to_owned(),
                "2020".to_owned(),
                "pending".to_owned(),
                false
            ),
        ]
    );
    assert_eq!(
        r.verdicts[0].explanation.en,
        "Inflow region One, 2019: 3; required at most 2; not met already, 1 too high."
    );
    // The day before the period ends it is still pending; at its end it is decided.
    let r = run(&c, &ev, "2019-12-30");
    assert_eq!(one(&r, "r2", "2019").status, Status::Pending);
    assert_eq!(
        one(&r, "r2", "2019").explanation.en,
        "Inflow region Two, 2019: 0 so far; required at most 2; pending: the period runs to 31 December 2019."
    );
    let r = run(&c, &ev, "2019-12-31");
    assert_eq!(one(&r, "r2", "2019").status, Status::Met);
    // A mean is not monotone: no early decision.
    let c = contract(
        bound(json!({ "name": "mean_stay_days" }), "<=", "1"),
        json!({}),
    );
    let r = run(
        &c,
        &(stay("a", "r1", "2019-01-10", Some("2019-03-01"))),
        "2019-03-31",
    );
    assert_eq!(one(&r, "r1", "2019").status, Status::Pending);
}

#[test]
fn deadlines_and_applicability_at_200000_euros() {
    let results = json!([{ "id": "plan", "title": "Change plan", "dimension": "per_provider",
        "indicator": { "name": "delivered_on", "deliverable": "change_plan" },
        "applies_to": { "kind": "fact", "fact": "contract_value", "op": ">", "value": "200000" },
        "rule": { "kind": "deadline", "deliverable": "change_plan", "on_or_before": "2019-06-30" } }]);
    let c = contract(results, json!({}));
    let deliver = |date: &str| {
        format!(
            "{{\"id\":\"cp\",\"kind\":\"deliverable\",\"date\":\"{date}\",\"provider\":\"p2\",\"name\":\"change_plan\"}}\n"
        )
    };
    let at = |events: &str, as_of: &str| -> Vec<(String, String)> {
        run(&c, events, as_of)
            .verdicts
            .iter()
            .map(|v| (v.dimension.clone(), v.status.to_string()))
            .collect()
    };
    let s = |a: &str, b: &str| {
        vec![
            ("p1".to_owned(), a.to_owned()),
            ("p2".to_owned(), b.to_owned()),
        ]
    };
    // p1's contract value is 200,000.00, not above 200,000; p2's is 200,000.01.
    assert_eq!(at("", "2019-06-29"), s("not applicable", "pending"));
    assert_eq!(at("", "2019-06-30"), s("not applicable", "not met"));
    assert_eq!(
        at(&deliver("2019-06-30"), "2019-06-30"),
        s("not applicable", "met")
    );
    assert_eq!(
        at(&deliver("2019-07-01"), "2019-07-01"),
        s("not applicable", "not met")
    );
    let r = run(&c, &deliver("2019-06-01"), "2019-06-15");
    let v = &r.verdicts[1];
    assert_eq!((v.status, v.early), (Status::Met, true));
    assert_eq!(
        r.verdicts[0].explanation.en,
        "Delivery of change plan provider p1: not applicable: the provider does not meet the condition contract_value > 200000."
    );
    assert_eq!(
        v.explanation.nl,
        "Oplevering van change plan aanbieder p2: opgeleverd op 1 juni 2019; uiterlijk 30 juni 2019; gehaald, 29 dagen voor de deadline."
    );
}

#[test]
fn a_missing_fact_is_insufficient_data_not_inapplicable() {
    let results = json!([{ "id": "t", "title": "Tariff", "dimension": "overall",
        "indicator": { "name": "max_tariff" },
        "applies_to": { "kind": "fact", "fact": "employees", "op": ">", "value": "10" },
        "rule": { "kind": "bound", "op": "<=", "bound": "423" } }]);
    let c = contract(results, json!({}));
    let r = run(&c, "", "2020-12-31");
    assert!(
        r.verdicts
            .iter()
            .all(|v| v.status == Status::InsufficientData)
    );
}

#[test]
fn a_binding_stated_total_is_an_extra_requirement() {
    let results = json!([{ "id": "s", "title": "Mean stay", "indicator": { "name": "mean_stay_days" }, "dimension": "per_region",
        "rule": { "kind": "stepped_change", "direction": "decrease", "convention": "compound",
                  "baseline": { "kind": "declared", "values": { "r1": "100", "r2": "100" } },
                  "steps": [ { "period": { "kind": "contract_year", "year": 1 }, "change": "5" },
                             { "period": { "kind": "contract_year", "year": 2 }, "change": "5" } ],
                  "stated_total": { "value": "9.25", "binding": true } } }]);
    let c = contract(results, json!({}));
    // 2019: 95 nights (exactly the step). 2020: 90 and 91 nights, a mean of 90.5.
    let ev = stay("a", "r1", "2019-01-01", Some("2019-04-06"))
        + &stay("b", "r1", "2020-01-01", Some("2020-03-31"))
        + &stay("c", "r1", "2020-01-01", Some("2020-04-01"));
    let r = run(&c, &ev, "2020-12-31");
    let rows: Vec<(Check, Status, String)> = r
        .verdicts
        .iter()
        .filter(|v| v.dimension == "r1")
        .map(|v| {
            (
                v.check.clone(),
                v.status,
                v.required
                    .as_ref()
                    .and_then(|q| q.value.as_ref())
                    .map(|n| n.display.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (Check::Step { index: 1 }, Status::Met, "95".to_owned()),
            // 100 × 0.95 × 0.95 = 90.25: 90.5 is over it.
            (Check::Step { index: 2 }, Status::NotMet, "90.25".to_owned()),
            // 100 × (1 − 0.0925) = 90.75: 90.5 meets the stated total.
            (Check::StatedTotal, Status::Met, "90.75".to_owned()),
        ]
    );
}

#[test]
fn a_milestone_against_a_baseline_computed_from_events() {
    let results = json!([{ "id": "m", "title": "Bridging", "indicator": { "name": "bridging_days" }, "dimension": "per_region",
        "rule": { "kind": "milestone", "direction": "decrease", "unit": "relative", "baseline": { "kind": "computed" },
                  "points": [ { "by": "2020-01-01", "change": "20" } ] } }]);
    let c = contract(results, json!({}));
    let b = |id: &str, kind: &str, date: &str, client: &str| {
        format!(
            "{{\"id\":\"{id}\",\"kind\":\"{kind}\",\"date\":\"{date}\",\"client\":\"{client}\"}}\n"
        )
    };
    // 2018: 10 bridging days; 2019: 8, exactly 20 % less.
    let ev = stay("a", "r1", "2018-01-01", Some("2018-12-01"))
        + &b("b1", "bridging_start", "2018-03-01", "a")
        + &b("b2", "bridging_end", "2018-03-11", "a")
        + &stay("k", "r1", "2019-01-01", Some("2019-12-01"))
        + &b("b3", "bridging_start", "2019-03-01", "k")
        + &b("b4", "bridging_end", "2019-03-09", "k");
    let r = run(&c, &ev, "2019-12-31");
    let v = one(&r, "r1", "2019");
    assert_eq!(v.status, Status::Met);
    assert_eq!(v.baseline.as_ref().map(|n| n.display.as_str()), Some("10"));
    assert_eq!(v.basis.baseline_source.as_deref(), Some("computed"));
    assert_eq!(
        v.explanation.en,
        "Bridging days region One, 2019: 8 days; required at most 8 (20 % against baseline 2018: 10); met, exactly at the limit."
    );
    // As of the day before the window ends the milestone is pending.
    assert_eq!(
        one(&run(&c, &ev, "2019-12-30"), "r1", "2019").status,
        Status::Pending
    );
}

#[test]
fn tranches_and_escalations() {
    let results = json!([{ "id": "d", "title": "Analysis", "dimension": "overall",
        "indicator": { "name": "delivered_on", "deliverable": "analysis" },
        "rule": { "kind": "deadline", "deliverable": "analysis", "on_or_before": "2019-07-01" } }]);
    let extra = json!({ "consequences": [
        { "kind": "bonus_tranche", "id": "t", "title": "Tranche", "phase": "1", "amount": "1000.50",
          "decided_on": "2019-07-01", "condition": { "kind": "all_met", "results": "all_in_scope" } },
        { "kind": "escalation", "id": "e", "title": "Escalate", "from": "2019-07-02",
          "condition": { "kind": "any_not_met", "results": { "ids": ["d"] } }, "action": "talk" } ] });
    let c = contract(results, extra);
    let on_time = "{\"id\":\"x\",\"kind\":\"deliverable\",\"date\":\"2019-06-01\",\"provider\":\"p1\",\"name\":\"analysis\"}\n";
    let outcome = |events: &str, as_of: &str| {
        let r = run(&c, events, as_of);
        (
            r.consequences.iter().map(|c| c.status).collect::<Vec<_>>(),
            r.totals,
        )
    };
    let (s, totals) = outcome(on_time, "2019-06-30");
    assert_eq!(s, [ConsequenceStatus::Pending, ConsequenceStatus::Pending]);
    assert_eq!(totals.pending.to_string(), "€ 1000.50");
    let (s, totals) = outcome(on_time, "2019-12-31");
    assert_eq!(
        s,
        [ConsequenceStatus::Released, ConsequenceStatus::NotTriggered]
    );
    assert_eq!(totals.released.to_string(), "€ 1000.50");
    let (s, totals) = outcome("", "2019-12-31");
    assert_eq!(
        s,
        [ConsequenceStatus::Withheld, ConsequenceStatus::Triggered]
    );
    assert_eq!(totals.withheld.to_string(), "€ 1000.50");
    let r = run(&c, "", "2019-12-31");
    assert_eq!(
        r.consequences[0].explanation.en,
        "Withheld: 0 of 1 results met and 1 not met as of 1 July 2019 (required: all)."
    );
    assert_eq!(r.consequences[1].evidence[0].verdicts, ["overall: not met"]);
}

#[test]
fn a_contract_label_names_the_deliverable_in_each_language() {
    let c = targets::Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
    let mut e = indicators::Engine::new();
    let _ = e.push_jsonl(
        samples::streams::JEUGDZORGPLUS_SAMPLE.as_bytes(),
        indicators::ParseOptions::default(),
    );
    let r = assess::assess(&c, &e.view(), crate::fixtures::d("2020-12-31")).expect("assessable");
    let v = r
        .verdicts
        .iter()
        .find(|v| v.result == "5-cost-price")
        .expect("present");
    assert_eq!(
        v.explanation.nl,
        "Oplevering van de kostprijsanalyse: opgeleverd op 20 juni 2019; uiterlijk 1 juli 2019; gehaald, 11 dagen voor de deadline."
    );
    assert!(
        v.explanation
            .en
            .starts_with("Delivery of the cost-price analysis: delivered on 20 June 2019"),
        "{}",
        v.explanation.en
    );
}
