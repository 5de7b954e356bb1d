//! The command end to end, as a user runs it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const KEY: &str = "fixtures/pseudonym.key";
/// Every BSN in the iJw fixtures, the invalid one included.
const BSNS: [&str; 5] = [
    "111222333",
    "100000009",
    "100000010",
    "100000022",
    "123456789",
];

fn cmd() -> Command {
    let mut c = Command::cargo_bin("outcome-targets").expect("built");
    c.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"));
    c.env_remove("OUTCOME_TARGETS_PSEUDONYM_KEY");
    c
}

fn stdout(c: &mut Command) -> String {
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn ijw_files() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ijw");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|e| {
            format!(
                "fixtures/ijw/{}",
                e.expect("entry").file_name().to_string_lossy()
            )
        })
        .collect();
    files.sort();
    files
}

fn verdict<'a>(report: &'a Value, result: &str) -> &'a Value {
    report["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .find(|v| v["result"] == result)
        .expect("the result is judged")
}

#[test]
fn every_subcommand_has_help_and_the_program_a_version() {
    for sub in ["report", "lint", "indicators", "synth", "schema", "sample"] {
        cmd()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: outcome-targets"));
    }
    cmd()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("outcome-targets 0."));
}

#[test]
fn a_bad_flag_is_a_usage_error_that_says_what_is_allowed() {
    cmd()
        .args(["report", "--format", "xml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "possible values: markdown, json, csv, html",
        ));
    cmd()
        .args(["lint", "--jsn"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unexpected argument '--jsn'"));
    cmd()
        .args(["report", "--as-of", "31-12-2020"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a date YYYY-MM-DD"));
}

#[test]
fn a_missing_file_names_the_file() {
    cmd()
        .args([
            "report",
            "fixtures/ijw_contract.json",
            "fixtures/nothing.jsonl",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read fixtures/nothing.jsonl",
        ));
    cmd()
        .args(["report", "nothing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "neither a file nor a bundled contract",
        ));
}

#[test]
fn the_contract_given_as_events_is_an_error_that_says_why() {
    cmd()
        .args([
            "report",
            "fixtures/ijw_contract.json",
            "fixtures/ijw_contract.json",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "were rejected, so the input is probably not event data",
        ));
    // With --allow-rejects the user gets the report anyway.
    cmd()
        .args([
            "report",
            "fixtures/ijw_contract.json",
            "fixtures/ijw_contract.json",
            "--allow-rejects",
        ])
        .assert()
        .success();
}

#[test]
fn every_bundled_contract_reports_in_every_format() {
    for name in samples::names() {
        for format in ["markdown", "json", "csv", "html"] {
            for lang in ["en", "nl"] {
                let out = stdout(cmd().args(["report", name, "--format", format, "--lang", lang]));
                match format {
                    "json" => {
                        let r: Value = serde_json::from_str(&out).expect("JSON");
                        assert!(!r["verdicts"].as_array().expect("verdicts").is_empty());
                    }
                    "csv" => assert!(out.starts_with("contract,as_of,goal,"), "{name}"),
                    "html" => {
                        assert!(out.starts_with("<!DOCTYPE html>"), "{name}");
                        assert!(out.contains("<svg"), "{name}: a chart");
                        // Self-contained: nothing is fetched from elsewhere.
                        assert!(!out.contains("<script"), "{name}");
                        assert!(!out.contains("src=\"http"), "{name}");
                    }
                    _ => assert!(out.starts_with("# "), "{name}"),
                }
                if lang == "nl" && format == "markdown" {
                    assert!(out.starts_with("# Beoordeling: "), "{name}");
                }
            }
        }
    }
}

#[test]
fn the_csv_has_one_row_per_verdict() {
    let json: Value =
        serde_json::from_str(&stdout(cmd().args(["report", "--format", "json"]))).expect("JSON");
    let csv = stdout(cmd().args(["report", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(
        rows.len(),
        json["verdicts"].as_array().expect("verdicts").len()
    );
    // The mean stay of Noord-Kennemerland in 2020, as the JSON report has it.
    let header = reader.headers().expect("header").clone();
    let col = |n: &str| header.iter().position(|h| h == n).expect("column");
    let row = rows
        .iter()
        .find(|r| {
            &r[col("result")] == "2a-mean-stay"
                && &r[col("dimension")] == "nk"
                && &r[col("period")] == "2020"
        })
        .expect("present");
    assert_eq!(&row[col("status")], "not_met");
    assert_eq!(&row[col("dimension_name")], "Noord-Kennemerland");
    let v = json["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .find(|v| {
            v["result"] == "2a-mean-stay"
                && v["dimension"] == "nk"
                && v["period"]["label"] == "2020"
        })
        .expect("present");
    let (n, d) = (
        v["measured"]["numerator"].as_str().expect("n"),
        v["measured"]["denominator"].as_str().expect("d"),
    );
    assert_eq!(&row[col("measured_exact")], format!("{n}/{d}"));
    // 2521 days over 26 stays: 96.961538461538…, to ten places half away from zero.
    assert_eq!((n, d), ("2521", "26"));
    assert_eq!(&row[col("measured")], "96.9615384615");
}

#[test]
fn ijw_messages_go_through_to_verdicts_with_pseudonyms_only() {
    let dir = tempfile::tempdir().expect("temp");
    let rejects = dir.path().join("rejects.jsonl");
    let mut outputs = Vec::new();
    for format in ["json", "markdown", "csv", "html"] {
        let mut c = cmd();
        c.args(["report", "fixtures/ijw_contract.json"])
            .args(ijw_files())
            .args([
                "--regions",
                "fixtures/regions.csv",
                "--pseudonym-key-file",
                KEY,
                "--product-category",
                "43,44",
                "--as-of",
                "2019-12-31",
                "--format",
                format,
            ])
            .arg("--rejects")
            .arg(&rejects);
        let out = c.output().expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(String::from_utf8(out.stdout).expect("utf-8"));
        outputs.push(String::from_utf8(out.stderr).expect("utf-8"));
        outputs.push(std::fs::read_to_string(&rejects).expect("rejects written"));
    }
    let report: Value = serde_json::from_str(&outputs[0]).expect("JSON");
    // Admissions: A (category 43) and B (44); C is ambulant care (45), filtered out; D was
    // deleted (StatusAanlevering 3) on 1 June; E has a BSN that fails the eleven test.
    let inflow = verdict(&report, "inflow");
    assert_eq!(inflow["dimension"], "ams");
    assert_eq!(inflow["measured"]["numerator"], "2");
    assert_eq!(inflow["status"], "met");
    // Stays: A 10 January to 1 March (50 days), B 1 April to 30 June (90 days): mean 70.
    let stay = verdict(&report, "stay");
    assert_eq!(stay["measured"]["display"], "70");
    assert_eq!(stay["status"], "not_met");
    // RedenBeeindiging: A ended to plan (31), B early by the client (32): drop-out 1/2.
    let drop_out = verdict(&report, "drop-out");
    assert_eq!(drop_out["measured"]["display"], "50.00 %");
    assert_eq!(drop_out["status"], "not_met");
    // Read: 2 + 2 stops and starts of A and B, D's start and its deletion, E: 7.
    assert_eq!(report["data"]["read"], 7);
    assert_eq!(report["data"]["rejected"], 1);
    let rejected = std::fs::read_to_string(&rejects).expect("rejects");
    assert!(rejected.contains("\"field\":\"Client/Bsn\""), "{rejected}");
    assert!(rejected.contains("eleven test"), "{rejected}");
    // No citizen service number appears in any output, error or rejection.
    for (i, text) in outputs.iter().enumerate() {
        for bsn in BSNS {
            assert!(!text.contains(bsn), "output {i} contains a BSN");
        }
    }
}

#[test]
fn ijw_input_without_a_key_is_refused() {
    cmd()
        .args([
            "report",
            "fixtures/ijw_contract.json",
            "fixtures/ijw/a_jw305.xml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--pseudonym-key-file"));
    cmd()
        .args([
            "report",
            "fixtures/ijw_contract.json",
            "fixtures/ijw/a_jw305.xml",
        ])
        .env("OUTCOME_TARGETS_PSEUDONYM_KEY", "too short")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 16 are needed"));
}

#[test]
fn a_csv_written_by_pandas_gives_the_same_verdicts_as_the_messages() {
    // pandas_events.csv is DataFrame.to_csv() of pandas 3.1 (index column, float amounts,
    // empty cells for missing values), with one broken row appended by hand.
    let out = stdout(cmd().args([
        "report",
        "fixtures/ijw_contract.json",
        "fixtures/pandas_events.csv",
        "--as-of",
        "2019-12-31",
        "--format",
        "json",
    ]));
    let report: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(verdict(&report, "inflow")["measured"]["numerator"], "2");
    assert_eq!(verdict(&report, "stay")["measured"]["display"], "70");
    assert_eq!(report["data"]["read"], 7);
    assert_eq!(report["data"]["rejected"], 1);
    let md = stdout(cmd().args([
        "report",
        "fixtures/ijw_contract.json",
        "fixtures/pandas_events.csv",
        "--as-of",
        "2019-12-31",
    ]));
    assert!(
        md.contains(
            "line 8: event \"x1\": field \\`date\\`: \"2019-02-30 00:00:00\" is not a date"
        ),
        "{md}"
    );
}

#[test]
fn gzip_and_standard_input_are_read() {
    let dir = tempfile::tempdir().expect("temp");
    let gz = dir.path().join("events.jsonl.gz");
    let stream = samples::streams::JEUGDZORGPLUS_SAMPLE;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(stream.as_bytes()).expect("gzip");
    std::fs::write(&gz, enc.finish().expect("gzip")).expect("write");
    let contract = dir.path().join("c.json");
    std::fs::write(&contract, samples::contracts::JEUGDZORGPLUS_NHN).expect("write");
    let bundled = stdout(cmd().args(["report", "--format", "json"]));
    let from_gz = stdout(
        cmd()
            .arg("report")
            .arg(&contract)
            .arg(&gz)
            .args(["--format", "json"]),
    );
    let from_stdin = stdout(
        cmd()
            .arg("report")
            .arg(&contract)
            .args(["-", "--format", "json"])
            .write_stdin(stream),
    );
    assert_eq!(bundled, from_gz);
    assert_eq!(bundled, from_stdin);
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let bin: PathBuf = assert_cmd::cargo::cargo_bin("outcome-targets");
    let mut child = std::process::Command::new(bin)
        .args(["synth", "--clients", "200000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    // The pipe is closed here, as `| head` closes it.
    let out = child.wait_with_output().expect("ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");
}

#[test]
fn the_lint_exits_1_on_an_error_and_speaks_dutch() {
    cmd()
        .args(["lint", "--lang", "nl"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "- fout [stated_total_mismatch] doel 2, resultaat 2a-mean-stay",
        ))
        .stdout(predicate::str::contains("daling 9,25 %"));
    cmd().args(["lint", "rijnmond"]).assert().success();
}

#[test]
fn the_checked_in_schemas_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    for which in ["contract", "event"] {
        let written = stdout(cmd().args(["schema", which]));
        let file = root.join(format!("{which}.schema.json"));
        let checked_in = std::fs::read_to_string(&file).expect("checked in");
        assert!(
            written == checked_in,
            "schemas/{which}.schema.json is stale: run `cargo run -p outcome-targets -- schema {which} -o schemas/{which}.schema.json`"
        );
    }
}

#[test]
fn the_event_schema_lists_what_the_parser_takes() {
    let schema: Value =
        serde_json::from_str(&stdout(cmd().args(["schema", "event"]))).expect("JSON");
    let variants = schema["oneOf"].as_array().expect("one per kind");
    // Every line of every bundled stream names a kind the schema has and only fields the
    // schema lists for that kind.
    for b in samples::ALL {
        for line in b.stream.lines() {
            let e: Value = serde_json::from_str(line).expect("JSON line");
            let kind = e["kind"].as_str().expect("kind");
            let v = variants
                .iter()
                .find(|v| v["properties"]["kind"]["const"] == kind)
                .unwrap_or_else(|| panic!("{kind} is in the schema"));
            for field in e.as_object().expect("object").keys() {
                assert!(
                    v["properties"].get(field).is_some(),
                    "{kind}.{field} is in the schema"
                );
            }
        }
    }
    // Every bundled contract names the schema, for editors.
    for b in samples::ALL {
        let c: Value = serde_json::from_str(b.contract).expect("JSON");
        assert_eq!(c["$schema"], "../../../schemas/contract.schema.json");
    }
}

#[test]
fn sample_writes_the_bundled_data() {
    let list = stdout(cmd().args(["sample", "list"]));
    assert_eq!(list.lines().count(), 5);
    assert!(list.starts_with("jeugdzorgplus_nhn\tJeugdzorgplus"));
    assert_eq!(
        stdout(cmd().args(["sample", "rijnmond", "--stream"])),
        samples::streams::RIJNMOND_SAMPLE
    );
    cmd()
        .args(["sample", "atlantis"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no bundled contract is called"));
}

/// The HTML report renders in a real browser to a picture that is not blank. Needs
/// Debian's chromium; CI installs it and sets OUTCOME_TARGETS_REQUIRE_CHROMIUM=1 so that
/// a missing browser fails there instead of skipping.
#[test]
fn the_html_report_renders_to_a_picture_that_is_not_blank() {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(chromium) = chromium else {
        assert!(
            std::env::var_os("OUTCOME_TARGETS_REQUIRE_CHROMIUM").is_none(),
            "chromium is required but not installed"
        );
        eprintln!("skipped: no chromium");
        return;
    };
    let dir = tempfile::tempdir().expect("temp");
    let html = dir.path().join("report.html");
    let blank = dir.path().join("blank.html");
    std::fs::write(
        &html,
        stdout(cmd().args(["report", "--format", "html", "--lang", "nl"])),
    )
    .expect("write");
    std::fs::write(&blank, "<!DOCTYPE html><html><body></body></html>").expect("write");
    let shot = |page: &Path, png: &Path| {
        let out = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1000,1400",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("chromium runs");
        assert!(
            png.exists(),
            "no screenshot: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(png).expect("png")
    };
    let report_png = shot(&html, &dir.path().join("report.png"));
    let blank_png = shot(&blank, &dir.path().join("blank.png"));
    assert!(report_png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // A blank page compresses to almost nothing; text, tables and charts do not.
    assert!(
        report_png.len() > 10 * blank_png.len(),
        "report {} bytes, blank page {} bytes",
        report_png.len(),
        blank_png.len()
    );
    if let Some(keep) = std::env::var_os("OUTCOME_TARGETS_KEEP_SCREENSHOT") {
        std::fs::write(keep, &report_png).expect("keep");
    }
}

#[test]
fn a_bad_custom_indicator_is_a_contract_error_with_its_path() {
    let dir = tempfile::tempdir().expect("temp");
    let mut doc: Value = serde_json::from_str(samples::contracts::RIJNMOND).expect("JSON");
    doc["custom_indicators"] = serde_json::json!({
        "drop_out": { "over": "stays", "date": "discharge", "measure": { "kind": "sum", "field": "value" } }
    });
    let file = dir.path().join("c.json");
    std::fs::write(&file, doc.to_string()).expect("write");
    cmd()
        .arg("lint")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "$.custom_indicators.drop_out.measure.field",
        ));
}

#[test]
fn rejected_lines_name_their_input() {
    let dir = tempfile::tempdir().expect("temp");
    let other = dir.path().join("other.jsonl");
    std::fs::write(&other, "not json\n").expect("write");
    let rejects = dir.path().join("rejects.jsonl");
    let out = cmd()
        .args([
            "report",
            "fixtures/ijw_contract.json",
            "fixtures/pandas_events.csv",
        ])
        .arg(&other)
        .args(["--as-of", "2019-12-31", "--rejects"])
        .arg(&rejects)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = std::fs::read_to_string(&rejects)
        .expect("rejects")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    let line_of = |input: &str| {
        lines
            .iter()
            .find(|l| l["input"] == input)
            .map(|l| l["line"].clone())
    };
    assert_eq!(line_of("fixtures/pandas_events.csv"), Some(Value::from(8)));
    assert_eq!(line_of(&other.display().to_string()), Some(Value::from(1)));
    let report = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        report.contains("- fixtures/pandas\\_events.csv, line 8: event \"x1\""),
        "{report}"
    );
}

/// A CSV export larger than a batch of rows, with bad rows far apart (a date that is not
/// one, a row with a cell too many, an unknown kind, blank rows), gives the same table
/// and the same rejected lines on one thread as on two and three, where a thread of its
/// own turns the rows into events.
#[test]
fn a_large_csv_reads_the_same_on_threads() {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("events.csv");
    let mut text = String::from("id,kind,date,client,region,destination\n");
    let (mut line, mut bad) = (1usize, Vec::new());
    for i in 0..9_000 {
        let year = 2017 + i % 4;
        text.push_str(&format!(
            "a{i},admission,{year}-02-{:02},c{i},r{},\n",
            1 + i % 28,
            i % 3
        ));
        text.push_str(&format!(
            "d{i},discharge,{year}-09-{:02},c{i},,home\n",
            1 + i % 28
        ));
        line += 2;
        match i {
            100 | 8_500 => {
                text.push_str(&format!("x{i},discharge,31-02-{year},c{i},,\n"));
                line += 1;
                bad.push(line);
            }
            4_100 => {
                text.push_str("y1,admission,2019-01-01,cy,r1,,extra\n");
                line += 1;
                bad.push(line);
            }
            6_000 => {
                text.push_str(",,,,,\n\n");
                line += 2;
            }
            _ => {}
        }
    }
    std::fs::write(&path, text).expect("write");
    let run = |threads: &str| {
        let rejects = dir.path().join(format!("rejects-{threads}.jsonl"));
        let table = stdout(
            cmd()
                .args([
                    "indicators",
                    "--as-of",
                    "2020-12-31",
                    "--years",
                    "2017-2020",
                ])
                .args(["--allow-rejects", "--threads", threads, "--rejects"])
                .arg(&rejects)
                .arg(&path),
        );
        let lines: Vec<u64> = std::fs::read_to_string(&rejects)
            .expect("rejects")
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).expect("JSON")["line"].as_u64())
            .collect();
        (table, lines)
    };
    let (table, lines) = run("1");
    assert_eq!(lines, bad.iter().map(|l| *l as u64).collect::<Vec<_>>());
    assert!(table.contains("\"outflow\""), "{table}");
    for threads in ["2", "3"] {
        assert_eq!(
            run(threads),
            (table.clone(), lines.clone()),
            "{threads} threads"
        );
    }
}
