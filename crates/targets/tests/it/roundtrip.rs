//! Round trips and robustness of loading.

use proptest::prelude::*;
use serde_json::Value;
use targets::Contract;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z_0-9<>=.-]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("2019-01-01"),
            Just("2019-02-30"),
            Just("5"),
            Just("-5"),
            Just("9.25"),
            Just("1e30"),
            Just("in_scope"),
            Just("per_region"),
            Just("compound"),
            Just("calendar_year"),
            Just("<="),
            Just("99999999999999999999999999999999")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer of a value.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| pointers(x, format!("{at}/{k}"), out)),
        _ => {}
    }
}

fn bundled() -> Value {
    serde_json::from_str(samples::contracts::JEUGDZORGPLUS_NHN).expect("json")
}

#[test]
fn the_bundled_contract_round_trips() {
    let c = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
    let again = Contract::from_json(&c.to_json()).expect("valid");
    assert_eq!(c, again);
    let v1: Value = serde_json::from_str(&c.to_json()).expect("json");
    assert_eq!(v1, bundled());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,200}") {
        let _ = Contract::from_json(&s);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let _ = Contract::from_json(&v.to_string());
    }

    /// Replace one node of the real contract by arbitrary JSON: loading either succeeds
    /// and round-trips, or fails with at least one problem that has a path.
    #[test]
    fn mutated_contracts_never_panic_and_valid_ones_round_trip(pick in any::<prop::sample::Index>(), v in arb_json()) {
        let mut doc = bundled();
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        let at = pick.get(&all).clone();
        if at.is_empty() {
            doc = v;
        } else if let Some(slot) = doc.pointer_mut(&at) {
            *slot = v;
        }
        match Contract::from_json(&doc.to_string()) {
            Ok(c) => {
                let again = Contract::from_json(&c.to_json()).expect("a valid contract reloads");
                prop_assert_eq!(c, again);
            }
            Err(e) => {
                prop_assert!(!e.problems().is_empty(), "{e}");
                prop_assert!(e.problems().iter().all(|p| p.path.starts_with('$')));
            }
        }
    }
}

#[test]
fn every_bundled_contract_loads_and_round_trips() {
    for (name, text) in samples::contracts::ALL {
        let c = Contract::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Contract::from_json(&c.to_json()).as_ref(), Ok(&c), "{name}");
        let v: Value = serde_json::from_str(&c.to_json()).expect("json");
        assert_eq!(
            v,
            serde_json::from_str::<Value>(text).expect("json"),
            "{name}: writing changes nothing"
        );
    }
}

/// A number in a custom indicator's JSON (kept as written) survives a write and a
/// reload: found by the mutation property above once the bundled contract had a custom
/// indicator to put it in (serde_json parses floats exactly with `float_roundtrip`).
#[test]
fn a_float_inside_a_custom_indicator_round_trips() {
    let mut doc = bundled();
    doc["custom_indicators"]["readmissions"] = serde_json::json!({ "_": -5.978270507354901e72 });
    let c = Contract::from_json(&doc.to_string())
        .expect("loads: the definition is checked by its crate");
    assert_eq!(Contract::from_json(&c.to_json()).expect("reloads"), c);
}
