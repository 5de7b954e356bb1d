//! Verdicts that stay true: time of knowledge, maturing cohorts, restatements,
//! persistent failures and small groups, each with numbers computed by hand.

use assess::{ConsequenceStatus, Disclosure, Options, Reason, Status};
use indicators::{Engine, ParseOptions};
use serde_json::{Value, json};

use crate::fixtures::{contract, d, one, run, stay, year_over_year_mean_stay};

fn line(id: &str, kind: &str, date: &str, extra: Value) -> String {
    let mut v = json!({ "id": id, "kind": kind, "date": date });
    if let (Value::Object(a), Value::Object(b)) = (&mut v, extra) {
        a.extend(b);
    }
    format!("{v}\n")
}

fn ext(id: &str, date: &str, client: &str) -> String {
    line(
        id,
        "authorization_extension",
        date,
        json!({ "client": client, "reason": "goals_not_achieved" }),
    )
}

fn retract(id: &str, date: &str, target: &str) -> String {
    line(id, "retraction", date, json!({ "target": target }))
}

fn run_with(c: &targets::Contract, events: &str, as_of: &str, options: Options) -> assess::Report {
    let mut e = Engine::new();
    let _ = e.push_jsonl(events.as_bytes(), ParseOptions::default());
    let view = e.view();
    assess::Assessor::with_options(&view, options)
        .assess(c, d(as_of))
        .expect("assessable")
}

fn deadline() -> targets::Contract {
    contract(
        json!([{ "id": "p", "title": "Profiles", "indicator": { "name": "delivered_on", "deliverable": "profiles" },
                 "dimension": "overall",
                 "rule": { "kind": "deadline", "deliverable": "profiles", "on_or_before": "2019-07-01" } }]),
        json!({}),
    )
}

#[test]
fn a_delivery_retracted_after_the_due_date_is_met_as_of_the_due_date() {
    let c = deadline();
    let ev = line(
        "p1",
        "deliverable",
        "2019-06-20",
        json!({ "provider": "p1", "name": "profiles" }),
    ) + &retract("r1", "2019-07-10", "p1");
    let status = |as_of| run(&c, &ev, as_of).verdicts[0].status;
    assert_eq!(status("2019-06-30"), Status::Met);
    assert_eq!(status("2019-07-01"), Status::Met);
    assert_eq!(status("2019-07-09"), Status::Met);
    assert_eq!(status("2019-07-10"), Status::NotMet);
    // The verdict as of 10 July says what it was on its due date, and why it changed.
    let r = run(&c, &ev, "2019-07-10");
    let restated = r.verdicts[0].restated.as_ref().expect("restated");
    assert_eq!(restated.decided_on, d("2019-07-01"));
    assert_eq!(restated.status, Status::Met);
    assert_eq!(restated.corrections.len(), 1);
    assert_eq!(restated.corrections[0].id, "r1");
    assert!(
        r.verdicts[0].explanation.en.ends_with(
            "Restated: decided on 1 July 2019 as met; changed by the corrections r1 dated after it."
        ),
        "{}",
        r.verdicts[0].explanation.en
    );
}

fn extension_cap() -> targets::Contract {
    contract(
        json!([{ "id": "x", "title": "Extensions", "indicator": { "name": "extension_rate" }, "dimension": "per_region",
                 "rule": { "kind": "bound", "op": "<=", "bound": "5", "periods": { "each": "calendar_year" } } }]),
        json!({}),
    )
}

/// `n` stays admitted in r1 on 1 March 2020: the first `extended` extended in April,
/// the last `open` still open, the rest discharged on 1 October 2020.
fn cohort(n: usize, extended: usize, open: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let c = format!("c{i}");
        let end = (i < n - open).then_some("2020-10-01");
        s.push_str(&stay(&c, "r1", "2020-03-01", end));
        if i < extended {
            s.push_str(&ext(&format!("x{i}"), "2020-04-01", &c));
        }
    }
    s
}

#[test]
fn a_cohort_is_decided_when_every_way_its_open_stays_can_end_gives_the_same_answer() {
    let c = extension_cap();
    // 40 admitted, none extended, 2 open: between 0/40 and 2/40 = 5 %, both met.
    let r = run(&c, &cohort(40, 0, 2), "2020-12-31");
    let v = one(&r, "r1", "2020");
    assert_eq!(v.status, Status::Met);
    let m = v.maturing.as_ref().expect("two stays are open");
    assert_eq!(m.open, Some(2));
    assert_eq!(m.low.as_ref().map(|n| n.display.as_str()), Some("0.00 %"));
    assert_eq!(m.high.as_ref().map(|n| n.display.as_str()), Some("5.00 %"));
    // 20 admitted, 2 extended, none open: 10 %, not met.
    let r = run(&c, &cohort(20, 2, 0), "2020-12-31");
    let v = one(&r, "r1", "2020");
    assert_eq!(v.status, Status::NotMet);
    assert_eq!(
        v.measured.as_ref().map(|n| n.display.as_str()),
        Some("10.00 %")
    );
    assert!(v.maturing.is_none());
}

#[test]
fn a_cohort_that_could_still_cross_the_bound_is_pending_until_it_does() {
    let c = extension_cap();
    // 30 admitted, 1 extended (and discharged), 1 open: 1/30 = 3.33 % so far, 2/30 =
    // 6.67 % if the open stay is extended.
    let base = cohort(30, 1, 1);
    let r = run(&c, &base, "2020-12-31");
    let v = one(&r, "r1", "2020");
    assert_eq!(v.status, Status::Pending);
    assert_eq!(
        v.measured.as_ref().map(|n| n.display.as_str()),
        Some("3.33 %")
    );
    let m = v.maturing.as_ref().expect("one stay is open");
    assert_eq!(m.open, Some(1));
    assert_eq!(m.high.as_ref().map(|n| n.display.as_str()), Some("6.67 %"));
    assert_eq!(
        v.explanation.en,
        "Extensions because treatment goals were not reached region One, 2020: 3.33 % so far; required at most 5.00 %; pending: with 1 open stay in the cohort the final value lies between 3.33 % and 6.67 %."
    );
    // The open stay (the last client) is extended in 2021: 2/30, not met from then on.
    let extended = base.clone() + &ext("late", "2021-02-01", "c29");
    assert_eq!(
        one(&run(&c, &extended, "2021-01-31"), "r1", "2020").status,
        Status::Pending
    );
    let v = one(&run(&c, &extended, "2021-02-01"), "r1", "2020").clone();
    assert_eq!(v.status, Status::NotMet);
    assert_eq!(
        v.measured.as_ref().map(|n| n.display.as_str()),
        Some("6.67 %")
    );
    // Or it ends without one: 1/30, met.
    let ended = base + &line("end", "discharge", "2021-03-01", json!({ "client": "c29" }));
    assert_eq!(
        one(&run(&c, &ended, "2021-03-01"), "r1", "2020").status,
        Status::Met
    );
}

fn inflow_cap(extra: Value) -> targets::Contract {
    contract(
        json!([{ "id": "i", "title": "Inflow", "indicator": { "name": "inflow" }, "dimension": "per_region",
                 "rule": { "kind": "bound", "op": "<=", "bound": "2", "periods": { "each": "calendar_year" } } }]),
        extra,
    )
}

#[test]
fn a_correction_after_the_period_restates_the_verdict_and_the_tranche() {
    let tranche = json!({ "consequences": [
        { "kind": "bonus_tranche", "id": "t", "title": "Tranche", "phase": "one", "amount": "1000.00",
          "decided_on": "2019-12-31", "condition": { "kind": "all_met", "results": { "ids": ["i"] } } } ] });
    let c = inflow_cap(tranche);
    // Three admissions in r1 in 2019 against a cap of 2; one is retracted on 1 February
    // 2020, so with today's knowledge 2019 had 2.
    let ev = stay("a", "r1", "2019-02-01", Some("2019-03-01"))
        + &stay("b", "r1", "2019-04-01", Some("2019-05-01"))
        + &stay("c", "r1", "2019-06-01", Some("2019-07-01"))
        + &retract("fix", "2020-02-01", "c-a-2019-06-01");
    let before = run(&c, &ev, "2020-01-31");
    assert_eq!(one(&before, "r1", "2019").status, Status::NotMet);
    assert!(one(&before, "r1", "2019").restated.is_none());
    assert!(before.consequences[0].restatement.is_none());

    let after = run(&c, &ev, "2020-12-31");
    let v = one(&after, "r1", "2019");
    assert_eq!(v.status, Status::Met);
    let r = v.restated.as_ref().expect("restated");
    assert_eq!((r.decided_on, r.status), (d("2019-12-31"), Status::NotMet));
    assert_eq!(r.measured.as_ref().map(|n| n.display.as_str()), Some("3"));
    let ids: Vec<&str> = r.corrections.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["fix"]);
    // Region r2 had nothing corrected.
    assert!(one(&after, "r2", "2019").restated.is_none());

    // The tranche stays withheld: it was decided on 31 December 2019. The corrections
    // known now would have released it.
    let t = &after.consequences[0];
    assert_eq!(t.status, ConsequenceStatus::Withheld);
    let rs = t.restatement.as_ref().expect("corrections are known");
    assert!(rs.changed);
    assert_eq!(rs.status, ConsequenceStatus::Released);
    assert_eq!(rs.difference.to_string(), "€ 1000.00");
    assert!(
        t.explanation
            .en
            .ends_with("With the 1 correction(s) known on 31 December 2020 it would have been released: a difference of € 1,000.00."),
        "{}",
        t.explanation.en
    );
    assert!(
        t.explanation
            .nl
            .ends_with("was het uitgekeerd geweest: een verschil van € 1.000,00."),
        "{}",
        t.explanation.nl
    );
}

fn escalation(condition: Value) -> targets::Contract {
    inflow_cap(json!({ "initial_term_years": 3, "consequences": [
        { "kind": "escalation", "id": "e", "title": "Reserve provider", "from": "2019-01-01",
          "condition": condition, "action": "move" } ] }))
}

/// `n` stays of region `region` in `year`, one a month from January.
fn admissions(region: &str, year: i32, n: usize) -> String {
    (0..n)
        .map(|i| {
            let from = format!("{year}-{:02}-01", i + 1);
            let to = format!("{year}-{:02}-15", i + 1);
            stay(&format!("{region}-{year}-{i}"), region, &from, Some(&to))
        })
        .collect()
}

#[test]
fn only_a_failure_that_persists_a_year_triggers_the_escalation() {
    let persistent = escalation(
        json!({ "kind": "persistent_not_met", "months": 12, "results": "all_in_scope" }),
    );
    // r1: not met in 2019, met in 2020 (cured), not met in 2021. r2: not met in 2019 and
    // 2020, met in 2021.
    let ev = admissions("r1", 2019, 3)
        + &admissions("r1", 2020, 1)
        + &admissions("r1", 2021, 3)
        + &admissions("r2", 2019, 3)
        + &admissions("r2", 2020, 4)
        + &admissions("r2", 2021, 2);
    // As of 2019: one failure, not a persistent one.
    let r = run(&persistent, &ev, "2019-12-31");
    assert_eq!(r.consequences[0].status, ConsequenceStatus::NotTriggered);
    // As of 2020: r2 failed in 2019 and still fails in 2020.
    let r = run(&persistent, &ev, "2020-12-31");
    let e = &r.consequences[0];
    assert_eq!(e.status, ConsequenceStatus::Triggered);
    assert_eq!(e.evidence.len(), 1);
    assert_eq!(e.evidence[0].verdicts, ["r2 2019 → r2 2020"]);
    // Without r2, r1's failures of 2019 and 2021 were cured in 2020 in between.
    let only_r1 =
        admissions("r1", 2019, 3) + &admissions("r1", 2020, 1) + &admissions("r1", 2021, 3);
    let r = run(&persistent, &only_r1, "2021-12-31");
    assert_eq!(r.consequences[0].status, ConsequenceStatus::NotTriggered);
    // The old reading fires on any single failure.
    let any = escalation(json!({ "kind": "any_not_met", "results": "all_in_scope" }));
    let r = run(&any, &only_r1, "2019-12-31");
    assert_eq!(r.consequences[0].status, ConsequenceStatus::Triggered);
}

#[test]
fn a_late_delivery_is_cured_and_a_missing_one_persists() {
    let c = contract(
        json!([{ "id": "p", "title": "Profiles", "indicator": { "name": "delivered_on", "deliverable": "profiles" },
                 "dimension": "overall",
                 "rule": { "kind": "deadline", "deliverable": "profiles", "on_or_before": "2019-07-01" } }]),
        json!({ "initial_term_years": 3, "consequences": [
            { "kind": "escalation", "id": "e", "title": "Reserve provider", "from": "2019-01-01",
              "condition": { "kind": "persistent_not_met", "months": 12, "results": "all_in_scope" },
              "action": "move" } ] }),
    );
    let late = line(
        "p1",
        "deliverable",
        "2019-09-01",
        json!({ "provider": "p1", "name": "profiles" }),
    );
    let r = run(&c, &late, "2021-12-31");
    assert_eq!(r.verdicts[0].status, Status::NotMet);
    assert_eq!(r.consequences[0].status, ConsequenceStatus::NotTriggered);
    // Never delivered: a year after the due date it still is not.
    assert_eq!(
        run(&c, "", "2020-06-30").consequences[0].status,
        ConsequenceStatus::NotTriggered
    );
    let r = run(&c, "", "2020-07-01");
    assert_eq!(r.consequences[0].status, ConsequenceStatus::Triggered);
    assert_eq!(
        r.consequences[0].evidence[0].verdicts,
        ["overall 2019-07-01 → 2020-07-01"]
    );
}

#[test]
fn a_rate_over_a_small_group_is_not_judged() {
    // 37 admitted in 2020, 3 extended: 8.11 %, over a cap of 5 %.
    let events = cohort(37, 3, 0);
    let strict = contract(
        json!([{ "id": "x", "title": "Extensions", "indicator": { "name": "extension_rate" }, "dimension": "per_region",
                 "rule": { "kind": "bound", "op": "<=", "bound": "5", "periods": { "each": "calendar_year" } } }]),
        json!({ "min_group_size": 40 }),
    );
    let r = run(&strict, &events, "2020-12-31");
    let v = one(&r, "r1", "2020");
    assert_eq!(v.status, Status::InsufficientData);
    assert_eq!(
        v.reason,
        Some(Reason::SmallGroup {
            count: Some(37),
            minimum: 40
        })
    );
    assert!(v.explanation.en.ends_with(
        "insufficient data: a group of 37 is too small to judge (the contract asks at least 40)."
    ));
    // The exact value is still shown.
    assert_eq!(
        v.measured.as_ref().map(|n| n.display.as_str()),
        Some("8.11 %")
    );
    // A result's own minimum comes first.
    let own = contract(
        json!([{ "id": "x", "title": "Extensions", "indicator": { "name": "extension_rate" }, "dimension": "per_region",
                 "min_group_size": 30,
                 "rule": { "kind": "bound", "op": "<=", "bound": "5", "periods": { "each": "calendar_year" } } }]),
        json!({ "min_group_size": 40 }),
    );
    assert_eq!(
        one(&run(&own, &events, "2020-12-31"), "r1", "2020").status,
        Status::NotMet
    );
    // A report option applies where the contract says nothing.
    let silent = extension_cap();
    let r = run_with(
        &silent,
        &events,
        "2020-12-31",
        Options::default().min_group_size(40),
    );
    assert_eq!(one(&r, "r1", "2020").status, Status::InsufficientData);
    let r = run_with(&silent, &events, "2020-12-31", Options::default());
    assert_eq!(one(&r, "r1", "2020").status, Status::NotMet);
}

#[test]
fn disclosure_control_hides_small_counts_and_rounds_the_rest() {
    let c = contract(
        json!([{ "id": "i", "title": "Inflow", "indicator": { "name": "inflow" }, "dimension": "per_region",
                 "rule": { "kind": "bound", "op": "<=", "bound": "11", "periods": { "each": "calendar_year" } } }]),
        json!({}),
    );
    // r1: 12 admissions in 2019 (not met); r2: 7 (met).
    let ev = (0..12)
        .map(|i| stay(&format!("a{i}"), "r1", "2019-03-01", Some("2019-04-01")))
        .chain((0..7).map(|i| stay(&format!("b{i}"), "r2", "2019-03-01", Some("2019-04-01"))))
        .collect::<String>();
    let r = run_with(
        &c,
        &ev,
        "2019-12-31",
        Options::default().disclosure(Disclosure::CBS),
    );
    assert_eq!(r.disclosure, Some(Disclosure::CBS));
    let v1 = one(&r, "r1", "2019");
    // Decided on the exact 12, shown as 10.
    assert_eq!(v1.status, Status::NotMet);
    assert!(!v1.suppressed);
    assert_eq!(v1.measured.as_ref().map(|n| n.display.as_str()), Some("10"));
    assert!(v1.basis.measured_value.is_none());
    assert_eq!(
        v1.explanation.en,
        "Inflow region One, 2019: 10; required at most 11; not met."
    );
    let v2 = one(&r, "r2", "2019");
    assert_eq!(v2.status, Status::Met);
    assert!(v2.suppressed);
    assert!(v2.measured.is_none() && v2.margin.is_none());
    assert_eq!(
        v2.explanation.nl,
        "Instroom regio Two, 2019: gehaald; de cijfers worden niet getoond omdat ze over minder dan 10 jeugdigen gaan."
    );
    // Without it, the exact numbers.
    let plain = run(&c, &ev, "2019-12-31");
    assert_eq!(
        one(&plain, "r2", "2019")
            .measured
            .as_ref()
            .map(|n| n.display.as_str()),
        Some("7")
    );
}

#[test]
fn a_year_over_year_step_needs_no_baseline_after_the_first() {
    let c = year_over_year_mean_stay();
    // r2 has no baseline. 2019: 90 nights; 2020: 80 nights (31 + 29 + 20).
    let ev = stay("a", "r2", "2019-01-01", Some("2019-04-01"))
        + &stay("b", "r2", "2020-01-01", Some("2020-03-21"));
    let r = run(&c, &ev, "2020-12-31");
    assert_eq!(one(&r, "r2", "2019").status, Status::InsufficientData);
    // Step 2: at most 90 × (1 − 10 %) = 81 against the realised 90 of 2019; 80 is met.
    let v = one(&r, "r2", "2020");
    assert_eq!(v.status, Status::Met);
    assert_eq!(
        v.required
            .as_ref()
            .and_then(|q| q.value.as_ref())
            .map(|n| (n.numerator, n.denominator)),
        Some((81.into(), 1.into()))
    );
}
