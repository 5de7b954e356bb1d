//! Writes a bundled sample stream as JSON Lines to standard output; the files under
//! `data/` are its output.
//!
//! ```text
//! cargo run -p assess --example sample_stream -- [jeugdzorgplus_nhn|rijnmond|haaglanden|zaanstreek_waterland|noordoost_brabant]
//! ```

#![allow(clippy::print_stdout)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "jeugdzorgplus_nhn".to_owned());
    let Some(sample) = assess::bundled::ALL.iter().find(|s| s.name == name) else {
        let names: Vec<&str> = assess::bundled::ALL.iter().map(|s| s.name).collect();
        eprintln!("unknown stream {name:?}; one of: {}", names.join(", "));
        return ExitCode::from(2);
    };
    for e in (sample.events)() {
        println!("{}", e.to_json());
    }
    ExitCode::SUCCESS
}
