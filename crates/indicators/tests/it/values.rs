//! Hand-computed values on small fixtures.

use indicators::{Engine, EventBody, Indicator, NoValue, ParseOptions, RejectReason, Span, Value};
use rust_decimal::Decimal;

use crate::fixtures::*;

const END_2019: &str = "2019-12-31";

/// Net stays of 41, 42, 210 and 211 days, and one of 230 nights with 20 bridging days
/// (net 210), all admitted on 2019-01-01 and discharged in 2019.
fn boundary_stays() -> Vec<indicators::Event> {
    vec![
        adm("a1", "2019-01-01", "c1", "r1"),
        dis("d1", "2019-02-11", "c1"),
        adm("a2", "2019-01-01", "c2", "r1"),
        dis("d2", "2019-02-12", "c2"),
        adm("a3", "2019-01-01", "c3", "r1"),
        dis("d3", "2019-07-30", "c3"),
        adm("a4", "2019-01-01", "c4", "r2"),
        dis("d4", "2019-07-31", "c4"),
        adm("a5", "2019-01-01", "c5", "r2"),
        bstart("b5", "2019-07-30", "c5"),
        dis("d5", "2019-08-19", "c5"),
    ]
}

#[test]
fn stay_length_bands_at_41_42_210_and_211_net_days() {
    let ev = boundary_stays();
    assert_eq!(
        value(&ev, Indicator::StayLengthBands, 2019, None, END_2019),
        Value::Bands {
            under_6_weeks: 1,
            weeks_6_to_30: 3,
            over_30_weeks: 1
        }
    );
    // Only the 211-day stay is over 30 weeks; the 230-night stay has 210 net days.
    assert_eq!(
        value(&ev, Indicator::ShareStaysOver30Weeks, 2019, None, END_2019),
        share(1, 5)
    );
    assert_eq!(
        value(
            &ev,
            Indicator::ShareStaysOver30Weeks,
            2019,
            Some("r1"),
            END_2019
        ),
        share(0, 3)
    );
    assert_eq!(
        value(
            &ev,
            Indicator::ShareStaysOver30Weeks,
            2019,
            Some("r2"),
            END_2019
        ),
        share(1, 2)
    );
    // 41 + 42 + 210 + 211 + 210 = 714 net days over 5 stays.
    assert_eq!(
        value(&ev, Indicator::MeanStayDays, 2019, None, END_2019),
        mean(714, 5)
    );
    assert_eq!(
        value(&ev, Indicator::BridgingDays, 2019, Some("r2"), END_2019),
        Value::Days { value: 20 }
    );
}

#[test]
fn bridging_open_at_discharge_ends_there() {
    // 100 nights, bridging from 1 March to the discharge on 11 April: 41 days, 59 net.
    let ev = vec![
        adm("a", "2019-01-01", "c", "r"),
        bstart("b", "2019-03-01", "c"),
        dis("d", "2019-04-11", "c"),
    ];
    assert_eq!(
        value(&ev, Indicator::MeanStayDays, 2019, None, END_2019),
        mean(59, 1)
    );
    assert_eq!(
        value(&ev, Indicator::BridgingDays, 2019, None, END_2019),
        Value::Days { value: 41 }
    );
}

#[test]
fn bridging_across_a_year_boundary_is_split_and_an_open_one_counts_through_the_as_of_day() {
    let ev = vec![
        adm("a", "2019-06-01", "c", "r"),
        bstart("b1", "2019-12-20", "c"),
        bend("b2", "2020-01-10", "c"),
        dis("d", "2020-02-01", "c"),
        adm("a2", "2020-01-01", "k", "r"),
        bstart("b3", "2020-12-01", "k"),
    ];
    assert_eq!(
        value(&ev, Indicator::BridgingDays, 2019, None, "2020-12-31"),
        Value::Days { value: 12 }
    );
    // 9 days of the first period and 31 of the open one.
    assert_eq!(
        value(&ev, Indicator::BridgingDays, 2020, None, "2020-12-31"),
        Value::Days { value: 40 }
    );
    // As of 15 December the open period has run 15 days.
    assert_eq!(
        value(&ev, Indicator::BridgingDays, 2020, None, "2020-12-15"),
        Value::Days { value: 24 }
    );
    // As of 2019-12-31 the first period is open and counts 12 days, its end unknown yet.
    assert_eq!(
        value(&ev, Indicator::BridgingDays, 2019, None, "2019-12-31"),
        Value::Days { value: 12 }
    );
}

#[test]
fn readmission_within_six_calendar_months_after_goals() {
    let ev = vec![
        // Goals on 31 August 2019: six months later is 29 February 2020 (clamped).
        adm("a1", "2019-01-01", "c1", "r"),
        goals("g1", "2019-08-31", "c1"),
        dis("d1", "2019-09-01", "c1"),
        adm("a1b", "2020-02-29", "c1", "r"),
        dis("d1b", "2020-05-01", "c1"),
        adm("a2", "2019-01-01", "c2", "r"),
        goals("g2", "2019-08-31", "c2"),
        dis("d2", "2019-09-02", "c2"),
        adm("a2b", "2020-03-01", "c2", "r"),
        dis("d2b", "2020-05-02", "c2"),
        // Goals on 15 March: 15 September counts, 16 September does not.
        adm("a3", "2019-01-01", "c3", "r"),
        goals("g3", "2019-03-15", "c3"),
        dis("d3", "2019-03-20", "c3"),
        adm("a3b", "2019-09-15", "c3", "r"),
        adm("a4", "2019-01-01", "c4", "r"),
        goals("g4", "2019-03-15", "c4"),
        dis("d4", "2019-03-20", "c4"),
        adm("a4b", "2019-09-16", "c4", "r"),
    ];
    // 2020: one readmission in the window (c1) over two discharges.
    assert_eq!(
        value(&ev, Indicator::RecidivismRate, 2020, None, "2020-12-31"),
        share(1, 2)
    );
    // 2019: c3 counts, c4 does not; four discharges.
    assert_eq!(
        value(&ev, Indicator::RecidivismRate, 2019, None, "2020-12-31"),
        share(1, 4)
    );
}

#[test]
fn a_readmission_on_the_day_goals_were_reached_is_not_within_the_window() {
    let ev = vec![
        adm("a", "2019-01-01", "c", "r"),
        goals("g", "2019-05-05", "c"),
        dis("d", "2019-05-05", "c"),
        adm("b", "2019-05-05", "c", "r"),
        dis("e", "2019-06-01", "c"),
    ];
    assert_eq!(
        value(&ev, Indicator::RecidivismRate, 2019, None, END_2019),
        share(0, 2)
    );
}

#[test]
fn a_zero_denominator_has_no_value_not_zero() {
    let ev = vec![adm("a", "2019-01-01", "c", "r")];
    let none = Value::None {
        reason: NoValue::ZeroDenominator,
    };
    assert_eq!(
        value(&ev, Indicator::ExtensionRate, 2020, None, "2020-12-31"),
        none
    );
    assert_eq!(
        value(&ev, Indicator::MeanStayDays, 2019, None, END_2019),
        none
    );
    assert_eq!(
        value(&ev, Indicator::RecidivismRate, 2019, None, END_2019),
        none
    );
    assert_eq!(
        value(&ev, Indicator::ShareStaysOver30Weeks, 2019, None, END_2019),
        none
    );
    assert_eq!(
        value(&ev, Indicator::Inflow, 2020, None, "2020-12-31"),
        Value::Count { value: 0 }
    );
}

#[test]
fn a_retracted_extension_no_longer_counts() {
    let base = vec![
        adm("a", "2019-01-01", "c", "r"),
        ext("x", "2019-02-01", "c", true),
        adm("a2", "2019-03-01", "k", "r"),
    ];
    assert_eq!(
        value(&base, Indicator::ExtensionRate, 2019, None, END_2019),
        share(1, 2)
    );
    let mut retracted = base.clone();
    retracted.push(retract("r1", "2019-04-01", "x"));
    assert_eq!(
        value(&retracted, Indicator::ExtensionRate, 2019, None, END_2019),
        share(0, 2)
    );
    let e = engine(&retracted);
    let acc = e.view().accounting();
    assert_eq!(acc.retracted, ["x"]);
    assert_eq!((acc.read, acc.accepted, acc.rejected), (4, 4, 0));
    // Other extensions do not count either.
    let other = vec![
        adm("a", "2019-01-01", "c", "r"),
        ext("x", "2019-02-01", "c", false),
    ];
    assert_eq!(
        value(&other, Indicator::ExtensionRate, 2019, None, END_2019),
        share(0, 1)
    );
    // An extension after the as-of day is not known yet.
    assert_eq!(
        value(&base, Indicator::ExtensionRate, 2019, None, "2019-01-31"),
        share(0, 1)
    );
}

#[test]
fn a_conflicting_duplicate_rejects_every_version() {
    let ev = vec![
        adm("a", "2019-01-01", "c", "r"),
        dis("d", "2019-03-01", "c"),
        dis("d", "2019-03-02", "c"),
        dis("d", "2019-03-01", "c"),
    ];
    let e = engine(&ev);
    let view = e.view();
    assert_eq!(
        view.value(&Indicator::Outflow, year(2019), None, d(END_2019)),
        Value::Count { value: 0 }
    );
    let acc = view.accounting();
    assert_eq!(
        (acc.read, acc.accepted, acc.duplicates, acc.rejected),
        (4, 1, 1, 2)
    );
    assert!(
        acc.rejections
            .iter()
            .all(|r| r.reason == RejectReason::Conflict && r.id.as_deref() == Some("d"))
    );
    let dates: Vec<_> = acc
        .rejections
        .iter()
        .filter_map(|r| r.event.as_ref().map(|e| e.date.to_string()))
        .collect();
    assert_eq!(dates, ["2019-03-01", "2019-03-02"]);
}

#[test]
fn a_same_day_stay_and_a_same_day_discharge_and_readmission() {
    let same_day = vec![
        adm("a", "2019-05-05", "c", "r"),
        dis("d", "2019-05-05", "c"),
    ];
    assert_eq!(
        value(&same_day, Indicator::MeanStayDays, 2019, None, END_2019),
        mean(0, 1)
    );
    let mut readmit = vec![
        adm("a1", "2019-01-01", "c", "r"),
        goals("g", "2019-05-05", "c"),
        dis("d1", "2019-05-05", "c"),
        adm("a2", "2019-05-05", "c", "r"),
        dis("d2", "2019-06-01", "c"),
    ];
    for order in [readmit.clone(), {
        readmit.reverse();
        readmit.clone()
    }] {
        let e = engine(&order);
        let view = e.view();
        let y = year(2019);
        let at = d(END_2019);
        assert_eq!(
            view.value(&Indicator::Inflow, y, None, at),
            Value::Count { value: 2 }
        );
        assert_eq!(
            view.value(&Indicator::Outflow, y, None, at),
            Value::Count { value: 2 }
        );
        // The goals of that day belong to the stay that was open in the morning.
        assert_eq!(
            view.value(&Indicator::SuccessfulOutflow, y, None, at),
            Value::Count { value: 1 }
        );
        // 124 nights and 27 nights.
        assert_eq!(
            view.value(&Indicator::MeanStayDays, y, None, at),
            mean(151, 2)
        );
        assert_eq!(view.accounting().rejected, 0);
    }
}

#[test]
fn events_that_cannot_apply_are_rejected_with_their_reason() {
    let ev = vec![
        dis("d0", "2019-01-01", "c"),
        adm("a1", "2019-01-02", "c", "r"),
        adm("a2", "2019-01-03", "c", "r"),
        bend("e0", "2019-01-04", "c"),
        bstart("s1", "2019-01-05", "c"),
        bstart("s2", "2019-01-06", "c"),
        retract("r1", "2019-01-07", "nothing"),
        retract("r2", "2019-01-08", "r1"),
        goals("g0", "2019-01-09", "ghost"),
    ];
    let e = engine(&ev);
    let acc = e.view().accounting();
    let got: Vec<(String, String)> = acc
        .rejections
        .iter()
        .map(|r| (r.id.clone().unwrap_or_default(), r.reason.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "a2".to_owned(),
                "the client has an open stay since 2019-01-02 (admission a1)".to_owned()
            ),
            ("d0".to_owned(), "the client has no open stay".to_owned()),
            ("e0".to_owned(), "no bridging period is open".to_owned()),
            ("g0".to_owned(), "the client has no open stay".to_owned()),
            ("r1".to_owned(), "no event has id \"nothing\"".to_owned()),
            ("r2".to_owned(), "\"r1\" is itself a retraction".to_owned()),
            (
                "s2".to_owned(),
                "a bridging period is open since 2019-01-05".to_owned()
            ),
        ]
    );
    assert_eq!(
        acc.read,
        acc.accepted + acc.duplicates + acc.rejected + acc.ignored
    );
    assert_eq!((acc.accepted, acc.rejected), (2, 7));
}

#[test]
fn tariffs_are_in_force_until_the_next_one() {
    let ev = vec![
        tariff("t1", "2017-01-01", "410.00", "day"),
        tariff("t2", "2019-01-01", "418.50", "day"),
        tariff("t3", "2020-07-01", "425", "day"),
        tariff("t4", "2019-01-01", "95.00", "hour"),
    ];
    let day = || Indicator::MaxTariff {
        unit: Some("day".into()),
        provider: None,
    };
    let amount = |s: &str| Value::Amount {
        value: Decimal::from_str_exact(s).expect("decimal"),
    };
    // 2019: 410.00 is no longer in force on any day; 418.50 is.
    assert_eq!(
        value(&ev, day(), 2019, None, "2020-12-31"),
        amount("418.50")
    );
    assert_eq!(value(&ev, day(), 2020, None, "2020-12-31"), amount("425"));
    // As of 30 June 2020 the July tariff is not known yet.
    assert_eq!(
        value(&ev, day(), 2020, None, "2020-06-30"),
        amount("418.50")
    );
    // Tariffs hold for every region.
    assert_eq!(
        value(&ev, day(), 2020, Some("nowhere"), "2020-12-31"),
        amount("425")
    );
    assert_eq!(
        value(
            &ev,
            Indicator::MaxTariff {
                unit: None,
                provider: None
            },
            2018,
            None,
            "2020-12-31"
        ),
        amount("410.00")
    );
    assert_eq!(
        value(
            &ev,
            Indicator::MaxTariff {
                unit: Some("month".into()),
                provider: None
            },
            2019,
            None,
            "2020-12-31"
        ),
        Value::None {
            reason: NoValue::NoData
        }
    );
}

#[test]
fn deliveries_and_measurements() {
    let deliver = |id: &str, date: &str, region: Option<&str>| {
        ev(
            id,
            date,
            EventBody::Deliverable {
                provider: "jzp".into(),
                name: "plan".into(),
                region: region.map(Into::into),
            },
        )
    };
    let measure = |id: &str, date: &str, v: i64| {
        ev(
            id,
            date,
            EventBody::Measurement {
                metric: "beds".into(),
                value: Decimal::from(v),
                region: Some("r1".into()),
                provider: None,
            },
        )
    };
    let events = vec![
        deliver("p1", "2019-06-20", None),
        deliver("p2", "2019-05-01", Some("r1")),
        measure("m1", "2019-03-01", 12),
        measure("m2", "2019-09-01", 14),
        measure("m3", "2020-01-01", 9),
    ];
    let on = || Indicator::DeliveredOn {
        deliverable: "plan".into(),
        provider: None,
    };
    let date = |s: &str| Value::Date { value: d(s) };
    assert_eq!(
        value(&events, on(), 2019, None, END_2019),
        date("2019-05-01")
    );
    assert_eq!(
        value(&events, on(), 2019, Some("r1"), END_2019),
        date("2019-05-01")
    );
    // The region-less delivery holds for every region; r1's own is not another region's.
    assert_eq!(
        value(&events, on(), 2019, Some("r2"), END_2019),
        date("2019-06-20")
    );
    assert_eq!(
        value(&events, on(), 2019, None, "2019-04-30"),
        Value::None {
            reason: NoValue::NoData
        }
    );
    let beds = || Indicator::Measured {
        metric: "beds".into(),
        provider: None,
    };
    assert_eq!(
        value(&events, beds(), 2019, Some("r1"), END_2019),
        Value::Amount {
            value: Decimal::from(14)
        }
    );
    assert_eq!(
        value(&events, beds(), 2019, Some("r1"), "2019-08-31"),
        Value::Amount {
            value: Decimal::from(12)
        }
    );
    assert_eq!(
        value(&events, beds(), 2019, Some("r2"), END_2019),
        Value::None {
            reason: NoValue::NoData
        }
    );
}

#[test]
fn stays_discharged_after_the_as_of_day_are_still_open() {
    let ev = vec![
        adm("a", "2019-01-01", "c", "r"),
        dis("d", "2019-03-01", "c"),
    ];
    assert_eq!(
        value(&ev, Indicator::Outflow, 2019, None, "2019-02-28"),
        Value::Count { value: 0 }
    );
    assert_eq!(
        value(&ev, Indicator::Inflow, 2019, None, "2019-02-28"),
        Value::Count { value: 1 }
    );
    assert_eq!(
        value(&ev, Indicator::Inflow, 2019, None, "2018-12-31"),
        Value::Count { value: 0 }
    );
}

#[test]
fn json_lines_errors_name_line_field_and_problem() {
    let input = b"{\"id\":\"a\",\"kind\":\"admission\",\"date\":\"2019-01-01\",\"client\":\"c\",\"region\":\"r\"}\n\n\
        {\"id\":\"b\",\"kind\":\"discharge\",\"date\":\"2019-13-01\",\"client\":\"c\"}\n\
        not json\n\
        {\"id\":\"c\",\"kind\":\"tariff\",\"date\":\"2019-01-01\",\"provider\":\"p\",\"amount\":\"1\",\"unit\":\"day\",\"extra\":1}\n\
        {\"id\":\"e\",\"kind\":\"moon_landing\",\"date\":\"2019-01-01\"}\n";
    let mut e = Engine::new();
    let summary = e.push_jsonl(input, ParseOptions::default());
    assert_eq!(
        (summary.lines, summary.events, summary.malformed),
        (5, 1, 4)
    );
    let acc = e.view().accounting();
    let got: Vec<String> = acc
        .rejections
        .iter()
        .map(|r| format!("{:?} {}", r.line, r.reason))
        .collect();
    assert_eq!(
        got,
        [
            "Some(3) field `date`: \"2019-13-01\" is not a date YYYY-MM-DD",
            "Some(4) expected ident (column 2)",
            "Some(5) field `extra`: unknown field (column 94)",
            "Some(6) field `kind`: unknown kind \"moon_landing\"",
        ]
    );
    // On request, unknown kinds and fields are skipped, and counted.
    let mut lenient = Engine::new();
    let summary = lenient.push_jsonl(
        input,
        ParseOptions {
            ignore_unknown: true,
        },
    );
    assert_eq!(
        (summary.events, summary.malformed, summary.ignored),
        (2, 2, 1)
    );
    let acc = lenient.view().accounting();
    assert_eq!(
        acc.read,
        acc.accepted + acc.duplicates + acc.rejected + acc.ignored
    );
}

#[test]
fn monthly_breakdowns() {
    let with = |id: &str, date: &str, client: &str, reason: &str| {
        ev(
            id,
            date,
            EventBody::Admission {
                client: client.into(),
                region: "r".into(),
                provider: None,
                reason: Some(reason.into()),
                segment: None,
            },
        )
    };
    let out = |id: &str, date: &str, client: &str, to: &str| {
        ev(
            id,
            date,
            EventBody::Discharge {
                client: client.into(),
                destination: Some(to.into()),
                reason: None,
            },
        )
    };
    let events = vec![
        with("a1", "2019-01-05", "c1", "crisis"),
        with("a2", "2019-01-20", "c2", "crisis"),
        with("a3", "2019-02-01", "c3", "court_order"),
        out("d1", "2019-02-10", "c1", "home"),
        adm("a4", "2019-02-11", "c4", "r"),
    ];
    let e = engine(&events);
    let view = e.view();
    let q1 = Span::quarter(2019, 1).expect("quarter");
    let rows: Vec<(String, Option<String>, u64)> = view
        .inflow_by_reason(q1, None, d(END_2019))
        .into_iter()
        .map(|r| (r.month.to_string(), r.key, r.count))
        .collect();
    assert_eq!(
        rows,
        [
            ("2019-01".to_owned(), Some("crisis".to_owned()), 2),
            ("2019-02".to_owned(), None, 1),
            ("2019-02".to_owned(), Some("court_order".to_owned()), 1),
        ]
    );
    let rows = view.outflow_by_destination(q1, Some("r"), d(END_2019));
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].key.as_deref(), rows[0].count), (Some("home"), 1));
}

#[test]
fn custom_indicators_as_data() {
    let def: indicators::custom::CustomIndicator = serde_json::from_str(
        r#"{ "over": "events", "filter": { "kind": "all", "of": [
                { "kind": "event_kind", "is": ["authorization_extension"] },
                { "kind": "reason", "is": ["goals_not_achieved"] } ] },
             "measure": { "kind": "count" } }"#,
    )
    .expect("valid json");
    def.validate().expect("valid definition");
    let ev = vec![
        adm("a", "2019-01-01", "c", "r1"),
        ext("x1", "2019-02-01", "c", true),
        ext("x2", "2019-03-01", "c", true),
        ext("x3", "2019-03-02", "c", false),
        adm("b", "2019-01-01", "k", "r2"),
        ext("x4", "2019-02-01", "k", true),
    ];
    let ind = Indicator::Custom {
        key: "extensions_gna".into(),
        definition: def,
    };
    assert_eq!(
        value(&ev, ind.clone(), 2019, None, END_2019),
        Value::Count { value: 3 }
    );
    assert_eq!(
        value(&ev, ind, 2019, Some("r1"), END_2019),
        Value::Count { value: 2 }
    );

    // The built-ins defined as data give the same values as the built-ins.
    let stays = boundary_stays();
    for b in [
        Indicator::MeanStayDays,
        Indicator::ShareStaysOver30Weeks,
        Indicator::Outflow,
    ] {
        let custom = Indicator::Custom {
            key: "x".into(),
            definition: b.definition().expect("data"),
        };
        assert_eq!(
            value(&stays, custom, 2019, Some("r1"), END_2019),
            value(&stays, b, 2019, Some("r1"), END_2019)
        );
    }

    // A filter that does not fit what the indicator ranges over is refused.
    let bad: indicators::custom::CustomIndicator = serde_json::from_str(
        r#"{ "over": "stays", "filter": { "kind": "metric", "is": ["beds"] }, "measure": { "kind": "sum", "field": "value" } }"#,
    )
    .expect("valid json");
    let err = bad.validate().expect_err("invalid").to_string();
    assert_eq!(
        err,
        "invalid custom indicator: $.date: stays need `admission` or `discharge`; $.filter: this filter applies to events, not stays; $.measure.field: Value is not a field of Stays"
    );
}

#[test]
fn indicator_table_of_the_fixture_stream() {
    let bytes = include_bytes!("../data/small.jsonl");
    let mut e = Engine::new();
    let _ = e.push_jsonl(bytes, ParseOptions::default());
    let view = e.view();
    let mut inds = Indicator::catalogue();
    inds.push(Indicator::MaxTariff {
        unit: Some("day".into()),
        provider: None,
    });
    let table = view.table(&inds, &[year(2019), year(2020)], d("2020-12-31"));
    insta::assert_json_snapshot!("table_small", table);
    insta::assert_json_snapshot!("accounting_small", view.accounting());
}

#[test]
fn approvals_cover_the_next_admission_in_their_segment() {
    let admit = |id: &str, date: &str, client: &str, segment: &str| {
        ev(
            id,
            date,
            EventBody::Admission {
                client: client.into(),
                region: "r".into(),
                provider: None,
                reason: None,
                segment: Some(segment.into()),
            },
        )
    };
    let approve = |id: &str, date: &str, client: &str, segment: Option<&str>| {
        ev(
            id,
            date,
            EventBody::Approval {
                client: client.into(),
                segment: segment.map(Into::into),
            },
        )
    };
    let events = vec![
        // Approved the day before: covered.
        approve("p1", "2022-01-09", "a", Some("V")),
        admit("a1", "2022-01-10", "a", "V"),
        // Approved on the day itself: covered (approvals come first on a day).
        admit("a2", "2022-01-10", "b", "V"),
        approve("p2", "2022-01-10", "b", None),
        // Approved only afterwards: not covered.
        admit("a3", "2022-02-01", "c", "V"),
        approve("p3", "2022-02-02", "c", Some("V")),
        // An approval for another segment does not cover it.
        approve("p4", "2022-02-01", "d", Some("C")),
        admit("a4", "2022-02-05", "d", "V"),
        // One approval covers one admission: the readmission needs its own.
        approve("p5", "2022-03-01", "e", Some("V")),
        admit("a5", "2022-03-02", "e", "V"),
        dis("d5", "2022-03-10", "e"),
        admit("a6", "2022-04-01", "e", "V"),
        // Segment B needs no approval and is left out by the filter below.
        admit("a7", "2022-04-01", "f", "B"),
    ];
    let def: indicators::custom::CustomIndicator = serde_json::from_str(
        r#"{ "over": "stays", "date": "admission", "filter": { "kind": "segment", "is": ["V"] },
             "measure": { "kind": "share", "of": { "kind": "approved", "is": true } } }"#,
    )
    .expect("valid");
    def.validate().expect("valid");
    let ind = Indicator::Custom {
        key: "approved_v_starts".into(),
        definition: def,
    };
    // Covered: a1, a2, a5. Not: a3, a4, a6.
    assert_eq!(value(&events, ind, 2022, None, "2022-12-31"), share(3, 6));
    // Approvals are client events that never need an open stay: nothing is rejected.
    let e = engine(&events);
    assert_eq!(e.view().accounting().rejected, 0);
    // They round-trip through JSON with their segment.
    let line = events[0].to_json();
    assert_eq!(
        line,
        r#"{"id":"p1","kind":"approval","date":"2022-01-09","client":"a","segment":"V"}"#
    );
}

#[test]
fn amounts_compare_by_value_and_a_conflicting_retraction_retracts_nothing() {
    // "423.00" and "423.0" are the same amount: a duplicate, not a conflict.
    let mut e = Engine::new();
    let _ = e.push_jsonl(
        br#"{"id":"t","kind":"tariff","date":"2019-01-01","provider":"p","amount":"423.00","unit":"day"}
{"id":"t","kind":"tariff","date":"2019-01-01","provider":"p","amount":"423.0","unit":"day"}
"#,
        ParseOptions::default(),
    );
    let acc = e.view().accounting();
    assert_eq!((acc.accepted, acc.duplicates, acc.rejected), (1, 1, 0));

    // Two different retractions under one id: both are rejected, and the target stays.
    let ev = vec![
        adm("a", "2019-01-01", "c", "r"),
        ext("x", "2019-02-01", "c", true),
        retract("r", "2019-03-01", "x"),
        retract("r", "2019-03-02", "x"),
    ];
    assert_eq!(
        value(&ev, Indicator::ExtensionRate, 2019, None, END_2019),
        share(1, 1)
    );
    let e = engine(&ev);
    let acc = e.view().accounting();
    assert!(acc.retracted.is_empty());
    assert_eq!((acc.accepted, acc.rejected), (2, 2));
    assert!(
        acc.rejections
            .iter()
            .all(|r| r.reason == RejectReason::Conflict)
    );
}

#[test]
fn a_discharge_keeps_its_reason_for_ending() {
    let line = br#"{"id":"d1","kind":"discharge","date":"2019-03-01","client":"c","destination":"home","reason":"32"}"#;
    let e = indicators::parse_line(line, ParseOptions::default())
        .expect("valid")
        .expect("known kind");
    let EventBody::Discharge { reason, .. } = &e.body else {
        panic!("a discharge");
    };
    assert_eq!(reason.as_deref(), Some("32"));
    let owned =
        indicators::Event::from_json(std::str::from_utf8(line).expect("utf-8")).expect("valid");
    assert_eq!(
        owned.to_json(),
        r#"{"id":"d1","kind":"discharge","date":"2019-03-01","client":"c","destination":"home","reason":"32"}"#
    );
    // Kept in the engine: the event read back from a view is the same event.
    let mut engine = Engine::new();
    let _ = engine.push_jsonl(
        b"{\"id\":\"a1\",\"kind\":\"admission\",\"date\":\"2019-01-01\",\"client\":\"c\",\"region\":\"r\"}\n",
        ParseOptions::default(),
    );
    engine.push(&owned);
    let view = engine.view();
    assert_eq!(view.accounting().accepted, 2);
    // A second version with another reason is a conflict: the reason is content.
    let mut other = owned.clone();
    if let EventBody::Discharge { reason, .. } = &mut other.body {
        *reason = Some("31".into());
    }
    drop(view);
    engine.push(&other);
    assert_eq!(engine.view().accounting().rejected, 2);
}

/// Drop-out by hand: of the 2019 discharges with a JZ588 reason (c1 to plan, c2 ended by
/// the client, c3 by outside circumstances) two ended early: 2/3. c4 has no reason and c5
/// an unknown code, so neither counts; c6 is still open.
#[test]
fn drop_out_is_the_share_of_reasoned_discharges_that_ended_early() {
    let with_reason = |id: &str, date: &str, client: &str, reason: &str| {
        let mut e = dis(id, date, client);
        if let EventBody::Discharge { reason: r, .. } = &mut e.body {
            *r = Some(reason.to_owned());
        }
        e
    };
    let events = vec![
        adm("a1", "2019-01-01", "c1", "r"),
        with_reason("d1", "2019-02-01", "c1", "31"),
        adm("a2", "2019-01-05", "c2", "r"),
        with_reason("d2", "2019-03-01", "c2", "32"),
        adm("a3", "2019-01-10", "c3", "r"),
        with_reason("d3", "2019-04-01", "c3", "35"),
        adm("a4", "2019-02-01", "c4", "r"),
        dis("d4", "2019-05-01", "c4"),
        adm("a5", "2019-02-01", "c5", "r"),
        with_reason("d5", "2019-06-01", "c5", "99"),
        adm("a6", "2019-03-01", "c6", "r"),
    ];
    let mut e = Engine::new();
    e.extend(&events);
    let view = e.view();
    assert_eq!(
        view.value(&Indicator::DropOutRate, year(2019), None, d("2019-12-31")),
        Value::Share {
            numerator: 2,
            denominator: 3
        }
    );
    // As of 15 February only c1 was discharged, to plan.
    assert_eq!(
        view.value(
            &Indicator::DropOutRate,
            year(2019),
            Some("r"),
            d("2019-02-15")
        ),
        Value::Share {
            numerator: 0,
            denominator: 1
        }
    );
}

fn referral(id: &str, date: &str, client: &str, crisis: bool) -> indicators::Event {
    ev(
        id,
        date,
        EventBody::Referral {
            client: client.to_owned(),
            urgency: if crisis {
                indicators::Urgency::Crisis
            } else {
                indicators::Urgency::Regular
            },
        },
    )
}

/// Waiting days by hand. Starts in 2023 with their referral: a waits 10 days (2 → 12
/// January), b 1 day (crisis, 1 → 2 February), c 60 days (1 March → 30 April), e 9 days
/// (1 → 10 June, the older of its two referrals) and again 15 days (its second referral, 20
/// June → 5 July, after a discharge on 1 July). d starts without a referral and f is
/// referred but never starts: neither counts. Waits: 1, 9, 10, 15, 60.
fn waiting_stream() -> Vec<indicators::Event> {
    vec![
        referral("r-a", "2023-01-02", "a", false),
        adm("a-a", "2023-01-12", "a", "r1"),
        referral("r-b", "2023-02-01", "b", true),
        adm("a-b", "2023-02-02", "b", "r2"),
        referral("r-c", "2023-03-01", "c", false),
        adm("a-c", "2023-04-30", "c", "r1"),
        adm("a-d", "2023-05-01", "d", "r1"),
        referral("r-e1", "2023-06-01", "e", false),
        referral("r-e2", "2023-06-20", "e", false),
        adm("a-e1", "2023-06-10", "e", "r2"),
        dis("d-e1", "2023-07-01", "e"),
        adm("a-e2", "2023-07-05", "e", "r2"),
        referral("r-f", "2023-12-20", "f", false),
    ]
}

#[test]
fn waiting_days_run_from_the_referral_each_start_took() {
    let events = waiting_stream();
    let at = "2023-12-31";
    let mean_all = Indicator::MeanWaitingDays { urgency: None };
    // (10 + 1 + 60 + 9 + 15) / 5 = 95 / 5.
    assert_eq!(
        value(&events, mean_all.clone(), 2023, None, at),
        mean(95, 5)
    );
    // Region r1: a (10) and c (60); d has no referral.
    assert_eq!(
        value(&events, mean_all.clone(), 2023, Some("r1"), at),
        mean(70, 2)
    );
    let regular = Indicator::MeanWaitingDays {
        urgency: Some(indicators::Urgency::Regular),
    };
    assert_eq!(value(&events, regular, 2023, None, at), mean(94, 4));
    // Within 14 days: 10, 1 and 9.
    let within = |days, urgency| Indicator::ShareStartedWithin { days, urgency };
    assert_eq!(
        value(&events, within(14, None), 2023, None, at),
        share(3, 5)
    );
    // Crisis help within 24 hours: b, the only crisis, started the next day.
    let crisis = Some(indicators::Urgency::Crisis);
    assert_eq!(
        value(&events, within(1, crisis), 2023, None, at),
        share(1, 1)
    );
    assert_eq!(
        value(&events, within(0, crisis), 2023, None, at),
        share(0, 1)
    );
    // Nearest rank over 1, 9, 10, 15, 60: p50 → rank ⌈2.5⌉ = 3 → 10; p80 → rank 4 → 15;
    // p81 → rank ⌈4.05⌉ = 5 → 60; p100 → 60; p1 → rank 1 → 1.
    let pct = |percentile| Indicator::WaitingDaysPercentile {
        percentile,
        urgency: None,
    };
    for (p, days) in [(50, 10), (80, 15), (81, 60), (100, 60), (1, 1)] {
        assert_eq!(
            value(&events, pct(p), 2023, None, at),
            Value::Days { value: days },
            "p{p}"
        );
    }
    // No referred start in 2022: no value, not zero.
    assert_eq!(
        value(&events, pct(50), 2022, None, at),
        Value::None {
            reason: NoValue::ZeroDenominator
        }
    );
}

#[test]
fn a_retracted_referral_counts_from_its_own_date_and_leaves_its_start_without_a_wait() {
    let mut events = waiting_stream();
    // e's first referral was sent in error. Its first start (10 June) then has no referral
    // before it (the second is dated 20 June) and no wait; the second start still takes
    // the second referral (15 days).
    events.push(retract("x-e1", "2024-01-15", "r-e1"));
    let mean_all = Indicator::MeanWaitingDays { urgency: None };
    // As of the end of 2023 the retraction is not known: 95 / 5.
    assert_eq!(
        value(&events, mean_all.clone(), 2023, None, "2023-12-31"),
        mean(95, 5)
    );
    // From its own date on: (10 + 1 + 60 + 15) / 4.
    assert_eq!(
        value(&events, mean_all, 2023, None, "2024-01-31"),
        mean(86, 4)
    );
}
