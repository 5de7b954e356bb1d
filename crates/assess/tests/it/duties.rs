//! Reporting duties, planned steps, running totals and per-segment results, with numbers
//! computed by hand.

use assess::Status;
use serde_json::{Value, json};

use crate::fixtures::{contract, d, run, stay};

fn line(id: &str, kind: &str, date: &str, extra: Value) -> String {
    let mut v = json!({ "id": id, "kind": kind, "date": date });
    if let (Value::Object(a), Value::Object(b)) = (&mut v, extra) {
        a.extend(b);
    }
    format!("{v}\n")
}

/// A quarterly client report, due 30 days after each quarter of 2019, that must list
/// every client in care.
fn quarterly() -> targets::Contract {
    contract(
        json!([{ "id": "q", "title": "Quarterly client report",
                 "indicator": { "name": "report", "report": "clients" },
                 "dimension": "overall",
                 "rule": { "kind": "reporting", "every": "quarter", "due_days": 30, "complete": true,
                           "valid_until": "2020-01-01" } }]),
        json!({}),
    )
}

fn submitted(id: &str, date: &str, period: &str) -> String {
    line(
        id,
        "report_submitted",
        date,
        json!({ "provider": "p1", "name": "clients", "period": period }),
    )
}

fn lines(date: &str, period: &str, clients: &[&str]) -> String {
    clients
        .iter()
        .map(|c| {
            line(
                &format!("{period}-{c}"),
                "reported_client",
                date,
                json!({ "client": c, "provider": "p1", "name": "clients", "period": period }),
            )
        })
        .collect()
}

/// In care: c1 all year (admitted 10 January); c2 in February; c3 the night of 31 March
/// only (discharged 1 April: no night in the second quarter); c4 admitted and discharged
/// on 1 May (a same-day stay counts in its quarter).
///
/// - Q1 (due 30 April): submitted 20 April listing c1 and c2: c3 is missing, 2 of 3.
/// - Q2 (due 30 July): submitted 15 July listing c1, c4 and c9: c9 had no stay.
/// - Q3 (due 30 October): submitted 5 November listing c1: complete but 6 days late.
/// - Q4 (due 30 January 2020): nothing yet.
fn stream() -> String {
    stay("c1", "r1", "2019-01-10", None)
        + &stay("c2", "r1", "2019-02-01", Some("2019-03-01"))
        + &stay("c3", "r1", "2019-03-31", Some("2019-04-01"))
        + &stay("c4", "r1", "2019-05-01", Some("2019-05-01"))
        + &submitted("s1", "2019-04-20", "2019-01-01")
        + &lines("2019-04-20", "2019-01-01", &["c1", "c2"])
        + &submitted("s2", "2019-07-15", "2019-04-01")
        + &lines("2019-07-15", "2019-04-01", &["c1", "c4", "c9"])
        + &submitted("s3", "2019-11-05", "2019-07-01")
        + &lines("2019-11-05", "2019-07-01", &["c1"])
}

#[test]
fn a_quarterly_report_is_judged_on_time_and_on_every_client_in_care() {
    let c = quarterly();
    let r = run(&c, &stream(), "2020-01-15");
    let got: Vec<(String, Status)> = r
        .verdicts
        .iter()
        .map(|v| (v.period.as_ref().expect("a period").label.clone(), v.status))
        .collect();
    assert_eq!(
        got,
        [
            ("2019-01-01 to 2019-03-31".to_owned(), Status::NotMet),
            ("2019-04-01 to 2019-06-30".to_owned(), Status::NotMet),
            ("2019-07-01 to 2019-09-30".to_owned(), Status::NotMet),
            ("2019-10-01 to 2019-12-31".to_owned(), Status::Pending),
        ]
    );
    let basis = |i: usize| r.verdicts[i].basis.report.clone().expect("a report basis");
    let q1 = basis(0);
    assert_eq!((q1.in_care, q1.covered, q1.missing_count), (3, 2, 1));
    assert_eq!(q1.missing, ["c3"]);
    assert_eq!(q1.due, d("2019-04-30"));
    let q2 = basis(1);
    assert_eq!((q2.in_care, q2.covered, q2.missing_count), (2, 2, 0));
    assert_eq!(q2.unexpected, ["c9"]);
    let q3 = basis(2);
    assert_eq!(q3.submitted_on, Some(d("2019-11-05")));
    assert_eq!((q3.in_care, q3.covered), (1, 1));
    assert_eq!(
        r.verdicts[0].explanation.en,
        "Report: clients, 1 January 2019 to 31 March 2019: submitted on 20 April 2019, due on or \
         before 30 April 2019; not met. It covers 2 of the 3 clients in care. Left out: c3."
    );
    assert_eq!(
        r.verdicts[2].explanation.nl,
        "Rapportage: clients, 1 juli 2019 t/m 30 september 2019: ingediend op 5 november 2019, \
         6 dagen na de uiterste datum 30 oktober 2019; niet gehaald. Ze omvat de ene cliënt in zorg."
    );
    // After its due date the fourth quarter's report is missing.
    let later = run(&c, &stream(), "2020-01-31");
    assert_eq!(later.verdicts[3].status, Status::NotMet);
}

#[test]
fn an_incomplete_report_can_still_be_completed_before_its_due_date() {
    let c = quarterly();
    // As of 25 April the first quarter's report lacks c3, but it is due on 30 April.
    let r = run(&c, &stream(), "2019-04-25");
    assert_eq!(r.verdicts[0].status, Status::Pending);
    // c3's line arrives on 28 April: complete and in time, decided before the due date.
    let fixed = stream() + &lines("2019-04-28", "2019-01-01", &["c3"]);
    let r = run(&c, &fixed, "2019-04-28");
    assert_eq!(r.verdicts[0].status, Status::Met);
    assert!(r.verdicts[0].early);
    // A line sent after the due date does not complete the report.
    let late = stream() + &lines("2019-05-02", "2019-01-01", &["c3"]);
    assert_eq!(
        run(&c, &late, "2019-06-30").verdicts[0].status,
        Status::NotMet
    );
}

fn admission(id: &str, date: &str, client: &str, segment: Option<&str>) -> String {
    let mut extra = json!({ "client": client, "region": "r1", "provider": "p1" });
    if let Some(s) = segment {
        extra["segment"] = json!(s);
    }
    line(id, "admission", date, extra)
}

/// Inflow per segment A, B, C and V, at most 2 each in 2019: A has 3 (not met), B 2
/// (met), C 0 (met: a count of nothing is zero), V 1 (met). Two more admissions carry no
/// segment and one carries "X", which the contract does not declare: 3 stays in no
/// segment's verdict, reported as such, not lost.
#[test]
fn a_result_per_segment_reports_the_stays_outside_the_declared_segments() {
    let c = contract(
        json!([{ "id": "inflow", "title": "Inflow per segment", "indicator": { "name": "inflow" },
                 "dimension": "per_segment",
                 "rule": { "kind": "bound", "op": "<=", "bound": "2", "valid_until": "2020-01-01" } }]),
        json!({ "segments": [ { "id": "A", "name": "Segment A" }, { "id": "B", "name": "Segment B" },
                              { "id": "C", "name": "Segment C" }, { "id": "V", "name": "Segment V" } ] }),
    );
    let ev = admission("1", "2019-01-05", "a1", Some("A"))
        + &admission("2", "2019-02-05", "a2", Some("A"))
        + &admission("3", "2019-03-05", "a3", Some("A"))
        + &admission("4", "2019-01-05", "b1", Some("B"))
        + &admission("5", "2019-01-06", "b2", Some("B"))
        + &admission("6", "2019-04-01", "v1", Some("V"))
        + &admission("7", "2019-05-01", "n1", None)
        + &admission("8", "2019-05-02", "n2", None)
        + &admission("9", "2019-06-01", "x1", Some("X"));
    let r = run(&c, &ev, "2019-12-31");
    let got: Vec<(String, Status, String)> = r
        .verdicts
        .iter()
        .map(|v| {
            (
                v.dimension.clone(),
                v.status,
                v.measured
                    .as_ref()
                    .map(|m| m.display.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let row = |d: &str, s, m: &str| (d.to_owned(), s, m.to_owned());
    assert_eq!(
        got,
        [
            row("A", Status::NotMet, "3"),
            row("B", Status::Met, "2"),
            row("C", Status::Met, "0"),
            row("V", Status::Met, "1"),
            row("undeclared", Status::InsufficientData, "3"),
        ]
    );
    assert_eq!(
        r.verdicts[4].explanation.en,
        "Inflow outside the declared segments, 2019: 3; required at most 2; insufficient data: \
         3 cases have no segment the contract declares (none, or another value) and count in \
         no segment's verdict; correct the data or declare the segment."
    );
    // Without stays outside the declared segments there is nothing to report.
    let clean = admission("1", "2019-01-05", "a1", Some("A"));
    let r = run(&c, &clean, "2019-12-31");
    assert!(r.verdicts.iter().all(|v| v.dimension != "undeclared"));
}

fn spending(id: &str, date: &str, value: &str) -> String {
    line(
        id,
        "measurement",
        date,
        json!({ "metric": "spending", "value": value }),
    )
}

/// Spending in millions against a budget per year, judged as running totals: 9.5 in 2019
/// against 10.0, then 12.9 in 2020 against 12.5. Year by year 2020 overspends by 0.4;
/// in total 22.4 stays within 22.5, the 0.5 left in 2019 carried over. Against one total
/// of 20 for both years, 2020 ends 2.4 over.
#[test]
fn a_budget_is_judged_as_a_running_total_in_money() {
    let result = |rule: Value| {
        contract(
            json!([{ "id": "spend", "title": "Spending",
                     "indicator": { "name": "measured", "metric": "spending", "unit": "million_eur" },
                     "dimension": "overall", "rule": rule }]),
            json!({}),
        )
    };
    let ev = spending("m1", "2019-12-31", "9.5") + &spending("m2", "2020-12-31", "12.9");
    let per_year = json!({ "kind": "bound", "op": "<=", "bounds": [
        { "period": { "kind": "calendar_year", "year": 2019 }, "value": "10.0" },
        { "period": { "kind": "calendar_year", "year": 2020 }, "value": "12.5" } ] });
    let statuses = |r: &assess::Report| r.verdicts.iter().map(|v| v.status).collect::<Vec<_>>();
    let plain = run(&result(per_year.clone()), &ev, "2020-12-31");
    assert_eq!(statuses(&plain), [Status::Met, Status::NotMet]);
    let mut cumulative = per_year;
    cumulative["cumulative"] = json!(true);
    let r = run(&result(cumulative), &ev, "2020-12-31");
    assert_eq!(statuses(&r), [Status::Met, Status::Met]);
    let v = &r.verdicts[1];
    assert_eq!(
        v.measured.as_ref().map(|m| m.display.as_str()),
        Some("€ 22.4 million")
    );
    assert_eq!(
        v.required
            .as_ref()
            .and_then(|q| q.value.as_ref())
            .map(|n| n.display.as_str()),
        Some("€ 22.5 million")
    );
    assert_eq!(
        v.explanation.nl,
        "Spending, 2020: € 22,4 mln in totaal sinds 1 januari 2019; vereist ten hoogste \
         € 22,5 mln; gehaald, € 0,1 mln marge."
    );
    let total = json!({ "kind": "bound", "op": "<=", "bound": "20", "cumulative": true,
                        "valid_until": "2021-01-01" });
    let r = run(&result(total), &ev, "2020-12-31");
    assert_eq!(statuses(&r), [Status::Met, Status::NotMet]);
    assert_eq!(
        r.verdicts[1].explanation.en,
        "Spending, 2020: € 22.4 million in total since 1 January 2019; required at most \
         € 20.0 million; not met, € 2.4 million too high."
    );
}

/// Two caps on inflow; the second's bound is marked a sample. Only its verdicts, and the
/// tranche that reads it, say so; the report lists the mark.
#[test]
fn verdicts_resting_on_a_sample_value_are_marked() {
    let c = contract(
        json!([
            { "id": "a", "title": "A", "indicator": { "name": "inflow" }, "dimension": "overall",
              "rule": { "kind": "bound", "op": "<=", "bound": "5", "valid_until": "2020-01-01" } },
            { "id": "b", "title": "B", "indicator": { "name": "inflow" }, "dimension": "per_region",
              "rule": { "kind": "bound", "op": "<=", "bound": "3", "valid_until": "2020-01-01" } }
        ]),
        json!({
            "samples": [ { "at": "/goals/0/results/1/rule/bound", "note": "assumed cap" } ],
            "consequences": [
                { "kind": "bonus_tranche", "id": "t-a", "title": "On A", "phase": "1", "amount": "10.00",
                  "decided_on": "2019-12-31", "condition": { "kind": "all_met", "results": { "ids": ["a"] } } },
                { "kind": "bonus_tranche", "id": "t-b", "title": "On B", "phase": "1", "amount": "10.00",
                  "decided_on": "2019-12-31", "condition": { "kind": "all_met", "results": { "ids": ["b"] } } }
            ]
        }),
    );
    let ev = stay("c1", "r1", "2019-02-01", None);
    let r = run(&c, &ev, "2019-12-31");
    let marked: Vec<(&str, &str, bool)> = r
        .verdicts
        .iter()
        .map(|v| {
            (
                v.result.as_str(),
                v.dimension.as_str(),
                !v.samples.is_empty(),
            )
        })
        .collect();
    assert_eq!(
        marked,
        [
            ("a", "overall", false),
            ("b", "r1", true),
            ("b", "r2", true)
        ]
    );
    assert!(
        r.verdicts[1]
            .explanation
            .en
            .ends_with("It rests on a sample value, not the document's (see the sample values).")
    );
    let tranches: Vec<bool> = r
        .consequences
        .iter()
        .map(|c| !c.samples.is_empty())
        .collect();
    assert_eq!(tranches, [false, true]);
    assert_eq!(r.samples.len(), 1);
    assert_eq!(r.samples[0].at, "/goals/0/results/1/rule/bound");
    let md = assess::markdown::render(&r, assess::Lang::En);
    assert!(md.contains("**This report rests in part on values that are samples"));
    assert!(md.contains("| One | 2019 | met † |"));
    // A mark that points nowhere is refused when the contract is loaded.
    let mut doc: Value = serde_json::from_str(&c.to_json()).expect("json");
    doc["samples"][0]["at"] = json!("/goals/0/results/7/rule/bound");
    let err = targets::Contract::from_json(&doc.to_string()).expect_err("refused");
    assert_eq!(err.problems()[0].path, "$.samples[0].at");
}

/// Inflow per provider category: p1 is an A provider (two starts), p2 a B provider (one),
/// p3 has no category and p9 is not in the contract (one start each): 2, 1, and 2 starts
/// of providers outside the declared categories, reported as such.
#[test]
fn a_result_per_provider_category_reports_the_providers_without_one() {
    let c = contract(
        json!([{ "id": "inflow", "title": "Inflow per category", "indicator": { "name": "inflow" },
                 "dimension": "per_provider_category",
                 "rule": { "kind": "bound", "op": "<=", "bound": "1", "valid_until": "2020-01-01" } }]),
        json!({
            "provider_categories": [ { "id": "A", "name": "system providers" }, { "id": "B", "name": "performance providers" } ],
            "providers": [
                { "id": "p1", "category": "A" }, { "id": "p2", "category": "B" }, { "id": "p3" }
            ],
            "contractor": "p1"
        }),
    );
    let start = |id: &str, client: &str, provider: &str| {
        line(
            id,
            "admission",
            "2019-03-01",
            json!({ "client": client, "region": "r1", "provider": provider }),
        )
    };
    let ev = start("1", "a", "p1")
        + &start("2", "b", "p1")
        + &start("3", "c", "p2")
        + &start("4", "d", "p3")
        + &start("5", "e", "p9");
    let r = run(&c, &ev, "2019-12-31");
    let got: Vec<(String, Status, String)> = r
        .verdicts
        .iter()
        .map(|v| {
            let m = v.measured.as_ref().map(|m| m.display.clone());
            (v.dimension.clone(), v.status, m.unwrap_or_default())
        })
        .collect();
    assert_eq!(
        got,
        [
            ("A".to_owned(), Status::NotMet, "2".to_owned()),
            ("B".to_owned(), Status::Met, "1".to_owned()),
            (
                "undeclared".to_owned(),
                Status::InsufficientData,
                "2".to_owned()
            ),
        ]
    );
    assert!(
        r.verdicts[0]
            .explanation
            .en
            .starts_with("Inflow provider category system providers, 2019: 2;")
    );
    // A provider naming a category the contract does not declare is refused.
    let mut doc: Value = serde_json::from_str(&c.to_json()).expect("json");
    doc["providers"][2]["category"] = json!("Z");
    let err = targets::Contract::from_json(&doc.to_string()).expect_err("refused");
    assert_eq!(err.problems()[0].path, "$.providers[2].category");
}
