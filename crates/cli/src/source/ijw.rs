//! iJw 3.x start and stop messages (JW305 "Start Jeugdhulp", JW307 "Stop Jeugdhulp"), the
//! messages providers send municipalities when care for a youth starts and stops.
//!
//! What is read, per message (`Bericht`):
//!
//! | element | becomes |
//! |---|---|
//! | `Header/BerichtCode` | 438 is JW305, 440 is JW307; other messages are skipped |
//! | `Header/Afzender` (AGB code) | the event's `provider` |
//! | `Header/Ontvanger` (municipality code) | the `region`, through `--regions` if given |
//! | `Header/BerichtIdentificatie/Dagtekening` | the date of a retraction |
//! | `Client/Bsn` | replaced at once by a keyed pseudonym, the event's `client` |
//! | `StartProduct` / `StopProduct` | one admission / one discharge each |
//! | `ToewijzingNummer`, `Product/Categorie`, `Product/Code`, `Begindatum` | the product's logical key, which makes the event id |
//! | `Product/Categorie` | the filter of `--product-category` (JZ020, such as 43 or 44) |
//! | `Begindatum` (start) / `Einddatum` (stop) | the event's date |
//! | `RedenBeeindiging` (stop, JZ588) | the discharge's `reason` |
//! | `StatusAanlevering` (COD467) | 1: the event; 3: a retraction of the event with the same key, dated by the message |
//!
//! Everything else (birth date, sex, name, the assignment's start date, the version
//! fields) is not read. Elements are matched by their local names, whatever the
//! namespace prefix. A product that cannot be read (no `Begindatum`, a status other than
//! 1 or 3, a BSN that fails the eleven test) is rejected with its line and element; the
//! value of a BSN never appears in a message.

use std::collections::BTreeMap;
use std::io::BufRead;

use chrono::NaiveDate;
use indicators::{Engine, Event, EventBody, EventError};
use quick_xml::events::Event as Xml;

use super::{Source, SourceSummary};
use crate::failure::Failure;
use crate::input::Opened;
use crate::pseudonym::Pseudonymiser;

/// Municipality codes to region ids.
#[derive(Debug, Clone, Default)]
pub(crate) struct Regions(BTreeMap<String, String>);

impl Regions {
    /// Reads a CSV file with the columns `municipality,region`.
    pub(crate) fn from_csv(input: impl BufRead) -> Result<Regions, String> {
        let mut r = csv::Reader::from_reader(input);
        let header: Vec<String> = r
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        if header != ["municipality", "region"] {
            return Err(format!(
                "the header is {header:?}; it must be municipality,region"
            ));
        }
        let mut map = BTreeMap::new();
        for row in r.records() {
            let row = row.map_err(|e| e.to_string())?;
            let line = row.position().map_or(0, |p| p.line());
            let (m, reg) = (row[0].trim(), row[1].trim());
            if m.is_empty() || reg.is_empty() {
                return Err(format!("line {line}: an empty cell"));
            }
            if let Some(old) = map.insert(m.to_owned(), reg.to_owned()) {
                if old != reg {
                    return Err(format!(
                        "line {line}: municipality {m} is in both {old} and {reg}"
                    ));
                }
            }
        }
        Ok(Regions(map))
    }
}

/// The iJw source, with the pseudonym key and the choices of the command line.
#[derive(Debug)]
pub(crate) struct Ijw {
    pseudonyms: Pseudonymiser,
    regions: Option<Regions>,
    categories: Vec<String>,
}

impl Ijw {
    pub(crate) fn new(
        pseudonyms: Pseudonymiser,
        regions: Option<Regions>,
        categories: Vec<String>,
    ) -> Ijw {
        Ijw {
            pseudonyms,
            regions,
            categories,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Start,
    Stop,
}

/// One `StartProduct` or `StopProduct` as read.
#[derive(Debug, Default)]
struct Product {
    line: usize,
    stop: bool,
    assignment: Option<String>,
    category: Option<String>,
    code: Option<String>,
    begin: Option<String>,
    end: Option<String>,
    reason: Option<String>,
    status: Option<String>,
}

/// One message as read: its header, the BSN (until it is replaced) and its products.
#[derive(Debug, Default)]
struct Message {
    code: Option<String>,
    sender: Option<String>,
    receiver: Option<String>,
    dated: Option<String>,
    bsn: Option<String>,
    products: Vec<Product>,
}

impl Source for Ijw {
    fn read(&mut self, input: &mut Opened, engine: &mut Engine) -> Result<SourceSummary, Failure> {
        let mut reader = quick_xml::Reader::from_reader(&mut input.reader);
        let mut buf = Vec::new();
        let mut path: Vec<String> = Vec::new();
        let mut line = 1usize;
        let mut message: Option<Message> = None;
        let mut summary = SourceSummary::default();
        let mut messages = 0usize;
        loop {
            let event = reader.read_event_into(&mut buf).map_err(|e| {
                Failure::Data(format!(
                    "{}: line {line}: not well-formed XML: {e}",
                    input.name
                ))
            })?;
            match event {
                Xml::Eof => break,
                Xml::Start(e) => {
                    line += count_lines(&e);
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    match name.as_str() {
                        "Bericht" => {
                            messages += 1;
                            message = Some(Message::default());
                        }
                        "StartProduct" | "StopProduct" => {
                            if let Some(m) = message.as_mut() {
                                m.products.push(Product {
                                    line,
                                    stop: name == "StopProduct",
                                    ..Product::default()
                                });
                            }
                        }
                        _ => {}
                    }
                    path.push(name);
                }
                Xml::End(e) => {
                    line += count_lines(&e);
                    let name = path.pop().unwrap_or_default();
                    if name == "Bericht" {
                        if let Some(m) = message.take() {
                            self.emit(m, engine, &mut summary);
                        }
                    }
                }
                Xml::Text(t) => {
                    line += count_lines(&t);
                    let text = std::str::from_utf8(&t).unwrap_or("").trim();
                    if !text.is_empty() {
                        if let Some(m) = message.as_mut() {
                            take_text(m, &path, text);
                        }
                    }
                }
                Xml::Empty(e) => line += count_lines(&e),
                Xml::Comment(c) => line += count_lines(&c),
                Xml::CData(c) => line += count_lines(&c),
                _ => {}
            }
            buf.clear();
        }
        if messages == 0 {
            return Err(Failure::Data(format!(
                "{}: no iJw message (no `Bericht` element); is this a JW305 or JW307 file?",
                input.name
            )));
        }
        Ok(summary)
    }
}

fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

/// Puts the text of the element at `path` where it belongs.
fn take_text(m: &mut Message, path: &[String], text: &str) {
    let n = path.len();
    let last = |k: usize| -> Option<&str> { n.checked_sub(k).map(|i| path[i].as_str()) };
    let slot = match (last(3), last(2), last(1)) {
        (_, Some("Header"), Some("BerichtCode")) => &mut m.code,
        (_, Some("Header"), Some("Afzender")) => &mut m.sender,
        (_, Some("Header"), Some("Ontvanger")) => &mut m.receiver,
        (Some("Header"), Some("BerichtIdentificatie"), Some("Dagtekening")) => &mut m.dated,
        (_, Some("Client"), Some("Bsn")) => &mut m.bsn,
        _ => {
            let Some(p) = m.products.last_mut() else {
                return;
            };
            match (last(2), last(1)) {
                (Some("StartProduct" | "StopProduct"), Some("ToewijzingNummer")) => {
                    &mut p.assignment
                }
                (Some("Product"), Some("Categorie")) => &mut p.category,
                (Some("Product"), Some("Code")) => &mut p.code,
                (Some("StartProduct" | "StopProduct"), Some("Begindatum")) => &mut p.begin,
                (Some("StopProduct"), Some("Einddatum")) => &mut p.end,
                (Some("StopProduct"), Some("RedenBeeindiging")) => &mut p.reason,
                (Some("StartProduct" | "StopProduct"), Some("StatusAanlevering")) => &mut p.status,
                _ => return,
            }
        }
    };
    *slot = Some(text.to_owned());
}

impl Ijw {
    /// Turns a message into events, or accounts for why not.
    fn emit(&self, mut m: Message, engine: &mut Engine, summary: &mut SourceSummary) {
        let kind = match m.code.as_deref() {
            Some("438") => Kind::Start,
            Some("440") => Kind::Stop,
            _ => {
                // Another message of the standard (an assignment, an invoice): not ours.
                summary.skipped += m.products.len().max(1) as u64;
                return;
            }
        };
        // The BSN leaves the message here, replaced by its pseudonym or by nothing.
        let client = m.bsn.take().map(|b| self.pseudonyms.pseudonym(&b));
        for p in std::mem::take(&mut m.products) {
            if !self.categories.is_empty()
                && !p
                    .category
                    .as_ref()
                    .is_some_and(|c| self.categories.iter().any(|x| x == c))
            {
                summary.skipped += 1;
                continue;
            }
            let product = || {
                format!(
                    "{}:{}",
                    p.category.as_deref().unwrap_or(""),
                    p.code.as_deref().unwrap_or("")
                )
            };
            let key = format!(
                "{}-{}-{}",
                p.assignment.as_deref().unwrap_or("none"),
                product(),
                p.begin.as_deref().unwrap_or("")
            );
            let tag = if kind == Kind::Start {
                "jw305"
            } else {
                "jw307"
            };
            let id = format!("{tag}-{key}");
            let fail = |field: &str, message: String| EventError {
                line: Some(p.line),
                id: Some(id.clone()),
                field: Some(field.to_owned()),
                message,
            };
            let result = (|| -> Result<Event, EventError> {
                if p.stop != (kind == Kind::Stop) {
                    return Err(fail(
                        if p.stop {
                            "StopProduct"
                        } else {
                            "StartProduct"
                        },
                        format!("does not belong in a {} message", tag.to_uppercase()),
                    ));
                }
                let client = match &client {
                    Some(Ok(c)) => c.clone(),
                    Some(Err(e)) => return Err(fail("Client/Bsn", format!("the BSN {e}"))),
                    None => return Err(fail("Client/Bsn", "missing".into())),
                };
                let municipality = m
                    .receiver
                    .clone()
                    .ok_or_else(|| fail("Header/Ontvanger", "missing".into()))?;
                let region = match &self.regions {
                    None => municipality,
                    Some(r) => r.0.get(&municipality).cloned().ok_or_else(|| {
                        fail(
                            "Header/Ontvanger",
                            format!("municipality {municipality} is not in the regions file"),
                        )
                    })?,
                };
                let provider = m
                    .sender
                    .clone()
                    .ok_or_else(|| fail("Header/Afzender", "missing".into()))?;
                let begin = date(p.begin.as_deref(), "Begindatum", &fail)?;
                let status = p.status.as_deref().unwrap_or("");
                match status {
                    "1" => {}
                    "3" => {
                        let dated = date(
                            m.dated.as_deref(),
                            "Header/BerichtIdentificatie/Dagtekening",
                            &fail,
                        )?;
                        return Ok(Event {
                            id: format!("{tag}-del-{key}-{dated}"),
                            date: dated,
                            body: EventBody::Retraction { target: id.clone() },
                        });
                    }
                    "" => return Err(fail("StatusAanlevering", "missing".into())),
                    other => {
                        return Err(fail(
                            "StatusAanlevering",
                            format!(
                                "{other} is not read: start and stop products are sent (1) or deleted (3)"
                            ),
                        ));
                    }
                }
                Ok(match kind {
                    Kind::Start => Event {
                        id: id.clone(),
                        date: begin,
                        body: EventBody::Admission {
                            client,
                            region,
                            provider: Some(provider),
                            reason: None,
                            segment: None,
                        },
                    },
                    Kind::Stop => Event {
                        id: id.clone(),
                        date: date(p.end.as_deref(), "Einddatum", &fail)?,
                        body: EventBody::Discharge {
                            client,
                            destination: None,
                            reason: p.reason.clone(),
                        },
                    },
                })
            })();
            match result {
                Ok(e) => {
                    engine.push(&e);
                }
                Err(e) => {
                    engine.push_unreadable(e);
                }
            }
        }
    }
}

fn date(
    text: Option<&str>,
    field: &str,
    fail: &dyn Fn(&str, String) -> EventError,
) -> Result<NaiveDate, EventError> {
    let t = text.ok_or_else(|| fail(field, "missing".into()))?;
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| fail(field, format!("{t:?} is not a date YYYY-MM-DD")))
}
