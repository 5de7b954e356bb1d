//! The evaluator: one planning step for the definitions and periods asked, and one pass
//! over the stays and events that fills every accumulator (per definition, period and
//! region) at once.

use super::*;

/// Adds one client's stays and bridging periods to a partial result.
type AddClient<'f, T> = dyn Fn(&mut T, &[Stay], &[(i32, i32)]) + Sync + 'f;

/// `into += plus - minus` (no `minus`: nothing taken off), per leaf, period and region.
fn merge_accs(into: &mut Accs, plus: &Accs, minus: Option<&Accs>) {
    let none = Acc::default();
    for (l, (a, p)) in into.iter_mut().zip(plus).enumerate() {
        for (q, (a, p)) in a.iter_mut().zip(p).enumerate() {
            for (r, (a, p)) in a.iter_mut().zip(p).enumerate() {
                a.merge(p, minus.map_or(&none, |m| &m[l][q][r]));
            }
        }
    }
}

/// Completes the overall column (0) of accumulators filled by [`View::add_stays`] and
/// [`View::add_event`]: those add a stay or event to its region's column only (to column
/// 0 when it has no region), and the overall value is that plus every region's, which
/// the exact merge gives with one addition per region instead of one per stay.
fn add_regions_to_overall(accs: &mut Accs) {
    let none = Acc::default();
    for row in accs.iter_mut().flatten() {
        if let Some((overall, regions)) = row.split_first_mut() {
            for r in regions.iter() {
                overall.merge(r, &none);
            }
        }
    }
}

impl<'a> View<'a> {
    pub(super) fn grid_for_unknown_region(
        &self,
        indicator: &Indicator,
        period: Span,
        known: &Known<'_>,
    ) -> Value {
        // An unseen region has no stays: evaluate with a filter that matches nothing,
        // except for region-agnostic facts (tariffs, deliveries, measurements without a
        // region), which hold for every region.
        match indicator {
            Indicator::MaxTariff { .. }
            | Indicator::DeliveredOn { .. }
            | Indicator::Measured { .. } => self
                .special(indicator, &[period], known, Some(UNKNOWN))
                .into_iter()
                .next()
                .and_then(|r| r.into_iter().next())
                .unwrap_or(Value::None {
                    reason: NoValue::NoData,
                }),
            Indicator::BridgingDays => Value::Days { value: 0 },
            Indicator::StayLengthBands => Value::Bands {
                under_6_weeks: 0,
                weeks_6_to_30: 0,
                over_30_weeks: 0,
            },
            Indicator::WaitingDaysPercentile { .. } => Value::None {
                reason: NoValue::ZeroDenominator,
            },
            _ => match indicator.definition() {
                Some(def) => {
                    eval::combine(&def, &mut |leaf: &CustomIndicator| {
                        (value_of(leaf, &Acc::default()), None)
                    })
                    .0
                }
                None => Value::None {
                    reason: NoValue::NoData,
                },
            },
        }
    }

    pub(super) fn grid(&self, indicator: &Indicator, periods: &[Span], known: &Known<'_>) -> Grid {
        match indicator {
            Indicator::BridgingDays => settled(self.bridging(periods, known)),
            Indicator::WaitingDaysPercentile {
                percentile,
                urgency,
            } => settled(self.waiting_percentile(periods, known, *percentile, *urgency)),
            Indicator::StayLengthBands => {
                let bands = band_leaves();
                let (leaves, accs) = self.shared_leaves(&[], &bands, periods, known);
                self.bands_grid(&leaves, &accs, periods.len(), &bands)
            }
            Indicator::MaxTariff { .. }
            | Indicator::DeliveredOn { .. }
            | Indicator::Measured { .. } => settled(self.special(indicator, periods, known, None)),
            _ => match indicator.definition() {
                Some(def) => self
                    .customs(&[&def], periods, known)
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
                None => settled(vec![
                    vec![
                        Value::None {
                            reason: NoValue::NoData
                        };
                        self.regions.len() + 1
                    ];
                    periods.len()
                ]),
            },
        }
    }

    /// The grids of several indicators defined as data, from one pass over their leaves.
    pub(super) fn customs(
        &self,
        defs: &[&CustomIndicator],
        periods: &[Span],
        known: &Known<'_>,
    ) -> Vec<Grid> {
        let (leaves, accs) = self.shared_leaves(defs, &[], periods, known);
        self.grids_of(defs, &leaves, &accs, periods.len())
    }

    /// The leaves of `defs`, then the `extra` leaves not among them, with their
    /// accumulators from one pass (see [`View::leaves`]).
    pub(super) fn shared_leaves<'d>(
        &self,
        defs: &[&'d CustomIndicator],
        extra: &'d [CustomIndicator],
        periods: &[Span],
        known: &Known<'_>,
    ) -> (Vec<&'d CustomIndicator>, Arc<Accs>) {
        let mut leaves: Vec<&CustomIndicator> = Vec::new();
        for def in defs.iter().copied().chain(extra) {
            eval::collect_leaves(def, &mut leaves);
        }
        let accs = self.leaves(&leaves, periods, known);
        (leaves, accs)
    }

    /// The grids of `defs` over `periods` periods, whose leaves are among `leaves` with
    /// accumulators `accs`.
    pub(super) fn grids_of(
        &self,
        defs: &[&CustomIndicator],
        leaves: &[&CustomIndicator],
        accs: &Accs,
        periods: usize,
    ) -> Vec<Grid> {
        defs.iter()
            .map(|def| {
                (0..periods)
                    .map(|p| {
                        (0..=self.regions.len())
                            .map(|r| {
                                eval::combine(def, &mut |leaf: &CustomIndicator| {
                                    let i = leaves.iter().position(|l| *l == leaf).unwrap_or(0);
                                    let acc = &accs[i][p][r];
                                    let range = acc.unsettled().then(|| {
                                        let (low, high) = eval::range_of(leaf, acc);
                                        (acc.open, low, high)
                                    });
                                    (value_of(leaf, acc), range)
                                })
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    /// The grid of the stay length bands, whose three leaves `bands` (from
    /// [`band_leaves`]) are among `leaves` with accumulators `accs`.
    pub(super) fn bands_grid(
        &self,
        leaves: &[&CustomIndicator],
        accs: &Accs,
        periods: usize,
        bands: &[CustomIndicator; 3],
    ) -> Grid {
        let at = |band: &CustomIndicator| leaves.iter().position(|l| *l == band).unwrap_or(0);
        let [short, middle, long] = [at(&bands[0]), at(&bands[1]), at(&bands[2])];
        (0..periods)
            .map(|p| {
                (0..=self.regions.len())
                    .map(|r| {
                        let v = Value::Bands {
                            under_6_weeks: accs[short][p][r].n,
                            weeks_6_to_30: accs[middle][p][r].n,
                            over_30_weeks: accs[long][p][r].n,
                        };
                        (v, None)
                    })
                    .collect()
            })
            .collect()
    }

    pub(super) fn plan<'d>(
        &self,
        defs: &[&'d CustomIndicator],
        periods: &[Span],
        asof: i32,
    ) -> Plan<'d> {
        let e = self.engine;
        let bounds: Vec<(i32, i32)> = periods.iter().map(Span::days).collect();
        // A period is complete when it ended by the end of the as-of day; only then is
        // the range of a maturing cohort worth giving.
        let complete = bounds
            .iter()
            .map(|&(_, b)| i64::from(b) <= i64::from(asof) + 1)
            .collect();
        let leaves: Vec<Leaf<'d>> = defs.iter().map(|d| Leaf::new(d, e)).collect();
        let over = |o: Over| {
            (0..leaves.len())
                .filter(|&i| leaves[i].def.over == o)
                .collect::<Vec<_>>()
        };
        Plan {
            cohort: defs.iter().map(|d| d.maturity().cohort).collect(),
            stay_leaves: over(Over::Stays),
            event_leaves: over(Over::Events),
            leaves,
            bounds,
            complete,
            asof,
            width: self.regions.len() + 1,
        }
    }

    /// Adds every client's stays; on the engine's threads when it has several, each
    /// adding a share of the clients into accumulators of its own, then merged: the sums
    /// are exact, so the result is the one-thread result.
    fn add_all_stays(&self, plan: &Plan<'_>, accs: &mut Accs) {
        self.over_clients(
            &|| Self::zeros(plan),
            &|mine, stays, bridges| self.add_stays(plan, mine, stays, bridges),
            accs,
            &mut |all, part| merge_accs(all, &part, None),
        );
    }

    /// Adds every client's stays and bridging periods into `into` with `add`. With
    /// several threads and enough clients, each thread adds a share of the clients into a
    /// partial of its own (`empty()`), and `combine` adds the partials to `into` in share
    /// order; a panic in a thread is a panic here, never a missing share.
    pub(super) fn over_clients<T: Send>(
        &self,
        empty: &(dyn Fn() -> T + Sync),
        add: &AddClient<'_, T>,
        into: &mut T,
        combine: &mut dyn FnMut(&mut T, T),
    ) {
        let threads = self.engine.threads();
        let clients = self.engine.client_count();
        if threads < 2 || clients < 1024 {
            for (stays, bridges) in self.engine.stays_by_client() {
                add(into, stays, bridges);
            }
            return;
        }
        // Each thread takes a range of client indexes.
        let share = clients.div_ceil(threads);
        let partials: Vec<T> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..clients)
                .step_by(share)
                .map(|from| {
                    scope.spawn(move || {
                        let mut mine = empty();
                        for c in from..(from + share).min(clients) {
                            let (stays, bridges) = self.engine.client_stays(c as u32);
                            add(&mut mine, stays, bridges);
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for part in partials {
            combine(into, part);
        }
    }

    pub(super) fn zeros(plan: &Plan<'_>) -> Accs {
        vec![vec![vec![Acc::default(); plan.width]; plan.bounds.len()]; plan.leaves.len()]
    }

    /// Every leaf over every period and region: one pass over stays and one over
    /// events. The pass with every retraction applied is computed once per as-of day;
    /// a query that does not know some retraction yet starts from it and redoes only the
    /// clients that retraction touches, and the events it withdrew.
    pub(super) fn leaves(
        &self,
        defs: &[&CustomIndicator],
        periods: &[Span],
        known: &Known<'_>,
    ) -> Arc<Accs> {
        let plan = self.plan(defs, periods, known.asof);
        let key: BaseKey = (
            defs.iter().map(|d| (*d).clone()).collect(),
            periods.to_vec(),
            known.asof,
        );
        let cached = self.base.lock().ok().and_then(|m| m.get(&key).cloned());
        let base = match cached {
            Some(b) => b,
            None => {
                let full = self.full_knowledge(known.asof);
                let mut accs = Self::zeros(&plan);
                if !plan.stay_leaves.is_empty() {
                    self.add_all_stays(&plan, &mut accs);
                }
                if !plan.event_leaves.is_empty() {
                    self.for_each_event(&full, &mut |rec, ev| {
                        self.add_event(&plan, &mut accs, rec, ev)
                    });
                }
                add_regions_to_overall(&mut accs);
                let accs = Arc::new(accs);
                if let Ok(mut m) = self.base.lock() {
                    m.insert(key, accs.clone());
                }
                accs
            }
        };
        if known.late.is_empty() {
            // Shared, not copied: most queries know every correction.
            return base;
        }
        let mut accs = (*base).clone();
        let e = self.engine;
        let (mut plus, mut minus) = (Self::zeros(&plan), Self::zeros(&plan));
        let full = self.full_knowledge(known.asof);
        for (&c, d) in known.overlay.clients.iter() {
            if !plan.stay_leaves.is_empty() {
                let (stays, bridges) = e.client_stays(c);
                self.add_stays(&plan, &mut minus, stays, bridges);
                self.add_stays(&plan, &mut plus, &d.stays, &d.bridges);
            }
            if !plan.event_leaves.is_empty() {
                self.client_events(&full, c, None, &mut |rec, ev| {
                    self.add_event(&plan, &mut minus, rec, ev)
                });
                self.client_events(known, c, Some(d), &mut |rec, ev| {
                    self.add_event(&plan, &mut plus, rec, ev)
                });
            }
        }
        if !plan.event_leaves.is_empty() {
            // Deliveries, tariffs and measurements withdrawn later count here.
            let slots = e.slots();
            for &(_, slot) in known.late {
                let rec = slots.record(slot);
                if !rec.kind.is_client_event() && e.is_live(slot) && rec.date <= known.asof {
                    self.add_event(&plan, &mut plus, &rec, &self.other_facts(&rec));
                }
            }
        }
        add_regions_to_overall(&mut plus);
        add_regions_to_overall(&mut minus);
        merge_accs(&mut accs, &plus, Some(&minus));
        Arc::new(accs)
    }

    /// Adds stays to the accumulators of their region (column 0 for a stay without one);
    /// [`add_regions_to_overall`] completes the overall column once all are added.
    pub(super) fn add_stays(
        &self,
        plan: &Plan<'_>,
        accs: &mut Accs,
        stays: &[Stay],
        bridges: &[(i32, i32)],
    ) {
        for s in stays {
            if s.admitted > plan.asof {
                continue;
            }
            let f = facts(s, bridges, plan.asof);
            let slot = self.slot(s.region);
            let mut add = |li: usize, p: usize| {
                let settle = plan.cohort[li] && plan.complete[p];
                accs[li][p][slot].add_stay(&plan.leaves[li], &f, settle);
            };
            if plan.stay_leaves.len() <= FEW_LEAVES {
                // Few leaves (a contract's own indicator, say): each leaf's day is tested
                // against the periods, a loop the compiler makes very cheap.
                for &li in &plan.stay_leaves {
                    let day = match plan.leaves[li].def.date {
                        Some(Anchor::Discharge) => f.discharged,
                        _ => f.admitted,
                    };
                    if day == NEVER {
                        continue;
                    }
                    for (p, &(a, b)) in plan.bounds.iter().enumerate() {
                        if a <= day && day < b {
                            add(li, p);
                        }
                    }
                }
                continue;
            }
            // Many leaves (the catalogue): the periods holding each anchor day are found
            // once per stay, as bit sets over blocks of 64 periods.
            for block in (0..plan.bounds.len()).step_by(64) {
                let (admitted, discharged) = (
                    periods_of(&plan.bounds, block, f.admitted),
                    periods_of(&plan.bounds, block, f.discharged),
                );
                if admitted | discharged == 0 {
                    continue;
                }
                for &li in &plan.stay_leaves {
                    let periods = match plan.leaves[li].def.date {
                        Some(Anchor::Discharge) => discharged,
                        _ => admitted,
                    };
                    for p in bits(periods, block) {
                        add(li, p);
                    }
                }
            }
        }
    }

    pub(super) fn add_event(
        &self,
        plan: &Plan<'_>,
        accs: &mut Accs,
        rec: &Record,
        ev: &EventFacts,
    ) {
        let slot = self.slot(ev.region);
        for &li in &plan.event_leaves {
            let leaf = &plan.leaves[li];
            if leaf.filter.as_ref().is_some_and(|c| !c.event(ev)) {
                continue;
            }
            for (p, &(a, b)) in plan.bounds.iter().enumerate() {
                if a <= rec.date && rec.date < b {
                    accs[li][p][slot].add_event(leaf, ev);
                }
            }
        }
    }

    pub(super) fn slot(&self, region: Sym) -> usize {
        self.slot_of.get(region as usize).map_or(0, |s| *s as usize)
    }

    /// Every accepted, applied event dated on or before the as-of day and not withdrawn
    /// by a known retraction.
    pub(super) fn for_each_event(
        &self,
        known: &Known<'_>,
        f: &mut dyn FnMut(&Record, &EventFacts),
    ) {
        let e = self.engine;
        for c in 0..e.client_count() as u32 {
            self.client_events(known, c, known.overlay.clients.get(&c), f);
        }
        let slots = e.slots();
        for &slot in &e.others {
            if !e.is_live(slot) || known.withdrawn(slot) {
                continue;
            }
            let rec = slots.record(slot);
            if rec.date <= known.asof {
                f(&rec, &self.other_facts(&rec));
            }
        }
    }

    /// One client's applied events dated on or before the as-of day and not withdrawn by
    /// a known retraction, from `derived` when given.
    pub(super) fn client_events(
        &self,
        known: &Known<'_>,
        client: u32,
        derived: Option<&Derived>,
        f: &mut dyn FnMut(&Record, &EventFacts),
    ) {
        let asof = known.asof;
        let skip = |slot: Sym| known.withdrawn(slot);
        self.engine
            .applied_events_of(client, &skip, derived, &mut |rec, stay| {
                if rec.date > asof {
                    return;
                }
                let mut facts = EventFacts::of_kind(rec.kind);
                facts.region = stay.map_or(NONE, |s| s.region);
                facts.provider = stay.map_or(NONE, |s| s.provider);
                facts.reason = match (rec.kind, stay) {
                    (Kind::Admission, Some(s)) => s.reason,
                    _ => NONE,
                };
                match rec.fields() {
                    Fields::Extension {
                        goals_not_achieved, ..
                    } => {
                        facts.ext_reason = Some(if goals_not_achieved {
                            "goals_not_achieved"
                        } else {
                            "other"
                        });
                    }
                    Fields::Discharge {
                        destination,
                        reason,
                        ..
                    } => {
                        facts.destination = destination;
                        facts.end_reason = reason;
                    }
                    Fields::Admission { segment, .. } | Fields::Approval { segment, .. } => {
                        facts.segment = segment;
                    }
                    Fields::Referral { crisis, .. } => {
                        facts.urgency = Some(crate::Urgency::of_crisis(crisis));
                    }
                    _ => {}
                }
                f(rec, &facts);
            });
    }

    /// The facts of a tariff, delivery or measurement.
    pub(super) fn other_facts(&self, rec: &Record) -> EventFacts {
        let e = self.engine;
        let mut facts = EventFacts::of_kind(rec.kind);
        match rec.fields() {
            Fields::Tariff {
                provider,
                unit,
                amount,
                segment,
            } => {
                facts.provider = provider;
                facts.unit = unit;
                facts.segment = segment;
                facts.value = Some(e.decimal(amount));
            }
            Fields::Deliverable {
                provider,
                name,
                region,
            } => {
                facts.provider = provider;
                facts.name = name;
                facts.region = region;
            }
            Fields::Measurement {
                metric,
                region,
                provider,
                value,
            } => {
                facts.metric = metric;
                facts.region = region;
                facts.provider = provider;
                facts.value = Some(e.decimal(value));
            }
            _ => {}
        }
        facts
    }
}

/// The three counts of stays by net length behind [`Indicator::StayLengthBands`], by
/// discharge: under 6 weeks (at most 41 days), 6 to 30 weeks (42 to 210 days), and longer.
pub(super) fn band_leaves() -> [CustomIndicator; 3] {
    let band = |min, max| {
        CustomIndicator::stays_count(Anchor::Discharge, Some(Filter::NetStayDays { min, max }))
    };
    [
        band(None, Some(41)),
        band(Some(42), Some(210)),
        band(Some(211), None),
    ]
}

/// Up to this many stay leaves, `add_stays` tests each leaf's day against the periods;
/// past it, it finds each day's periods once per stay (measured with callgrind: a
/// contract's indicator has one or two leaves, the catalogue about thirty).
const FEW_LEAVES: usize = 4;

/// The periods among `bounds[block..block + 64]` (each `[start, end)` in day numbers)
/// that hold `day`, as a bit set: bit `i` for period `block + i`. [`NEVER`] is in none.
fn periods_of(bounds: &[(i32, i32)], block: usize, day: i32) -> u64 {
    if day == NEVER {
        return 0;
    }
    bounds
        .iter()
        .skip(block)
        .take(64)
        .enumerate()
        .fold(0, |set, (i, &(a, b))| {
            set | (u64::from(a <= day && day < b) << i)
        })
}

/// The period indexes in a bit set from [`periods_of`], in increasing order.
fn bits(mut set: u64, block: usize) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (set != 0).then(|| {
            let i = set.trailing_zeros() as usize;
            set &= set - 1;
            block + i
        })
    })
}
