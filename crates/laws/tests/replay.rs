//! Replays every input the fuzzers kept (`fuzz/corpus/<target>/`), so that CI checks each
//! past finding on stable, without a fuzzer.

use std::path::Path;

fn replay(target: &str, law: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} holds no inputs", dir.display());
    for path in inputs {
        let data = std::fs::read(&path).expect("readable");
        let outcome = std::panic::catch_unwind(|| law(&data));
        assert!(outcome.is_ok(), "{} breaks a law", path.display());
    }
}

#[test]
fn contract_corpus() {
    replay("contract", laws::contract);
}

#[test]
fn line_corpus() {
    replay("line", laws::line);
}

#[test]
fn stream_corpus() {
    replay("stream", laws::stream);
}
