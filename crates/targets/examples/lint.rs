//! Lints a contract and prints the findings.
//!
//! ```text
//! cargo run -p targets --example lint -- [<contract.json>] [--json]
//! ```
//!
//! Without a path it lints the bundled Jeugdzorgplus contract. Prints one finding per
//! line (or a JSON array with `--json`) and exits with 1 when a finding is an error,
//! 2 when the contract cannot be loaded.

#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use targets::{Contract, Severity, lint};

fn main() -> ExitCode {
    let mut json = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            "-h" | "--help" => {
                println!("usage: lint [<contract.json>] [--json]");
                return ExitCode::SUCCESS;
            }
            _ if path.is_none() => path = Some(arg),
            _ => {
                eprintln!("unexpected argument {arg:?}; usage: lint [<contract.json>] [--json]");
                return ExitCode::from(2);
            }
        }
    }
    let text = match &path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read {p}: {e}");
                return ExitCode::from(2);
            }
        },
        None => samples::contracts::JEUGDZORGPLUS_NHN.to_owned(),
    };
    let contract = match Contract::from_json(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "{} is not a valid contract:",
                path.as_deref().unwrap_or("the bundled contract")
            );
            for p in e.problems() {
                eprintln!("  {p}");
            }
            if e.problems().is_empty() {
                eprintln!("  {e}");
            }
            return ExitCode::from(2);
        }
    };
    let findings = lint::lint(&contract);
    if json {
        match serde_json::to_string_pretty(&findings) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", lint::render_text(&findings));
    }
    if findings.iter().any(|f| f.severity == Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
