//! Time of knowledge: a retraction counts from its own date on; rejections and cycles.

use indicators::custom::{CustomIndicator, Filter};
use indicators::{AsOf, EventBody, Indicator, Value};

use crate::fixtures::*;

fn deliver(id: &str, date: &str, name: &str) -> indicators::Event {
    ev(
        id,
        date,
        EventBody::Deliverable {
            provider: "jzp".into(),
            name: name.into(),
            region: None,
        },
    )
}

#[test]
fn a_retracted_delivery_counts_until_the_retraction_date() {
    let events = vec![
        deliver("p", "2019-06-20", "inflow_outflow_profiles"),
        retract("r", "2019-07-10", "p"),
    ];
    let e = engine(&events);
    let view = e.view();
    let ind = Indicator::DeliveredOn {
        deliverable: "inflow_outflow_profiles".into(),
        provider: None,
    };
    let delivered = |as_of: &str| view.value(&ind, year(2019), None, d(as_of));
    assert_eq!(
        delivered("2019-07-01"),
        Value::Date {
            value: d("2019-06-20")
        }
    );
    assert_eq!(
        delivered("2019-07-09"),
        Value::Date {
            value: d("2019-06-20")
        }
    );
    assert!(delivered("2019-07-10").is_none());
    // The retraction is valid whatever the date the accounting is read.
    assert_eq!(view.accounting().retracted, ["p"]);
}

#[test]
fn a_retracted_admission_counts_before_the_retraction_date_and_not_after() {
    // One stay of 61 nights (1 March to 1 May 2019), retracted on 1 February 2020.
    let events = vec![
        adm("a", "2019-03-01", "c", "north"),
        dis("x", "2019-05-01", "c"),
        adm("b", "2019-06-01", "k", "north"),
        dis("y", "2019-06-11", "k"),
        retract("r", "2020-02-01", "a"),
    ];
    for (as_of, inflow, outflow, mean_stay) in [
        // Before the retraction: two stays, 61 and 10 nights.
        ("2019-12-31", 2, 2, mean(71, 2)),
        ("2020-01-31", 2, 2, mean(71, 2)),
        // From its date on the admission never happened, and the discharge that closed
        // its stay has no stay left to close: it is rejected.
        ("2020-02-01", 1, 1, mean(10, 1)),
    ] {
        let north = Some("north");
        assert_eq!(
            value(&events, Indicator::Inflow, 2019, north, as_of),
            Value::Count { value: inflow },
            "inflow as of {as_of}"
        );
        assert_eq!(
            value(&events, Indicator::Outflow, 2019, north, as_of),
            Value::Count { value: outflow },
            "outflow as of {as_of}"
        );
        assert_eq!(
            value(&events, Indicator::MeanStayDays, 2019, north, as_of),
            mean_stay,
            "mean stay as of {as_of}"
        );
    }
    let e = engine(&events);
    let acc = e.view().accounting();
    assert_eq!(acc.retracted, ["a"]);
    assert_eq!(acc.rejections.len(), 1);
    assert_eq!(acc.rejections[0].id.as_deref(), Some("x"));
}

#[test]
fn the_corrections_between_two_dates_are_listed_with_their_region() {
    let events = vec![
        adm("a", "2019-03-01", "c", "north"),
        ext("e", "2019-05-01", "c", true),
        retract("r1", "2020-02-01", "e"),
        retract("r2", "2019-06-01", "a"),
    ];
    let e = engine(&events);
    let view = e.view();
    let late = view.corrections(d("2019-12-31"), d("2020-12-31"));
    assert_eq!(late.len(), 1);
    assert_eq!((late[0].id.as_str(), late[0].target.as_str()), ("r1", "e"));
    assert_eq!(late[0].region.as_deref(), Some("north"));
    assert_eq!(late[0].target_date, d("2019-05-01"));
    assert_eq!(view.corrections(d("2019-01-01"), d("2020-12-31")).len(), 2);
}

#[test]
fn a_retraction_of_a_retraction_is_rejected_and_the_first_still_works() {
    let events = vec![
        adm("a", "2019-03-01", "c", "north"),
        retract("r1", "2019-04-01", "a"),
        retract("r2", "2019-05-01", "r1"),
    ];
    let inflow = |as_of: &str| value(&events, Indicator::Inflow, 2019, None, as_of);
    assert_eq!(inflow("2019-03-31"), Value::Count { value: 1 });
    assert_eq!(inflow("2019-04-01"), Value::Count { value: 0 });
    assert_eq!(inflow("2019-12-31"), Value::Count { value: 0 });
    let e = engine(&events);
    let acc = e.view().accounting();
    assert_eq!(acc.retracted, ["a"]);
    assert_eq!(acc.rejections.len(), 1);
    assert_eq!(acc.rejections[0].id.as_deref(), Some("r2"));
    assert_eq!(
        acc.rejections[0].reason.to_string(),
        "\"r1\" is itself a retraction"
    );
}

#[test]
fn a_retraction_cycle_terminates_with_both_rejected() {
    let events = vec![
        adm("a", "2019-03-01", "c", "north"),
        retract("x", "2019-04-01", "y"),
        retract("y", "2019-04-01", "x"),
        // An event that retracts itself.
        retract("z", "2019-04-01", "z"),
    ];
    let e = engine(&events);
    let view = e.view();
    let acc = view.accounting();
    let rejected: Vec<(String, String)> = acc
        .rejections
        .iter()
        .map(|r| (r.id.clone().unwrap_or_default(), r.reason.to_string()))
        .collect();
    assert_eq!(
        rejected,
        [
            ("x".to_owned(), "\"y\" is itself a retraction".to_owned()),
            ("y".to_owned(), "\"x\" is itself a retraction".to_owned()),
            ("z".to_owned(), "\"z\" is itself a retraction".to_owned()),
        ]
    );
    assert_eq!(
        (acc.read, acc.accepted, acc.rejected),
        (4, 1, 3),
        "read = accepted + duplicates + rejected + ignored"
    );
    assert_eq!(
        view.value(&Indicator::Inflow, year(2019), None, d("2019-12-31")),
        Value::Count { value: 1 }
    );
}

#[test]
fn corrections_can_be_known_through_a_later_date_than_the_events() {
    let events = vec![
        adm("a", "2019-03-01", "c", "north"),
        adm("b", "2019-04-01", "k", "north"),
        retract("r", "2020-03-01", "b"),
    ];
    let e = engine(&events);
    let view = e.view();
    let at = AsOf::new(d("2019-12-31"));
    assert_eq!(
        view.value(&Indicator::Inflow, year(2019), None, at),
        Value::Count { value: 2 }
    );
    let restated = at.with_corrections_through(d("2020-12-31"));
    assert_eq!(
        view.value(&Indicator::Inflow, year(2019), None, restated),
        Value::Count { value: 1 }
    );
    let table = view.table(&[Indicator::Inflow], &[year(2019)], restated);
    assert_eq!(table.corrections_through, Some(d("2020-12-31")));
}

#[test]
fn a_region_whose_only_stay_is_retracted_later_is_seen_before_the_retraction() {
    let events = vec![
        adm("a", "2019-03-01", "c", "north"),
        adm("b", "2019-04-01", "k", "south"),
        retract("r", "2020-03-01", "b"),
    ];
    let e = engine(&events);
    let view = e.view();
    assert_eq!(view.regions(), ["north"]);
    assert_eq!(view.regions_as_of(d("2019-12-31")), ["north", "south"]);
    let table = view.table(&[Indicator::Inflow], &[year(2019)], d("2019-12-31"));
    let south = table
        .rows
        .iter()
        .find(|r| r.region.as_deref() == Some("south"))
        .map(|r| r.value.clone());
    assert_eq!(south, Some(Value::Count { value: 1 }));
    let later = view.table(&[Indicator::Inflow], &[year(2019)], d("2020-12-31"));
    assert!(
        later
            .rows
            .iter()
            .all(|r| r.region.as_deref() != Some("south"))
    );
}

/// The cases of the finality rule (semantics §7): 40 admitted, none extended, 2 open,
/// against a cap of 5 %: 0/40 to 2/40, both at most 5 %.
#[test]
fn an_open_cohort_gives_the_range_its_rate_can_still_take() {
    let mut events = Vec::new();
    for i in 0..40 {
        let c = format!("c{i}");
        events.push(adm(&format!("a{i}"), "2020-03-01", &c, "north"));
        if i >= 2 {
            events.push(dis(&format!("d{i}"), "2020-09-01", &c));
        }
    }
    let e = engine(&events);
    let view = e.view();
    let row = view.row(
        &Indicator::ExtensionRate,
        year(2020),
        Some("north"),
        d("2020-12-31"),
    );
    assert_eq!(row.value, share(0, 40));
    let m = row.maturing.expect("two stays are open");
    assert_eq!(m.open, 2);
    assert_eq!(m.low, Some(share(0, 40)));
    assert_eq!(m.high, Some(share(2, 40)));
    // Before the year ends the range is not given: the cohort still grows.
    let mid = view.row(&Indicator::ExtensionRate, year(2020), None, d("2020-12-30"));
    assert!(mid.maturing.is_none());
}

#[test]
fn an_open_stay_already_extended_is_settled() {
    // 30 admitted, 1 extended (and still open), 1 other open: the rate lies in
    // [1/30, 2/30]; the extended stay cannot be unextended.
    let mut events = Vec::new();
    for i in 0..30 {
        let c = format!("c{i}");
        events.push(adm(&format!("a{i}"), "2020-02-01", &c, "north"));
        if i >= 2 {
            events.push(dis(&format!("d{i}"), "2020-10-01", &c));
        }
    }
    events.push(ext("x0", "2020-06-01", "c0", true));
    let e = engine(&events);
    let view = e.view();
    let row = view.row(&Indicator::ExtensionRate, year(2020), None, d("2020-12-31"));
    assert_eq!(row.value, share(1, 30));
    let m = row.maturing.expect("one stay is unsettled");
    assert_eq!(
        (m.open, m.low, m.high),
        (1, Some(share(1, 30)), Some(share(2, 30)))
    );
    // Once the open stay is discharged without an extension the value is settled.
    events.push(dis("d1", "2021-02-01", "c1"));
    let e = engine(&events);
    let view = e.view();
    let row = view.row(&Indicator::ExtensionRate, year(2020), None, d("2021-12-31"));
    assert_eq!((row.value, row.maturing), (share(1, 30), None));
}

#[test]
fn custom_cohort_indicators_give_their_range_too() {
    // Stays admitted in 2020 still open (a filter on an open stay): a count that can
    // only shrink as the stays end.
    let open = CustomIndicator::stays_count(
        indicators::custom::Anchor::Admission,
        Some(Filter::Discharged { is: false }),
    );
    let m = open.maturity();
    assert!(m.cohort);
    assert_eq!(m.growth, indicators::custom::Growth::No);
    let events = vec![
        adm("a", "2020-02-01", "c1", "north"),
        adm("b", "2020-03-01", "c2", "north"),
        dis("x", "2020-05-01", "c2"),
    ];
    let e = engine(&events);
    let view = e.view();
    let ind = Indicator::Custom {
        key: "still_open".into(),
        definition: open,
    };
    let row = view.row(&ind, year(2020), None, d("2020-12-31"));
    assert_eq!(row.value, Value::Count { value: 1 });
    let m = row.maturing.expect("one stay is open");
    assert_eq!(
        (m.open, m.low, m.high),
        (
            1,
            Some(Value::Count { value: 0 }),
            Some(Value::Count { value: 1 })
        )
    );
}

/// The engine is current after every call that adds events: pushing a dirty stream one
/// event at a time (retractions, conflicts and duplicates arriving in any order) gives
/// the same table and accounting as one batch, and a view needs only `&Engine`, so that
/// two views can be read at once from two threads.
#[test]
fn single_pushes_keep_the_engine_current_and_views_are_shared() {
    let events = samples::synth::generate(&samples::synth::SynthConfig {
        clients: 300,
        dirty: true,
        ..samples::synth::SynthConfig::default()
    });
    let mut batch = indicators::Engine::new();
    batch.extend(&events);
    let mut single = indicators::Engine::new();
    // Backwards, so that retractions come before what they retract.
    for e in events.iter().rev() {
        single.push(e);
    }
    let periods: Vec<indicators::Span> = (2015..=2020)
        .map(|y| indicators::Span::calendar_year(y).expect("year"))
        .collect();
    let as_of = d("2020-12-31");
    let catalogue = Indicator::catalogue();
    let (a, b) = (batch.view(), single.view());
    assert_eq!(a.accounting(), b.accounting());
    assert!(
        a.accounting().retracted.len() > 5,
        "the stream has retractions"
    );
    let (ta, tb) = std::thread::scope(|s| {
        let ta = s.spawn(|| a.table(&catalogue, &periods, as_of));
        let tb = s.spawn(|| b.table(&catalogue, &periods, as_of));
        (ta.join().expect("thread"), tb.join().expect("thread"))
    });
    assert_eq!(ta, tb);
    // An earlier state of knowledge, from both at once.
    let early = AsOf::new(d("2018-06-30"));
    assert_eq!(
        a.table(&catalogue, &periods[..4], early),
        b.table(&catalogue, &periods[..4], early)
    );
}
