//! Adding events from memory on two threads. Interning the event ids is a large share of
//! adding: nearly every id is new, and although ids that end in a number are found
//! through pages of their neighbours (see `ids`), the rest go through a hash index every
//! event misses in. So a thread of its own owns that table while a call adds: it interns
//! the ids of each block of events, and hashes their clients, a few blocks ahead of the
//! calling thread, which interns the other strings (clients, regions, providers) and adds
//! the records in input order with the slots the id thread found. The id thread reads
//! the events where they are (which is why [`Engine::extend`] asks for `Sync` strings):
//! copying their ids and clients out for it took the calling thread a fifth of its time.
//!
//! The id thread interns in input order, an event's id before its retraction target, as
//! the one-thread path does, so every id gets the same slot either way and the engine
//! ends up the same, field by field; tests compare the two.

use std::sync::mpsc::{TryRecvError, sync_channel};

use crate::ids::{IdKey, IdTable};
use crate::intern::Full;

use super::*;

/// Events per block handed to the id thread (a handful in the crate's tests, so that
/// small streams cross many blocks).
const BLOCK: usize = if cfg!(test) { 5 } else { 4096 };

/// Blocks the id thread may be ahead of the calling thread.
const AHEAD: usize = 2;

/// The fewest events worth a second thread (one in the crate's tests).
pub(super) const MIN_PIPELINE_EVENTS: usize = if cfg!(test) { 1 } else { 1 << 15 };

/// An id's slot, or no room for it.
type Interned = Result<Sym, Full>;

/// A block of events on its way to the id thread and back, with what the id thread
/// found for them.
type Block<'a, S> = (Vec<&'a Event<S>>, IdBlock);

/// The slots of a block of events' ids and the hashes of their clients, which the id
/// thread finds.
#[derive(Default)]
struct IdBlock {
    /// Per event: its id's slot, and its target's when it has one.
    slots: Vec<(Interned, Option<Interned>)>,
    /// Per event: the hash of its client in the engine's string table.
    client_hashes: Vec<Option<u64>>,
    /// The slots the calling thread will read that were interned before: ids seen
    /// before (duplicates and other versions) and the events retractions name.
    earlier: Vec<Sym>,
    /// Of those, the slots retractions name, whose clients are marked too.
    named: Vec<Sym>,
}

impl IdBlock {
    /// Hashes the clients of `events` for the engine's string table, whose hasher is
    /// `strings`.
    fn hash_clients<S: AsRef<str>>(
        &mut self,
        events: &[&Event<S>],
        strings: &foldhash::fast::RandomState,
    ) {
        use std::hash::BuildHasher;
        self.client_hashes.clear();
        self.client_hashes.extend(
            events
                .iter()
                .map(|e| e.client().map(|c| strings.hash_one(c))),
        );
    }

    /// Interns the ids of `events` in input order, an event's id before its target, in
    /// groups whose buckets are read first so that their misses overlap.
    fn resolve<S: AsRef<str>>(&mut self, events: &[&Event<S>], ids: &mut IdTable) {
        self.slots.clear();
        self.earlier.clear();
        self.named.clear();
        for group in events.chunks(BATCH) {
            let mut keys = [IdKey::Hashed(0); BATCH];
            let mut sink = 0u64;
            for (e, k) in group.iter().zip(keys.iter_mut()) {
                *k = ids.key(e.id.as_ref());
                sink = sink.wrapping_add(ids.touch(e.id.as_ref(), *k));
            }
            std::hint::black_box(sink);
            for (e, k) in group.iter().zip(keys) {
                let slot = ids.intern_key(e.id.as_ref(), k).map(|(s, new)| {
                    if !new {
                        self.earlier.push(s);
                    }
                    s
                });
                // When the id found no room, the target is not interned either, as on
                // one thread.
                let target = match &e.body {
                    EventBody::Retraction { target } if slot.is_ok() => {
                        Some(ids.intern(target.as_ref()).map(|(t, new)| {
                            if !new {
                                self.earlier.push(t);
                                self.named.push(t);
                            }
                            t
                        }))
                    }
                    _ => None,
                };
                self.slots.push((slot, target));
            }
        }
    }
}

/// The arena of stays on the id thread while events are added.
///
/// Each admission added makes at most one stay, which the refresh at the end of the call
/// copies into the arena. Memory the process has not written yet costs a page fault
/// when first written (about 1.2 µs per 4 KiB page here, the kernel clearing it), and
/// those faults were a quarter of the calling thread's part of that refresh. So the id
/// thread, whenever it would otherwise wait for the calling thread, writes filler stays
/// into the room the admissions read so far will take, and takes them off again at the
/// end: the arena is handed back as it came, with its room written. Only waiting time is
/// used, since writing the room while the calling thread waits for ids slowed adding as
/// much as it sped up the refresh. What the engine holds is unchanged; only the room (at
/// most one stay per admission read, duplicates included) is written earlier and by
/// another thread.
struct Arena {
    stays: Vec<Stay>,
    /// The arena's length when it came.
    len: usize,
    /// The events the call adds (as their iterator tells), and those read so far with
    /// their admissions.
    expected: usize,
    events: usize,
    admissions: usize,
}

/// The most filler stays written in one go while the id thread waits (56 KiB), so that
/// a block that arrives meanwhile waits little.
const ROOM_STEP: usize = 1024;

impl Arena {
    fn new(stays: Vec<Stay>, expected: usize) -> Arena {
        let len = stays.len();
        Arena {
            stays,
            len,
            expected,
            events: 0,
            admissions: 0,
        }
    }

    /// Counts a block of `events` events with `admissions` admissions.
    fn read(&mut self, events: usize, admissions: usize) {
        self.events += events;
        self.admissions += admissions;
    }

    /// Whether room is still to be written for some admission read.
    fn behind(&self) -> bool {
        self.stays.len() - self.len < self.admissions
    }

    /// Writes the room of up to `most` more of the stays the admissions read so far may
    /// make. When the room runs out, the arena grows by what the rest of the call will
    /// need at the share of admissions read so far, and an eighth more, rather than
    /// doubling: room that is reserved counts in [`Engine::heap_bytes`], and doubling
    /// reserved half as much again as 10M events need.
    fn write(&mut self, most: usize) {
        let n = (self.admissions - (self.stays.len() - self.len)).min(most);
        if self.stays.capacity() - self.stays.len() < n {
            let rest = self.expected.saturating_sub(self.events);
            let ahead = rest.saturating_mul(self.admissions) / self.events.max(1);
            let more = n + ahead;
            self.stays.reserve_exact(more + more / 8);
        }
        self.stays
            .extend(std::iter::repeat_n(crate::stays::FILLER, n));
    }

    /// The arena as it came, its room written, and room reserved (not written) for the
    /// admissions the id thread had no time to write room for: the refresh would
    /// otherwise reserve it by doubling.
    fn done(mut self) -> Vec<Stay> {
        let written = self.stays.len() - self.len;
        self.stays
            .reserve_exact(self.admissions.saturating_sub(written));
        self.stays.truncate(self.len);
        self.stays
    }
}

impl Engine {
    /// [`Engine::extend`] with the ids interned on a thread of their own (see the module).
    /// The caller settles.
    pub(super) fn extend_pipelined<'a, S: AsRef<str> + Sync + 'a>(
        &mut self,
        events: impl Iterator<Item = &'a Event<S>>,
    ) {
        let mut ids = std::mem::take(&mut self.ids);
        // The arena of stays is not used while events are added; the id thread writes the
        // room the new stays will take while it would otherwise wait (see `Arena`).
        let mut arena = Arena::new(std::mem::take(&mut self.stays), events.size_hint().0);
        let strings = self.strings.hasher();
        let mut events = events.peekable();
        let panicked = std::thread::scope(|scope| {
            let (to_ids, from_adder) = sync_channel::<Block<'a, S>>(AHEAD);
            let (to_adder, from_ids) = sync_channel::<Block<'a, S>>(AHEAD);
            let worker = scope.spawn(move || {
                loop {
                    let next = match from_adder.try_recv() {
                        Ok(next) => next,
                        // Nothing to do yet: write room while there is room to write,
                        // then wait.
                        Err(TryRecvError::Empty) if arena.behind() => {
                            arena.write(ROOM_STEP);
                            continue;
                        }
                        Err(TryRecvError::Empty) => match from_adder.recv() {
                            Ok(next) => next,
                            Err(_) => break,
                        },
                        Err(TryRecvError::Disconnected) => break,
                    };
                    let (list, mut block) = next;
                    block.resolve(&list, &mut ids);
                    block.hash_clients(&list, &strings);
                    arena.read(
                        list.len(),
                        list.iter()
                            .filter(|e| matches!(e.body, EventBody::Admission { .. }))
                            .count(),
                    );
                    if to_adder.send((list, block)).is_err() {
                        break;
                    }
                }
                (ids, arena.done())
            });
            let mut spare: Vec<Block<'a, S>> = Vec::new();
            let (mut in_flight, mut cut_all) = (0usize, false);
            while !cut_all || in_flight > 0 {
                if !cut_all && in_flight <= AHEAD {
                    let (mut list, block) = spare.pop().unwrap_or_default();
                    list.extend(events.by_ref().take(BLOCK));
                    cut_all = events.peek().is_none();
                    if !list.is_empty() {
                        if to_ids.send((list, block)).is_err() {
                            break;
                        }
                        in_flight += 1;
                    }
                    continue;
                }
                let Ok((mut list, block)) = from_ids.recv() else {
                    break;
                };
                in_flight -= 1;
                self.add_resolved(&list, &block);
                list.clear();
                spare.push((list, block));
            }
            drop(to_ids);
            match worker.join() {
                Ok((ids, stays)) => {
                    self.ids = ids;
                    self.stays = stays;
                    None
                }
                Err(panic) => Some(panic),
            }
        });
        if let Some(panic) = panicked {
            std::panic::resume_unwind(panic);
        }
    }

    /// Adds a block of events whose ids the id thread interned, in groups whose clients
    /// are read ahead.
    fn add_resolved<S: AsRef<str>>(&mut self, list: &[&Event<S>], block: &IdBlock) {
        std::hint::black_box(self.read_ahead_earlier(block));
        for ((group, slots), hashes) in list
            .chunks(BATCH)
            .zip(block.slots.chunks(BATCH))
            .zip(block.client_hashes.chunks(BATCH))
        {
            std::hint::black_box(self.read_ahead_clients(hashes));
            for ((e, &(slot, target)), &client) in group.iter().zip(slots).zip(hashes) {
                self.read += 1;
                let Ok(slot) = slot else {
                    self.full(*e);
                    continue;
                };
                self.ensure_slot(slot);
                match target {
                    Some(Err(Full)) => self.full(*e),
                    Some(Ok(t)) => {
                        self.ensure_slot(t);
                        self.push_at(*e, slot, Some(t), 1, client);
                    }
                    None => self.push_at(*e, slot, None, 1, client),
                }
            }
        }
    }
}

impl Engine {
    /// Reads ahead, for a whole block, what adding it will read outside the records the
    /// block makes: the records of ids seen before, then the clients of the events that
    /// retractions name (which are marked for derivation). Those lie anywhere in the
    /// engine's arrays, so each is a miss of the cache and of the address translation,
    /// and on their own they made the end of a stream with its corrections a stretch
    /// where the calling thread worked alone. Read in tight loops of independent reads,
    /// the misses overlap. The result means nothing.
    fn read_ahead_earlier(&self, block: &IdBlock) -> u64 {
        let mut sink = 0u64;
        for &s in &block.earlier {
            sink = sink.wrapping_add(self.slots.get(s as usize).map_or(0, |r| r.date as u64));
        }
        let client = |t: Sym| {
            self.slots
                .get(t as usize)
                .and_then(|r| self.client_of_record(r))
        };
        for &t in &block.named {
            sink = sink.wrapping_add(client(t).map_or(0, u64::from));
        }
        for &t in &block.named {
            let c = client(t).and_then(|c| self.clients.get(c as usize));
            sink = sink.wrapping_add(c.map_or(0, |c| u64::from(c.events)));
        }
        sink
    }
}

#[cfg(test)]
mod tests {
    use samples::synth::{SynthConfig, generate};

    use super::*;

    /// Everything an engine holds, except its hashers' random seeds, in a form to compare.
    fn state(e: &Engine) -> Vec<String> {
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        vec![
            format!(
                "{:?}",
                (0..e.slots.len())
                    .map(|s| e.ids.resolve(s as Sym))
                    .collect::<Vec<_>>()
            ),
            format!("{:?}", e.slots),
            format!("{:?}", e.next),
            format!("{:?}", e.variants),
            format!("{:?}", e.decimals),
            format!("{:?}", e.client_of),
            format!("{:?}", e.clients),
            format!("{:?}", e.stays),
            format!("{:?}", e.bridges),
            format!("{:?}", e.rejected),
            format!("{:?}", e.others),
            format!("{:?}", e.retractions),
            format!(
                "{:?}",
                sorted(e.targeted.iter().map(|s| s.to_string()).collect())
            ),
            format!(
                "{:?}",
                sorted(e.retracted.iter().map(|s| format!("{s:?}")).collect())
            ),
            format!(
                "{:?}",
                sorted(e.versions.iter().map(|s| format!("{s:?}")).collect())
            ),
            format!(
                "{:?}",
                (e.read, e.duplicates, e.ignored, e.admissions, e.garbage)
            ),
            format!("{:?}", (&e.full, &e.malformed)),
        ]
    }

    /// A dirty stream (duplicates, conflicts, retractions of known, unknown and retracted
    /// ids) with retractions whose target is empty or names a later event, and exact
    /// repeats.
    fn hostile(seed: u64, clients: usize) -> Vec<Event> {
        // The samples crate builds on the published crate, whose `Event` is another type
        // here: its events cross over as JSON.
        let mut events: Vec<Event> = generate(&SynthConfig {
            seed,
            clients,
            dirty: true,
            approvals: true,
            ..SynthConfig::default()
        })
        .iter()
        .map(|e| Event::from_json(&e.to_json()).expect("an event"))
        .collect();
        let date = events[0].date;
        for (i, target) in ["", "e-later", "r-0"].iter().enumerate() {
            events.insert(
                i * 3,
                Event {
                    id: format!("r-{i}"),
                    date,
                    body: EventBody::Retraction {
                        target: (*target).to_owned(),
                    },
                },
            );
        }
        let later = Event {
            id: "e-later".to_owned(),
            ..events[events.len() / 2].clone()
        };
        events.push(later);
        let repeats: Vec<Event> = events.iter().step_by(5).cloned().collect();
        events.extend(repeats);
        events
    }

    /// The pipelined path (and the refresh on threads) gives the engine, field by field,
    /// that one thread gives: every id the same slot, every list the same order, in one
    /// call and in several.
    #[test]
    fn adding_on_two_threads_is_adding_on_one() {
        for (seed, clients) in [(1, 1), (7, 40), (11, 300)] {
            let events = hostile(seed, clients);
            let mut one = Engine::new();
            one.extend(&events);
            for threads in [2, 3] {
                let mut two = Engine::new().with_threads(threads);
                two.extend(&events);
                assert_eq!(state(&two), state(&one), "seed {seed}, {threads} threads");
                // In two calls: the second adds to clients the first derived.
                let (a, b) = events.split_at(events.len() / 3);
                let (mut one, mut two) = (Engine::new(), Engine::new().with_threads(threads));
                one.extend(a);
                one.extend(b);
                two.extend(a);
                two.extend(b);
                assert_eq!(state(&two), state(&one), "seed {seed}, in two calls");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 24,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// The same law over generated dirty streams, cut into two calls anywhere: every
        /// id the same slot, every list the same order, the same stays.
        #[test]
        fn any_stream_added_on_two_or_three_threads_is_added_on_one(
            seed in 0u64..1_000_000,
            clients in 1usize..60,
            threads in 2usize..=3,
            per_mille in 0usize..=1000,
        ) {
            let events = hostile(seed, clients);
            let (a, b) = events.split_at(events.len() * per_mille / 1000);
            let (mut one, mut many) = (Engine::new(), Engine::new().with_threads(threads));
            one.extend(a);
            one.extend(b);
            many.extend(a);
            many.extend(b);
            proptest::prop_assert_eq!(state(&many), state(&one));
        }
    }

    /// The arena of stays comes back from the id thread as it went, with room written
    /// for every admission the id thread read.
    #[test]
    fn the_arena_comes_back_as_it_went_with_room() {
        let mut engine = Engine::new();
        engine.extend(&hostile(5, 30));
        let before = engine.stays.clone();
        assert!(!before.is_empty());
        // A clone has no room beyond its stays.
        let mut arena = Arena::new(before.clone(), 400);
        arena.read(100, 10);
        assert!(arena.behind());
        arena.write(4);
        assert_eq!(arena.stays.len(), before.len() + 4);
        // Room for the 4 now and the 300 events to come at one admission in ten, and an
        // eighth more.
        assert_eq!(arena.stays.capacity(), before.len() + (4 + 30) * 9 / 8);
        arena.write(100);
        assert_eq!(arena.stays.len(), before.len() + 10);
        assert!(!arena.behind());
        arena.read(100, 0);
        arena.read(100, 5);
        arena.write(100);
        assert!(!arena.behind());
        // Room read and not written is reserved when the arena goes back.
        arena.read(100, 60);
        assert!(arena.behind());
        let after = arena.done();
        assert_eq!(after, before);
        assert!(after.capacity() >= before.len() + 75);
    }

    /// The id thread lists the slots interned before that the block reads again: a
    /// repeated id, and a retraction's target (whose client is marked), but not an id
    /// or a target interned by the event itself.
    #[test]
    fn a_block_lists_the_slots_it_reads_again() {
        let retraction = |id: &str, target: &str| Event {
            id: id.to_owned(),
            date: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default(),
            body: EventBody::Retraction {
                target: target.to_owned(),
            },
        };
        let events = [
            retraction("a", "x"),
            retraction("b", "a"),
            retraction("a", "x"),
            retraction("c", "later"),
        ];
        let list: Vec<&Event> = events.iter().collect();
        let (mut ids, mut block) = (IdTable::default(), IdBlock::default());
        block.resolve(&list, &mut ids);
        let sym = |id: &str| ids.find(id).expect("interned");
        let (a, b, x) = (sym("a"), sym("b"), sym("x"));
        // The first event interns "a" and its target "x" (a placeholder); "b" names
        // "a"; the third repeats "a" and names "x" again; "c" and "later" are new.
        assert_eq!(block.earlier, vec![a, a, x]);
        assert_eq!(block.named, vec![a, x]);
        // A block that only repeats them reads them all again.
        block.resolve(&list[..2], &mut ids);
        assert_eq!(block.earlier, vec![a, x, b, a]);
        assert_eq!(block.named, vec![x, a]);
    }

    /// The table of ids goes to the id thread and comes back: a later call finds the
    /// ids an earlier one interned, and counts their events as duplicates.
    #[test]
    fn the_id_threads_table_comes_back() {
        let events = hostile(3, 20);
        let mut two = Engine::new().with_threads(2);
        two.extend(&events);
        // The table went to the id thread and came back: ids are found again.
        let mut again = Engine::new().with_threads(2);
        again.extend(&events);
        again.extend(&events);
        assert_eq!(again.duplicates, two.duplicates + events.len() as u64);
        assert_eq!(again.ids.find(&events[7].id), two.ids.find(&events[7].id));
    }
}
