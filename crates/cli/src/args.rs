//! The command line: subcommands and their flags, one definition per flag that several
//! subcommands share.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check outcome-based procurement contracts exactly, on the data regions hold.
///
/// Exit codes: 0 done; 1 the contract or the data has errors (a lint error, a contract
/// that does not load, input that is mostly rejected); 2 the command line is wrong or a
/// file cannot be read or written.
#[derive(Debug, Parser)]
#[command(
    name = "outcome-targets",
    version,
    about,
    long_about,
    max_term_width = 100
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Assess a contract on event data and write the verdicts (the main job).
    ///
    /// Without arguments: the bundled Jeugdzorgplus contract on its sample stream.
    Report(ReportArgs),
    /// List the defects of a contract's own arithmetic and dates; exit 1 on an error.
    Lint(LintArgs),
    /// Compute the built-in indicators per calendar year and region.
    Indicators(IndicatorsArgs),
    /// Write a generated, realistic event stream (JSON Lines) for trials and benchmarks.
    Synth(SynthArgs),
    /// Write the JSON Schema of the contract or the event format.
    Schema(SchemaArgs),
    /// Write a bundled contract or its sample stream.
    Sample(SampleArgs),
}

/// Where a contract comes from: a file, or the name of a bundled contract.
#[derive(Debug, Args)]
pub(crate) struct ContractArg {
    /// The contract: a JSON file, or the name of a bundled contract (`jeugdzorgplus_nhn`,
    /// `rijnmond`, `haaglanden`, `zaanstreek_waterland`, `noordoost_brabant`).
    #[arg(value_name = "CONTRACT")]
    pub(crate) contract: Option<String>,
}

/// How event inputs are read.
#[derive(Debug, Args, Clone)]
pub(crate) struct InputArgs {
    /// The format of the event inputs; by default taken from each file's extension
    /// (`.jsonl`, `.ndjson`, `.csv`, `.xml`, each optionally `.gz`), JSON Lines otherwise.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) input_format: Option<InputFormat>,
    /// Skip events of kinds this version does not know, instead of rejecting them.
    #[arg(long)]
    pub(crate) ignore_unknown: bool,
    /// Assess even when most records are rejected (normally an error: the input is
    /// probably not an event file).
    #[arg(long)]
    pub(crate) allow_rejects: bool,
    /// Write every rejected record, with its place and reason, to this file as JSON Lines.
    #[arg(long, value_name = "FILE")]
    pub(crate) rejects: Option<PathBuf>,
    /// The key for pseudonymising citizen service numbers (BSN) in iJw messages: a file
    /// whose contents are the key. Or set OUTCOME_TARGETS_PSEUDONYM_KEY. Required for
    /// iJw input; never needed for JSON Lines or CSV, which carry pseudonyms already.
    #[arg(long, value_name = "FILE")]
    pub(crate) pseudonym_key_file: Option<PathBuf>,
    /// iJw: the municipalities per region, a CSV file with the columns
    /// `municipality,region` (municipality codes as in the messages, such as 0363).
    /// Without it the municipality code is the region.
    #[arg(long, value_name = "FILE")]
    pub(crate) regions: Option<PathBuf>,
    /// iJw: read only products of these categories (JZ020 codes, comma-separated,
    /// such as 43,44); products of others are counted as skipped.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub(crate) product_category: Vec<String>,
    /// Never draw a progress bar (it is drawn only when standard error is a terminal).
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Threads for reading JSON Lines and evaluating indicators; by default every core.
    /// The result does not depend on it.
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,
}

impl InputArgs {
    /// The threads to use: the flag, or every core the system offers.
    pub(crate) fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
            .max(1)
    }

    /// The parser's options these flags ask for.
    pub(crate) fn parse_options(&self) -> indicators::ParseOptions {
        indicators::ParseOptions {
            ignore_unknown: self.ignore_unknown,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub(crate) contract: ContractArg,
    /// Event inputs: files, or `-` for standard input. Without any, the sample stream of
    /// a bundled contract.
    #[arg(value_name = "EVENTS")]
    pub(crate) events: Vec<String>,
    /// Assess as of the end of this day (YYYY-MM-DD); by default the last day of the
    /// contract's current term. The program never reads the clock for this.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub(crate) as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = Lang::En)]
    /// The language of the report.
    pub(crate) lang: Lang,
    /// The output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub(crate) format: ReportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Report results of fewer cases than this as insufficient data (small groups).
    #[arg(long, value_name = "N")]
    pub(crate) min_group_size: Option<u32>,
    #[command(flatten)]
    pub(crate) input: InputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    #[command(flatten)]
    pub(crate) contract: ContractArg,
    /// The language of the findings.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub(crate) lang: Lang,
    /// The output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Markdown)]
    pub(crate) format: ListFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct IndicatorsArgs {
    /// Event inputs: files, or `-` for standard input.
    #[arg(value_name = "EVENTS", required = true)]
    pub(crate) events: Vec<String>,
    /// The indicators as of the end of this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub(crate) as_of: NaiveDate,
    /// Calendar years FROM-TO, such as 2017-2021.
    #[arg(long, value_name = "FROM-TO", value_parser = parse_years)]
    pub(crate) years: (i32, i32),
    /// The output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Json)]
    pub(crate) format: ListFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) input: InputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SynthArgs {
    /// How many clients (each with one or more stays; about 3.6 events per client).
    #[arg(long, default_value_t = 1000)]
    pub(crate) clients: usize,
    /// The seed: the same seed always gives the same stream.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Add duplicates, retractions, conflicts and events that must be rejected.
    #[arg(long)]
    pub(crate) dirty: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Which format.
    #[arg(value_enum)]
    pub(crate) which: SchemaKind,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct SampleArgs {
    /// The bundled contract's name; `list` names them all.
    #[arg(default_value = "jeugdzorgplus_nhn")]
    pub(crate) name: String,
    /// Write the sample event stream instead of the contract.
    #[arg(long)]
    pub(crate) stream: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Lang {
    En,
    Nl,
}

impl From<Lang> for assess::Lang {
    fn from(l: Lang) -> assess::Lang {
        match l {
            Lang::En => assess::Lang::En,
            Lang::Nl => assess::Lang::Nl,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// Markdown, for reading and for documents.
    Markdown,
    /// The versioned JSON report, for programs.
    Json,
    /// One row per verdict, for spreadsheets and DuckDB.
    Csv,
    /// One self-contained HTML file with a chart per result.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    Markdown,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormat {
    /// One JSON event per line (the project's own format).
    Jsonl,
    /// A table with a header row, one column per event field.
    Csv,
    /// iJw 3.x start and stop messages (JW305, JW307).
    Ijw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemaKind {
    /// The contract document.
    Contract,
    /// One line of the event stream.
    Event,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date YYYY-MM-DD, such as 2020-12-31"))
}

fn parse_years(s: &str) -> Result<(i32, i32), String> {
    let bad = || format!("{s:?} is not FROM-TO, such as 2017-2021");
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (a, b): (i32, i32) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if a > b {
        return Err(format!("{s:?}: the first year comes after the last"));
    }
    if b - a > 200 {
        return Err(format!("{s:?}: more than 200 years"));
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn years_are_checked() {
        assert_eq!(super::parse_years("2017-2021"), Ok((2017, 2021)));
        assert!(super::parse_years("2021-2017").is_err());
        assert!(super::parse_years("2017").is_err());
    }
}
