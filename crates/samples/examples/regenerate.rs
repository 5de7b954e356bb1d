//! Writes the bundled sample streams under `crates/samples/data/` from their generators,
//! after a change to a generator:
//!
//! ```text
//! cargo run -p samples --example regenerate
//! ```

#![allow(clippy::print_stdout)]

use std::path::Path;

fn main() -> std::io::Result<()> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for s in samples::streams::ALL {
        let file = match s.name {
            "jeugdzorgplus_nhn" => "jeugdzorgplus_sample.jsonl".to_owned(),
            other => format!("{other}_sample.jsonl"),
        };
        let mut text = String::new();
        for e in (s.events)() {
            text.push_str(&e.to_json());
            text.push('\n');
        }
        std::fs::write(data.join(&file), text)?;
        println!("wrote {file}");
    }
    Ok(())
}
