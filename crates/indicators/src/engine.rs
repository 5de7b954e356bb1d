//! The engine: the set of events, kept compactly, and the stays derived from it.

use std::collections::HashSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::event::{Event, EventBody, EventError, ExtensionReason, Kind, ParseOptions, parse_line};
use crate::intern::{NONE, StrTable, Sym};
use crate::span::{day_number, from_day_number};
use crate::stays::{Derived, RejectReason, derive};

/// One event, compactly: strings as symbols, decimals by index.
///
/// Field use per kind: admission `a` client, `b` region, `c` provider, `d` reason;
/// discharge `a` client, `b` destination; goals, bridging `a` client; extension `a` client,
/// `b` 0 (goals not achieved) or 1; tariff `a` provider, `b` unit, `c` amount; deliverable
/// `a` provider, `b` name, `c` region; measurement `a` metric, `b` region, `c` provider,
/// `d` value; retraction `a` the target's slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) date: i32,
    pub(crate) kind: Kind,
    pub(crate) a: Sym,
    pub(crate) b: Sym,
    pub(crate) c: Sym,
    pub(crate) d: Sym,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Named by a retraction, never sent itself.
    Placeholder,
    Live,
    Conflict,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    rec: Record,
    copies: u32,
    status: Status,
}

#[derive(Debug, Clone, Copy)]
struct Variant {
    slot: Sym,
    rec: Record,
    copies: u32,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Client {
    /// The client's event slots; after a refresh, in canonical order.
    pub(crate) events: Vec<Sym>,
    pub(crate) derived: Derived,
    dirty: bool,
}

/// Read access to records and ids, separate from the clients so that clients can be
/// derived while it is borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slots<'a> {
    slots: &'a [Slot],
    ids: &'a StrTable,
}

impl Slots<'_> {
    pub(crate) fn record(&self, slot: Sym) -> Record {
        self.slots[slot as usize].rec
    }

    pub(crate) fn id(&self, slot: Sym) -> &str {
        self.ids.resolve(slot)
    }
}

/// A rejected event: what it was (when it could be read) and why it was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// The event id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The line in the JSON Lines input, for malformed lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The event as read, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// Why.
    #[serde(flatten)]
    pub reason: RejectReason,
}

/// Where every record read went. `read = accepted + duplicates + rejected + ignored`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accounting {
    /// Records read (events pushed and JSON Lines lines that were not blank).
    pub read: u64,
    /// Distinct events taken into the set, retracted ones and accepted retractions included.
    pub accepted: u64,
    /// Exact copies of an event already read.
    pub duplicates: u64,
    /// Records rejected, each listed in `rejections`.
    pub rejected: u64,
    /// Events of unknown kinds skipped on request ([`ParseOptions::ignore_unknown`]).
    pub ignored: u64,
    /// Every rejection with its reason, sorted by id.
    pub rejections: Vec<Rejected>,
    /// The ids of accepted events that a retraction withdrew, sorted.
    pub retracted: Vec<String>,
}

/// What one call of [`Engine::push_jsonl`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct JsonlSummary {
    /// Non-blank lines read.
    pub lines: u64,
    /// Lines that were events (pushed).
    pub events: u64,
    /// Lines that were not valid events (listed as rejected).
    pub malformed: u64,
    /// Events of unknown kinds skipped on request.
    pub ignored: u64,
}

/// The set of events, and the stays derived from it.
///
/// Input: [`Engine::push`] one event, [`Engine::push_jsonl`] a JSON Lines buffer,
/// [`Engine::merge`] another engine. Output: [`Engine::view`] refreshes what changed and
/// returns a [`crate::View`] to query indicators and the [`Accounting`].
///
/// The engine keeps one compact record per distinct event id (about 32 bytes plus the id's
/// text) and derives stays per client, again only for clients whose events changed since
/// the last view. Results depend only on the set of events pushed, never on their order,
/// on exact duplicates, or on how the events were split over engines that were merged.
///
/// # Example: push, query, account
///
/// ```
/// use chrono::NaiveDate;
/// use indicators::{Engine, Indicator, ParseOptions, Span, Value};
///
/// let mut engine = Engine::new();
/// engine.push_jsonl(br#"{"id":"1","kind":"admission","date":"2019-01-10","client":"c1","region":"r1"}
/// {"id":"2","kind":"discharge","date":"2019-03-01","client":"c1"}
/// {"id":"2","kind":"discharge","date":"2019-03-01","client":"c1"}
/// {"id":"3","kind":"discharge","date":"2019-04-01","client":"c1"}
/// "#, ParseOptions::default());
/// let as_of = NaiveDate::from_ymd_opt(2019, 12, 31).unwrap();
/// let view = engine.view();
/// let year = Span::calendar_year(2019)?;
/// assert_eq!(view.value(&Indicator::Outflow, year, None, as_of), Value::Count { value: 1 });
/// let acc = view.accounting();
/// assert_eq!((acc.read, acc.accepted, acc.duplicates, acc.rejected), (4, 2, 1, 1));
/// assert_eq!(acc.rejections[0].reason.to_string(), "the client has no open stay");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Engine {
    ids: StrTable,
    strings: StrTable,
    slots: Vec<Slot>,
    variants: Vec<Variant>,
    decimals: Vec<Decimal>,
    /// Client index per string symbol, [`NONE`] for strings that are not clients.
    client_of: Vec<u32>,
    pub(crate) clients: Vec<Client>,
    /// Slots of tariffs, deliverables and measurements.
    pub(crate) others: Vec<Sym>,
    retractions: Vec<Sym>,
    dirty: Vec<u32>,
    read: u64,
    duplicates: u64,
    ignored: u64,
    malformed: Vec<Rejected>,
    full: Vec<Rejected>,
}

impl Engine {
    /// An empty engine.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// An empty engine with room for about `events` events, to avoid regrowing.
    pub fn with_capacity(events: usize) -> Engine {
        let mut e = Engine::default();
        e.slots.reserve(events);
        e.ids.reserve(events, events * 12);
        e
    }

    /// The number of distinct event ids seen (placeholders named only by retractions
    /// included).
    pub fn distinct_ids(&self) -> usize {
        self.slots.len()
    }

    /// Approximate heap bytes held, for capacity planning and benches.
    pub fn heap_bytes(&self) -> usize {
        let clients: usize = self
            .clients
            .iter()
            .map(|c| {
                c.events.capacity() * 4
                    + c.derived.stays.capacity() * std::mem::size_of::<crate::stays::Stay>()
                    + c.derived.bridges.capacity() * 8
                    + c.derived.stay_of.capacity() * 4
                    + c.derived.rejected.capacity() * 48
            })
            .sum();
        self.ids.heap_bytes()
            + self.strings.heap_bytes()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.client_of.capacity() * 4
            + self.clients.capacity() * std::mem::size_of::<Client>()
            + clients
            + self.others.capacity() * 4
    }

    /// Adds one event.
    pub fn push<S: AsRef<str>>(&mut self, event: &Event<S>) {
        self.read += 1;
        self.push_copies(&event.as_borrowed(), 1);
    }

    /// Adds events.
    pub fn extend<'a, S: AsRef<str> + 'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a Event<S>>,
    ) {
        for e in events {
            self.push(e);
        }
    }

    /// Parses JSON Lines and adds every event. Blank lines are skipped; a line that is not
    /// a valid event is rejected with its line number (counted from 1 in `bytes`), the
    /// field and the problem, and appears in the [`Accounting`].
    pub fn push_jsonl(&mut self, bytes: &[u8], options: ParseOptions) -> JsonlSummary {
        let mut summary = JsonlSummary::default();
        for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            summary.lines += 1;
            self.read += 1;
            match parse_line(line, options) {
                Ok(Some(e)) => {
                    summary.events += 1;
                    self.push_copies(&e.as_borrowed(), 1);
                }
                Ok(None) => {
                    summary.ignored += 1;
                    self.ignored += 1;
                }
                Err(err) => {
                    summary.malformed += 1;
                    self.malformed.push(malformed(err, n + 1));
                }
            }
        }
        summary
    }

    /// Adds everything `other` holds, as if its events had been pushed here: the result
    /// equals one engine fed the union of both inputs (duplicates across the two are
    /// recognised as duplicates).
    pub fn merge(&mut self, other: &Engine) {
        self.read += other.read;
        self.duplicates += other.duplicates;
        self.ignored += other.ignored;
        self.malformed.extend(other.malformed.iter().cloned());
        self.full.extend(other.full.iter().cloned());
        for (slot, s) in other.slots.iter().enumerate() {
            if s.status == Status::Placeholder {
                continue;
            }
            // `other`'s reads and duplicates are counted above; one copy of each version is
            // pushed here, and is either new or a duplicate across the two engines.
            let e = other.event_of(slot as Sym, s.rec);
            self.push_copies(&e, 1);
        }
        for v in &other.variants {
            let e = other.event_of(v.slot, v.rec);
            self.push_copies(&e, 1);
        }
    }

    /// Refreshes the stays of clients whose events changed and returns a view to query.
    pub fn view(&mut self) -> crate::View<'_> {
        let retracted = self.retracted_set();
        let slots = Slots {
            slots: &self.slots,
            ids: &self.ids,
        };
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort_unstable();
        dirty.dedup();
        for c in dirty {
            let client = &mut self.clients[c as usize];
            client.dirty = false;
            let active =
                |s: Sym| slots.slots[s as usize].status == Status::Live && !retracted.contains(&s);
            client.derived = derive(&slots, &mut client.events, &active);
        }
        crate::View::new(self, retracted)
    }

    /// Slots that a valid retraction withdraws.
    fn retracted_set(&self) -> HashSet<Sym> {
        let mut out = HashSet::new();
        for &r in &self.retractions {
            if self.slots[r as usize].status != Status::Live {
                continue;
            }
            let target = self.slots[r as usize].rec.a;
            let t = &self.slots[target as usize];
            if t.status == Status::Live && t.rec.kind != Kind::Retraction {
                out.insert(target);
            }
        }
        out
    }

    pub(crate) fn slots(&self) -> Slots<'_> {
        Slots {
            slots: &self.slots,
            ids: &self.ids,
        }
    }

    pub(crate) fn is_live(&self, slot: Sym) -> bool {
        self.slots[slot as usize].status == Status::Live
    }

    pub(crate) fn string(&self, sym: Sym) -> Option<&str> {
        (sym != NONE).then(|| self.strings.resolve(sym))
    }

    pub(crate) fn find_string(&self, s: &str) -> Option<Sym> {
        self.strings.find(s)
    }

    pub(crate) fn decimal(&self, index: Sym) -> Decimal {
        self.decimals
            .get(index as usize)
            .copied()
            .unwrap_or_default()
    }

    /// The accounting of everything read so far; `retracted` is the set from a refresh.
    pub(crate) fn accounting(&self, retracted: &HashSet<Sym>) -> Accounting {
        let mut rejections: Vec<Rejected> = Vec::new();
        rejections.extend(self.malformed.iter().cloned());
        rejections.extend(self.full.iter().cloned());
        let mut live = 0u64;
        for (slot, s) in self.slots.iter().enumerate() {
            match s.status {
                Status::Live => live += 1,
                Status::Conflict => {
                    rejections.push(self.rejected(slot as Sym, s.rec, RejectReason::Conflict))
                }
                Status::Placeholder => {}
            }
        }
        for v in &self.variants {
            rejections.push(self.rejected(v.slot, v.rec, RejectReason::Conflict));
        }
        let mut not_applied = 0u64;
        for &r in &self.retractions {
            let s = &self.slots[r as usize];
            if s.status != Status::Live {
                continue;
            }
            let target = &self.slots[s.rec.a as usize];
            let reason = match (target.status, target.rec.kind) {
                (Status::Placeholder, _) => Some(RejectReason::UnknownTarget {
                    target: self.ids.resolve(s.rec.a).to_owned(),
                }),
                (_, Kind::Retraction) => Some(RejectReason::RetractsRetraction {
                    target: self.ids.resolve(s.rec.a).to_owned(),
                }),
                _ => None,
            };
            if let Some(reason) = reason {
                not_applied += 1;
                rejections.push(self.rejected(r, s.rec, reason));
            }
        }
        for c in &self.clients {
            for (slot, reason) in &c.derived.rejected {
                not_applied += 1;
                rejections.push(self.rejected(
                    *slot,
                    self.slots[*slot as usize].rec,
                    reason.clone(),
                ));
            }
        }
        rejections.sort_by(|a, b| {
            (
                a.line,
                &a.id,
                a.event.as_ref().map(|e| e.date),
                a.reason.to_string(),
            )
                .cmp(&(
                    b.line,
                    &b.id,
                    b.event.as_ref().map(|e| e.date),
                    b.reason.to_string(),
                ))
        });
        let mut retracted: Vec<String> = retracted
            .iter()
            .map(|&s| self.ids.resolve(s).to_owned())
            .collect();
        retracted.sort();
        Accounting {
            read: self.read,
            accepted: live - not_applied,
            duplicates: self.duplicates,
            rejected: rejections.len() as u64,
            ignored: self.ignored,
            rejections,
            retracted,
        }
    }

    fn rejected(&self, slot: Sym, rec: Record, reason: RejectReason) -> Rejected {
        Rejected {
            id: Some(self.ids.resolve(slot).to_owned()),
            line: None,
            event: Some(self.event_of(slot, rec).to_owned_event()),
            reason,
        }
    }

    /// The event a record stands for.
    pub(crate) fn event_of(&self, slot: Sym, rec: Record) -> Event<&str> {
        let s = |x: Sym| self.strings.resolve(x);
        let o = |x: Sym| (x != NONE).then(|| self.strings.resolve(x));
        let body = match rec.kind {
            Kind::Admission => EventBody::Admission {
                client: s(rec.a),
                region: s(rec.b),
                provider: o(rec.c),
                reason: o(rec.d),
            },
            Kind::Discharge => EventBody::Discharge {
                client: s(rec.a),
                destination: o(rec.b),
            },
            Kind::GoalsAchieved => EventBody::GoalsAchieved { client: s(rec.a) },
            Kind::AuthorizationExtension => EventBody::AuthorizationExtension {
                client: s(rec.a),
                reason: if rec.b == 0 {
                    ExtensionReason::GoalsNotAchieved
                } else {
                    ExtensionReason::Other
                },
            },
            Kind::BridgingStart => EventBody::BridgingStart { client: s(rec.a) },
            Kind::BridgingEnd => EventBody::BridgingEnd { client: s(rec.a) },
            Kind::Tariff => EventBody::Tariff {
                provider: s(rec.a),
                amount: self.decimal(rec.c),
                unit: s(rec.b),
            },
            Kind::Deliverable => EventBody::Deliverable {
                provider: s(rec.a),
                name: s(rec.b),
                region: o(rec.c),
            },
            Kind::Measurement => EventBody::Measurement {
                metric: s(rec.a),
                value: self.decimal(rec.d),
                region: o(rec.b),
                provider: o(rec.c),
            },
            Kind::Retraction => EventBody::Retraction {
                target: self.ids.resolve(rec.a),
            },
        };
        Event {
            id: self.ids.resolve(slot),
            date: from_day_number(rec.date),
            body,
        }
    }

    fn same(&self, x: &Record, y: &Record) -> bool {
        if x.kind != y.kind || x.date != y.date {
            return false;
        }
        match x.kind {
            // Decimals compare by value: "423.00" and "423.0" are the same amount.
            Kind::Tariff => x.a == y.a && x.b == y.b && self.decimal(x.c) == self.decimal(y.c),
            Kind::Measurement => {
                x.a == y.a && x.b == y.b && x.c == y.c && self.decimal(x.d) == self.decimal(y.d)
            }
            _ => x == y,
        }
    }

    fn sym(&mut self, s: &str) -> Result<Sym, crate::intern::Full> {
        self.strings.intern(s).map(|(sym, _)| sym)
    }

    fn opt(&mut self, s: Option<&str>) -> Result<Sym, crate::intern::Full> {
        s.map_or(Ok(NONE), |s| self.sym(s))
    }

    fn decimal_index(&mut self, d: Decimal) -> Sym {
        self.decimals.push(d);
        (self.decimals.len() - 1) as Sym
    }

    fn record(&mut self, e: &Event<&str>) -> Result<Record, crate::intern::Full> {
        let mut r = Record {
            date: day_number(e.date),
            kind: e.kind(),
            a: NONE,
            b: NONE,
            c: NONE,
            d: NONE,
        };
        match e.body {
            EventBody::Admission {
                client,
                region,
                provider,
                reason,
            } => {
                r.a = self.sym(client)?;
                r.b = self.sym(region)?;
                r.c = self.opt(provider)?;
                r.d = self.opt(reason)?;
            }
            EventBody::Discharge {
                client,
                destination,
            } => {
                r.a = self.sym(client)?;
                r.b = self.opt(destination)?;
            }
            EventBody::GoalsAchieved { client }
            | EventBody::BridgingStart { client }
            | EventBody::BridgingEnd { client } => {
                r.a = self.sym(client)?;
            }
            EventBody::AuthorizationExtension { client, reason } => {
                r.a = self.sym(client)?;
                r.b = match reason {
                    ExtensionReason::GoalsNotAchieved => 0,
                    ExtensionReason::Other => 1,
                };
            }
            EventBody::Tariff {
                provider,
                amount,
                unit,
            } => {
                r.a = self.sym(provider)?;
                r.b = self.sym(unit)?;
                r.c = self.decimal_index(amount);
            }
            EventBody::Deliverable {
                provider,
                name,
                region,
            } => {
                r.a = self.sym(provider)?;
                r.b = self.sym(name)?;
                r.c = self.opt(region)?;
            }
            EventBody::Measurement {
                metric,
                value,
                region,
                provider,
            } => {
                r.a = self.sym(metric)?;
                r.b = self.opt(region)?;
                r.c = self.opt(provider)?;
                r.d = self.decimal_index(value);
            }
            EventBody::Retraction { target } => {
                r.a = self.slot_for(target)?;
            }
        }
        Ok(r)
    }

    /// The slot of an id, created as a placeholder when new.
    fn slot_for(&mut self, id: &str) -> Result<Sym, crate::intern::Full> {
        let (slot, new) = self.ids.intern(id)?;
        if new {
            self.slots.push(Slot {
                rec: Record {
                    date: 0,
                    kind: Kind::Retraction,
                    a: NONE,
                    b: NONE,
                    c: NONE,
                    d: NONE,
                },
                copies: 0,
                status: Status::Placeholder,
            });
        }
        Ok(slot)
    }

    fn mark(&mut self, rec: &Record) {
        match rec.kind {
            k if k.is_client_event() => {
                let c = self.client_of.get(rec.a as usize).copied().unwrap_or(NONE);
                if c != NONE {
                    let client = &mut self.clients[c as usize];
                    if !client.dirty {
                        client.dirty = true;
                        self.dirty.push(c);
                    }
                }
            }
            Kind::Retraction => {
                let target = self.slots[rec.a as usize];
                if target.status != Status::Placeholder {
                    self.mark(&target.rec);
                }
            }
            _ => {}
        }
    }

    fn register(&mut self, slot: Sym, rec: &Record) {
        match rec.kind {
            k if k.is_client_event() => {
                let i = rec.a as usize;
                if self.client_of.len() <= i {
                    self.client_of.resize(i + 1, NONE);
                }
                if self.client_of[i] == NONE {
                    self.client_of[i] = self.clients.len() as u32;
                    self.clients.push(Client::default());
                }
                let c = self.client_of[i];
                self.clients[c as usize].events.push(slot);
            }
            Kind::Retraction => self.retractions.push(slot),
            _ => self.others.push(slot),
        }
        self.mark(rec);
    }

    fn push_copies(&mut self, e: &Event<&str>, copies: u32) {
        let full = |engine: &mut Engine| {
            engine.full.push(Rejected {
                id: Some(e.id.to_owned()),
                line: None,
                event: Some(e.to_owned_event()),
                reason: RejectReason::CapacityExceeded,
            });
        };
        let Ok(slot) = self.slot_for(e.id) else {
            return full(self);
        };
        let Ok(rec) = self.record(e) else {
            return full(self);
        };
        let s = self.slots[slot as usize];
        match s.status {
            Status::Placeholder => {
                self.slots[slot as usize] = Slot {
                    rec,
                    copies,
                    status: Status::Live,
                };
                self.register(slot, &rec);
            }
            Status::Live if self.same(&s.rec, &rec) => {
                self.slots[slot as usize].copies += copies;
                self.duplicates += u64::from(copies);
            }
            Status::Live => {
                self.slots[slot as usize].status = Status::Conflict;
                self.variants.push(Variant { slot, rec, copies });
                self.mark(&s.rec);
            }
            Status::Conflict => {
                if self.same(&s.rec, &rec) {
                    self.slots[slot as usize].copies += copies;
                    self.duplicates += u64::from(copies);
                    return;
                }
                let found = self
                    .variants
                    .iter()
                    .position(|v| v.slot == slot && self.same(&v.rec, &rec));
                match found {
                    Some(i) => {
                        self.variants[i].copies += copies;
                        self.duplicates += u64::from(copies);
                    }
                    None => self.variants.push(Variant { slot, rec, copies }),
                }
            }
        }
    }
}

fn malformed(err: EventError, line: usize) -> Rejected {
    Rejected {
        id: err.id.clone(),
        line: Some(line),
        event: None,
        reason: RejectReason::Malformed {
            message: err.message,
            field: err.field,
        },
    }
}
