//! The engine: the set of events, kept compactly, and the stays derived from it.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::event::{Event, EventBody, EventError, ExtensionReason, Kind, ParseOptions, parse_line};
use crate::intern::{NONE, StrTable, Sym};
use crate::span::{day_number, from_day_number};
use crate::stays::{Out, RejectReason, Stay, derive};
pub(crate) use crate::store::Record;
use crate::store::{Content, Fields, Slots, Status};

/// How many events are pushed together (see `Engine::push_batch`).
const BATCH: usize = 32;

#[derive(Debug, Clone, Copy)]
struct Variant {
    slot: Sym,
    rec: Record,
}

/// One client: its event slots as a list threaded through [`Engine::next`] (in canonical
/// order after a refresh), and the ranges of its stays and bridging periods in the
/// engine's arenas.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Client {
    head: Sym,
    /// How many distinct events the client has.
    events: u32,
    stays_from: u32,
    stays_len: u32,
    bridges_from: u32,
    bridges_len: u32,
    dirty: bool,
}

/// The most an engine takes in; past a limit an event is rejected with the reason.
///
/// - Events per client: [`Limits::events_per_client`], 2^24 (16,777,216) by default,
///   since a client's events are derived into stays together.
/// - Distinct event ids and strings: 2^32 − 2 each, and 4 GiB of their text
///   ([`RejectReason::CapacityExceeded`]).
/// - A line of JSON Lines: [`crate::MAX_LINE_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The most distinct events one client may have.
    pub events_per_client: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            events_per_client: 1 << 24,
        }
    }
}

impl Limits {
    /// Sets [`Limits::events_per_client`].
    #[must_use]
    pub fn events_per_client(self, n: u32) -> Limits {
        Limits {
            events_per_client: n,
        }
    }
}

/// Slots withdrawn by a valid retraction, each with the date of its earliest one.
pub(crate) type Retracted = HashMap<Sym, i32>;

/// One client's stays, bridging periods and rejections, derived apart from the engine's
/// own arenas (see [`Engine::derive_client`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Derived {
    pub(crate) stays: Vec<Stay>,
    pub(crate) bridges: Vec<(i32, i32)>,
    /// Sorted by slot.
    pub(crate) rejected: Vec<(Sym, RejectReason)>,
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

/// The counts of an [`Accounting`], without its lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Records read.
    pub read: u64,
    /// Distinct events accepted.
    pub accepted: u64,
    /// Exact duplicates.
    pub duplicates: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Records ignored on request.
    pub ignored: u64,
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
    /// One record per distinct id, indexed by the id's symbol.
    slots: Vec<Record>,
    /// For client events: the next slot of the same client, or [`NONE`].
    next: Vec<Sym>,
    variants: Vec<Variant>,
    limits: Limits,
    /// The content of every version of a conflicting id, to recognise repeats at once.
    versions: std::collections::HashSet<Content>,
    decimals: Vec<Decimal>,
    /// Client index per string symbol, [`NONE`] for strings that are not clients.
    client_of: Vec<u32>,
    clients: Vec<Client>,
    /// Derived stays of every client; each client owns a range.
    stays: Vec<Stay>,
    /// Derived bridging periods of every client; each client owns a range.
    bridges: Vec<(i32, i32)>,
    /// Arena entries no client owns any more, freed by compaction.
    garbage: usize,
    /// Rejections from deriving stays, per client.
    rejected: BTreeMap<u32, Vec<(Sym, RejectReason)>>,
    /// The last client interned, to skip the hash for runs of one client's events.
    last_client: Option<Sym>,
    /// Admissions taken in, an upper bound on the stays, to size the arena once.
    admissions: usize,
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

    /// An empty engine with `limits` instead of [`Limits::default`].
    pub fn with_limits(limits: Limits) -> Engine {
        Engine {
            limits,
            ..Engine::default()
        }
    }

    /// An empty engine with room for about `events` events, to avoid regrowing.
    pub fn with_capacity(events: usize) -> Engine {
        let mut e = Engine::default();
        e.reserve(events);
        e
    }

    /// Makes room for about `events` more events.
    pub fn reserve(&mut self, events: usize) {
        self.slots.reserve(events);
        self.next.reserve(events);
        self.ids.reserve(events, events * 12);
    }

    /// The number of distinct event ids seen (placeholders named only by retractions
    /// included).
    pub fn distinct_ids(&self) -> usize {
        self.slots.len()
    }

    /// Approximate heap bytes held, for capacity planning and benches.
    pub fn heap_bytes(&self) -> usize {
        self.ids.heap_bytes()
            + self.strings.heap_bytes()
            + self.slots.capacity() * std::mem::size_of::<Record>()
            + self.next.capacity() * 4
            + self.client_of.capacity() * 4
            + self.clients.capacity() * std::mem::size_of::<Client>()
            + self.stays.capacity() * std::mem::size_of::<Stay>()
            + self.bridges.capacity() * 8
            + self.decimals.capacity() * 16
            + self.others.capacity() * 4
            + self.retractions.capacity() * 4
    }

    /// Adds one event.
    pub fn push<S: AsRef<str>>(&mut self, event: &Event<S>) {
        self.read += 1;
        self.push_copies(&event.as_borrowed(), 1, None);
    }

    /// Accounts for a record that a source could not turn into an event, such as a CSV
    /// row with a cell that is not a date or an iJw element that is missing: it counts as
    /// read and rejected, and the [`Accounting`] lists it with its line, id, field and
    /// problem, as it lists a malformed JSON Lines line. Nothing a source reads is lost
    /// without a trace.
    ///
    /// ```
    /// use indicators::{Engine, EventError};
    ///
    /// let mut engine = Engine::new();
    /// engine.push_unreadable(EventError {
    ///     line: Some(7),
    ///     id: Some("row-6".into()),
    ///     field: Some("date".into()),
    ///     message: "\"31-02-2019\" is not a date".into(),
    /// });
    /// let acc = engine.view().accounting();
    /// assert_eq!((acc.read, acc.rejected), (1, 1));
    /// assert_eq!(acc.rejections[0].line, Some(7));
    /// ```
    pub fn push_unreadable(&mut self, error: EventError) {
        self.read += 1;
        let line = error.line;
        let mut rejected = malformed(error, 0);
        rejected.line = line;
        self.malformed.push(rejected);
    }

    /// Adds events.
    pub fn extend<'a, S: AsRef<str> + 'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a Event<S>>,
    ) {
        let events = events.into_iter();
        self.reserve(events.size_hint().0);
        let mut batch: Vec<&Event<S>> = Vec::with_capacity(BATCH);
        for e in events {
            batch.push(e);
            if batch.len() == BATCH {
                self.push_batch(&batch);
                batch.clear();
            }
        }
        self.push_batch(&batch);
    }

    /// Pushes a batch: first the buckets of every id and client are read, so that the
    /// processor waits for all of them at once, then the events are added one by one.
    fn push_batch<S: AsRef<str>, E: std::borrow::Borrow<Event<S>>>(&mut self, batch: &[E]) {
        let mut ids = [0u64; BATCH];
        let mut clients = [0u64; BATCH];
        for ((h, c), e) in ids.iter_mut().zip(clients.iter_mut()).zip(batch) {
            let e = e.borrow();
            *h = self.ids.hash(e.id.as_ref());
            *c = e.client().map_or(0, |c| self.strings.hash(c));
        }
        // A tight loop of independent reads: the misses overlap.
        let mut sink = 0u64;
        for (h, c) in ids.iter().zip(&clients).take(batch.len()) {
            sink = sink
                .wrapping_add(self.ids.touch(*h))
                .wrapping_add(self.strings.touch(*c));
        }
        std::hint::black_box(sink);
        for ((h, c), e) in ids.iter().zip(&clients).zip(batch) {
            self.read += 1;
            let e = e.borrow().as_borrowed();
            let client = e.client().map(|_| *c);
            self.push_copies(&e, 1, Some((*h, client)));
        }
    }

    /// Parses JSON Lines and adds every event. Blank lines are skipped; a line that is not
    /// a valid event is rejected with its line number (counted from 1 in `bytes`), the
    /// field and the problem, and appears in the [`Accounting`].
    pub fn push_jsonl(&mut self, bytes: &[u8], options: ParseOptions) -> JsonlSummary {
        let mut summary = JsonlSummary::default();
        // A byte order mark before the first line is not part of it.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // Room for one event a line, but never more than the bytes can hold: an event
        // takes far more than 40 bytes, so a file of blank lines reserves next to nothing.
        let lines = bytes.iter().filter(|b| **b == b'\n').count() + 1;
        self.reserve(lines.min(bytes.len() / 40));
        self.push_lines(bytes, 0, options, &mut summary);
        summary
    }

    /// Reads JSON Lines from `reader` in chunks and adds every event, as
    /// [`Engine::push_jsonl`] does for one buffer: memory beyond the engine's own state is
    /// a chunk and one line, whatever the size of the input. A line longer than
    /// [`crate::MAX_LINE_BYTES`] is rejected with its number and skipped unread.
    ///
    /// # Errors
    ///
    /// The reader's I/O error; the events read before it stay pushed.
    ///
    /// # Example: from anything that reads
    ///
    /// ```
    /// use indicators::{Engine, ParseOptions};
    ///
    /// let input = "{\"id\":\"1\",\"kind\":\"admission\",\"date\":\"2019-01-10\",\"client\":\"c\",\"region\":\"r\"}\nnot json\n";
    /// let mut engine = Engine::new();
    /// // A `File` wrapped in a `BufReader` works the same way.
    /// let summary = engine.push_reader(std::io::Cursor::new(input), ParseOptions::default())?;
    /// assert_eq!((summary.lines, summary.events, summary.malformed), (2, 1, 1));
    /// assert_eq!(engine.view().accounting().rejections[0].line, Some(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_reader<R: std::io::BufRead>(
        &mut self,
        mut reader: R,
        options: ParseOptions,
    ) -> std::io::Result<JsonlSummary> {
        let mut summary = JsonlSummary::default();
        // Lines finished so far; the start of the line not finished yet; whether that
        // line is too long to keep (then it is skipped to its end and reported).
        let (mut lines, mut carry, mut skipping) = (0usize, Vec::<u8>::new(), false);
        // The first line always ends in `carry`; a byte order mark before it, which a small
        // buffer may split over reads, is taken off there.
        let first_line = |carry: &[u8], lines: usize| -> usize {
            if lines == 0 && carry.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            }
        };
        loop {
            let buf = reader.fill_buf()?;
            let taken = buf.len();
            if taken == 0 {
                break;
            }
            let data = buf;
            let Some(first_nl) = data.iter().position(|b| *b == b'\n') else {
                if !skipping {
                    carry.extend_from_slice(data);
                    if carry.len() > crate::MAX_LINE_BYTES {
                        (skipping, carry) = (true, Vec::new());
                    }
                }
                reader.consume(taken);
                continue;
            };
            // The line carried over ends here.
            if skipping {
                self.too_long(lines + 1, &mut summary);
                skipping = false;
            } else {
                carry.extend_from_slice(&data[..first_nl]);
                let bom = first_line(&carry, lines);
                self.push_lines(&carry[bom..], lines, options, &mut summary);
            }
            carry.clear();
            lines += 1;
            // Whole lines, then the start of the next one.
            let last_nl = data.iter().rposition(|b| *b == b'\n').unwrap_or(first_nl);
            if last_nl > first_nl {
                let whole = &data[first_nl + 1..last_nl];
                self.push_lines(whole, lines, options, &mut summary);
                lines += whole.iter().filter(|b| **b == b'\n').count() + 1;
            }
            carry.extend_from_slice(&data[last_nl + 1..]);
            if carry.len() > crate::MAX_LINE_BYTES {
                (skipping, carry) = (true, Vec::new());
            }
            reader.consume(taken);
        }
        if skipping {
            self.too_long(lines + 1, &mut summary);
        } else if !carry.is_empty() {
            let bom = first_line(&carry, lines);
            self.push_lines(&carry[bom..], lines, options, &mut summary);
        }
        Ok(summary)
    }

    fn too_long(&mut self, line: usize, summary: &mut JsonlSummary) {
        summary.lines += 1;
        summary.malformed += 1;
        self.read += 1;
        self.malformed.push(Rejected {
            id: None,
            line: Some(line),
            event: None,
            reason: RejectReason::Malformed {
                message: format!("the line is longer than {} bytes", crate::MAX_LINE_BYTES),
                field: None,
            },
        });
    }

    /// Parses and adds the lines of `bytes`, numbering them after the `before` lines
    /// already read.
    fn push_lines(
        &mut self,
        bytes: &[u8],
        before: usize,
        options: ParseOptions,
        summary: &mut JsonlSummary,
    ) {
        let mut parsed: Vec<Event<std::borrow::Cow<'_, str>>> = Vec::with_capacity(BATCH);
        let mut lines = bytes.split(|b| *b == b'\n').enumerate().peekable();
        while lines.peek().is_some() {
            parsed.clear();
            for (n, line) in lines.by_ref() {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                summary.lines += 1;
                match parse_line(line, options) {
                    Ok(Some(e)) => {
                        summary.events += 1;
                        parsed.push(e);
                    }
                    Ok(None) => {
                        summary.ignored += 1;
                        self.ignored += 1;
                        self.read += 1;
                    }
                    Err(err) => {
                        summary.malformed += 1;
                        self.read += 1;
                        self.malformed.push(malformed(err, before + n + 1));
                    }
                }
                if parsed.len() == BATCH {
                    break;
                }
            }
            self.push_batch(&parsed);
        }
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
        self.reserve(other.slots.len());
        for (slot, rec) in other.slots.iter().enumerate() {
            if rec.status == Status::Placeholder {
                continue;
            }
            // `other`'s reads and duplicates are counted above; one copy of each version is
            // pushed here, and is either new or a duplicate across the two engines.
            let e = other.event_of(slot as Sym, *rec);
            self.push_copies(&e, 1, None);
        }
        for v in &other.variants {
            let e = other.event_of(v.slot, v.rec);
            self.push_copies(&e, 1, None);
        }
    }

    /// Refreshes the stays of clients whose events changed and returns a view to query.
    pub fn view(&mut self) -> crate::View<'_> {
        let retracted = self.retracted_map();
        self.refresh(&retracted);
        crate::View::new(self, retracted)
    }

    /// Derives the stays with every valid retraction applied, whatever its date: the
    /// engine's own state, from which a view as of an earlier date re-derives only the
    /// clients touched by retractions it does not know yet.
    fn refresh(&mut self, retracted: &Retracted) {
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort_unstable();
        dirty.dedup();
        let slots = Slots {
            slots: &self.slots,
            ids: &self.ids,
        };
        let active =
            |s: Sym| slots.slots[s as usize].status == Status::Live && !retracted.contains_key(&s);
        let mut events: Vec<Sym> = Vec::new();
        let mut rejected = Vec::new();
        // Every admission makes at most one stay: size the arena once instead of doubling.
        self.stays.reserve(
            self.admissions
                .saturating_sub(self.stays.len() - self.garbage.min(self.stays.len())),
        );
        for c in dirty {
            let client = &mut self.clients[c as usize];
            client.dirty = false;
            events.clear();
            let mut at = client.head;
            while at != NONE {
                events.push(at);
                at = self.next[at as usize];
            }
            self.garbage += (client.stays_len + client.bridges_len) as usize;
            let (stays_from, bridges_from) = (self.stays.len(), self.bridges.len());
            rejected.clear();
            derive(
                &slots,
                &mut events,
                &active,
                Out {
                    stays: &mut self.stays,
                    bridges: &mut self.bridges,
                    rejected: &mut rejected,
                },
            );
            // Keep the list in canonical order, so that later walks need no sort.
            client.head = events.first().copied().unwrap_or(NONE);
            for w in events.windows(2) {
                self.next[w[0] as usize] = w[1];
            }
            if let Some(&last) = events.last() {
                self.next[last as usize] = NONE;
            }
            client.stays_from = stays_from as u32;
            client.stays_len = (self.stays.len() - stays_from) as u32;
            client.bridges_from = bridges_from as u32;
            client.bridges_len = (self.bridges.len() - bridges_from) as u32;
            if rejected.is_empty() {
                self.rejected.remove(&c);
            } else {
                // Sorted by slot, so that walking the client's events finds them by search.
                rejected.sort_unstable_by_key(|(slot, _)| *slot);
                self.rejected.insert(c, std::mem::take(&mut rejected));
            }
        }
        if self.garbage > (self.stays.len() + self.bridges.len()) / 2 {
            self.compact();
        }
    }

    /// Drops arena entries no client owns.
    fn compact(&mut self) {
        let mut stays = Vec::with_capacity(self.stays.len() - self.garbage.min(self.stays.len()));
        let mut bridges = Vec::with_capacity(self.bridges.len());
        for c in &mut self.clients {
            let (s, b) = (c.stays_from as usize, c.bridges_from as usize);
            c.stays_from = stays.len() as u32;
            stays.extend_from_slice(&self.stays[s..s + c.stays_len as usize]);
            c.bridges_from = bridges.len() as u32;
            bridges.extend_from_slice(&self.bridges[b..b + c.bridges_len as usize]);
        }
        self.stays = stays;
        self.bridges = bridges;
        self.garbage = 0;
    }

    /// Every client's stays with its bridging periods (stays refer to bridging periods by
    /// their position in the client's slice).
    pub(crate) fn stays_by_client(&self) -> impl Iterator<Item = (&[Stay], &[(i32, i32)])> {
        self.clients.iter().map(|c| {
            let s = c.stays_from as usize;
            let b = c.bridges_from as usize;
            (
                &self.stays[s..s + c.stays_len as usize],
                &self.bridges[b..b + c.bridges_len as usize],
            )
        })
    }

    /// Calls `f` with every live record.
    pub(crate) fn for_each_live(&self, f: &mut dyn FnMut(&Record)) {
        for rec in &self.slots {
            if rec.status == Status::Live {
                f(rec);
            }
        }
    }

    /// The client index of a client event's record, if the client is known.
    pub(crate) fn client_of_record(&self, rec: &Record) -> Option<u32> {
        self.client_of
            .get(rec.client()? as usize)
            .copied()
            .filter(|&c| c != NONE)
    }

    /// Derives one client's stays again with `active` deciding which events take part,
    /// leaving the engine's own derivation as it is. Used for views as of a date before
    /// some retraction of the client's events.
    pub(crate) fn derive_client(&self, client: u32, active: &dyn Fn(Sym) -> bool) -> Derived {
        let mut events: Vec<Sym> = Vec::new();
        let mut at = self.clients[client as usize].head;
        while at != NONE {
            events.push(at);
            at = self.next[at as usize];
        }
        let mut d = Derived::default();
        derive(
            &self.slots(),
            &mut events,
            active,
            Out {
                stays: &mut d.stays,
                bridges: &mut d.bridges,
                rejected: &mut d.rejected,
            },
        );
        d.rejected.sort_unstable_by_key(|(slot, _)| *slot);
        d
    }

    /// Every client's stays with its bridging periods (stays refer to bridging periods by
    /// their position in the client's slice), with `overlay` replacing the engine's
    /// derivation for the clients it holds.
    pub(crate) fn stays_of_clients<'s>(
        &'s self,
        overlay: &'s HashMap<u32, Derived>,
    ) -> impl Iterator<Item = (&'s [Stay], &'s [(i32, i32)])> {
        self.stays_by_client()
            .enumerate()
            .map(move |(i, own)| match overlay.get(&(i as u32)) {
                Some(d) => (&d.stays[..], &d.bridges[..]),
                None => own,
            })
    }

    /// The number of clients.
    pub(crate) fn client_count(&self) -> usize {
        self.clients.len()
    }

    /// One client's stays and bridging periods from the engine's own derivation.
    pub(crate) fn client_stays(&self, client: u32) -> (&[Stay], &[(i32, i32)]) {
        let c = &self.clients[client as usize];
        let (s, b) = (c.stays_from as usize, c.bridges_from as usize);
        (
            &self.stays[s..s + c.stays_len as usize],
            &self.bridges[b..b + c.bridges_len as usize],
        )
    }

    /// One client's events that applied, with their stay, in canonical order; from
    /// `derived` instead of the engine's own derivation when given. `skip(slot)` leaves
    /// out retracted events. An approval has no stay of its own: it comes with the
    /// client's latest stay before it, if any.
    pub(crate) fn applied_events_of(
        &self,
        client: u32,
        skip: &dyn Fn(Sym) -> bool,
        derived: Option<&Derived>,
        f: &mut dyn FnMut(&Record, Option<&Stay>),
    ) {
        let c = &self.clients[client as usize];
        let (stays, rejected): (&[Stay], &[(Sym, RejectReason)]) = match derived {
            Some(d) => (&d.stays, &d.rejected),
            None => (
                self.client_stays(client).0,
                self.rejected.get(&client).map_or(&[], Vec::as_slice),
            ),
        };
        let mut current: Option<usize> = None;
        let mut at = c.head;
        while at != NONE {
            let rec = &self.slots[at as usize];
            let slot = at;
            at = self.next[at as usize];
            if rec.status != Status::Live
                || skip(slot)
                || rejected.binary_search_by_key(&slot, |(s, _)| *s).is_ok()
            {
                continue;
            }
            if rec.kind == Kind::Admission {
                current = Some(current.map_or(0, |x| x + 1));
            }
            let stay = current.and_then(|x| stays.get(x));
            if stay.is_some() || rec.kind == Kind::Approval {
                f(rec, stay);
            }
        }
    }

    /// The valid retractions, as (retraction slot, its record, the withdrawn slot). A
    /// retraction is valid when it is live and names a live event that is not itself a
    /// retraction; whether it is valid is a property of the whole set of events,
    /// whatever the dates.
    fn valid_retractions(&self) -> impl Iterator<Item = (Sym, Record, Sym)> + '_ {
        self.retractions.iter().filter_map(|&r| {
            let rec = self.slots[r as usize];
            let target = rec.target().filter(|_| rec.status == Status::Live)?;
            let t = &self.slots[target as usize];
            (t.status == Status::Live && t.kind != Kind::Retraction).then_some((r, rec, target))
        })
    }

    /// Each withdrawn slot with the date of the earliest valid retraction of it.
    fn retracted_map(&self) -> Retracted {
        let mut out: Retracted = HashMap::new();
        for (_, rec, target) in self.valid_retractions() {
            out.entry(target)
                .and_modify(|d| *d = (*d).min(rec.date))
                .or_insert(rec.date);
        }
        out
    }

    /// Every valid retraction as a correction, oldest first (ties by id).
    pub(crate) fn corrections(&self) -> Vec<crate::Correction> {
        let mut out: Vec<crate::Correction> = self
            .valid_retractions()
            .map(|(r, rec, target)| {
                let t = self.slots[target as usize];
                crate::Correction {
                    id: self.ids.resolve(r).to_owned(),
                    date: from_day_number(rec.date),
                    target: self.ids.resolve(target).to_owned(),
                    target_kind: t.kind,
                    target_date: from_day_number(t.date),
                    region: self.region_of(&t).map(str::to_owned),
                }
            })
            .collect();
        out.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        out
    }

    /// The region an event concerns: an admission's own, a deliverable's or
    /// measurement's if it names one, and for the other client events the region of the
    /// client's latest admission on or before the event's date (retracted or not).
    fn region_of(&self, rec: &Record) -> Option<&str> {
        match rec.fields() {
            Fields::Admission { region, .. }
            | Fields::Deliverable { region, .. }
            | Fields::Measurement { region, .. } => self.string(region),
            _ if rec.kind.is_client_event() => {
                let c = self.client_of_record(rec)?;
                let mut best: Option<(i32, Sym)> = None;
                let mut at = self.clients[c as usize].head;
                while at != NONE {
                    let r = &self.slots[at as usize];
                    if let Fields::Admission { region, .. } = r.fields() {
                        if r.status == Status::Live
                            && r.date <= rec.date
                            && best.is_none_or(|(d, _)| r.date >= d)
                        {
                            best = Some((r.date, region));
                        }
                    }
                    at = self.next[at as usize];
                }
                best.and_then(|(_, region)| self.string(region))
            }
            _ => None,
        }
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

    /// The accounting of everything read so far; `retracted` is the map from a refresh.
    pub(crate) fn accounting(&self, retracted: &Retracted) -> Accounting {
        self.account(retracted, true)
    }

    /// The counts of [`Engine::accounting`] without building the lists.
    pub(crate) fn counts(&self, retracted: &Retracted) -> Counts {
        let a = self.account(retracted, false);
        Counts {
            read: a.read,
            accepted: a.accepted,
            duplicates: a.duplicates,
            rejected: a.rejected,
            ignored: a.ignored,
        }
    }

    fn account(&self, retracted: &Retracted, list: bool) -> Accounting {
        let mut rejected: u64 = 0;
        let mut rejections: Vec<Rejected> = Vec::new();
        let mut reject = |r: &dyn Fn() -> Rejected| {
            rejected += 1;
            if list {
                rejections.push(r());
            }
        };
        for r in self.malformed.iter().chain(&self.full) {
            reject(&|| r.clone());
        }
        let mut live = 0u64;
        for (slot, rec) in self.slots.iter().enumerate() {
            match rec.status {
                Status::Live => live += 1,
                Status::Conflict => {
                    reject(&|| self.rejected(slot as Sym, *rec, RejectReason::Conflict))
                }
                Status::Placeholder => {}
            }
        }
        for v in &self.variants {
            reject(&|| self.rejected(v.slot, v.rec, RejectReason::Conflict));
        }
        let mut not_applied = 0u64;
        for &r in &self.retractions {
            let s = self.slots[r as usize];
            let Some(named) = s.target().filter(|_| s.status == Status::Live) else {
                continue;
            };
            let target = &self.slots[named as usize];
            let reason = match (target.status, target.kind) {
                (Status::Placeholder, _) => Some(RejectReason::UnknownTarget {
                    target: self.ids.resolve(named).to_owned(),
                }),
                (_, Kind::Retraction) => Some(RejectReason::RetractsRetraction {
                    target: self.ids.resolve(named).to_owned(),
                }),
                _ => None,
            };
            if let Some(reason) = reason {
                not_applied += 1;
                reject(&|| self.rejected(r, s, reason.clone()));
            }
        }
        for per_client in self.rejected.values() {
            for (slot, reason) in per_client {
                not_applied += 1;
                reject(&|| self.rejected(*slot, self.slots[*slot as usize], reason.clone()));
            }
        }
        // By line, id, date, reason, and the event's content last, so that versions of one
        // id with the same date are listed in the same order whatever their arrival.
        rejections.sort_by_cached_key(|r| {
            (
                r.line,
                r.id.clone(),
                r.event.as_ref().map(|e| e.date),
                r.reason.to_string(),
                r.event.as_ref().map(Event::to_json),
            )
        });
        let mut retracted: Vec<String> = if !list {
            Vec::new()
        } else {
            retracted
                .keys()
                .map(|&s| self.ids.resolve(s).to_owned())
                .collect()
        };
        retracted.sort();
        Accounting {
            read: self.read,
            accepted: live - not_applied,
            duplicates: self.duplicates,
            rejected,
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
        let body = match rec.fields() {
            Fields::Admission {
                client,
                region,
                provider,
                reason,
                segment,
            } => EventBody::Admission {
                client: s(client),
                region: s(region),
                provider: o(provider),
                reason: o(reason),
                segment: o(segment),
            },
            Fields::Discharge {
                client,
                destination,
                reason,
            } => EventBody::Discharge {
                client: s(client),
                destination: o(destination),
                reason: o(reason),
            },
            Fields::GoalsAchieved { client } => EventBody::GoalsAchieved { client: s(client) },
            Fields::Extension {
                client,
                goals_not_achieved,
            } => EventBody::AuthorizationExtension {
                client: s(client),
                reason: if goals_not_achieved {
                    ExtensionReason::GoalsNotAchieved
                } else {
                    ExtensionReason::Other
                },
            },
            Fields::BridgingStart { client } => EventBody::BridgingStart { client: s(client) },
            Fields::BridgingEnd { client } => EventBody::BridgingEnd { client: s(client) },
            Fields::Tariff {
                provider,
                unit,
                amount,
            } => EventBody::Tariff {
                provider: s(provider),
                amount: self.decimal(amount),
                unit: s(unit),
            },
            Fields::Deliverable {
                provider,
                name,
                region,
            } => EventBody::Deliverable {
                provider: s(provider),
                name: s(name),
                region: o(region),
            },
            Fields::Measurement {
                metric,
                region,
                provider,
                value,
            } => EventBody::Measurement {
                metric: s(metric),
                value: self.decimal(value),
                region: o(region),
                provider: o(provider),
            },
            Fields::Retraction { target } => EventBody::Retraction {
                target: self.ids.resolve(target),
            },
            Fields::Approval { client, segment } => EventBody::Approval {
                client: s(client),
                segment: o(segment),
            },
        };
        Event {
            id: self.ids.resolve(slot),
            date: from_day_number(rec.date),
            body,
        }
    }

    /// A record's content as a key (see [`Record::content`]).
    fn content(&self, slot: Sym, r: &Record) -> Content {
        r.content(slot, |i| self.decimal(i))
    }

    /// Whether two records have the same content (their slot state aside).
    fn same(&self, x: &Record, y: &Record) -> bool {
        self.content(0, x) == self.content(0, y)
    }

    /// The symbol of a client, skipping the hash when it is the previous event's client.
    fn client_sym(&mut self, client: &str, hash: Option<u64>) -> Result<Sym, crate::intern::Full> {
        if let Some(sym) = self.last_client {
            if self.strings.resolve(sym) == client {
                return Ok(sym);
            }
        }
        let hash = hash.unwrap_or_else(|| self.strings.hash(client));
        let (sym, _) = self.strings.intern_hashed(client, hash)?;
        self.last_client = Some(sym);
        Ok(sym)
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

    fn record(
        &mut self,
        e: &Event<&str>,
        client_hash: Option<u64>,
    ) -> Result<Record, crate::intern::Full> {
        let fields = match e.body {
            EventBody::Admission {
                client,
                region,
                provider,
                reason,
                segment,
            } => Fields::Admission {
                client: self.client_sym(client, client_hash)?,
                region: self.sym(region)?,
                provider: self.opt(provider)?,
                reason: self.opt(reason)?,
                segment: self.opt(segment)?,
            },
            EventBody::Discharge {
                client,
                destination,
                reason,
            } => Fields::Discharge {
                client: self.client_sym(client, client_hash)?,
                destination: self.opt(destination)?,
                reason: self.opt(reason)?,
            },
            EventBody::GoalsAchieved { client } => Fields::GoalsAchieved {
                client: self.client_sym(client, client_hash)?,
            },
            EventBody::BridgingStart { client } => Fields::BridgingStart {
                client: self.client_sym(client, client_hash)?,
            },
            EventBody::BridgingEnd { client } => Fields::BridgingEnd {
                client: self.client_sym(client, client_hash)?,
            },
            EventBody::AuthorizationExtension { client, reason } => Fields::Extension {
                client: self.client_sym(client, client_hash)?,
                goals_not_achieved: reason == ExtensionReason::GoalsNotAchieved,
            },
            EventBody::Tariff {
                provider,
                amount,
                unit,
            } => Fields::Tariff {
                provider: self.sym(provider)?,
                unit: self.sym(unit)?,
                amount: self.decimal_index(amount),
            },
            EventBody::Deliverable {
                provider,
                name,
                region,
            } => Fields::Deliverable {
                provider: self.sym(provider)?,
                name: self.sym(name)?,
                region: self.opt(region)?,
            },
            EventBody::Measurement {
                metric,
                value,
                region,
                provider,
            } => Fields::Measurement {
                metric: self.sym(metric)?,
                region: self.opt(region)?,
                provider: self.opt(provider)?,
                value: self.decimal_index(value),
            },
            EventBody::Retraction { target } => Fields::Retraction {
                target: self.slot_for(target)?,
            },
            EventBody::Approval { client, segment } => Fields::Approval {
                client: self.client_sym(client, client_hash)?,
                segment: self.opt(segment)?,
            },
        };
        Ok(Record::new(day_number(e.date), fields))
    }

    /// The slot of an id, created as a placeholder when new.
    fn slot_for(&mut self, id: &str) -> Result<Sym, crate::intern::Full> {
        let hash = self.ids.hash(id);
        self.slot_for_hashed(id, hash)
    }

    fn slot_for_hashed(&mut self, id: &str, hash: u64) -> Result<Sym, crate::intern::Full> {
        let (slot, new) = self.ids.intern_hashed(id, hash)?;
        if new {
            self.slots.push(Record::placeholder());
            self.next.push(NONE);
        }
        Ok(slot)
    }

    fn mark(&mut self, rec: &Record) {
        match rec.kind {
            k if k.is_client_event() => {
                if let Some(c) = self.client_of_record(rec) {
                    let client = &mut self.clients[c as usize];
                    if !client.dirty {
                        client.dirty = true;
                        self.dirty.push(c);
                    }
                }
            }
            // One level only: a retraction of a retraction withdraws nothing (it is
            // rejected), so following it further would only risk a cycle (`a` retracts
            // `b`, `b` retracts `a`, or an event that retracts itself).
            Kind::Retraction => {
                let target = self.slots[rec.target().unwrap_or(NONE) as usize];
                if target.status != Status::Placeholder && target.kind != Kind::Retraction {
                    self.mark(&target);
                }
            }
            _ => {}
        }
    }

    fn register(&mut self, slot: Sym, rec: &Record) {
        if rec.kind == Kind::Admission {
            self.admissions += 1;
        }
        match rec.kind {
            k if k.is_client_event() => {
                let i = rec.client().unwrap_or(NONE) as usize;
                if self.client_of.len() <= i {
                    self.client_of.resize(i + 1, NONE);
                }
                if self.client_of[i] == NONE {
                    self.client_of[i] = self.clients.len() as u32;
                    self.clients.push(Client {
                        head: NONE,
                        events: 0,
                        stays_from: 0,
                        stays_len: 0,
                        bridges_from: 0,
                        bridges_len: 0,
                        dirty: false,
                    });
                }
                let c = self.client_of[i] as usize;
                self.next[slot as usize] = self.clients[c].head;
                self.clients[c].head = slot;
                self.clients[c].events += 1;
            }
            Kind::Retraction => self.retractions.push(slot),
            _ => self.others.push(slot),
        }
        self.mark(rec);
    }

    /// `hashes`: the id's hash and the client's, when the caller computed them already.
    fn push_copies(&mut self, e: &Event<&str>, copies: u32, hashes: Option<(u64, Option<u64>)>) {
        let full = |engine: &mut Engine| {
            engine.full.push(Rejected {
                id: Some(e.id.to_owned()),
                line: None,
                event: Some(e.to_owned_event()),
                reason: RejectReason::CapacityExceeded,
            });
        };
        let hash = hashes.map_or_else(|| self.ids.hash(e.id), |(h, _)| h);
        let Ok(slot) = self.slot_for_hashed(e.id, hash) else {
            return full(self);
        };
        let Ok(rec) = self.record(e, hashes.and_then(|(_, c)| c)) else {
            return full(self);
        };
        let s = self.slots[slot as usize];
        match s.status {
            Status::Placeholder => {
                let limit = self.limits.events_per_client;
                let client = self.client_of_record(&rec);
                if client.is_some_and(|c| self.clients[c as usize].events >= limit) {
                    self.full.push(Rejected {
                        id: Some(e.id.to_owned()),
                        line: None,
                        event: Some(e.to_owned_event()),
                        reason: RejectReason::ClientLimit { limit },
                    });
                    return;
                }
                self.slots[slot as usize] = rec;
                self.register(slot, &rec);
            }
            Status::Live if self.same(&s, &rec) => {
                self.duplicates += u64::from(copies);
                // "423.00" and "423.0" are one amount; keep the longer writing whatever
                // arrived first, so that what a report shows does not depend on order.
                if let (Some(kept), Some(new)) = (s.decimal_index(), rec.decimal_index()) {
                    let (k, n) = (self.decimal(kept), self.decimal(new));
                    if n.scale() > k.scale() {
                        if let Some(d) = self.decimals.get_mut(kept as usize) {
                            *d = n;
                        }
                    }
                }
            }
            Status::Live => {
                self.slots[slot as usize].status = Status::Conflict;
                let (first, second) = (self.content(slot, &s), self.content(slot, &rec));
                self.versions.insert(first);
                self.versions.insert(second);
                self.variants.push(Variant { slot, rec });
                self.mark(&s);
            }
            Status::Conflict => {
                // Every version of a conflicting id is kept in `versions`: a version seen
                // before is a duplicate, found by hash rather than by a walk of them all.
                if self.versions.insert(self.content(slot, &rec)) {
                    self.variants.push(Variant { slot, rec });
                } else {
                    self.duplicates += u64::from(copies);
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
