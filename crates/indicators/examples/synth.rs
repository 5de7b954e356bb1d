//! Writes a generated event stream as JSON Lines to standard output.
//!
//! ```text
//! cargo run --release -p indicators --example synth -- [--clients N] [--seed S] [--dirty]
//! ```

#![allow(clippy::print_stdout)]

use std::io::Write;
use std::process::ExitCode;

use indicators::synth::{SynthConfig, generate};

fn main() -> ExitCode {
    let mut config = SynthConfig::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let next = args.get(i + 1).and_then(|s| s.parse::<u64>().ok());
        match (args[i].as_str(), next) {
            ("--clients", Some(n)) => {
                config.clients = n as usize;
                i += 1;
            }
            ("--seed", Some(n)) => {
                config.seed = n;
                i += 1;
            }
            ("--dirty", _) => config.dirty = true,
            (other, _) => {
                eprintln!(
                    "unexpected argument {other:?}; usage: synth [--clients N] [--seed S] [--dirty]"
                );
                return ExitCode::from(2);
            }
        }
        i += 1;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for e in generate(&config) {
        if writeln!(out, "{}", e.to_json()).is_err() {
            return ExitCode::from(1);
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
