//! `outcome-targets`: assess outcome-based procurement contracts on the event data
//! regions hold, and write the verdicts for people (Markdown, HTML) and programs (JSON,
//! CSV).
//!
//! The only program of the workspace that reads files; the libraries it drives are pure.
//! Run `outcome-targets --help`, or see the README.

#![allow(clippy::print_stderr)]

mod args;
mod failure;
mod input;
mod output;
mod pseudonym;
mod source;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use assess::{Engine, Lang, Options};
use clap::Parser;
use indicators::{Indicator, Span};
use targets::Contract;

use args::{Cli, Command, ListFormat, ReportFormat};
use failure::Failure;

/// The allocator: an assessment builds many small strings (explanations, numbers), and
/// glibc's allocator spent a quarter of the time of assessing 1,000 contracts on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rejected records a report lists; all of them go to `--rejects FILE`.
const REJECTS_LISTED: usize = assess::REJECTIONS_LISTED;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(a) => report(a),
        Command::Lint(a) => lint(a),
        Command::Indicators(a) => indicators_table(a),
        Command::Synth(a) => synth(a),
        Command::Schema(a) => schema(a),
        Command::Sample(a) => sample(a),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            eprintln!("error: {f}");
            f.exit_code()
        }
    }
}

/// Writes `text` to the file, or to standard output. A reader that closed the pipe
/// (`| head`) is not an error: there is nobody left to tell.
fn emit(output: Option<&Path>, text: &str) -> Result<(), Failure> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| Failure::Write {
            path: path.to_owned(),
            source: e,
        }),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Write {
                    path: "standard output".into(),
                    source: e,
                }),
                _ => Ok(()),
            }
        }
    }
}

/// The contract named on the command line: a file, or a bundled contract by name; the
/// Jeugdzorgplus contract when none is named. Also says which bundle it is, if any.
fn contract_of(arg: Option<&str>) -> Result<(Contract, Option<samples::Bundle>), Failure> {
    let name = arg.unwrap_or("jeugdzorgplus_nhn");
    let bundle = samples::get(name).filter(|_| !Path::new(name).exists());
    let (text, label) = match bundle {
        Some(b) => (
            b.contract.to_owned(),
            format!("the bundled contract {name}"),
        ),
        None => {
            let text = std::fs::read_to_string(name).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound && !name.contains(['/', '.']) {
                    Failure::Usage(format!(
                        "{name} is neither a file nor a bundled contract ({})",
                        samples::names().join(", ")
                    ))
                } else {
                    Failure::read(name, e)
                }
            })?;
            (text, name.to_owned())
        }
    };
    let contract = assess::load_contract(&text).map_err(|e| {
        let mut msg = format!("{label} is not a valid contract:");
        for p in e.problems() {
            msg.push_str(&format!("\n  {p}"));
        }
        if e.problems().is_empty() {
            msg.push_str(&format!("\n  {e}"));
        }
        if text.lines().take(3).any(|l| l.contains("\"kind\"")) {
            msg.push_str(
                "\n  (it looks like event data; the contract comes first, then the events)",
            );
        }
        Failure::Data(msg)
    })?;
    Ok((contract, bundle))
}

/// Reads the event inputs; a bundle's sample stream when there are none.
fn load_events(
    names: &[String],
    bundle: Option<samples::Bundle>,
    input: &args::InputArgs,
) -> Result<Engine, Failure> {
    let mut engine = Engine::new().with_threads(input.threads());
    if names.is_empty() {
        let Some(b) = bundle else {
            return Err(Failure::Usage(
                "give the event inputs after the contract (files, or - for standard input)".into(),
            ));
        };
        engine
            .push_reader(std::io::Cursor::new(b.stream), input.parse_options())
            .map_err(|e| Failure::read(b.name, e))?;
        return Ok(engine);
    }
    let loaded = input::load(&mut engine, names, input)?;
    // The counts decide; the list of rejections is built only when it is written out.
    let counts = engine.counts();
    let rejections = || engine.view().accounting().rejections;
    if let Some(path) = &input.rejects {
        let mut text = String::new();
        for r in &rejections() {
            text.push_str(&serde_json::to_string(r).map_err(|e| Failure::Data(e.to_string()))?);
            text.push('\n');
        }
        emit(Some(path), &text)?;
    }
    if counts.read == 0 {
        return Err(Failure::Data(format!(
            "no events in {}{}",
            names.join(", "),
            if loaded.skipped > 0 {
                format!(" ({} records skipped by the filters)", loaded.skipped)
            } else {
                String::new()
            }
        )));
    }
    if counts.rejected * 2 > counts.read && !input.allow_rejects {
        let first = rejections()
            .first()
            .map(|r| assess::text::rejection(r, Lang::En))
            .unwrap_or_default();
        return Err(Failure::Data(format!(
            "{} of the {} records read were rejected, so the input is probably not event data \
             (first: {first}); see them all with --rejects FILE, or assess anyway with --allow-rejects",
            counts.rejected, counts.read
        )));
    }
    if counts.rejected > 0 {
        let many = counts.rejected > REJECTS_LISTED as u64;
        let listed = if many {
            format!("the report lists the first {REJECTS_LISTED}")
        } else {
            "the report lists them".to_owned()
        };
        let all = if input.rejects.is_none() && many {
            ", --rejects FILE writes all"
        } else {
            ""
        };
        eprintln!(
            "note: {} of {} records rejected; {listed}{all}",
            counts.rejected, counts.read
        );
    }
    if loaded.skipped > 0 {
        eprintln!(
            "note: records skipped on purpose (unknown kinds, other iJw messages, other product categories): {}",
            loaded.skipped
        );
    }
    Ok(engine)
}

fn report(a: args::ReportArgs) -> Result<ExitCode, Failure> {
    let (contract, bundle) = contract_of(a.contract.contract.as_deref())?;
    let engine = load_events(&a.events, bundle, &a.input)?;
    let as_of = a.as_of.unwrap_or_else(|| contract.term().last_day());
    let lang = Lang::from(a.lang);
    let view = engine.view();
    let mut options = Options::default();
    if let Some(n) = a.min_group_size {
        options = options.min_group_size(n);
    }
    let report = assess::Assessor::with_options(&view, options)
        .assess(&contract, as_of)
        .map_err(|e| Failure::Data(format!("cannot assess: {e}")))?;
    let text = match a.format {
        ReportFormat::Markdown => assess::markdown::render(&report, lang),
        ReportFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&report).map_err(|e| Failure::Data(e.to_string()))?;
            s.push('\n');
            s
        }
        ReportFormat::Csv => output::csv::render(&report, lang).map_err(Failure::Data)?,
        ReportFormat::Html => output::html::render(&report, lang),
    };
    emit(a.output.as_deref(), &text)?;
    drop(view);
    leave(engine);
    Ok(ExitCode::SUCCESS)
}

/// Ends the engine's life without freeing it: the process exits next, and handing a few
/// hundred megabytes back to the allocator region by region (24 ms for 2M events) takes
/// longer than the exit, which returns everything at once.
fn leave(engine: Engine) {
    std::mem::forget(engine);
}

fn lint(a: args::LintArgs) -> Result<ExitCode, Failure> {
    let (contract, _) = contract_of(a.contract.contract.as_deref())?;
    let findings = targets::lint::lint(&contract);
    let lang = Lang::from(a.lang);
    let w = assess::text::words(lang);
    let text = match a.format {
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&findings)
                .map_err(|e| Failure::Data(e.to_string()))?;
            s.push('\n');
            s
        }
        ListFormat::Csv => {
            let mut out = csv::Writer::from_writer(Vec::new());
            let mut row = |r: [&str; 6]| out.write_record(r).map_err(|e| e.to_string());
            row(["severity", "code", "goal", "result", "path", "message"])
                .map_err(Failure::Data)?;
            for f in &findings {
                row([
                    &f.severity.to_string(),
                    &f.code,
                    f.goal.as_deref().unwrap_or(""),
                    f.result.as_deref().unwrap_or(""),
                    &f.path,
                    f.message_in(lang == Lang::Nl),
                ])
                .map_err(Failure::Data)?;
            }
            let bytes = out.into_inner().map_err(|e| Failure::Data(e.to_string()))?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        ListFormat::Markdown => {
            let mut s = String::new();
            if findings.is_empty() {
                s.push_str(w.no_findings);
                s.push('\n');
            }
            for f in &findings {
                let (severity, place, message) = assess::text::finding_parts(f, lang);
                let place = place.map_or_else(|| f.path.clone(), |p| format!("{p} ({})", f.path));
                s.push_str(&format!("- {severity} [{}] {place}: {message}\n", f.code));
            }
            s
        }
    };
    emit(a.output.as_deref(), &text)?;
    if findings
        .iter()
        .any(|f| f.severity == targets::Severity::Error)
    {
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

fn indicators_table(a: args::IndicatorsArgs) -> Result<ExitCode, Failure> {
    let engine = load_events(&a.events, None, &a.input)?;
    let view = engine.view();
    let (from, to) = a.years;
    let periods = (from..=to)
        .map(Span::calendar_year)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let table = view.table(&Indicator::catalogue(), &periods, a.as_of);
    let decimal = |v: &indicators::Value| -> String {
        v.to_decimal(20).map(|d| d.to_string()).unwrap_or_default()
    };
    let text = match a.format {
        ListFormat::Json => {
            let rows: Vec<serde_json::Value> = table
                .rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "indicator": r.indicator,
                        "period": r.period.to_string(),
                        "region": r.region,
                        "value": r.value,
                        "decimal": decimal(&r.value),
                    })
                })
                .collect();
            let out = serde_json::json!({
                "as_of": a.as_of.to_string(),
                "accounting": view.accounting(),
                "rows": rows,
            });
            let mut s =
                serde_json::to_string_pretty(&out).map_err(|e| Failure::Data(e.to_string()))?;
            s.push('\n');
            s
        }
        ListFormat::Csv => {
            let mut out = csv::Writer::from_writer(Vec::new());
            out.write_record(["indicator", "period", "region", "value", "exact"])
                .map_err(|e| Failure::Data(e.to_string()))?;
            for r in &table.rows {
                let exact = serde_json::to_string(&r.value).unwrap_or_default();
                out.write_record([
                    r.indicator.as_str(),
                    &r.period.to_string(),
                    r.region.as_deref().unwrap_or("overall"),
                    &decimal(&r.value),
                    &exact,
                ])
                .map_err(|e| Failure::Data(e.to_string()))?;
            }
            let bytes = out.into_inner().map_err(|e| Failure::Data(e.to_string()))?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        ListFormat::Markdown => {
            let mut s =
                String::from("| indicator | period | region | value |\n|---|---|---|---:|\n");
            for r in &table.rows {
                s.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    r.indicator,
                    r.period,
                    r.region.as_deref().unwrap_or("overall"),
                    decimal(&r.value)
                ));
            }
            s
        }
    };
    emit(a.output.as_deref(), &text)?;
    drop(view);
    leave(engine);
    Ok(ExitCode::SUCCESS)
}

fn synth(a: args::SynthArgs) -> Result<ExitCode, Failure> {
    let events = samples::synth::generate(&samples::synth::SynthConfig {
        seed: a.seed,
        clients: a.clients,
        dirty: a.dirty,
        ..samples::synth::SynthConfig::default()
    });
    let mut text = String::with_capacity(events.len() * 110);
    for e in &events {
        text.push_str(&e.to_json());
        text.push('\n');
    }
    emit(a.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

fn schema(a: args::SchemaArgs) -> Result<ExitCode, Failure> {
    let schema = match a.which {
        args::SchemaKind::Contract => targets::contract_schema(),
        args::SchemaKind::Event => indicators::schema::event_schema(),
    };
    let mut text =
        serde_json::to_string_pretty(&schema).map_err(|e| Failure::Data(e.to_string()))?;
    text.push('\n');
    emit(a.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

fn sample(a: args::SampleArgs) -> Result<ExitCode, Failure> {
    if a.name == "list" {
        let mut s = String::new();
        for b in samples::ALL {
            let title = Contract::from_json(b.contract)
                .map(|c| c.doc().title.clone())
                .unwrap_or_default();
            s.push_str(&format!("{}\t{title}\n", b.name));
        }
        emit(a.output.as_deref(), &s)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(b) = samples::get(&a.name) else {
        return Err(Failure::Usage(format!(
            "no bundled contract is called {:?}; they are {}",
            a.name,
            samples::names().join(", ")
        )));
    };
    emit(
        a.output.as_deref(),
        if a.stream { b.stream } else { b.contract },
    )?;
    Ok(ExitCode::SUCCESS)
}
