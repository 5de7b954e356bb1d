//! Reading JSON Lines on several threads: this thread cuts the input into chunks of whole
//! lines and adds the events in input order, while worker threads parse the chunks, check
//! their text and hash their ids and clients. With `threads` threads there are
//! `threads - 1` workers, and this thread parses a chunk itself when every worker already
//! has one waiting: adding is this thread's alone, and a worker more would take cores from
//! it. What is added, and in what order, is what the one-thread reader adds; a test
//! compares the two on dirty streams cut at every size.
//!
//! A worker gives each chunk back with its events as pieces of the chunk (offsets, so
//! that the chunk and its events travel together without borrowing), an owned string for
//! the rare field the parser had to unescape. Line numbers are counted by the workers,
//! relative to their chunk, and made absolute here as the chunks come back in order; the
//! chunks' buffers come back too and are used again, so that memory is not handed back
//! and forth with the system.

use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

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
    ids: foldhash::fast::RandomState,
    strings: foldhash::fast::RandomState,
}

/// What parsing one line gave.
type ParsedLine<'a> = Result<Option<Event<std::borrow::Cow<'a, str>>>, EventError>;

/// A list of parsed events, sent back empty to be filled again.
type Events = Vec<(Event<Piece>, u64, Option<u64>)>;

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
                let id = h.ids.hash_one(e.id.as_ref());
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
            for (n, line) in s.split('\n').enumerate() {
                let blank = line.bytes().all(|b| b.is_ascii_whitespace());
                each(n, (!blank).then(|| parse_text(line, options)));
            }
        }
        Err(bytes) => {
            for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
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

/// This thread's side: the lines added so far, the buffers to use again and the skipped
/// lines waiting for their number.
struct Adder {
    lines: usize,
    spare: Vec<Vec<u8>>,
    /// Emptied event lists of the chunks parsed on this thread.
    spare_events: Vec<Events>,
    /// For each line skipped as too long: how many chunks were sent before it.
    too_long: VecDeque<usize>,
    received: usize,
}

/// A chunk cut and not added yet: with a worker (which gives chunks back in the order it
/// took them), or parsed here already.
enum Pending {
    Worker(usize),
    Here(Parsed),
}

impl Engine {
    /// [`Engine::push_reader`] on `threads` threads (at least 2): `threads - 1` workers
    /// parse while this thread cuts the input, adds the parsed chunks in input order, and
    /// parses a chunk itself whenever every worker already has one waiting. So that adding,
    /// which only this thread can do, is never starved of a core by the workers, there
    /// are as many busy threads as `threads`.
    pub(super) fn push_reader_threaded<R: BufRead>(
        &mut self,
        mut reader: R,
        options: ParseOptions,
        threads: usize,
    ) -> std::io::Result<JsonlSummary> {
        let hashers = Hashers {
            ids: self.ids.hasher(),
            strings: self.strings.hasher(),
        };
        let chunk_bytes = match self.chunk_bytes {
            0 => 1 << 20,
            n => n,
        };
        let workers = threads.saturating_sub(1).max(1);
        let mut summary = JsonlSummary::default();
        std::thread::scope(|scope| {
            let mut to: Vec<SyncSender<Vec<u8>>> = Vec::with_capacity(workers);
            let mut from: Vec<Receiver<Parsed>> = Vec::with_capacity(workers);
            let mut back: Vec<SyncSender<Events>> = Vec::with_capacity(workers);
            for _ in 0..workers {
                let (send_chunk, take_chunk) = sync_channel::<Vec<u8>>(1);
                let (send_parsed, take_parsed) = sync_channel::<Parsed>(1);
                // Emptied event lists come back, so that their memory is used again.
                let (send_back, take_back) = sync_channel::<Events>(2);
                let h = hashers.clone();
                scope.spawn(move || {
                    for chunk in take_chunk {
                        let events = take_back.try_recv().unwrap_or_default();
                        if send_parsed
                            .send(parse_chunk(chunk, events, options, &h))
                            .is_err()
                        {
                            break;
                        }
                    }
                });
                to.push(send_chunk);
                from.push(take_parsed);
                back.push(send_back);
            }
            let mut adder = Adder {
                lines: 0,
                spare: Vec::new(),
                spare_events: Vec::new(),
                too_long: VecDeque::new(),
                received: 0,
            };
            // Chunks cut and not added yet, in input order; at most two per thread.
            let mut order: VecDeque<Pending> = VecDeque::new();
            let limit = 2 * threads;
            let (mut sent, mut turn) = (0usize, 0usize);
            let mut result = Ok(());
            let mut cutter = Cutter::default();
            loop {
                // Add what is ready at the front, in order, without waiting.
                while let Some(p) = Self::ready(&mut order, &from) {
                    self.add_parsed(p, &back, &mut adder, &mut summary);
                }
                if order.len() >= limit {
                    if let Some(p) = Self::wait(&mut order, &from) {
                        self.add_parsed(p, &back, &mut adder, &mut summary);
                    }
                    continue;
                }
                let spare = adder.spare.pop().unwrap_or_default();
                let cut = match cutter.next(&mut reader, chunk_bytes, spare) {
                    Ok(Some(c)) => c,
                    Ok(None) => break,
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                };
                let chunk = match cut {
                    Cut::TooLong => {
                        adder.too_long.push_back(sent);
                        continue;
                    }
                    Cut::Chunk(c) => c,
                };
                sent += 1;
                // The next worker in turn takes it if it has room; otherwise it is parsed
                // here, and the worker keeps its turn.
                let w = turn % workers;
                match to[w].try_send(chunk) {
                    Ok(()) => {
                        order.push_back(Pending::Worker(w));
                        turn += 1;
                    }
                    Err(std::sync::mpsc::TrySendError::Full(chunk)) => {
                        let events = adder.spare_events.pop().unwrap_or_default();
                        order.push_back(Pending::Here(parse_chunk(
                            chunk, events, options, &hashers,
                        )));
                    }
                    Err(std::sync::mpsc::TrySendError::Disconnected(_)) => break,
                }
            }
            while let Some(p) = Self::wait(&mut order, &from) {
                self.add_parsed(p, &back, &mut adder, &mut summary);
            }
            self.number_too_long(&mut adder, &mut summary);
            drop(to);
            result
        })?;
        self.settle();
        Ok(summary)
    }

    /// The chunk at the front of `order` if it is parsed, without waiting.
    fn ready(
        order: &mut VecDeque<Pending>,
        from: &[Receiver<Parsed>],
    ) -> Option<(Parsed, Option<usize>)> {
        match order.front()? {
            Pending::Here(_) => match order.pop_front() {
                Some(Pending::Here(p)) => Some((p, None)),
                _ => None,
            },
            Pending::Worker(w) => {
                let w = *w;
                let p = from[w].try_recv().ok()?;
                order.pop_front();
                Some((p, Some(w)))
            }
        }
    }

    /// The chunk at the front of `order`, waiting for its worker if need be; `None` when
    /// nothing is pending (or a worker is gone, which only a panic there can cause).
    fn wait(
        order: &mut VecDeque<Pending>,
        from: &[Receiver<Parsed>],
    ) -> Option<(Parsed, Option<usize>)> {
        match order.pop_front()? {
            Pending::Here(p) => Some((p, None)),
            Pending::Worker(w) => from[w].recv().ok().map(|p| (p, Some(w))),
        }
    }

    /// Rejects the lines skipped as too long whose place is known: after all the chunks
    /// sent before them have come back.
    fn number_too_long(&mut self, adder: &mut Adder, summary: &mut JsonlSummary) {
        while adder.too_long.front() == Some(&adder.received) {
            adder.too_long.pop_front();
            self.too_long(adder.lines + 1, summary);
            adder.lines += 1;
        }
    }

    /// Adds the next parsed chunk, in input order; `worker` is the worker that parsed it,
    /// to hand its emptied event list back to.
    fn add_parsed(
        &mut self,
        (mut p, worker): (Parsed, Option<usize>),
        back: &[SyncSender<Events>],
        adder: &mut Adder,
        summary: &mut JsonlSummary,
    ) {
        self.number_too_long(adder, summary);
        adder.received += 1;
        summary.lines += p.lines;
        summary.events += p.events.len() as u64;
        summary.ignored += p.ignored;
        summary.malformed += p.malformed.len() as u64;
        self.ignored += p.ignored;
        self.read += p.ignored + p.malformed.len() as u64;
        for mut r in p.malformed.drain(..) {
            r.line = r.line.map(|l| l + adder.lines);
            r.input.clone_from(&self.input);
            self.malformed.push(r);
        }
        adder.lines += p.lines_in_chunk;
        let text = &p.text;
        let mut batch: Vec<Event<&str>> = Vec::with_capacity(BATCH);
        let mut hashes: Vec<(u64, Option<u64>)> = Vec::with_capacity(BATCH);
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
        match worker {
            // Kept only if the worker has room for it.
            Some(w) => {
                let _ = back[w].try_send(p.events);
            }
            None => adder.spare_events.push(p.events),
        }
        let mut buffer = match p.text {
            Ok(s) => s.into_bytes(),
            Err(b) => b,
        };
        buffer.clear();
        adder.spare.push(buffer);
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
