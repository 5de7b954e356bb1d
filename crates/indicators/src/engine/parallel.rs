//! Reading JSON Lines on several threads. The calling thread reads the input and cuts it
//! into chunks of whole lines (so the reader need not be `Send`); one thread of its own
//! adds the parsed chunks to the engine in input order; parsing a chunk (checking its text,
//! finding its fields, hashing its ids and clients) is done by whichever thread is free:
//! the adder while the chunk whose turn it is is still being parsed elsewhere, the cutter
//! while enough chunks are in flight, and with more than two threads, `threads - 2` that
//! only parse. The threads share one small queue under a lock (a chunk is a megabyte, so
//! the lock is taken a few hundred times a second). What is added, and in what order, is
//! what the one-thread reader adds; a test compares the two on dirty streams cut at every
//! size, and on a reader that fails.
//!
//! A parser gives each chunk back with its events as pieces of the chunk (offsets, so
//! that the chunk and its events travel together without borrowing), an owned string for
//! the rare field the parser had to unescape. Line numbers are counted by the parser,
//! relative to its chunk, and made absolute by the adder as it takes the chunks in order; the
//! chunks' buffers come back too and are used again, so that memory is not handed back
//! and forth with the system.

use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::*;

/// Where a field's text is: a range of the chunk, or its own (unescaped) text.
enum Piece {
    At(u32, u32),
    Own(Box<str>),
}

/// A chunk parsed: its text, its events with the hashes of their ids and clients, its
/// malformed lines (numbered within the chunk) and its counts.
struct Parsed {
    /// The chunk, as text when all of it is UTF-8 (then a piece needs no second check).
    text: Result<String, Vec<u8>>,
    events: Events,
    malformed: Vec<Rejected>,
    /// Lines in the chunk, blank ones included.
    lines_in_chunk: usize,
    lines: u64,
    ignored: u64,
}

/// The hashers of the engine's tables, cloned into each worker: the same hash as the
/// engine computes, so that it can be computed off this thread.
#[derive(Clone)]
struct Hashers {
    ids: crate::ids::Keyer,
    strings: foldhash::fast::RandomState,
}

/// What parsing one line gave.
type ParsedLine<'a> = Result<Option<Event<std::borrow::Cow<'a, str>>>, EventError>;

/// A list of parsed events, sent back empty to be filled again.
type Events = Vec<(Event<Piece>, crate::ids::IdKey, Option<u64>)>;

fn parse_chunk(bytes: Vec<u8>, mut events: Events, options: ParseOptions, h: &Hashers) -> Parsed {
    use std::hash::BuildHasher;
    events.reserve(bytes.len() / 96);
    let mut out = Parsed {
        text: Err(Vec::new()),
        events,
        malformed: Vec::new(),
        lines_in_chunk: 0,
        lines: 0,
        ignored: 0,
    };
    let base = bytes.as_ptr() as usize;
    let end = base + bytes.len();
    let piece = |s: &str| -> Piece {
        let at = s.as_ptr() as usize;
        if at >= base && at + s.len() <= end {
            Piece::At((at - base) as u32, s.len() as u32)
        } else {
            Piece::Own(s.into())
        }
    };
    // The whole chunk is checked as UTF-8 once (it nearly always is), so no line is
    // checked again; a chunk with a bad byte is read line by line as bytes.
    let text = String::from_utf8(bytes).map_err(std::string::FromUtf8Error::into_bytes);
    // `None` for a blank line.
    let mut each = |n: usize, parsed: Option<ParsedLine<'_>>| {
        out.lines_in_chunk = n + 1;
        let Some(parsed) = parsed else { return };
        out.lines += 1;
        match parsed {
            Ok(Some(e)) => {
                let id = h.ids.key(e.id.as_ref());
                let client = e.client().map(|c| h.strings.hash_one(c));
                out.events.push((e.map(piece), id, client));
            }
            Ok(None) => out.ignored += 1,
            // Numbered within the chunk for now.
            Err(err) => out.malformed.push(malformed(err, n + 1)),
        }
    };
    match &text {
        Ok(s) => {
            for (n, line) in line_ranges(s.as_bytes()).enumerate() {
                // A newline is ASCII, so every line starts and ends on a character.
                let line = s.get(line).unwrap_or_default();
                let blank = line.bytes().all(|b| b.is_ascii_whitespace());
                each(n, (!blank).then(|| parse_text(line, options)));
            }
        }
        Err(bytes) => {
            for (n, line) in line_ranges(bytes).map(|r| &bytes[r]).enumerate() {
                let blank = line.iter().all(u8::is_ascii_whitespace);
                each(n, (!blank).then(|| parse_line(line, options)));
            }
        }
    }
    out.text = text;
    out
}

/// The text of a piece; the worker checked that it is UTF-8.
fn piece_text<'a>(text: &'a Result<String, Vec<u8>>, piece: &'a Piece) -> &'a str {
    match piece {
        Piece::At(at, len) => {
            let range = *at as usize..(*at + *len) as usize;
            match text {
                Ok(s) => s.get(range).unwrap_or_default(),
                Err(bytes) => std::str::from_utf8(&bytes[range]).unwrap_or_default(),
            }
        }
        Piece::Own(s) => s,
    }
}

/// What the cutter hands on, in input order.
enum Cut {
    /// Whole lines (without the last newline).
    Chunk(Vec<u8>),
    /// A line longer than a line may be, skipped unread.
    TooLong,
}

/// What is handed on in input order: a chunk parsed, or a line skipped as too long.
enum Done {
    Parsed(Parsed),
    TooLong,
}

/// A chunk to parse, with its place in the input and an emptied event list to fill.
struct Job {
    at: usize,
    chunk: Vec<u8>,
    events: Events,
}

/// The work the threads share, under one lock.
#[derive(Default)]
struct Queue {
    /// Chunks cut and not taken by a parser yet, in input order.
    raw: VecDeque<(usize, Vec<u8>)>,
    /// What is ready and waits for its turn to be added, by place in the input.
    done: BTreeMap<usize, Done>,
    /// Chunks being parsed.
    parsing: usize,
    /// Whether the input is cut to its end (or cutting stopped at an I/O error).
    cut_all: bool,
    /// Whether a thread stopped in a panic: the others stop too, and the scope re-raises
    /// the panic.
    broken: bool,
    /// Emptied buffers and event lists, used again.
    spare: Vec<Vec<u8>>,
    spare_events: Vec<Events>,
    /// How many of each to keep.
    keep: usize,
}

impl Queue {
    /// Keeps an emptied buffer and event list for the next chunks, up to `keep` of each.
    fn recycle(&mut self, spare: Option<(Vec<u8>, Events)>) {
        if let Some((buffer, events)) = spare {
            if self.spare.len() < self.keep {
                self.spare.push(buffer);
            }
            if self.spare_events.len() < self.keep {
                self.spare_events.push(events);
            }
        }
    }

    /// Takes the first chunk waiting to be parsed.
    fn take(&mut self) -> Option<Job> {
        let (at, chunk) = self.raw.pop_front()?;
        self.parsing += 1;
        let events = self.spare_events.pop().unwrap_or_default();
        Some(Job { at, chunk, events })
    }

    /// Whether `limit` chunks or more are in flight (cut, being parsed, or parsed and not
    /// added yet).
    fn full(&self, limit: usize) -> bool {
        self.raw.len() + self.done.len() + self.parsing >= limit
    }
}

/// The queue, and the signal that it changed.
#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Poisoned only by a panic, which `broken` already tells the other threads.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, queue: MutexGuard<'a, Queue>) -> MutexGuard<'a, Queue> {
        self.changed
            .wait(queue)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Parses a job and puts the result among the chunks ready.
    fn parse_into_done(&self, job: Job, options: ParseOptions, h: &Hashers) {
        let parsed = parse_chunk(job.chunk, job.events, options, h);
        let mut q = self.lock();
        q.parsing -= 1;
        q.done.insert(job.at, Done::Parsed(parsed));
        drop(q);
        self.changed.notify_all();
    }

    /// Parses chunks until none is left to cut or parse (an extra worker's loop).
    fn work(&self, options: ParseOptions, h: &Hashers) {
        let _guard = Guard(self);
        loop {
            let mut q = self.lock();
            let job = loop {
                if q.broken {
                    return;
                }
                if let Some(job) = q.take() {
                    break job;
                }
                if q.cut_all {
                    return;
                }
                q = self.wait(q);
            };
            drop(q);
            self.parse_into_done(job, options, h);
        }
    }
}

/// Marks the queue broken when its thread panics, so that no other thread waits for
/// what it would have done.
struct Guard<'a>(&'a Shared);

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.lock().broken = true;
            self.0.changed.notify_all();
        }
    }
}

impl Engine {
    /// [`Engine::push_reader`] on `threads` threads (at least 2). The calling thread reads
    /// and cuts the input (the reader need not be `Send`), a thread of its own adds the
    /// parsed chunks in input order, and `threads - 2` more only parse. The cutter and the
    /// adder parse too whenever they would otherwise wait: the adder the earliest chunk
    /// not taken yet while the chunk whose turn it is is being parsed elsewhere, the
    /// cutter when enough chunks are in flight. So every thread stays busy however the
    /// work divides between reading, parsing and adding.
    pub(super) fn push_reader_threaded<R: BufRead>(
        &mut self,
        mut reader: R,
        options: ParseOptions,
        threads: usize,
    ) -> std::io::Result<JsonlSummary> {
        let hashers = Hashers {
            ids: self.ids.keyer(),
            strings: self.strings.hasher(),
        };
        let chunk_bytes = match self.chunk_bytes {
            0 => 1 << 20,
            n => n,
        };
        let threads = threads.max(2);
        // Chunks in flight at most: cut, parsed or being parsed, and not added yet.
        let limit = 2 * threads;
        let shared = Shared::default();
        shared.lock().keep = limit;
        let mut summary = JsonlSummary::default();
        let engine = &mut *self;
        let result = std::thread::scope(|scope| {
            let (shared, hashers, summary) = (&shared, &hashers, &mut summary);
            scope.spawn(move || engine.add_all(shared, options, hashers, summary));
            for _ in 2..threads {
                scope.spawn(move || shared.work(options, hashers));
            }
            let _guard = Guard(shared);
            let mut cutter = Cutter::default();
            let mut at = 0usize;
            let result = loop {
                // Room for one more chunk; while there is none, parse one or wait.
                let mut q = shared.lock();
                let spare = loop {
                    if q.broken {
                        break None;
                    }
                    if !q.full(limit) {
                        break Some(q.spare.pop().unwrap_or_default());
                    }
                    if let Some(job) = q.take() {
                        drop(q);
                        shared.parse_into_done(job, options, hashers);
                        q = shared.lock();
                    } else {
                        q = shared.wait(q);
                    }
                };
                drop(q);
                let Some(spare) = spare else { break Ok(()) };
                let (cut, error) = match cutter.next(&mut reader, chunk_bytes, spare) {
                    Ok(Some(cut)) => (cut, None),
                    Ok(None) => break Ok(()),
                    // The whole lines read before the error are added, as on one thread.
                    Err(e) => match cutter.whole_lines() {
                        Some(cut) => (cut, Some(e)),
                        None => break Err(e),
                    },
                };
                let mut q = shared.lock();
                match cut {
                    Cut::Chunk(chunk) => q.raw.push_back((at, chunk)),
                    Cut::TooLong => {
                        q.done.insert(at, Done::TooLong);
                    }
                }
                at += 1;
                drop(q);
                shared.changed.notify_all();
                if let Some(e) = error {
                    break Err(e);
                }
            };
            shared.lock().cut_all = true;
            shared.changed.notify_all();
            // Help parse what is left.
            loop {
                let Some(job) = shared.lock().take() else {
                    break;
                };
                shared.parse_into_done(job, options, hashers);
            }
            result
        });
        // The events read before an I/O error stay pushed, as on one thread.
        self.settle();
        result.map(|()| summary)
    }

    /// The adder's loop: adds what is ready in input order, and parses the earliest chunk
    /// not taken yet while the one whose turn it is is not ready.
    fn add_all(
        &mut self,
        shared: &Shared,
        options: ParseOptions,
        h: &Hashers,
        summary: &mut JsonlSummary,
    ) {
        let _guard = Guard(shared);
        // Lines added so far, and the place of the next chunk to add.
        let (mut lines, mut next) = (0usize, 0usize);
        let mut q = shared.lock();
        loop {
            if q.broken {
                return;
            }
            if let Some(done) = q.done.remove(&next) {
                drop(q);
                next += 1;
                let spare = match done {
                    Done::TooLong => {
                        self.too_long(lines + 1, summary);
                        lines += 1;
                        None
                    }
                    Done::Parsed(p) => Some(self.add_parsed(p, &mut lines, summary)),
                };
                q = shared.lock();
                q.recycle(spare);
                // There is room for the cutter again.
                shared.changed.notify_all();
                continue;
            }
            if let Some(job) = q.take() {
                // The chunk whose turn it is is being parsed elsewhere (or is this one):
                // parse meanwhile, and add it when its turn comes round the loop.
                drop(q);
                shared.parse_into_done(job, options, h);
                q = shared.lock();
                continue;
            }
            if q.cut_all && q.parsing == 0 {
                // Everything cut is added (a chunk whose turn never comes would be a bug).
                debug_assert!(q.done.is_empty());
                return;
            }
            q = shared.wait(q);
        }
    }

    /// Adds a parsed chunk, the next in input order, numbering its lines after the
    /// `lines` added before; gives back its emptied buffer and event list.
    fn add_parsed(
        &mut self,
        mut p: Parsed,
        lines: &mut usize,
        summary: &mut JsonlSummary,
    ) -> (Vec<u8>, Events) {
        summary.lines += p.lines;
        summary.events += p.events.len() as u64;
        summary.ignored += p.ignored;
        summary.malformed += p.malformed.len() as u64;
        self.ignored += p.ignored;
        self.read += p.ignored + p.malformed.len() as u64;
        for mut r in p.malformed.drain(..) {
            r.line = r.line.map(|l| l + *lines);
            r.input.clone_from(&self.input);
            self.malformed.push(r);
        }
        *lines += p.lines_in_chunk;
        let text = &p.text;
        let mut batch: Vec<Event<&str>> = Vec::with_capacity(BATCH);
        let mut hashes: Vec<(crate::ids::IdKey, Option<u64>)> = Vec::with_capacity(BATCH);
        for group in p.events.chunks(BATCH) {
            batch.clear();
            hashes.clear();
            for (e, id, client) in group {
                batch.push(e.map_ref(|piece| piece_text(text, piece)));
                hashes.push((*id, *client));
            }
            self.push_prehashed(&batch, &hashes);
        }
        drop(batch);
        p.events.clear();
        let mut buffer = match p.text {
            Ok(s) => s.into_bytes(),
            Err(b) => b,
        };
        buffer.clear();
        (buffer, p.events)
    }
}

/// Cuts an input into chunks of whole lines, keeping the one-thread reader's rules: a byte
/// order mark before the first line is dropped, and a line longer than
/// [`crate::MAX_LINE_BYTES`] is rejected and skipped unread.
#[derive(Default)]
struct Cutter {
    /// Whole lines not sent yet, then the start of the line not finished yet.
    carry: Vec<u8>,
    /// Where in `carry` the unfinished line starts (after its last newline).
    start: usize,
    /// Whether the unfinished line is too long and being skipped to its end.
    skipping: bool,
    /// Whether anything (a chunk or a skipped line) was handed on.
    started: bool,
}

impl Cutter {
    /// The next chunk or skipped line; `spare` is an empty buffer to use for what stays.
    fn next<R: BufRead>(
        &mut self,
        reader: &mut R,
        chunk_bytes: usize,
        mut spare: Vec<u8>,
    ) -> std::io::Result<Option<Cut>> {
        loop {
            if !self.skipping {
                if self.carry.len() - self.start > crate::MAX_LINE_BYTES {
                    // Hand on the whole lines before it, then skip it.
                    self.skipping = true;
                    self.carry.truncate(self.start);
                    self.start = 0;
                    if !self.carry.is_empty() {
                        let whole = std::mem::replace(&mut self.carry, spare);
                        return Ok(Some(self.chunk(whole)));
                    }
                    continue;
                }
                if self.carry.len() >= chunk_bytes && self.start > 0 {
                    spare.extend_from_slice(&self.carry[self.start..]);
                    let mut whole = std::mem::replace(&mut self.carry, spare);
                    whole.truncate(self.start);
                    self.start = 0;
                    return Ok(Some(self.chunk(whole)));
                }
            }
            let buf = reader.fill_buf()?;
            if buf.is_empty() {
                if self.skipping {
                    self.skipping = false;
                    self.started = true;
                    return Ok(Some(Cut::TooLong));
                }
                if self.carry.is_empty() {
                    return Ok(None);
                }
                let last = std::mem::take(&mut self.carry);
                self.start = 0;
                return Ok(Some(self.chunk(last)));
            }
            // A reader that hands over everything at once (a slice) is taken a chunk at a
            // time, so that the threads share the work.
            let taken = buf.len().min(chunk_bytes);
            let buf = &buf[..taken];
            if self.skipping {
                if let Some(nl) = buf.iter().position(|b| *b == b'\n') {
                    self.skipping = false;
                    self.started = true;
                    let rest = &buf[nl + 1..];
                    if let Some(last) = rest.iter().rposition(|b| *b == b'\n') {
                        self.start = last + 1;
                    }
                    self.carry.extend_from_slice(rest);
                    reader.consume(taken);
                    return Ok(Some(Cut::TooLong));
                }
            } else {
                // Only the new bytes are searched for the unfinished line's start.
                if let Some(nl) = buf.iter().rposition(|b| *b == b'\n') {
                    self.start = self.carry.len() + nl + 1;
                }
                self.carry.extend_from_slice(buf);
            }
            reader.consume(taken);
        }
    }

    /// The whole lines read and not handed on yet, when reading stops at an error.
    fn whole_lines(&mut self) -> Option<Cut> {
        if self.skipping || self.start == 0 {
            return None;
        }
        self.carry.truncate(self.start);
        self.start = 0;
        let whole = std::mem::take(&mut self.carry);
        Some(self.chunk(whole))
    }

    /// `bytes` (whole lines, maybe ending in a newline) as the next chunk.
    fn chunk(&mut self, mut bytes: Vec<u8>) -> Cut {
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        if !self.started && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        self.started = true;
        Cut::Chunk(bytes)
    }
}
