//! The stays derived from the records, per client, and the retractions that withdraw
//! records: the engine's own state with every valid retraction applied, and the per-client
//! derivations a view as of an earlier date needs.

use std::sync::mpsc::sync_channel;

use crate::bits::Bits;

use super::*;

/// Slots withdrawn by a valid retraction, each with the date of its earliest one.
///
/// Derivation asks of every event whether it is withdrawn at all, and nearly none is:
/// that question is answered by a bit per slot (an eighth of a byte per event read),
/// where a lookup in the map of dates cost a quarter of a derivation's time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Retracted {
    dates: FastMap<Sym, i32>,
    /// The withdrawn slots.
    bits: Bits,
}

impl Retracted {
    /// Records that a retraction dated `date` withdraws `slot`; the earliest date is kept.
    pub(crate) fn insert(&mut self, slot: Sym, date: i32) {
        self.dates
            .entry(slot)
            .and_modify(|d| *d = (*d).min(date))
            .or_insert(date);
        self.bits.insert(slot as usize);
    }

    /// Whether a valid retraction withdraws `slot`, whatever its date.
    #[inline]
    pub(crate) fn contains(&self, slot: Sym) -> bool {
        self.bits.contains(slot as usize)
    }

    /// The date of the earliest valid retraction of `slot`, if it is withdrawn.
    #[inline]
    pub(crate) fn date(&self, slot: Sym) -> Option<i32> {
        if self.contains(slot) {
            self.dates.get(&slot).copied()
        } else {
            None
        }
    }

    /// Each withdrawn slot with its date, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Sym, i32)> + '_ {
        self.dates.iter().map(|(&s, &d)| (s, d))
    }
}

/// A hash map keyed by small numbers or short content, with a fast hash: these maps are
/// read once per stay in the passes, where the standard hasher (built to resist chosen
/// keys, which a symbol or a slot is not) showed in profiles.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The set counterpart of [`FastMap`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// A client's list: the slots of its events from `head` on, each followed by its
/// `next` ([`NONE`] ends the list).
fn list(head: Sym, next: &[Sym]) -> impl Iterator<Item = Sym> + '_ {
    std::iter::successors((head != NONE).then_some(head), move |&at| {
        Some(next[at as usize]).filter(|&n| n != NONE)
    })
}

/// How many dirty clients a round of [`Engine::refresh`] derives (a handful in the
/// crate's tests, so that small streams take many rounds).
const ROUND_CLIENTS: usize = if cfg!(test) { 7 } else { 1 << 15 };

/// The fewest clients worth a thread of their own in [`Engine::refresh`]: below, starting
/// the thread costs more than it saves (one in the crate's tests).
const MIN_THREAD_CLIENTS: usize = if cfg!(test) { 1 } else { 2048 };

/// The derivation of some clients, apart from the engine's arenas (see
/// [`Engine::refresh`]).
#[derive(Debug, Default)]
struct Piece {
    stays: Vec<Stay>,
    bridges: Vec<(i32, i32)>,
    /// Each client's events, one client after another: in list order when gathered, in
    /// canonical order once derived.
    order: Vec<Sym>,
    /// Each client's rejected events, sorted by slot, one client after another.
    rejected: Vec<(Sym, RejectReason)>,
    /// How many of each of the above belong to each client, in order.
    clients: Vec<Derivation>,
}

impl Piece {
    /// Derives the clients gathered into the piece (see [`Derivations::gather`]): their
    /// events go in canonical order, and their stays, bridging periods and rejections
    /// are counted per client.
    fn derive(&mut self, records: &Slots<'_>, retracted: &Retracted, scratch: &mut Scratch) {
        self.stays.clear();
        self.bridges.clear();
        self.rejected.clear();
        let active =
            |s: Sym| records.slots[s as usize].status == Status::Live && !retracted.contains(s);
        let mut from = 0;
        for d in &mut self.clients {
            let events = &mut self.order[from..from + d.events as usize];
            from += d.events as usize;
            let (stays, bridges, rejected) =
                (self.stays.len(), self.bridges.len(), self.rejected.len());
            derive(
                records,
                events,
                &active,
                Out {
                    stays: &mut self.stays,
                    bridges: &mut self.bridges,
                    rejected: &mut self.rejected,
                },
                scratch,
            );
            // Sorted by slot, so that walking the client's events finds them by search.
            self.rejected[rejected..].sort_unstable_by_key(|(slot, _)| *slot);
            d.stays = (self.stays.len() - stays) as u32;
            d.bridges = (self.bridges.len() - bridges) as u32;
            d.rejected = (self.rejected.len() - rejected) as u32;
        }
    }

    fn clear(&mut self) {
        self.stays.clear();
        self.bridges.clear();
        self.order.clear();
        self.rejected.clear();
        self.clients.clear();
    }
}

/// The parts of an engine a derivation is put into: the arenas of stays and bridging
/// periods, the clients and their lists, and the rejections (see [`Engine::split`]).
struct Derivations<'e> {
    clients: &'e mut [Client],
    next: &'e mut [Sym],
    stays: &'e mut Vec<Stay>,
    bridges: &'e mut Vec<(i32, i32)>,
    rejected: &'e mut BTreeMap<u32, Vec<(Sym, RejectReason)>>,
    garbage: &'e mut usize,
}

impl Derivations<'_> {
    /// Clears `piece` and gathers the events of `clients` into it from their lists.
    fn gather(&self, clients: &[u32], piece: &mut Piece) {
        piece.clear();
        for &c in clients {
            let from = piece.order.len();
            piece
                .order
                .extend(list(self.clients[c as usize].head, self.next));
            piece.clients.push(Derivation {
                client: c,
                events: (piece.order.len() - from) as u32,
                stays: 0,
                bridges: 0,
                rejected: 0,
            });
        }
    }

    /// Puts a derived piece in place: each client's stays and bridging periods at the
    /// end of the arenas (the old ones become garbage), its list relinked in canonical
    /// order, so that later walks need no sort, and its rejections. The piece is left
    /// empty.
    fn apply(&mut self, piece: &mut Piece) {
        // The piece's stays and bridging periods go to the arenas' ends in one copy each,
        // in client order; each client's range follows from the counts.
        let (mut stays, mut bridges) = (self.stays.len(), self.bridges.len());
        self.stays.extend_from_slice(&piece.stays);
        self.bridges.extend_from_slice(&piece.bridges);
        let mut order = 0usize;
        // Drained, not taken, so that the piece keeps its room for the next round.
        let mut rejected = piece.rejected.drain(..);
        for d in &piece.clients {
            let client = &mut self.clients[d.client as usize];
            client.dirty = false;
            *self.garbage += (client.stays_len + client.bridges_len) as usize;
            client.stays_from = stays as u32;
            client.stays_len = d.stays;
            client.bridges_from = bridges as u32;
            client.bridges_len = d.bridges;
            let events = &piece.order[order..order + d.events as usize];
            client.head = events.first().copied().unwrap_or(NONE);
            for w in events.windows(2) {
                self.next[w[0] as usize] = w[1];
            }
            if let Some(&last) = events.last() {
                self.next[last as usize] = NONE;
            }
            let had_rejections = client.rejections;
            client.rejections = d.rejected > 0;
            if d.rejected > 0 {
                let list = rejected.by_ref().take(d.rejected as usize).collect();
                self.rejected.insert(d.client, list);
            } else if had_rejections {
                self.rejected.remove(&d.client);
            }
            order += d.events as usize;
            stays += d.stays as usize;
            bridges += d.bridges as usize;
        }
        drop(rejected);
        piece.clear();
    }
}

#[derive(Debug, Clone, Copy)]
struct Derivation {
    client: u32,
    events: u32,
    stays: u32,
    bridges: u32,
    rejected: u32,
}

/// One client's stays, bridging periods and rejections, derived apart from the engine's
/// own arenas (see [`Engine::derive_client`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Derived {
    pub(crate) stays: Vec<Stay>,
    pub(crate) bridges: Vec<(i32, i32)>,
    /// Sorted by slot.
    pub(crate) rejected: Vec<(Sym, RejectReason)>,
}

impl Engine {
    /// Derives the stays with every valid retraction applied, whatever its date: the
    /// engine's own state, from which a view as of an earlier date re-derives only the
    /// clients touched by retractions it does not know yet.
    ///
    /// Clients are independent, so the dirty ones are derived in rounds of
    /// [`ROUND_CLIENTS`]: the calling thread gathers each client's events from its list
    /// into a [`Piece`], the piece's clients are derived from the records alone, and the
    /// calling thread puts the piece into the arenas and relinks the lists. A round bounds
    /// the memory the pieces take, whatever the number of clients. With several threads,
    /// see [`Engine::refresh_on_threads`].
    pub(super) fn refresh(&mut self, retracted: &Retracted) {
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort_unstable();
        dirty.dedup();
        // Every admission makes at most one stay: size the arena once instead of doubling.
        self.stays.reserve(
            self.admissions
                .saturating_sub(self.stays.len() - self.garbage.min(self.stays.len())),
        );
        let threads = self
            .threads()
            .min(dirty.len().div_ceil(MIN_THREAD_CLIENTS))
            .max(1);
        if threads > 1 {
            self.refresh_on_threads(&dirty, retracted, threads);
        } else {
            let (records, mut arenas) = self.split();
            let (mut piece, mut scratch) = (Piece::default(), Scratch::default());
            for round in dirty.chunks(ROUND_CLIENTS) {
                arenas.gather(round, &mut piece);
                piece.derive(&records, retracted, &mut scratch);
                arenas.apply(&mut piece);
            }
        }
        if self.garbage > (self.stays.len() + self.bridges.len()) / 2 {
            self.compact();
        }
    }

    /// [`Engine::refresh`] on `threads` threads. The calling thread gathers, derives the
    /// first part of each round (the smaller, since it alone puts pieces in place) and
    /// puts the round's pieces in place in client order, so the arenas end up as on one
    /// thread. The other threads each derive a share of the rest of the round, a round
    /// ahead: while the calling thread puts round `k` in place, they derive round `k + 1`,
    /// which reads only the records and the events gathered for it.
    fn refresh_on_threads(&mut self, dirty: &[u32], retracted: &Retracted, threads: usize) {
        let rounds: Vec<&[u32]> = dirty.chunks(ROUND_CLIENTS).collect();
        // The calling thread's part of a round, then the helpers' shares. Besides its
        // part, the calling thread gathers every share and puts every piece in place,
        // about a third of what deriving the round takes: with two threads, a third of
        // the clients for it and two thirds for the helper keep the two about level.
        fn shares(round: &[u32], threads: usize) -> (&[u32], std::slice::Chunks<'_, u32>) {
            let (mine, rest) = round.split_at(round.len() / (threads + 1));
            (mine, rest.chunks(rest.len().div_ceil(threads - 1).max(1)))
        }
        let (records, mut arenas) = self.split();
        let records = &records;
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads)
                .map(|_| {
                    let (to_helper, gathered) = sync_channel::<Piece>(1);
                    let (to_caller, derived) = sync_channel::<Piece>(1);
                    scope.spawn(move || {
                        let mut scratch = Scratch::default();
                        for mut piece in gathered {
                            piece.derive(records, retracted, &mut scratch);
                            if to_caller.send(piece).is_err() {
                                break;
                            }
                        }
                    });
                    (to_helper, derived)
                })
                .collect();
            let mut spare: Vec<Piece> = Vec::new();
            let hand_out = |round: &[u32], arenas: &Derivations<'_>, spare: &mut Vec<Piece>| {
                for ((to_helper, _), clients) in helpers.iter().zip(shares(round, threads).1) {
                    let mut piece = spare.pop().unwrap_or_default();
                    arenas.gather(clients, &mut piece);
                    // A helper that is gone panicked; the scope reports its panic.
                    let _ = to_helper.send(piece);
                }
            };
            let (mut mine, mut scratch) = (Piece::default(), Scratch::default());
            if let Some(first) = rounds.first() {
                hand_out(first, &arenas, &mut spare);
            }
            for (k, round) in rounds.iter().enumerate() {
                if let Some(next) = rounds.get(k + 1) {
                    hand_out(next, &arenas, &mut spare);
                }
                arenas.gather(shares(round, threads).0, &mut mine);
                mine.derive(records, retracted, &mut scratch);
                arenas.apply(&mut mine);
                for (_, derived) in helpers.iter().take(shares(round, threads).1.len()) {
                    let Ok(mut piece) = derived.recv() else {
                        return;
                    };
                    arenas.apply(&mut piece);
                    spare.push(piece);
                }
            }
        });
    }

    /// The records (read by derivation) apart from the arenas and lists a derivation is
    /// put into, so that threads can derive while the calling thread puts pieces in place.
    fn split(&mut self) -> (Slots<'_>, Derivations<'_>) {
        (
            Slots {
                slots: &self.slots,
                ids: &self.ids,
            },
            Derivations {
                clients: &mut self.clients,
                next: &mut self.next,
                stays: &mut self.stays,
                bridges: &mut self.bridges,
                rejected: &mut self.rejected,
                garbage: &mut self.garbage,
            },
        )
    }

    /// Drops arena entries no client owns.
    pub(super) fn compact(&mut self) {
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
        (0..self.clients.len()).map(|c| self.client_stays(c as u32))
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
        let mut events: Vec<Sym> = list(self.clients[client as usize].head, &self.next).collect();
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
            &mut Scratch::default(),
        );
        d.rejected.sort_unstable_by_key(|(slot, _)| *slot);
        d
    }

    /// Every client's stays with its bridging periods (stays refer to bridging periods by
    /// their position in the client's slice), with `overlay` replacing the engine's
    /// derivation for the clients it holds.
    pub(crate) fn stays_of_clients<'s>(
        &'s self,
        overlay: &'s FastMap<u32, Derived>,
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

    /// The pseudonym of a client.
    pub(crate) fn client_name(&self, client: u32) -> Option<&str> {
        self.string(self.clients.get(client as usize)?.name)
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
    /// out retracted events. An approval or a referral has no stay of its own: it comes with the
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
        for slot in list(c.head, &self.next) {
            let rec = &self.slots[slot as usize];
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
            if stay.is_some() || matches!(rec.kind, Kind::Approval | Kind::Referral) {
                f(rec, stay);
            }
        }
    }

    /// The valid retractions, as (retraction slot, its record, the withdrawn slot). A
    /// retraction is valid when it is live and names a live event that is not itself a
    /// retraction; whether it is valid is a property of the whole set of events,
    /// whatever the dates.
    pub(super) fn valid_retractions(&self) -> impl Iterator<Item = (Sym, Record, Sym)> + '_ {
        self.retractions.iter().filter_map(|&r| {
            let rec = self.slots[r as usize];
            let target = rec.target().filter(|_| rec.status == Status::Live)?;
            let t = &self.slots[target as usize];
            (t.status == Status::Live && t.kind != Kind::Retraction).then_some((r, rec, target))
        })
    }

    /// Each withdrawn slot with the date of the earliest valid retraction of it.
    pub(super) fn retracted_map(&self) -> Retracted {
        let mut out = Retracted::default();
        for (_, rec, target) in self.valid_retractions() {
            out.insert(target, rec.date);
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
    pub(super) fn region_of(&self, rec: &Record) -> Option<&str> {
        match rec.fields() {
            Fields::Admission { region, .. }
            | Fields::Deliverable { region, .. }
            | Fields::Measurement { region, .. } => self.string(region),
            _ if rec.kind.is_client_event() => {
                let c = self.client_of_record(rec)?;
                let mut best: Option<(i32, Sym)> = None;
                for at in list(self.clients[c as usize].head, &self.next) {
                    let r = &self.slots[at as usize];
                    if let Fields::Admission { region, .. } = r.fields() {
                        if r.status == Status::Live
                            && r.date <= rec.date
                            && best.is_none_or(|(d, _)| r.date >= d)
                        {
                            best = Some((r.date, region));
                        }
                    }
                }
                best.and_then(|(_, region)| self.string(region))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    proptest::proptest! {
        /// The set of withdrawn slots answers as a map from slot to earliest date does:
        /// whether a slot is withdrawn, its date, and the whole list, for slots in and
        /// past the words of bits kept.
        #[test]
        fn withdrawn_slots_are_a_map_to_their_earliest_date(
            pairs in proptest::collection::vec((0u32..5_000, -400i32..400), 0..60),
            probes in proptest::collection::vec(0u32..6_000, 0..60),
        ) {
            let mut retracted = Retracted::default();
            let mut model: BTreeMap<Sym, i32> = BTreeMap::new();
            for &(slot, date) in &pairs {
                retracted.insert(slot, date);
                model.entry(slot).and_modify(|d| *d = (*d).min(date)).or_insert(date);
            }
            for slot in probes.iter().copied().chain(pairs.iter().map(|p| p.0)) {
                proptest::prop_assert_eq!(retracted.contains(slot), model.contains_key(&slot));
                proptest::prop_assert_eq!(retracted.date(slot), model.get(&slot).copied());
            }
            let mut all: Vec<(Sym, i32)> = retracted.iter().collect();
            all.sort_unstable();
            proptest::prop_assert_eq!(all, model.into_iter().collect::<Vec<_>>());
        }
    }

    /// A slot past the last word of bits, and slot 0 of an empty set, are not withdrawn.
    #[test]
    fn slots_past_the_bits_are_not_withdrawn() {
        let mut retracted = Retracted::default();
        assert!(!retracted.contains(0));
        retracted.insert(70, 5);
        assert_eq!(retracted.bits.words(), 2);
        assert!(retracted.contains(70));
        assert!(!retracted.contains(6));
        assert!(!retracted.contains(128));
        assert!(!retracted.contains(Sym::MAX));
        assert_eq!(retracted.date(70), Some(5));
        assert_eq!(retracted.date(71), None);
    }
}
