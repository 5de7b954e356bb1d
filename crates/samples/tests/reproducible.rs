//! The checked-in streams are what their generators write.

#[test]
fn every_sample_stream_is_reproducible() {
    for s in samples::streams::ALL {
        let mut written = String::new();
        for e in (s.events)() {
            written.push_str(&e.to_json());
            written.push('\n');
        }
        assert!(
            written == s.jsonl,
            "{}: the checked-in stream is stale; run `cargo run -p samples --example regenerate`",
            s.name
        );
    }
}

#[test]
fn every_bundle_pairs_a_contract_with_its_stream() {
    assert_eq!(samples::names().len(), 5);
    for b in samples::ALL {
        assert!(b.contract.contains("\"$schema\""), "{}", b.name);
        assert!(!b.stream.is_empty(), "{}", b.name);
        assert_eq!(samples::get(b.name).map(|x| x.contract), Some(b.contract));
    }
    assert!(samples::get("atlantis").is_none());
}
