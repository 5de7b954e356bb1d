//! Computes the indicator table of a JSON Lines event stream and prints it as JSON.
//!
//! ```text
//! cargo run --release -p indicators --example indicators -- <events.jsonl> \
//!     --as-of YYYY-MM-DD --years 2017-2021 [--ignore-unknown]
//! ```
//!
//! Prints the accounting (read, accepted, duplicates, rejected with ids and reasons,
//! ignored, retracted ids) and one row per built-in indicator, calendar year and region
//! (overall first). Values are exact: integers as integers, means and shares as numerator
//! and denominator, plus `decimal`, the quotient rounded half away from zero to 20
//! significant digits.

#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use chrono::NaiveDate;
use indicators::{Engine, Indicator, ParseOptions, Span};
use serde_json::{Value as Json, json};

fn usage() -> ExitCode {
    eprintln!(
        "usage: indicators <events.jsonl> --as-of YYYY-MM-DD --years FROM-TO [--ignore-unknown]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let mut as_of = None;
    let mut years = None;
    let mut options = ParseOptions::default();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--as-of" => {
                i += 1;
                as_of = args
                    .get(i)
                    .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
                if as_of.is_none() {
                    eprintln!("--as-of needs a date YYYY-MM-DD");
                    return usage();
                }
            }
            "--years" => {
                i += 1;
                years = args.get(i).and_then(|s| {
                    let (a, b) = s.split_once('-')?;
                    Some((a.parse::<i32>().ok()?, b.parse::<i32>().ok()?))
                });
                if years.is_none_or(|(a, b)| a > b) {
                    eprintln!("--years needs FROM-TO, such as 2017-2021");
                    return usage();
                }
            }
            "--ignore-unknown" => options.ignore_unknown = true,
            "-h" | "--help" => return usage(),
            other if path.is_none() && !other.starts_with("--") => path = Some(other.to_owned()),
            other => {
                eprintln!("unexpected argument {other:?}");
                return usage();
            }
        }
        i += 1;
    }
    let (Some(path), Some(as_of), Some((from, to))) = (path, as_of, years) else {
        return usage();
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut engine = Engine::new();
    engine.push_jsonl(&bytes, options);
    let view = engine.view();
    let mut periods = Vec::new();
    for y in from..=to {
        match Span::calendar_year(y) {
            Ok(s) => periods.push(s),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    }
    let table = view.table(&Indicator::catalogue(), &periods, as_of);
    let rows: Vec<Json> = table
        .rows
        .iter()
        .map(|r| {
            let mut value = serde_json::to_value(&r.value).unwrap_or(Json::Null);
            if let (Some(d), Json::Object(m)) = (r.value.to_decimal(20), &mut value) {
                if matches!(
                    r.value,
                    indicators::Value::Mean { .. }
                        | indicators::Value::Share { .. }
                        | indicators::Value::Ratio { .. }
                ) {
                    m.insert("decimal".to_owned(), Json::String(d.to_string()));
                }
            }
            json!({
                "indicator": r.indicator,
                "period": r.period.to_string(),
                "region": r.region,
                "value": value,
            })
        })
        .collect();
    let out = json!({
        "as_of": as_of.to_string(),
        "accounting": view.accounting(),
        "rows": rows,
    });
    match serde_json::to_string_pretty(&out) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write JSON: {e}");
            ExitCode::from(2)
        }
    }
}
