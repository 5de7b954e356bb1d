//! The stays derived from the records, per client, and the retractions that withdraw
//! records: the engine's own state with every valid retraction applied, and the per-client
//! derivations a view as of an earlier date needs.

use super::*;

/// Slots withdrawn by a valid retraction, each with the date of its earliest one.
pub(crate) type Retracted = FastMap<Sym, i32>;

/// A hash map keyed by small numbers or short content, with a fast hash: these maps are
/// read once per stay in the passes, where the standard hasher (built to resist chosen
/// keys, which a symbol or a slot is not) showed in profiles.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The set counterpart of [`FastMap`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

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
    pub(super) fn refresh(&mut self, retracted: &Retracted) {
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
        let mut scratch = Scratch::default();
        // Every admission makes at most one stay: size the arena once instead of doubling.
        self.stays.reserve(
            self.admissions
                .saturating_sub(self.stays.len() - self.garbage.min(self.stays.len())),
        );
        for c in dirty {
            let client = &mut self.clients[c as usize];
            client.dirty = false;
            let had_rejections = client.rejections;
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
                &mut scratch,
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
            client.rejections = !rejected.is_empty();
            if rejected.is_empty() {
                if had_rejections {
                    self.rejected.remove(&c);
                }
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
    pub(super) fn region_of(&self, rec: &Record) -> Option<&str> {
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
}
