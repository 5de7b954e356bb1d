//! The main job: assess a contract on an event stream and print the report.
//!
//! ```text
//! cargo run --release -p assess --example report -- [<contract.json> <events.jsonl>] \
//!     [--as-of YYYY-MM-DD] [--format markdown|json] [--lang en|nl] [--ignore-unknown]
//! ```
//!
//! Without paths it assesses the bundled Jeugdzorgplus contract on the bundled sample
//! stream. The as-of date defaults to the last day of the contract's current term
//! (2020-12-31 for the bundled contract); the library never reads the clock, so pass
//! `--as-of` for another date.

#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use assess::Lang;
use chrono::NaiveDate;
use indicators::{Engine, ParseOptions};
use targets::Contract;

const USAGE: &str = "usage: report [<contract.json> <events.jsonl>] [--as-of YYYY-MM-DD] [--format markdown|json] [--lang en|nl] [--ignore-unknown]";

fn fail(msg: &str) -> ExitCode {
    eprintln!("{msg}\n{USAGE}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut paths = Vec::new();
    let mut as_of: Option<NaiveDate> = None;
    let mut json = false;
    let mut lang = Lang::En;
    let mut options = ParseOptions::default();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).map(String::as_str);
        match (args[i].as_str(), value) {
            ("--as-of", Some(v)) => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => {
                    as_of = Some(d);
                    i += 1;
                }
                Err(_) => return fail(&format!("--as-of needs a date YYYY-MM-DD, not {v:?}")),
            },
            ("--format", Some("json")) => {
                json = true;
                i += 1;
            }
            ("--format", Some("markdown")) => {
                json = false;
                i += 1;
            }
            ("--lang", Some("en")) => {
                lang = Lang::En;
                i += 1;
            }
            ("--lang", Some("nl")) => {
                lang = Lang::Nl;
                i += 1;
            }
            ("--ignore-unknown", _) => options.ignore_unknown = true,
            ("-h" | "--help", _) => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            (flag, _) if flag.starts_with("--") => {
                return fail(&format!("unknown or incomplete option {flag:?}"));
            }
            (path, _) => paths.push(path.to_owned()),
        }
        i += 1;
    }
    let (contract_text, events) = match paths.as_slice() {
        [] => (
            samples::contracts::JEUGDZORGPLUS_NHN.to_owned(),
            samples::streams::JEUGDZORGPLUS_SAMPLE.as_bytes().to_vec(),
        ),
        [c, e] => {
            let c = match std::fs::read_to_string(c) {
                Ok(t) => t,
                Err(err) => return fail(&format!("cannot read {c}: {err}")),
            };
            let e = match std::fs::read(e) {
                Ok(b) => b,
                Err(err) => return fail(&format!("cannot read {e}: {err}")),
            };
            (c, e)
        }
        _ => return fail("give both a contract and an event stream, or neither"),
    };
    let contract = match Contract::from_json(&contract_text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("the contract is not valid:");
            for p in e.problems() {
                eprintln!("  {p}");
            }
            if e.problems().is_empty() {
                eprintln!("  {e}");
            }
            return ExitCode::from(2);
        }
    };
    let as_of = as_of.unwrap_or_else(|| contract.term().last_day());
    let mut engine = Engine::new();
    engine.push_jsonl(&events, options);
    let report = match assess::assess(&contract, &engine.view(), as_of) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot assess: {e}");
            return ExitCode::from(2);
        }
    };
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", assess::markdown::render(&report, lang));
    }
    ExitCode::SUCCESS
}
