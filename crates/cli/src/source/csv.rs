//! CSV with a header row: one column per event field, as spreadsheets, pandas and DuckDB
//! write them.
//!
//! The columns are the field names of the JSON Lines format (`id`, `kind`, `date`,
//! `client`, `region`, …) in any order; a table may hold several kinds, each row filling
//! the columns of its kind and leaving the others empty. Read as:
//!
//! - an empty cell is an absent field (pandas and DuckDB write missing values so);
//! - `date` (and a report's `period`) is `YYYY-MM-DD`, or a timestamp
//!   `YYYY-MM-DD HH:MM:SS` / `YYYY-MM-DDTHH:MM:SS` with optional fraction and zone, of
//!   which the day as written is taken;
//! - `amount` and `value` are decimals, written as numbers (`423`, `423.0`, `4.23e2`) or
//!   decimal strings; scientific notation is converted exactly;
//! - a column with an empty name is the index pandas writes by default, and is skipped;
//! - any other column that is not a field is an error (with `--ignore-unknown`, skipped).
//!
//! A row that is not a valid event is rejected with its line number and field; the rest
//! of the file is read.
//!
//! Rows are read in batches of [`BATCH`]. Each row is written as a JSON event line and
//! read by the JSON Lines parser, so that a CSV row and a JSON line obey the same rules.
//! With two threads or more, a thread of its own turns each batch into events while the
//! calling thread reads the next batch and adds the previous one; the engine gets the
//! batches in order, so the result is the one-thread result.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::mpsc::sync_channel;

use indicators::{Engine, EventError, ParseOptions};
use rust_decimal::Decimal;

use super::{Source, SourceSummary};
use crate::failure::Failure;
use crate::input::Opened;

/// The columns a table may have: the fields of an event line, and the format version.
fn field_of(header: &str) -> Option<&'static str> {
    indicators::FIELDS
        .iter()
        .copied()
        .chain(["format_version"])
        .find(|f| *f == header)
}

/// A CSV table of events.
pub(crate) struct Csv {
    pub(crate) options: ParseOptions,
}

impl Source for Csv {
    fn read(&mut self, input: &mut Opened, engine: &mut Engine) -> Result<SourceSummary, Failure> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(&mut input.reader);
        let header = reader
            .headers()
            .map_err(|e| Failure::Data(format!("{}: the header row: {e}", input.name)))?
            .clone();
        let mut columns: Vec<Option<&'static str>> = Vec::with_capacity(header.len());
        let mut seen = BTreeSet::new();
        for (i, h) in header.iter().enumerate() {
            let h = h.trim().trim_start_matches('\u{feff}');
            let field = field_of(h);
            match field {
                Some(f) if !seen.insert(f) => {
                    return Err(Failure::Data(format!(
                        "{}: the header names the column {f:?} twice",
                        input.name
                    )));
                }
                Some(f) => columns.push(Some(f)),
                None if h.is_empty() || self.options.ignore_unknown => columns.push(None),
                None => {
                    return Err(Failure::Data(format!(
                        "{}: column {} of the header, {h:?}, is not an event field; the fields are {}",
                        input.name,
                        i + 1,
                        indicators::FIELDS.join(", ")
                    )));
                }
            }
        }
        for required in ["id", "kind", "date"] {
            if !seen.contains(required) {
                return Err(Failure::Data(format!(
                    "{}: the header has no {required:?} column; an event table needs id, kind and date",
                    input.name
                )));
            }
        }
        let mut summary = SourceSummary::default();
        let rows = Rows {
            columns: &columns,
            options: self.options,
        };
        // Rows are read here, in batches; turning a batch into events is the larger part
        // of the work, and with two threads or more a thread of its own does it while
        // the next batch is read and the previous one added. Batches are added in order.
        let mut read = |batch: &mut Batch| -> Result<bool, Failure> {
            batch.clear();
            while batch.len < BATCH {
                if batch.records.len() == batch.len {
                    batch.records.push(csv::StringRecord::new());
                }
                match reader.read_record(&mut batch.records[batch.len]) {
                    Ok(false) => return Ok(false),
                    Ok(true) => batch.len += 1,
                    Err(e) => {
                        // A row with the wrong number of cells is that row's problem; an
                        // I/O error ends the input.
                        if let csv::ErrorKind::Io(_) = e.kind() {
                            return Err(Failure::Data(format!("{}: {e}", input.name)));
                        }
                        batch.unreadable.push(EventError {
                            line: e.position().map(|p| p.line() as usize),
                            id: None,
                            field: None,
                            message: e.to_string(),
                        });
                    }
                }
            }
            Ok(true)
        };
        let mut add = |batch: &mut Batch, engine: &mut Engine| {
            engine.extend(&batch.events);
            for err in batch.unreadable.drain(..) {
                engine.push_unreadable(err);
            }
            summary.skipped += batch.skipped;
        };
        if engine.threads() < 2 {
            let mut batch = Batch::default();
            loop {
                // The rows read before an I/O error are added too, as on two threads.
                let more = read(&mut batch);
                rows.convert(&mut batch);
                add(&mut batch, engine);
                if !more? {
                    return Ok(summary);
                }
            }
        }
        std::thread::scope(|scope| {
            let (to_convert, from_reader) = sync_channel::<Batch>(1);
            let (to_add, converted) = sync_channel::<Batch>(1);
            let rows = &rows;
            scope.spawn(move || {
                for mut batch in from_reader {
                    rows.convert(&mut batch);
                    if to_add.send(batch).is_err() {
                        break;
                    }
                }
            });
            let (mut spare, mut in_flight, mut more) = (Vec::<Batch>::new(), 0usize, true);
            let mut outcome = Ok(());
            while more || in_flight > 0 {
                if more && in_flight < 2 {
                    let mut batch = spare.pop().unwrap_or_default();
                    match read(&mut batch) {
                        Ok(m) => more = m,
                        Err(e) => (more, outcome) = (false, Err(e)),
                    }
                    // The rows read before an error are added too.
                    if to_convert.send(batch).is_err() {
                        break;
                    }
                    in_flight += 1;
                    continue;
                }
                let Ok(mut batch) = converted.recv() else {
                    break;
                };
                in_flight -= 1;
                add(&mut batch, engine);
                spare.push(batch);
            }
            drop(to_convert);
            outcome
        })?;
        Ok(summary)
    }
}

/// Rows read and not yet added: the records, then the events made of them and the rows
/// that were not events.
#[derive(Default)]
struct Batch {
    /// Records read; the first `len` are this batch's (the rest are kept for reuse).
    records: Vec<csv::StringRecord>,
    len: usize,
    events: Vec<indicators::Event>,
    unreadable: Vec<EventError>,
    skipped: u64,
    /// Where each row's JSON line is written.
    json: String,
}

impl Batch {
    fn clear(&mut self) {
        self.len = 0;
        self.events.clear();
        self.unreadable.clear();
        self.skipped = 0;
    }
}

/// What turns rows into events: the column of each cell, and the parsing options.
struct Rows<'a> {
    columns: &'a [Option<&'static str>],
    options: ParseOptions,
}

impl Rows<'_> {
    /// Turns the batch's rows into events, each row that is not one into an unreadable
    /// record with its line and field.
    fn convert(&self, batch: &mut Batch) {
        let Batch {
            records,
            len,
            events,
            unreadable,
            skipped,
            json,
        } = batch;
        for record in &records[..*len] {
            let line = record.position().map(|p| p.line() as usize);
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let parsed = row_event_into(self.columns, record, json)
                .and_then(|()| indicators::parse_line(json.as_bytes(), self.options));
            match parsed {
                Ok(Some(e)) => events.push(e.to_owned_event()),
                Ok(None) => *skipped += 1,
                Err(mut err) => {
                    err.line = line;
                    unreadable.push(err);
                }
            }
        }
    }
}

/// Rows read, turned into events and added at once: the engine derives the clients a
/// call touches once per call.
const BATCH: usize = 8192;

/// The row as one JSON event line, cells normalised.
#[cfg(test)]
fn row_event(
    columns: &[Option<&'static str>],
    record: &csv::StringRecord,
) -> Result<String, EventError> {
    let mut line = String::with_capacity(record.as_slice().len() + 16 * columns.len());
    row_event_into(columns, record, &mut line)?;
    Ok(line)
}

/// `row_event` into `line` (cleared first): the fields written straight as JSON text,
/// each value escaped as JSON escapes a string.
fn row_event_into(
    columns: &[Option<&'static str>],
    record: &csv::StringRecord,
    line: &mut String,
) -> Result<(), EventError> {
    let problem = |field: &str, message: String| EventError {
        line: None,
        id: columns
            .iter()
            .zip(record.iter())
            .find(|(c, _)| **c == Some("id"))
            .map(|(_, v)| v.trim().to_owned())
            .filter(|i| !i.is_empty()),
        field: Some(field.to_owned()),
        message,
    };
    line.clear();
    line.push('{');
    for (column, cell) in columns.iter().zip(record.iter()) {
        let Some(field) = column else { continue };
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let owned;
        let value: &str = match *field {
            "date" | "period" => day_of(cell).ok_or_else(|| {
                problem(
                    field,
                    format!("{cell:?} is not a date YYYY-MM-DD or a timestamp"),
                )
            })?,
            "amount" | "value" => {
                owned = decimal_text(cell)
                    .ok_or_else(|| problem(field, format!("{cell:?} is not a number")))?;
                &owned
            }
            "format_version" => {
                let v = decimal_text(cell)
                    .ok_or_else(|| problem(field, format!("{cell:?} is not a number")))?;
                if v != "1" {
                    return Err(problem(field, format!("version {cell} is not 1")));
                }
                continue;
            }
            _ => cell,
        };
        if line.len() > 1 {
            line.push(',');
        }
        line.push('"');
        line.push_str(field);
        line.push_str("\":");
        json_string(value, line);
    }
    line.push('}');
    Ok(())
}

/// `s` as a JSON string: quoted, with quotes, backslashes and control characters escaped
/// (the runs between them copied whole).
fn json_string(s: &str, out: &mut String) {
    out.push('"');
    let mut rest = s;
    while let Some(i) = rest
        .bytes()
        .position(|b| b == b'"' || b == b'\\' || b < 0x20)
    {
        // The byte is ASCII, so both sides of it are whole characters.
        out.push_str(&rest[..i]);
        match rest.as_bytes()[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{c:04x}");
            }
        }
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

/// The day of a date or timestamp cell, as `YYYY-MM-DD`.
fn day_of(cell: &str) -> Option<&str> {
    let day = cell.get(..10)?;
    // The event line's own rule for a date.
    indicators::parse_date(day)?;
    let rest = &cell[10..];
    if rest.is_empty() {
        return Some(day);
    }
    // A time of day follows: check it is one, then leave it.
    let time = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('T'))?;
    let clock = time.get(..8)?;
    chrono::NaiveTime::parse_from_str(clock, "%H:%M:%S").ok()?;
    let tail = &time[8..];
    let tail = tail
        .strip_prefix('.')
        .map_or(tail, |t| t.trim_start_matches(|c: char| c.is_ascii_digit()));
    let zone_ok = tail.is_empty()
        || tail == "Z"
        || ((tail.starts_with('+') || tail.starts_with('-'))
            && tail[1..].chars().all(|c| c.is_ascii_digit() || c == ':')
            && tail.len() <= 6);
    zone_ok.then_some(day)
}

/// A number cell as an exact decimal string: plain decimals as they are, scientific
/// notation converted exactly.
fn decimal_text(cell: &str) -> Option<String> {
    let d = if cell.contains(['e', 'E']) {
        Decimal::from_scientific(cell).ok()?
    } else {
        Decimal::from_str_exact(cell).ok()?
    };
    Some(d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A cell written as a JSON string reads back as the same text.
        #[test]
        fn a_cell_is_written_as_a_json_string(cell in "\\PC*|[\"\\\\\u{0}-\u{1f}a\u{e9}\u{1f600}]{0,12}") {
            let mut out = String::new();
            json_string(&cell, &mut out);
            let back: String = serde_json::from_str(&out).expect("valid JSON");
            proptest::prop_assert_eq!(back, cell);
        }
    }

    #[test]
    fn dates_and_timestamps_give_their_day() {
        assert_eq!(day_of("2019-01-10"), Some("2019-01-10"));
        assert_eq!(day_of("2019-01-10 00:00:00"), Some("2019-01-10"));
        assert_eq!(day_of("2019-01-10T13:45:00"), Some("2019-01-10"));
        assert_eq!(day_of("2019-01-10 13:45:00.123456"), Some("2019-01-10"));
        assert_eq!(day_of("2019-01-10T13:45:00+01:00"), Some("2019-01-10"));
        assert_eq!(day_of("2019-01-10T13:45:00Z"), Some("2019-01-10"));
        assert_eq!(day_of("2019-02-30"), None);
        assert_eq!(day_of("10-01-2019"), None);
        assert_eq!(day_of("2019-01-10 lunch"), None);
    }

    #[test]
    fn a_report_row_takes_the_day_of_its_period() {
        let columns = [
            Some("id"),
            Some("kind"),
            Some("date"),
            Some("provider"),
            Some("name"),
            Some("period"),
        ];
        let row = csv::StringRecord::from(vec![
            "s1",
            "report_submitted",
            "2019-04-20 09:30:00",
            "p",
            "clients",
            "2019-01-01 00:00:00",
        ]);
        let line = row_event(&columns, &row).expect("a row");
        let e = indicators::Event::from_json(&line).expect("an event");
        assert_eq!(
            e.to_json(),
            r#"{"id":"s1","kind":"report_submitted","date":"2019-04-20","provider":"p","name":"clients","period":"2019-01-01"}"#
        );
        let bad = csv::StringRecord::from(vec![
            "s2",
            "report_submitted",
            "2019-04-20",
            "p",
            "clients",
            "Q1",
        ]);
        assert_eq!(
            row_event(&columns, &bad)
                .expect_err("refused")
                .field
                .as_deref(),
            Some("period")
        );
    }

    #[test]
    fn numbers_are_read_exactly() {
        assert_eq!(decimal_text("423").as_deref(), Some("423"));
        assert_eq!(decimal_text("423.0").as_deref(), Some("423.0"));
        assert_eq!(decimal_text("4.23e2").as_deref(), Some("423"));
        assert_eq!(decimal_text("1E-2").as_deref(), Some("0.01"));
        assert_eq!(decimal_text("0.1").as_deref(), Some("0.1"));
        assert_eq!(decimal_text("NaN"), None);
        assert_eq!(decimal_text("4,23"), None);
    }
}
