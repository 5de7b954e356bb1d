//! Laws of the assessment.

use std::collections::BTreeMap;

use assess::Status;
use chrono::{Days, NaiveDate};
use indicators::{Engine, ParseOptions};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use crate::fixtures::{contract, run};

fn measured_bound(op: &str, bound: Decimal) -> targets::Contract {
    contract(
        json!([{ "id": "m", "title": "Score", "dimension": "overall", "indicator": { "name": "measured", "metric": "score" },
                 "rule": { "kind": "bound", "op": op, "bound": bound.to_string(), "periods": { "each": "calendar_year" } } }]),
        json!({}),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A value exactly at the bound is met; the smallest step beyond it is not.
    #[test]
    fn a_verdict_never_turns_on_rounding(mantissa in -10_000_000_000i64..10_000_000_000, scale in 0u32..12) {
        let value = Decimal::new(mantissa, scale);
        let ev = format!("{{\"id\":\"m\",\"kind\":\"measurement\",\"date\":\"2019-05-01\",\"metric\":\"score\",\"value\":\"{value}\"}}\n");
        // The smallest step that still leaves the bound exactly representable.
        let tiny = Decimal::new(1, scale + 6);
        prop_assert_eq!((value - tiny) + tiny, value);
        let status = |op: &str, bound: Decimal| run(&measured_bound(op, bound), &ev, "2019-12-31").verdicts[0].status;
        prop_assert_eq!(status("<=", value), Status::Met);
        prop_assert_eq!(status(">=", value), Status::Met);
        prop_assert_eq!(status("<=", value - tiny), Status::NotMet);
        prop_assert_eq!(status(">=", value + tiny), Status::NotMet);
    }
}

fn bundled_engine() -> Engine {
    let mut e = Engine::new();
    e.push_jsonl(
        assess::bundled::JEUGDZORGPLUS_SAMPLE.as_bytes(),
        ParseOptions::default(),
    );
    e
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Moving the as-of date forward never turns a decided verdict back into pending.
    #[test]
    fn decided_verdicts_stay_decided(a in 0u64..1200, gap in 1u64..400) {
        let c = targets::Contract::from_json(targets::bundled::JEUGDZORGPLUS_NHN).expect("valid");
        let mut e = bundled_engine();
        let view = e.view();
        let start = NaiveDate::from_ymd_opt(2018, 6, 1).unwrap_or_default();
        let d1 = start.checked_add_days(Days::new(a)).unwrap_or(start);
        let d2 = d1.checked_add_days(Days::new(gap)).unwrap_or(d1);
        let key = |v: &assess::Verdict| (v.result.clone(), v.dimension.clone(), format!("{:?}", v.check), v.period.as_ref().map(|p| p.label.clone()));
        let r1 = assess::assess(&c, &view, d1).expect("assessable");
        let r2 = assess::assess(&c, &view, d2).expect("assessable");
        let later: BTreeMap<_, Status> = r2.verdicts.iter().map(|v| (key(v), v.status)).collect();
        for v in r1.verdicts.iter().filter(|v| v.status.is_decided()) {
            prop_assert_ne!(later.get(&key(v)).copied(), Some(Status::Pending), "{:?} at {} then {}", key(v), d1, d2);
        }
    }

    /// The same events in another order give the same report.
    #[test]
    fn assessment_is_deterministic_and_order_independent(seed in any::<u64>(), day in 0u64..900) {
        let c = targets::Contract::from_json(targets::bundled::JEUGDZORGPLUS_NHN).expect("valid");
        let mut lines: Vec<&str> = assess::bundled::JEUGDZORGPLUS_SAMPLE.lines().collect();
        let mut s = seed | 1;
        for i in (1..lines.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            lines.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let shuffled = lines.join("\n");
        let mut e2 = Engine::new();
        e2.push_jsonl(shuffled.as_bytes(), ParseOptions::default());
        let as_of = NaiveDate::from_ymd_opt(2018, 9, 1).unwrap_or_default().checked_add_days(Days::new(day)).unwrap_or_default();
        let mut e1 = bundled_engine();
        let a = assess::assess(&c, &e1.view(), as_of).expect("assessable");
        let b = assess::assess(&c, &e2.view(), as_of).expect("assessable");
        let again = assess::assess(&c, &e1.view(), as_of).expect("assessable");
        // Rejections of malformed lines carry line numbers; everything else must match.
        prop_assert_eq!(&a.verdicts, &b.verdicts);
        prop_assert_eq!(&a.consequences, &b.consequences);
        prop_assert_eq!(&a, &again);
    }
}
