//! The engine: the set of events, kept compactly, and the stays derived from it.
//!
//! The engine's parts: this module the input (`push*`, `merge`, `view`); `records` the set
//! of records (interning, events to records and back, duplicates and conflicts);
//! `derive` the stays derived per client and the retractions; `accounting` where every
//! record read went.

mod accounting;
mod derive;
mod parallel;
mod pipeline;
mod records;

pub use accounting::{Accounting, Counts, JsonlSummary, Rejected};
pub(crate) use derive::{Derived, FastMap, FastSet, Retracted};

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::event::{
    Event, EventBody, EventError, ExtensionReason, Kind, ParseOptions, Urgency, parse_line,
    parse_text,
};
use crate::ids::{IdKey, IdTable};
use crate::intern::{Memo, NONE, StrTable, Sym};
use crate::span::{day_number, from_day_number};
use crate::stays::{Out, RejectReason, Scratch, Stay, derive};
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
    /// The client's pseudonym, as a string symbol.
    name: Sym,
    head: Sym,
    /// How many distinct events the client has.
    events: u32,
    stays_from: u32,
    stays_len: u32,
    bridges_from: u32,
    bridges_len: u32,
    dirty: bool,
    /// Whether the engine's map of rejections holds some of the client's events.
    rejections: bool,
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

/// The set of events, and the stays derived from it.
///
/// Input: [`Engine::push`] one event, [`Engine::extend`] many, [`Engine::push_reader`]
/// JSON Lines from anything that reads, [`Engine::merge`] another engine. Output:
/// [`Engine::view`] (`&self`) gives a [`crate::View`] to query indicators and the
/// [`Accounting`].
///
/// The engine keeps one compact record per distinct event id (about 32 bytes plus the id's
/// text) and derives stays per client at the end of every call that adds events, only for
/// the clients those events touch; adding many events in one call ([`Engine::extend`],
/// [`Engine::push_reader`]) derives each touched client once. Results depend only on the set of events pushed, never on their order,
/// on exact duplicates, or on how the events were split over engines that were merged.
///
/// # Example: push, query, account
///
/// ```
/// use chrono::NaiveDate;
/// use indicators::{Engine, Indicator, ParseOptions, Span, Value};
///
/// let mut engine = Engine::new();
/// let _ = engine.push_jsonl(br#"{"id":"1","kind":"admission","date":"2019-01-10","client":"c1","region":"r1"}
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
    ids: IdTable,
    strings: StrTable,
    /// Short strings recently interned in `strings`.
    memo: Memo,
    /// One record per distinct id, indexed by the id's symbol.
    slots: Vec<Record>,
    /// For client events: the next slot of the same client, or [`NONE`].
    next: Vec<Sym>,
    variants: Vec<Variant>,
    limits: Limits,
    /// The content of every version of a conflicting id, to recognise repeats at once.
    versions: FastSet<Content>,
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
    /// Slots a retraction names: when one of them arrives or conflicts, the valid
    /// retractions may change.
    targeted: FastSet<Sym>,
    /// Each withdrawn slot with the date of its earliest valid retraction, kept current by
    /// every call that adds events (see `settle`).
    retracted: Retracted,
    /// Whether `retracted` must be recomputed at the next settle.
    retractions_changed: bool,
    dirty: Vec<u32>,
    /// The name of the input being read, given to the records rejected from it.
    input: Option<String>,
    /// Parsing threads for JSON Lines; 0 or 1 parses on the calling thread.
    threads: usize,
    /// The size of the pieces JSON Lines are cut into for the threads; 0 for the default.
    chunk_bytes: usize,
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

    /// Uses `threads` threads in all: JSON Lines ([`Engine::push_reader`],
    /// [`Engine::push_jsonl`]) are read and cut by the calling thread, added in input order
    /// by a thread of their own and parsed by whichever thread is free; a large
    /// [`Engine::extend`] interns the event ids on a second thread, ahead of the calling
    /// thread that adds the records; the stays of many clients are derived in `threads`
    /// shares; and indicators are evaluated over the stays of `threads` shares of the
    /// clients at once. 0 or 1 does everything on the calling thread. What the engine
    /// holds, and every value a view gives, do not depend on the setting. The library
    /// reads no configuration: a program that wants every core passes
    /// `std::thread::available_parallelism()`.
    ///
    /// ```
    /// use indicators::{Engine, ParseOptions};
    ///
    /// let input = "{\"id\":\"1\",\"kind\":\"admission\",\"date\":\"2019-01-10\",\"client\":\"c\",\"region\":\"r\"}\nnot json\n";
    /// let mut one = Engine::new();
    /// let mut two = Engine::new().with_threads(2);
    /// let a = one.push_reader(std::io::Cursor::new(input), ParseOptions::default())?;
    /// let b = two.push_reader(std::io::Cursor::new(input), ParseOptions::default())?;
    /// assert_eq!(a, b);
    /// assert_eq!(one.view().accounting(), two.view().accounting());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Engine {
        self.threads = threads;
        self
    }

    /// Names the input about to be read (a file name, say): the records read from it that
    /// are not events ([`Engine::push_unreadable`], malformed JSON Lines) carry the name
    /// in the [`Accounting`], so that with several inputs a line number says where it
    /// is. `None` clears it.
    ///
    /// ```
    /// use indicators::{Engine, ParseOptions};
    ///
    /// let mut engine = Engine::new();
    /// engine.set_input_name(Some("march.jsonl"));
    /// let _ = engine.push_jsonl(b"not json\n", ParseOptions::default());
    /// let r = &engine.view().accounting().rejections[0];
    /// assert_eq!((r.input.as_deref(), r.line), (Some("march.jsonl"), Some(1)));
    /// ```
    pub fn set_input_name(&mut self, name: Option<&str>) {
        self.input = name.map(str::to_owned);
    }

    /// The threads this engine may use (see [`Engine::with_threads`]); at least 1.
    #[must_use]
    pub fn threads(&self) -> usize {
        self.threads.max(1)
    }

    /// The size of the pieces JSON Lines are cut into for the parsing threads (default
    /// 1 MiB): larger pieces mean fewer hand-overs, smaller ones less memory in flight
    /// (about three pieces per thread).
    #[must_use]
    pub fn with_chunk_bytes(mut self, bytes: usize) -> Engine {
        self.chunk_bytes = bytes;
        self
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

    /// Makes room for about `events` more events, and for the clients they are likely
    /// to name (one per three events). Room reserved and not used is address space, not
    /// memory; growing by doubling instead copies and touches twice what it keeps.
    pub fn reserve(&mut self, events: usize) {
        self.slots.reserve(events);
        self.next.reserve(events);
        self.ids.reserve(events, events * 12);
        let clients = events / 3;
        self.clients.reserve(clients);
        self.strings.reserve(clients, clients * 10);
        self.client_of.reserve(clients);
    }

    /// The number of distinct event ids seen (placeholders named only by retractions
    /// included).
    #[must_use]
    pub fn distinct_ids(&self) -> usize {
        self.slots.len()
    }

    /// Approximate heap bytes held, for capacity planning and benches.
    #[must_use]
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
        self.push_copies(event, 1, None);
        self.settle();
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
        rejected.input.clone_from(&self.input);
        self.malformed.push(rejected);
    }

    /// Adds events. On more than one thread (see [`Engine::with_threads`]), a large call
    /// reads the events' ids on a second thread while this one adds them, so the strings
    /// must be `Sync` (`String`, `&str`, `Box<str>` and `Arc<str>` are).
    pub fn extend<'a, S: AsRef<str> + Sync + 'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a Event<S>>,
    ) {
        let events = events.into_iter();
        self.reserve(events.size_hint().0);
        if self.threads > 1 && events.size_hint().0 >= pipeline::MIN_PIPELINE_EVENTS {
            self.extend_pipelined(events);
            self.settle();
            return;
        }
        let mut batch: Vec<&Event<S>> = Vec::with_capacity(BATCH);
        for e in events {
            batch.push(e);
            if batch.len() == BATCH {
                self.push_batch(&batch);
                batch.clear();
            }
        }
        self.push_batch(&batch);
        self.settle();
    }

    /// Pushes a batch: first the buckets of every id and client are read, so that the
    /// processor waits for all of them at once, then the events are added one by one.
    fn push_batch<S: AsRef<str>, E: std::borrow::Borrow<Event<S>>>(&mut self, batch: &[E]) {
        let mut hashes = [(IdKey::Hashed(0), None); BATCH];
        for (h, e) in hashes.iter_mut().zip(batch) {
            let e = e.borrow();
            *h = (
                self.ids.key(e.id.as_ref()),
                e.client().map(|c| self.strings.hash(c)),
            );
        }
        self.push_prehashed(batch, &hashes[..batch.len()]);
    }

    /// Pushes a batch whose ids and clients are hashed already: the buckets of every id
    /// and client are read first, so that the processor waits for all of them at once,
    /// then the events are added one by one.
    fn push_prehashed<S: AsRef<str>, E: std::borrow::Borrow<Event<S>>>(
        &mut self,
        batch: &[E],
        hashes: &[(IdKey, Option<u64>)],
    ) {
        let mut sink = 0u64;
        for ((key, _), e) in hashes.iter().zip(batch) {
            sink = sink.wrapping_add(self.ids.touch(e.borrow().id.as_ref(), *key));
        }
        let clients: [Option<u64>; BATCH] =
            std::array::from_fn(|i| hashes.get(i).and_then(|h| h.1));
        std::hint::black_box(sink.wrapping_add(self.read_ahead_clients(&clients[..hashes.len()])));
        for (h, e) in hashes.iter().zip(batch) {
            self.read += 1;
            self.push_copies(e.borrow(), 1, Some(*h));
        }
    }

    /// Reads ahead what adding events of these clients (by the hashes of their names)
    /// will read, in tight loops of independent reads so that the misses overlap: the
    /// buckets, then where each bucket points (the name's offsets and its client index),
    /// then the name and the client record. When the input is in date order, a
    /// client's events lie far apart and each of these is a miss. The result means
    /// nothing.
    fn read_ahead_clients(&self, clients: &[Option<u64>]) -> u64 {
        let mut sink = 0u64;
        for c in clients {
            sink = sink.wrapping_add(self.strings.touch(c.unwrap_or(0)));
        }
        let mut names = [NONE; BATCH];
        for (c, name) in clients.iter().zip(names.iter_mut()) {
            if let Some(sym) = c.and_then(|c| self.strings.candidate(c)) {
                *name = sym;
                sink = sink
                    .wrapping_add(self.strings.touch_ends(sym))
                    .wrapping_add(u64::from(
                        self.client_of.get(sym as usize).copied().unwrap_or(0),
                    ));
            }
        }
        for &name in names.iter().filter(|n| **n != NONE) {
            sink = sink.wrapping_add(self.strings.touch_text(name));
            if let Some(&c) = self.client_of.get(name as usize).filter(|c| **c != NONE) {
                sink = sink.wrapping_add(u64::from(self.clients[c as usize].head));
            }
        }
        sink
    }

    /// Parses JSON Lines and adds every event. Blank lines are skipped; a line that is not
    /// a valid event is rejected with its line number (counted from 1 in `bytes`), the
    /// field and the problem, and appears in the [`Accounting`].
    #[must_use = "the summary counts the lines that were not events; `let _ =` when the view's accounting is read instead"]
    pub fn push_jsonl(&mut self, bytes: &[u8], options: ParseOptions) -> JsonlSummary {
        if self.threads > 1 {
            // About one event per hundred bytes; counting the lines would take this
            // thread as long as a worker takes to parse them.
            self.reserve(bytes.len() / 100);
            // Reading from memory cannot fail.
            return self
                .push_reader_threaded(bytes, options, self.threads)
                .unwrap_or_default();
        }
        let mut summary = JsonlSummary::default();
        // A byte order mark before the first line is not part of it.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // Room for one event a line, but never more than the bytes can hold: an event
        // takes far more than 40 bytes, so a file of blank lines reserves next to nothing.
        let lines = memchr::memchr_iter(b'\n', bytes).count() + 1;
        self.reserve(lines.min(bytes.len() / 40));
        self.push_lines(bytes, 0, options, &mut summary);
        self.settle();
        summary
    }

    /// Reads JSON Lines from `reader` in chunks and adds every event, as
    /// [`Engine::push_jsonl`] does for one buffer: memory beyond the engine's own state is
    /// a chunk and one line, whatever the size of the input. A line longer than
    /// [`crate::MAX_LINE_BYTES`] is rejected with its number and skipped unread.
    ///
    /// # Errors
    ///
    /// The reader's I/O error; the whole lines read before it stay pushed, and their
    /// stays derived.
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
        reader: R,
        options: ParseOptions,
    ) -> std::io::Result<JsonlSummary> {
        if self.threads > 1 {
            return self.push_reader_threaded(reader, options, self.threads);
        }
        let mut summary = JsonlSummary::default();
        let read = self.read_lines(reader, options, &mut summary);
        // Also after an error: the events read before it are in, and the engine current.
        self.settle();
        read.map(|()| summary)
    }

    /// [`Engine::push_reader`] on this thread, without the settling.
    fn read_lines<R: std::io::BufRead>(
        &mut self,
        mut reader: R,
        options: ParseOptions,
        summary: &mut JsonlSummary,
    ) -> std::io::Result<()> {
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
                self.too_long(lines + 1, summary);
                skipping = false;
            } else {
                carry.extend_from_slice(&data[..first_nl]);
                let bom = first_line(&carry, lines);
                self.push_lines(&carry[bom..], lines, options, summary);
            }
            carry.clear();
            lines += 1;
            // Whole lines, then the start of the next one.
            let last_nl = data.iter().rposition(|b| *b == b'\n').unwrap_or(first_nl);
            if last_nl > first_nl {
                let whole = &data[first_nl + 1..last_nl];
                self.push_lines(whole, lines, options, summary);
                lines += memchr::memchr_iter(b'\n', whole).count() + 1;
            }
            carry.extend_from_slice(&data[last_nl + 1..]);
            if carry.len() > crate::MAX_LINE_BYTES {
                (skipping, carry) = (true, Vec::new());
            }
            reader.consume(taken);
        }
        if skipping {
            self.too_long(lines + 1, summary);
        } else if !carry.is_empty() {
            let bom = first_line(&carry, lines);
            self.push_lines(&carry[bom..], lines, options, summary);
        }
        Ok(())
    }

    fn too_long(&mut self, line: usize, summary: &mut JsonlSummary) {
        summary.lines += 1;
        summary.malformed += 1;
        self.read += 1;
        self.malformed.push(Rejected {
            id: None,
            input: self.input.clone(),
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
        let mut lines = line_ranges(bytes).map(|r| &bytes[r]).enumerate().peekable();
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
                        let mut r = malformed(err, before + n + 1);
                        r.input.clone_from(&self.input);
                        self.malformed.push(r);
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
        self.settle();
    }

    /// A view to query. The engine is always current: every call that adds events
    /// derives the stays of the clients they touch before it returns, so a view takes
    /// `&self` and several may be read at once, from several threads.
    #[must_use]
    pub fn view(&self) -> crate::View<'_> {
        crate::View::new(self, &self.retracted)
    }

    /// Brings the derived state up to date: the valid retractions, when anything that
    /// can change them arrived, and the stays of the clients whose events changed.
    fn settle(&mut self) {
        if self.retractions_changed {
            self.retracted = self.retracted_map();
            self.retractions_changed = false;
        }
        let retracted = std::mem::take(&mut self.retracted);
        self.refresh(&retracted);
        self.retracted = retracted;
    }
}

/// Where each line of `bytes` lies, as splitting at every `\n` gives them (the text after
/// the last newline is a line too, empty when the bytes end in one). The newlines are
/// found by `memchr`, many bytes an instruction, where a split by a closure or the
/// standard library's search takes one or two instructions a byte.
pub(crate) fn line_ranges(bytes: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    memchr::memchr_iter(b'\n', bytes)
        .map(Some)
        .chain([None])
        .map(move |nl| {
            let end = nl.unwrap_or(bytes.len());
            let line = start..end;
            start = end + 1;
            line
        })
}

fn malformed(err: EventError, line: usize) -> Rejected {
    Rejected {
        id: err.id.clone(),
        input: None,
        line: Some(line),
        event: None,
        reason: RejectReason::Malformed {
            message: err.message,
            field: err.field,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::line_ranges;

    proptest::proptest! {
        /// The lines found by `memchr` are the lines a split at every newline gives.
        #[test]
        fn lines_are_what_a_split_gives(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![proptest::num::u8::ANY, proptest::strategy::Just(b'\n')],
                0..200,
            )
        ) {
            let found: Vec<&[u8]> = line_ranges(&bytes).map(|r| &bytes[r]).collect();
            let split: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
            proptest::prop_assert_eq!(found, split);
        }
    }
}
