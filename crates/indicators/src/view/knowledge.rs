//! What a view knows as of a date: the events dated up to it and the corrections known by
//! its correction horizon, with the clients a later retraction touches re-derived into an
//! overlay.

use super::*;

/// The clients whose stays differ from the engine's derivation under some state of
/// knowledge, derived again, and the first day each region is seen then.
#[derive(Debug, Default)]
pub(super) struct Overlay {
    pub(super) clients: FastMap<u32, Derived>,
    pub(super) first_seen: Vec<i32>,
}

/// What a query knows: events dated through `asof`, retractions through `corrections`,
/// and the clients whose stays differ from the engine's because some retraction of
/// their events is not known yet, derived again.
pub(crate) struct Known<'v> {
    pub(crate) asof: i32,
    pub(super) corrections: i32,
    pub(super) retracted: &'v Retracted,
    pub(super) overlay: Arc<Overlay>,
    /// The withdrawn slots not known as withdrawn, with their retraction date.
    pub(super) late: &'v [(i32, Sym)],
}

impl Known<'_> {
    /// Whether a slot is withdrawn by a retraction known here.
    pub(crate) fn withdrawn(&self, slot: Sym) -> bool {
        self.retracted
            .date(slot)
            .is_some_and(|d| d <= self.corrections)
    }
}

impl<'a> View<'a> {
    /// Per region slot, the first day something is seen in it: a stay of `stays`
    /// starts, or a live delivery or measurement that `withdrawn` keeps names it.
    pub(super) fn first_seen_in<'s>(
        &self,
        stays: impl Iterator<Item = (&'s [Stay], &'s [(i32, i32)])>,
        withdrawn: &dyn Fn(Sym) -> bool,
    ) -> Vec<i32> {
        let e = self.engine;
        let mut first = vec![NEVER; self.regions.len() + 1];
        for (stays, _) in stays {
            for s in stays {
                let slot = self.slot(s.region);
                first[slot] = first[slot].min(s.admitted);
            }
        }
        let slots = e.slots();
        for &s in &e.others {
            if e.is_live(s) && !withdrawn(s) {
                let rec = slots.record(s);
                let slot = self.slot(other_region(&rec));
                first[slot] = first[slot].min(rec.date);
            }
        }
        first
    }

    /// What a query as of `at` knows.
    pub(super) fn known(&self, at: AsOf) -> Known<'_> {
        let corrections = day_number(at.corrections_through());
        let late = &self.by_date[self.by_date.partition_point(|(d, _)| *d <= corrections)..];
        let mut known = Known {
            asof: day_number(at.date()),
            corrections,
            retracted: self.retracted,
            overlay: Arc::default(),
            late,
        };
        if late.is_empty() {
            return known;
        }
        let cached = self
            .overlays
            .lock()
            .ok()
            .and_then(|m| m.get(&corrections).cloned());
        known.overlay = match cached {
            Some(o) => o,
            None => {
                let o = Arc::new(self.overlay(&known));
                if let Ok(mut m) = self.overlays.lock() {
                    m.insert(corrections, o.clone());
                }
                o
            }
        };
        known
    }

    /// The clients that a retraction not known yet touches, derived again with what is
    /// known, and where each region is first seen then.
    pub(super) fn overlay(&self, known: &Known<'_>) -> Overlay {
        let clients = self.overlay_clients(known);
        let first_seen = self.first_seen_in(self.engine.stays_of_clients(&clients), &|s| {
            known.withdrawn(s)
        });
        Overlay {
            clients,
            first_seen,
        }
    }

    pub(super) fn overlay_clients(&self, known: &Known<'_>) -> FastMap<u32, Derived> {
        let e = self.engine;
        let slots = e.slots();
        let mut clients: Vec<u32> = known
            .late
            .iter()
            .filter_map(|(_, s)| e.client_of_record(&slots.record(*s)))
            .collect();
        clients.sort_unstable();
        clients.dedup();
        clients
            .into_iter()
            .map(|c| {
                let active = |s: Sym| e.is_live(s) && !known.withdrawn(s);
                (c, e.derive_client(c, &active))
            })
            .collect()
    }

    /// Which region slots have anything to show as of `known`: a stay that started, or a
    /// delivery or measurement, dated on or before its as-of day.
    pub(super) fn visible(&self, known: &Known<'_>) -> Vec<bool> {
        let first = if known.late.is_empty() {
            &self.first_seen
        } else {
            &known.overlay.first_seen
        };
        first.iter().map(|&d| d <= known.asof).collect()
    }

    /// What a query knows with every retraction applied.
    pub(super) fn full_knowledge(&self, asof: i32) -> Known<'_> {
        Known {
            asof,
            corrections: i32::MAX,
            retracted: self.retracted,
            overlay: Arc::default(),
            late: &[],
        }
    }
}
