//! Laws: the outcome depends only on the set of events.

use chrono::NaiveDate;
use indicators::{Accounting, Engine, Event, EventBody, Indicator, Kind, Span, Table};
use proptest::prelude::*;
use samples::synth::{SynthConfig, generate};

use crate::fixtures::{d, year};

/// Everything a user can read: the full table for two as-of dates and the accounting.
fn outcome(e: &mut Engine) -> (Table, Table, Accounting) {
    let view = e.view();
    let mut inds = Indicator::catalogue();
    inds.push(Indicator::MaxTariff {
        unit: Some("day".into()),
        provider: None,
    });
    // Approvals: the share of starts in segment V that an approval covered, and the count
    // of approval events (which walks the client events in canonical order).
    let approved: indicators::custom::CustomIndicator = serde_json::from_str(
        r#"{ "over": "stays", "date": "admission", "filter": { "kind": "segment", "is": ["V"] },
             "measure": { "kind": "share", "of": { "kind": "approved", "is": true } } }"#,
    )
    .expect("valid");
    let approvals: indicators::custom::CustomIndicator = serde_json::from_str(
        r#"{ "over": "events", "filter": { "kind": "event_kind", "is": ["approval"] }, "measure": { "kind": "count" } }"#,
    )
    .expect("valid");
    inds.push(Indicator::Custom {
        key: "approved_v".into(),
        definition: approved,
    });
    inds.push(Indicator::Custom {
        key: "approvals".into(),
        definition: approvals,
    });
    let years = [year(2017), year(2018), year(2019), year(2020)];
    (
        view.table(&inds, &years, d("2020-12-31")),
        view.table(&inds, &years, d("2019-06-30")),
        view.accounting(),
    )
}

fn batch(events: &[Event]) -> (Table, Table, Accounting) {
    let mut e = Engine::new();
    e.extend(events);
    outcome(&mut e)
}

fn stream(seed: u64, clients: usize, dirty: bool) -> Vec<Event> {
    generate(&SynthConfig {
        seed,
        clients,
        dirty,
        approvals: true,
        ..SynthConfig::default()
    })
}

/// A deterministic permutation.
fn shuffle<T>(v: &mut [T], seed: u64) {
    let mut s = seed | 1;
    for i in (1..v.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v.swap(i, (s % (i as u64 + 1)) as usize);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn shuffling_the_input_changes_nothing(seed in any::<u64>(), order in any::<u64>(), clients in 5usize..40) {
        let events = stream(seed, clients, true);
        let mut shuffled = events.clone();
        shuffle(&mut shuffled, order);
        prop_assert_eq!(batch(&events), batch(&shuffled));
    }

    #[test]
    fn exact_duplicates_change_nothing_but_the_counts(seed in any::<u64>(), pick in any::<u64>(), clients in 5usize..40) {
        let events = stream(seed, clients, true);
        let mut more = events.clone();
        let copies = (pick % 7 + 1) as usize;
        for k in 0..copies {
            more.push(events[(pick as usize).wrapping_add(k * 31) % events.len()].clone());
        }
        let (t1, t2, mut a) = batch(&events);
        let (u1, u2, b) = batch(&more);
        prop_assert_eq!(t1, u1);
        prop_assert_eq!(t2, u2);
        a.read += copies as u64;
        a.duplicates += copies as u64;
        prop_assert_eq!(a, b);
    }

    #[test]
    fn a_retracted_event_is_as_if_never_sent(seed in any::<u64>(), pick in any::<prop::sample::Index>(), clients in 5usize..40) {
        let events = stream(seed, clients, false);
        let target = pick.get(&events).clone();
        prop_assume!(target.kind() != Kind::Retraction);
        let without: Vec<Event> = events.iter().filter(|e| e.id != target.id).cloned().collect();
        let mut with = events.clone();
        with.push(Event { id: "retraction".into(), date: target.date, body: EventBody::Retraction { target: target.id.clone() } });
        let (t1, t2, _) = batch(&without);
        let (u1, u2, acc) = batch(&with);
        prop_assert_eq!(t1, u1);
        prop_assert_eq!(t2, u2);
        prop_assert_eq!(acc.retracted, vec![target.id.clone()]);
    }

    #[test]
    fn merging_partitions_equals_the_union(seed in any::<u64>(), split in any::<u64>(), parts in 2usize..5, clients in 5usize..40) {
        let events = stream(seed, clients, true);
        // Client events by client; other events anywhere (a retraction may land in
        // another part than its target).
        let mut engines: Vec<Engine> = (0..parts).map(|_| Engine::new()).collect();
        for (i, e) in events.iter().enumerate() {
            let part = match e.client() {
                Some(c) => c.bytes().fold(split, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))) as usize % parts,
                None => (split as usize).wrapping_add(i) % parts,
            };
            engines[part].push(e);
        }
        let mut merged = Engine::new();
        for e in &engines {
            merged.merge(e);
        }
        prop_assert_eq!(outcome(&mut merged), batch(&events));
    }

    #[test]
    fn incremental_equals_batch(seed in any::<u64>(), chunk in 1usize..200, clients in 5usize..40) {
        let events = stream(seed, clients, true);
        let mut e = Engine::new();
        for part in events.chunks(chunk) {
            e.extend(part);
            // Querying in between must not change what comes after.
            let _ = e.view().table(&Indicator::catalogue(), &[year(2019)], d("2019-12-31"));
        }
        prop_assert_eq!(outcome(&mut e), batch(&events));
    }

    #[test]
    fn accounting_adds_up_and_json_lines_equal_events(seed in any::<u64>(), clients in 5usize..40) {
        let events = stream(seed, clients, true);
        let (t1, t2, acc) = batch(&events);
        prop_assert_eq!(acc.read, acc.accepted + acc.duplicates + acc.rejected + acc.ignored);
        let mut text = String::new();
        for e in &events {
            text.push_str(&e.to_json());
            text.push('\n');
        }
        let mut from_lines = Engine::new();
        let _ = from_lines.push_jsonl(text.as_bytes(), indicators::ParseOptions::default());
        prop_assert_eq!(outcome(&mut from_lines), (t1, t2, acc));
    }

    #[test]
    fn events_round_trip_through_json(seed in any::<u64>(), clients in 1usize..10) {
        for e in stream(seed, clients, true) {
            prop_assert_eq!(Event::from_json(&e.to_json()).expect("valid"), e);
        }
    }

    #[test]
    fn arbitrary_lines_never_panic(line in ".{0,120}") {
        let mut e = Engine::new();
        let _ = e.push_jsonl(line.as_bytes(), indicators::ParseOptions::default());
        let acc = e.view().accounting();
        prop_assert_eq!(acc.read, acc.accepted + acc.duplicates + acc.rejected + acc.ignored);
    }
}

#[test]
fn the_law_streams_exercise_approvals() {
    let events = stream(7, 40, true);
    let approvals = events.iter().filter(|e| e.kind() == Kind::Approval).count();
    let (table, _, _) = batch(&events);
    let covered: Vec<&indicators::Value> = table
        .rows
        .iter()
        .filter(|r| r.indicator == "approved_v" && r.region.is_none())
        .map(|r| &r.value)
        .collect();
    assert!(approvals > 5, "{approvals} approvals");
    // Some years have V starts that no approval covered, so the law compares real shares.
    assert!(
        covered.iter().any(|v| matches!(v, indicators::Value::Share { numerator, denominator } if numerator < denominator)),
        "{covered:?}"
    );
}

/// The tables of [`outcome`] as of `as_of`, with corrections through `corrections`.
fn tables_as_of(events: &[Event], as_of: &str) -> Table {
    let mut e = Engine::new();
    e.extend(events);
    let view = e.view();
    let mut inds = Indicator::catalogue();
    inds.push(Indicator::MaxTariff {
        unit: Some("day".into()),
        provider: None,
    });
    let years = [year(2017), year(2018), year(2019), year(2020)];
    view.table(&inds, &years, d(as_of))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// An answer as of D is the same whenever it is asked: events dated after D, and
    /// retractions dated after D of any event, change nothing as of D.
    #[test]
    fn events_dated_after_the_as_of_day_change_nothing_as_of_it(
        seed in any::<u64>(), later in any::<u64>(), clients in 5usize..40, cut in 0usize..4,
    ) {
        let as_of = ["2017-12-31", "2018-09-30", "2019-06-30", "2020-03-31"][cut];
        let all = stream(seed, clients, true);
        let day = d(as_of);
        let known: Vec<Event> = all.iter().filter(|e| e.date <= day).cloned().collect();
        // What comes later: the stream's own later events, and retractions dated after D
        // of some of the events known by then.
        // A second version of an id known by then is a conflict, which rejects every
        // version whatever its date (semantics §2): not what this law is about.
        let ids: std::collections::HashSet<&str> = known.iter().map(|e| e.id.as_str()).collect();
        let mut after: Vec<Event> = all
            .iter()
            .filter(|e| e.date > day && !ids.contains(e.id.as_str()))
            .cloned()
            .collect();
        let mut s = later | 1;
        for (i, target) in known.iter().enumerate() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            if s % 5 == 0 {
                let date = day + chrono::Days::new(1 + s % 400);
                after.push(Event {
                    id: format!("late-retraction-{i}"),
                    date,
                    body: EventBody::Retraction { target: target.id.clone() },
                });
            }
        }
        let mut everything = known.clone();
        everything.extend(after);
        prop_assert_eq!(tables_as_of(&known, as_of), tables_as_of(&everything, as_of));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Reading through a reader in chunks of any size gives what one buffer gives: the
    /// same values, the same rejections, with the same line numbers.
    #[test]
    fn reading_in_chunks_equals_one_buffer(seed in any::<u64>(), clients in 5usize..30, capacity in 1usize..300, bom in any::<bool>()) {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        for (i, e) in stream(seed, clients, true).iter().enumerate() {
            text.push_str(&e.to_json());
            text.push('\n');
            // Blank and malformed lines here and there, and no newline at the end.
            if i % 17 == 3 {
                text.push_str("\n   \n");
            }
            if i % 23 == 5 {
                text.push_str("{\"id\":\"bad\",\"kind\":\"admission\"}\n");
            }
        }
        text.push_str("{\"id\":\"last\",\"kind\":\"tariff\",\"date\":\"2019-01-01\",\"provider\":\"p\",\"amount\":\"1\",\"unit\":\"day\"}");
        let mut one = Engine::new();
        let a = one.push_jsonl(text.as_bytes(), indicators::ParseOptions::default());
        let mut chunks = Engine::new();
        let reader = std::io::BufReader::with_capacity(capacity, text.as_bytes());
        let b = chunks.push_reader(reader, indicators::ParseOptions::default()).expect("in memory");
        prop_assert_eq!(a, b);
        prop_assert_eq!(outcome(&mut one), outcome(&mut chunks));
    }
}

/// A reader that fails: what was read before the error stays pushed, the same on one
/// thread and on several, and the engine is current (the stays are derived).
#[test]
fn an_io_error_keeps_what_was_read_before_it() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("the disk is gone"))
        }
    }
    let text = concat!(
        "{\"id\":\"1\",\"kind\":\"admission\",\"date\":\"2019-01-10\",\"client\":\"c1\",\"region\":\"r1\"}\n",
        "{\"id\":\"2\",\"kind\":\"discharge\",\"date\":\"2019-03-01\",\"client\":\"c1\"}\n",
        "{\"id\":\"3\",\"kind\":\"admission\",\"date\":\"2019-05-10\",\"cli",
    );
    let read = |threads: usize| {
        let mut engine = Engine::new().with_threads(threads);
        let reader =
            std::io::BufReader::with_capacity(16, std::io::Read::chain(text.as_bytes(), Broken));
        let err = engine
            .push_reader(reader, indicators::ParseOptions::default())
            .expect_err("the reader fails");
        assert_eq!(err.to_string(), "the disk is gone");
        let view = engine.view();
        // The two whole lines are in; the unfinished third is not.
        let acc = view.accounting();
        assert_eq!(
            (acc.read, acc.accepted, acc.rejected),
            (2, 2, 0),
            "{threads} threads"
        );
        let outflow = view.value(&Indicator::Outflow, year(2019), None, d("2019-12-31"));
        assert_eq!(
            outflow,
            indicators::Value::Count { value: 1 },
            "{threads} threads"
        );
        acc
    };
    let one = read(1);
    assert_eq!(one, read(2));
    assert_eq!(one, read(3));
}

/// Adding a large stream from memory on two threads (the ids interned on a thread of
/// their own, the stays derived in shares) gives what one thread gives: large enough
/// that both kick in at their real thresholds, in one call and in two.
#[test]
fn adding_in_memory_on_threads_is_adding_on_one_thread() {
    let mut events = stream(5, 10_000, true);
    let repeats: Vec<Event> = events.iter().step_by(9).cloned().collect();
    events.extend(repeats);
    assert!(events.len() > 40_000, "{} events", events.len());
    let mut one = Engine::new();
    one.extend(&events);
    let expected = outcome(&mut one);
    let mut two = Engine::new().with_threads(2);
    two.extend(&events);
    assert_eq!(outcome(&mut two), expected);
    let (a, b) = events.split_at(events.len() / 2);
    let mut halves = Engine::new().with_threads(2);
    halves.extend(a);
    halves.extend(b);
    assert_eq!(outcome(&mut halves), expected);
}

/// Parsing on several threads is parsing on one: the same summary, accounting and table,
/// whatever the size of the pieces the input is cut into, with a byte order mark, blank
/// lines, lines that are not events, duplicates, retractions, conflicts, a line longer
/// than a line may be and lines that are not UTF-8 (a piece with one is read line by
/// line; the others are checked whole).
#[test]
fn parsing_on_threads_is_parsing_on_one_thread() {
    // Enough clients that a view on several threads evaluates them in shares.
    let events = generate(&SynthConfig {
        clients: 1500,
        dirty: true,
        ..SynthConfig::default()
    });
    let mut text = String::from("\u{feff}");
    for (i, e) in events.iter().enumerate() {
        text.push_str(&e.to_json());
        text.push('\n');
        match i % 97 {
            0 => text.push_str("\n   \n"),
            1 => text.push_str("{\"id\":\"bad\",\"kind\":\"walk\"}\n"),
            2 => text.push_str("not json at all\n"),
            _ => {}
        }
        if i == 700 {
            text.push_str(&"x".repeat(indicators::MAX_LINE_BYTES + 10));
            text.push('\n');
        }
    }
    text.push_str(
        "{\"id\":\"last\",\"kind\":\"discharge\",\"date\":\"2020-01-01\",\"client\":\"c0000001\"}",
    );
    // Two lines with a byte that is not UTF-8, far apart.
    let mut bytes = text.into_bytes();
    for at in [bytes.len() / 3, 2 * bytes.len() / 3] {
        let nl = at
            + bytes[at..]
                .iter()
                .position(|b| *b == b'\n')
                .expect("a line ends");
        bytes.splice(nl + 1..nl + 1, b"{\"id\":\"\xff\"}\n".iter().copied());
    }
    let text = bytes;
    let periods: Vec<Span> = (2017..=2020)
        .map(|y| Span::calendar_year(y).expect("year"))
        .collect();
    let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).expect("date");
    let catalogue = Indicator::catalogue();
    let mut one = Engine::new();
    let s1 = one
        .push_reader(
            std::io::Cursor::new(&text),
            indicators::ParseOptions::default(),
        )
        .expect("reads");
    let (acc1, table1) = (
        one.view().accounting(),
        one.view().table(&catalogue, &periods, as_of),
    );
    assert!(acc1.rejected > 10 && acc1.duplicates > 0 && !acc1.retracted.is_empty());
    let not_utf8 = acc1
        .rejections
        .iter()
        .filter(|r| r.reason.to_string().contains("invalid unicode"))
        .count();
    assert_eq!(not_utf8, 2, "{:?}", acc1.rejections);
    for (threads, chunk) in [(2, 1), (2, 7), (3, 1000), (2, 64 << 10), (4, 4 << 20)] {
        let mut many = Engine::new().with_threads(threads).with_chunk_bytes(chunk);
        // Reads as small as the pieces, so that lines, and the byte order mark, are cut
        // at every place.
        let reader = std::io::BufReader::with_capacity(chunk.min(1 << 16), &text[..]);
        let s2 = many
            .push_reader(reader, indicators::ParseOptions::default())
            .expect("reads");
        assert_eq!(
            s1, s2,
            "summary, {threads} threads, pieces of {chunk} bytes"
        );
        let view = many.view();
        assert_eq!(
            acc1,
            view.accounting(),
            "accounting, {threads} threads, {chunk} bytes"
        );
        assert_eq!(table1, view.table(&catalogue, &periods, as_of));
        // And as of a date before some retractions: the base pass and the overlay.
        let early = indicators::AsOf::new(NaiveDate::from_ymd_opt(2019, 3, 31).expect("date"));
        assert_eq!(
            one.view().table(&catalogue, &periods, early),
            view.table(&catalogue, &periods, early)
        );
        // A whole buffer too.
        let mut buffered = Engine::new().with_threads(threads).with_chunk_bytes(chunk);
        let s3 = buffered.push_jsonl(&text, indicators::ParseOptions::default());
        assert_eq!(s1, s3);
        assert_eq!(acc1, buffered.view().accounting());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// A period's values do not depend on which other periods are evaluated in the same
    /// pass: a table over several overlapping periods has, for each, the rows of a table
    /// over that period alone (as of the end and as of a date before some retractions).
    #[test]
    fn a_period_is_evaluated_the_same_beside_others(seed in any::<u64>(), clients in 20usize..60) {
        let mut engine = Engine::new();
        engine.extend(&stream(seed, clients, true));
        let view = engine.view();
        let span = |a: &str, b: &str| Span::new(d(a), d(b)).expect("span");
        let periods = [
            year(2018),
            span("2018-07-01", "2019-07-01"),
            year(2019),
            span("2019-03-01", "2019-04-01"),
        ];
        let catalogue = Indicator::catalogue();
        for as_of in [d("2020-12-31"), d("2019-06-30")] {
            let together = view.table(&catalogue, &periods, as_of);
            let counted = together
                .rows
                .iter()
                .any(|r| matches!(r.value, indicators::Value::Count { value } if value > 0));
            prop_assert!(counted, "the stream counts something in these periods");
            for p in periods {
                let (alone, beside) = alone_and_beside(&view, &catalogue, &together, p, as_of);
                prop_assert_eq!(alone, beside);
            }
            // And an indicator's values do not depend on the others evaluated with it:
            // the table is the tables of its indicators one after the other, in order
            // (which callers that split a table into its indicators rely on).
            let one_by_one: Vec<_> = catalogue
                .iter()
                .flat_map(|i| view.table(std::slice::from_ref(i), &periods, as_of).rows)
                .collect();
            prop_assert_eq!(&together.rows, &one_by_one);
        }
    }
}

/// The rows of a table over `p` alone, and the rows for `p` of `together`, a table of
/// the same indicators over `p` and other periods: a period's rows must not depend on
/// the periods evaluated beside it.
fn alone_and_beside(
    view: &indicators::View<'_>,
    indicators: &[Indicator],
    together: &Table,
    p: Span,
    as_of: NaiveDate,
) -> (Vec<indicators::Row>, Vec<indicators::Row>) {
    let alone = view.table(indicators, &[p], as_of).rows;
    let beside = together
        .rows
        .iter()
        .filter(|r| r.period == p)
        .cloned()
        .collect();
    (alone, beside)
}

/// More periods than one bit set holds (the evaluator finds a day's periods 64 at a time),
/// overlapping: every month of 2016 to 2021 and every year, 78 periods. Each has the rows
/// it has in a table of its own.
#[test]
fn many_overlapping_periods_are_each_evaluated_as_alone() {
    let mut engine = Engine::new();
    engine.extend(&stream(17, 120, true));
    let view = engine.view();
    let mut periods: Vec<Span> = (2016..=2021).flat_map(|y| year(y).months()).collect();
    periods.extend((2016..=2021).map(year));
    assert_eq!(periods.len(), 78);
    let catalogue = Indicator::catalogue();
    for as_of in [d("2021-12-31"), d("2019-06-30")] {
        let together = view.table(&catalogue, &periods, as_of);
        let counted = together
            .rows
            .iter()
            .filter(|r| periods[64..].contains(&r.period))
            .any(|r| matches!(r.value, indicators::Value::Count { value } if value > 0));
        assert!(counted, "periods past the 64th count something");
        for &p in &periods {
            let (alone, beside) = alone_and_beside(&view, &catalogue, &together, p, as_of);
            assert_eq!(alone, beside, "{p}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The laws hold on several threads: a stream with duplicates, shuffled, read as JSON
    /// Lines on 2 or 3 threads in small pieces (whole, in two calls, and as two engines
    /// merged) gives what one thread gives for the same events in their original order.
    #[test]
    fn the_laws_hold_on_threads(
        seed in any::<u64>(),
        order in any::<u64>(),
        clients in 5usize..30,
        threads in 2usize..4,
        split in any::<u64>(),
    ) {
        let events = stream(seed, clients, true);
        let mut input = events.clone();
        input.extend(events.iter().step_by(7).cloned());
        let lines = |evs: &[Event]| evs.iter().map(|e| e.to_json() + "\n").collect::<String>();
        let read = |engine: &mut Engine, text: &str| {
            engine
                .push_reader(std::io::Cursor::new(text.as_bytes()), indicators::ParseOptions::default())
                .expect("in memory");
        };
        let mut one = Engine::new();
        read(&mut one, &lines(&input));
        let expected = outcome(&mut one);
        shuffle(&mut input, order);
        let threaded = || Engine::new().with_threads(threads).with_chunk_bytes(256);
        let mut whole = threaded();
        read(&mut whole, &lines(&input));
        prop_assert_eq!(outcome(&mut whole), expected.clone());
        let at = (split as usize) % input.len();
        let (first, second) = input.split_at(at);
        let mut incremental = threaded();
        read(&mut incremental, &lines(first));
        read(&mut incremental, &lines(second));
        prop_assert_eq!(outcome(&mut incremental), expected.clone());
        let (mut a, mut b) = (threaded(), threaded());
        read(&mut a, &lines(first));
        read(&mut b, &lines(second));
        a.merge(&b);
        prop_assert_eq!(outcome(&mut a), expected);
    }
}
