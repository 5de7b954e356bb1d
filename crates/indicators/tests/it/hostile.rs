//! Hostile inputs: nothing hangs, nothing depends on arrival order, nothing is lost, and
//! the corners that used to be quadratic run in time proportional to their input.

use std::time::{Duration, Instant};

use indicators::custom::CustomIndicator;
use indicators::{Engine, Event, EventBody, Indicator, ParseOptions, Value};
use rust_decimal::Decimal;
use samples::synth::{SynthConfig, generate};

use crate::fixtures::*;

fn jsonl(events: &[Event]) -> String {
    events.iter().map(|e| e.to_json() + "\n").collect()
}

/// Runs `f` and checks it took less than `limit`: generous bounds, for inputs that took
/// minutes when the code was quadratic.
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    assert!(took < limit, "{what} took {took:?}, more than {limit:?}");
    out
}

#[test]
fn a_retraction_cycle_in_a_real_stream_does_not_hang() {
    let mut events = generate(&SynthConfig {
        seed: 7,
        clients: 200,
        dirty: true,
        ..SynthConfig::default()
    });
    events.push(retract("x", "2019-01-01", "x"));
    events.push(retract("p", "2019-01-01", "q"));
    events.push(retract("q", "2019-01-02", "p"));
    let table = within(
        Duration::from_secs(30),
        "a stream with retraction cycles",
        || {
            let e = engine(&events);
            let view = e.view();
            view.table(&Indicator::catalogue(), &[year(2019)], d("2020-12-31"))
        },
    );
    assert!(!table.rows.is_empty());
}

#[test]
fn blank_lines_reserve_nothing() {
    let blank = vec![b'\n'; 4 << 20];
    let mut e = Engine::new();
    let summary = e.push_jsonl(&blank, ParseOptions::default());
    assert_eq!(summary.lines, 0);
    // Before, one event was reserved per newline: hundreds of MiB for these 4 MiB.
    assert!(e.heap_bytes() < 16 << 20, "{} bytes", e.heap_bytes());
}

#[test]
fn a_byte_order_mark_before_the_first_line_is_not_part_of_it() {
    let mut text = "\u{feff}".to_owned();
    text.push_str(&jsonl(&[adm("a", "2019-01-01", "c", "r")]));
    let mut e = Engine::new();
    let summary = e.push_jsonl(text.as_bytes(), ParseOptions::default());
    assert_eq!((summary.events, summary.malformed), (1, 0));
}

#[test]
fn amounts_are_plain_decimal_strings() {
    let line = |amount: &str| {
        format!(
            "{{\"id\":\"t\",\"kind\":\"tariff\",\"date\":\"2019-01-01\",\"provider\":\"p\",\"amount\":\"{amount}\",\"unit\":\"day\"}}"
        )
    };
    for bad in [
        "1_000", "+5", ".5", "5.", "1e3", " 5", "5 ", "-", "", "--5", "0x10",
    ] {
        let text = line(bad);
        let err = indicators::parse_line(text.as_bytes(), ParseOptions::default());
        assert!(err.is_err(), "{bad:?} was accepted");
    }
    for good in ["423.00", "-0.5", "0", "7"] {
        let text = line(good);
        let ok = indicators::parse_line(text.as_bytes(), ParseOptions::default());
        assert!(matches!(ok, Ok(Some(_))), "{good:?} was refused: {ok:?}");
    }
}

fn measurement(id: &str, value: &str) -> Event {
    ev(
        id,
        "2019-05-01",
        EventBody::Measurement {
            metric: "m".into(),
            value: Decimal::from_str_exact(value).expect("decimal"),
            region: None,
            provider: None,
        },
    )
}

#[test]
fn a_sum_that_does_not_fit_is_an_overflow_in_every_order() {
    let sum: CustomIndicator = serde_json::from_str(
        r#"{ "over": "events", "filter": { "kind": "metric", "is": ["m"] }, "measure": { "kind": "sum", "field": "value" } }"#,
    )
    .expect("valid");
    let ind = Indicator::Custom {
        key: "sum".into(),
        definition: sum,
    };
    let values = [
        measurement("a", "79228162514264337593543950335"),
        measurement("b", "1"),
        measurement("c", "-1"),
    ];
    let orders = [
        [0, 1, 2],
        [1, 0, 2],
        [2, 1, 0],
        [0, 2, 1],
        [2, 0, 1],
        [1, 2, 0],
    ];
    let results: Vec<Value> = orders
        .iter()
        .map(|o| {
            let evs: Vec<Event> = o.iter().map(|&i| values[i].clone()).collect();
            value(&evs, ind.clone(), 2019, None, "2019-12-31")
        })
        .collect();
    assert!(results.iter().all(|v| *v == results[0]), "{results:?}");
    assert_eq!(
        results[0],
        Value::None {
            reason: indicators::NoValue::Overflow
        }
    );
    // A sum that fits is exact.
    let fits = [
        measurement("a", "0.1"),
        measurement("b", "0.2"),
        measurement("c", "-0.05"),
    ];
    assert_eq!(
        value(&fits, ind, 2019, None, "2019-12-31"),
        Value::Amount {
            value: Decimal::new(25, 2)
        }
    );
}

#[test]
fn conflicting_versions_are_listed_in_one_order_whatever_their_arrival() {
    let a = adm("x", "2019-01-01", "c", "north");
    let b = adm("x", "2019-01-01", "c", "south");
    let c = adm("x", "2019-01-01", "k", "north");
    let orders = [[&a, &b, &c], [&c, &b, &a], [&b, &a, &c]];
    let lists: Vec<String> = orders
        .iter()
        .map(|o| {
            let evs: Vec<Event> = o.iter().map(|e| (*e).clone()).collect();
            let e = engine(&evs);
            serde_json::to_string(&e.view().accounting()).expect("json")
        })
        .collect();
    assert!(lists.iter().all(|l| *l == lists[0]));
}

#[test]
fn an_amount_sent_twice_in_two_writings_shows_the_same_whatever_came_first() {
    let shown = |first: &str, second: &str| {
        let evs = [
            tariff("t", "2019-01-01", first, "day"),
            tariff("t", "2019-01-01", second, "day"),
        ];
        let ind = Indicator::MaxTariff {
            unit: None,
            provider: None,
        };
        match value(&evs, ind, 2019, None, "2019-12-31") {
            Value::Amount { value } => value.to_string(),
            v => format!("{v:?}"),
        }
    };
    assert_eq!(shown("423.00", "423.0"), "423.00");
    assert_eq!(shown("423.0", "423.00"), "423.00");
}

#[test]
fn regions_beyond_sixty_five_thousand_keep_their_values() {
    let n = 70_000;
    let events: Vec<Event> = (0..n)
        .map(|i| {
            adm(
                &format!("a{i}"),
                "2019-03-01",
                &format!("c{i}"),
                &format!("r{i:05}"),
            )
        })
        .collect();
    let e = engine(&events);
    let view = e.view();
    let last = format!("r{:05}", n - 1);
    assert_eq!(
        view.value(&Indicator::Inflow, year(2019), Some(&last), d("2019-12-31")),
        Value::Count { value: 1 }
    );
    let table = view.table(&[Indicator::Inflow], &[year(2019)], d("2019-12-31"));
    assert_eq!(table.rows.len(), n + 1);
    assert!(
        table
            .rows
            .iter()
            .skip(1)
            .all(|r| r.value == Value::Count { value: 1 })
    );
}

#[test]
fn one_client_with_a_hundred_thousand_stays_is_linear() {
    // Stays of one night, one a day, goals reached in each: every admission is a
    // readmission within half a year of the previous goals.
    let n = 50_000u64;
    let start = d("2000-01-01");
    let mut events = Vec::new();
    for i in 0..n {
        let day = start + chrono::Days::new(2 * i);
        let next = day + chrono::Days::new(1);
        let (a, g, x) = (format!("a{i}"), format!("g{i}"), format!("d{i}"));
        events.push(Event {
            id: a,
            date: day,
            body: EventBody::Admission {
                client: "c".into(),
                region: "r".into(),
                provider: None,
                reason: None,
                segment: None,
            },
        });
        events.push(Event {
            id: g,
            date: day,
            body: EventBody::GoalsAchieved { client: "c".into() },
        });
        events.push(Event {
            id: x,
            date: next,
            body: EventBody::Discharge {
                client: "c".into(),
                destination: None,
                reason: None,
            },
        });
    }
    let all = indicators::Span::new(start, d("2300-01-01")).expect("span");
    let v = within(
        Duration::from_secs(20),
        "50,000 stays of one client",
        || {
            let e = engine(&events);
            let view = e.view();
            view.value(&Indicator::RecidivismRate, all, None, d("2299-12-31"))
        },
    );
    // Every admission but the first follows goals reached two days before.
    assert_eq!(
        v,
        Value::Share {
            numerator: n - 1,
            denominator: n
        }
    );
}

#[test]
fn a_hundred_thousand_events_of_one_client_on_one_day_are_linear() {
    let n = 100_000;
    let mut events = vec![adm("a", "2019-01-01", "c", "r")];
    for i in 0..n {
        events.push(goals(&format!("g{i}"), "2019-02-01", "c"));
    }
    // And as many that cannot apply: a bridging end without a start, each rejected.
    for i in 0..n {
        events.push(bend(&format!("b{i}"), "2019-02-01", "c"));
    }
    let acc = within(Duration::from_secs(20), "200,000 same-day events", || {
        let e = engine(&events);
        e.view().accounting()
    });
    assert_eq!(acc.rejected, n as u64);
    assert_eq!(acc.accepted, n as u64 + 1);
}

#[test]
fn forty_thousand_versions_of_one_id_are_linear() {
    let n = 40_000;
    let mut events: Vec<Event> = (0..n)
        .map(|i| adm("x", "2019-01-01", &format!("c{i}"), "r"))
        .collect();
    // Each version again: duplicates of a conflict.
    events.extend(events.clone());
    let acc = within(Duration::from_secs(20), "40,000 versions of one id", || {
        let e = engine(&events);
        e.view().counts()
    });
    assert_eq!((acc.rejected, acc.duplicates), (n as u64, n as u64));
}

#[test]
fn a_custom_count_over_a_client_with_a_hundred_thousand_rejections_is_linear() {
    let n = 100_000;
    let mut events = vec![adm("a", "2019-01-01", "c", "r")];
    for i in 0..n {
        events.push(bend(&format!("b{i}"), "2019-02-01", "c"));
    }
    let count: CustomIndicator = serde_json::from_str(
        r#"{ "over": "events", "filter": { "kind": "event_kind", "is": ["bridging_end", "admission"] }, "measure": { "kind": "count" } }"#,
    )
    .expect("valid");
    let ind = Indicator::Custom {
        key: "count".into(),
        definition: count,
    };
    let v = within(
        Duration::from_secs(20),
        "a count over 100,000 rejections",
        || value(&events, ind, 2019, None, "2019-12-31"),
    );
    assert_eq!(v, Value::Count { value: 1 });
}

#[test]
fn a_contract_year_beyond_the_calendar_is_an_error() {
    let start = d("2019-01-01");
    assert!(indicators::Span::contract_year(start, u32::MAX).is_err());
    assert!(indicators::Span::contract_year(start, 400_000_000).is_err());
    assert!(indicators::Span::contract_year(start, 2).is_ok());
}

#[test]
fn a_line_longer_than_the_limit_is_rejected_unread() {
    let mut long =
        String::from("{\"id\":\"x\",\"kind\":\"admission\",\"date\":\"2019-01-01\",\"client\":\"");
    long.push_str(&"c".repeat(indicators::MAX_LINE_BYTES));
    long.push_str("\",\"region\":\"r\"}\n");
    long.push_str(&jsonl(&[adm("a", "2019-01-01", "k", "r")]));
    let mut e = Engine::new();
    let summary = e.push_jsonl(long.as_bytes(), ParseOptions::default());
    assert_eq!((summary.events, summary.malformed), (1, 1));
    let acc = e.view().accounting();
    assert_eq!(acc.rejections[0].line, Some(1));
    assert!(
        acc.rejections[0]
            .reason
            .to_string()
            .contains("the line is longer than 1048576 bytes"),
        "{}",
        acc.rejections[0].reason
    );
}

#[test]
fn events_past_the_client_limit_are_rejected_and_counted() {
    let mut e = Engine::with_limits(indicators::Limits::default().events_per_client(100));
    let mut events = vec![adm("a", "2019-01-01", "c", "r")];
    for i in 0..149 {
        events.push(goals(&format!("g{i}"), "2019-02-01", "c"));
    }
    events.push(adm("b", "2019-01-01", "other", "r"));
    e.extend(&events);
    let acc = e.view().accounting();
    assert_eq!((acc.read, acc.accepted, acc.rejected), (151, 101, 50));
    assert_eq!(
        acc.rejections[0].reason.to_string(),
        "the client has 100 events already, the most one client may have"
    );
}

#[test]
fn a_reader_skips_a_line_too_long_to_keep() {
    let mut text = jsonl(&[adm("a", "2019-01-01", "c", "r")]);
    text.push_str(&"x".repeat(indicators::MAX_LINE_BYTES + 10));
    text.push('\n');
    text.push_str(&jsonl(&[adm("b", "2019-01-01", "k", "r")]));
    let mut e = Engine::new();
    let reader = std::io::BufReader::with_capacity(4096, text.as_bytes());
    let summary = e
        .push_reader(reader, ParseOptions::default())
        .expect("in memory");
    assert_eq!(
        (summary.lines, summary.events, summary.malformed),
        (3, 2, 1)
    );
    let acc = e.view().accounting();
    assert_eq!(acc.rejections[0].line, Some(2));
}

#[test]
fn a_byte_order_mark_split_over_reads_is_still_taken_off() {
    let mut text = "\u{feff}".to_owned();
    text.push_str(&jsonl(&[adm("a", "2019-01-01", "c", "r")]));
    for capacity in 1..=4 {
        let mut e = Engine::new();
        let reader = std::io::BufReader::with_capacity(capacity, text.as_bytes());
        let summary = e
            .push_reader(reader, ParseOptions::default())
            .expect("in memory");
        assert_eq!(
            (summary.events, summary.malformed),
            (1, 0),
            "capacity {capacity}"
        );
    }
}
