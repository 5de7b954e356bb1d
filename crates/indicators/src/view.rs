//! The [`View`]: indicator values of an [`Engine`] as of a date, with the time of
//! knowledge applied (a retraction counts from its own date on).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::custom::{Anchor, CustomIndicator, Filter, Over};
use crate::engine::{Accounting, Derived, Engine, Retracted};
use crate::eval::{self, Acc, EventFacts, Leaf, UNKNOWN, facts, value_of};
use crate::event::Kind;
use crate::indicator::{BreakdownRow, Indicator, Maturing, NoValue, Row, Table, Value};
use crate::intern::{NONE, Sym};
use crate::knowledge::{AsOf, Correction};
use crate::span::{Span, day_number, from_day_number};
use crate::stays::{NEVER, Stay};
use crate::store::{Fields, Record};

/// A consistent read of an [`Engine`] after a refresh.
///
/// Every query takes the as-of date ([`AsOf`], or a `NaiveDate`): only events dated on
/// or before it count, open stays and bridging periods count through it, and a
/// retraction counts only when it is dated on or before it. So a query as of a date
/// gives the same answer whenever it is run, whatever arrives later.
#[derive(Debug)]
pub struct View<'a> {
    engine: &'a Engine,
    retracted: Retracted,
    /// The valid retractions as (retraction date, withdrawn slot), sorted.
    by_date: Vec<(i32, Sym)>,
    /// Every region any state of knowledge can see, by id, sorted.
    regions: Vec<(String, Sym)>,
    /// Region slot (from 1) per string symbol; 0 for strings that are not regions.
    slot_of: Vec<u32>,
    /// Per region slot: the first day a stay starts in it or a delivery or measurement
    /// names it, with every retraction applied ([`NEVER`] when none does).
    first_seen: Vec<i32>,
    /// Re-derived clients per correction horizon (day number), computed once each.
    overlays: Shared<i32, Overlay>,
    /// Every valid retraction, oldest first, computed on first use.
    corrections: std::sync::OnceLock<Vec<Correction>>,
    /// Accumulators with every retraction applied, per (leaves, periods, as-of day): a
    /// query that knows fewer corrections starts from them and redoes only the clients
    /// those corrections touch.
    base: Shared<BaseKey, Accs>,
    /// Bridging days with every retraction applied, per (periods, as-of day).
    base_bridging: Shared<(Vec<Span>, i32), Days>,
}

/// A cache shared by the queries of one view, safe to use from several threads.
type Shared<K, V> = Mutex<HashMap<K, Arc<V>>>;

/// Bridging days per period and region slot.
type Days = Vec<Vec<i64>>;

/// Accumulators per leaf, period and region slot.
type Accs = Vec<Vec<Vec<Acc>>>;

type BaseKey = (Vec<CustomIndicator>, Vec<Span>, i32);

/// How one pass accumulates leaves over periods.
struct Plan<'d> {
    leaves: Vec<Leaf<'d>>,
    cohort: Vec<bool>,
    stay_leaves: Vec<usize>,
    event_leaves: Vec<usize>,
    bounds: Vec<(i32, i32)>,
    complete: Vec<bool>,
    asof: i32,
    width: usize,
}

/// The clients whose stays differ from the engine's derivation under some state of
/// knowledge, derived again, and the first day each region is seen then.
#[derive(Debug, Default)]
struct Overlay {
    clients: HashMap<u32, Derived>,
    first_seen: Vec<i32>,
}

/// What a query knows: events dated through `asof`, retractions through `corrections`,
/// and the clients whose stays differ from the engine's because some retraction of
/// their events is not known yet, derived again.
pub(crate) struct Known<'v> {
    pub(crate) asof: i32,
    corrections: i32,
    retracted: &'v Retracted,
    overlay: Arc<Overlay>,
    /// The withdrawn slots not known as withdrawn, with their retraction date.
    late: &'v [(i32, Sym)],
}

impl Known<'_> {
    /// Whether a slot is withdrawn by a retraction known here.
    pub(crate) fn withdrawn(&self, slot: Sym) -> bool {
        self.retracted
            .get(&slot)
            .is_some_and(|&d| d <= self.corrections)
    }
}

/// Values per period and region slot (0 = overall), with the range a maturing value
/// can still take.
type Grid = Vec<Vec<(Value, Option<Maturing>)>>;

fn settled(values: Vec<Vec<Value>>) -> Grid {
    values
        .into_iter()
        .map(|row| row.into_iter().map(|v| (v, None)).collect())
        .collect()
}

impl<'a> View<'a> {
    pub(crate) fn new(engine: &'a Engine, retracted: Retracted) -> View<'a> {
        let mut found: BTreeMap<String, Sym> = BTreeMap::new();
        let mut add = |sym: Sym| {
            if let Some(r) = engine.string(sym) {
                if !found.contains_key(r) {
                    found.insert(r.to_owned(), sym);
                }
            }
        };
        for (stays, _) in engine.stays_by_client() {
            for s in stays {
                add(s.region);
            }
        }
        let slots = engine.slots();
        for &slot in &engine.others {
            if engine.is_live(slot) {
                add(other_region(&slots.record(slot)));
            }
        }
        let mut by_date: Vec<(i32, Sym)> = retracted.iter().map(|(&s, &d)| (d, s)).collect();
        by_date.sort_unstable();
        // Under less knowledge a retracted admission counts, and so may one that the
        // retracted events crowded out: every admission's region can be seen.
        if !by_date.is_empty() {
            engine.for_each_live(&mut |rec| {
                if let Fields::Admission { region, .. } = rec.fields() {
                    add(region);
                }
            });
        }
        let regions: Vec<(String, Sym)> = found.into_iter().collect();
        let max = regions
            .iter()
            .map(|(_, s)| *s as usize + 1)
            .max()
            .unwrap_or(0);
        let mut slot_of = vec![0u32; max];
        for (i, (_, s)) in regions.iter().enumerate() {
            slot_of[*s as usize] = (i + 1) as u32;
        }
        let mut view = View {
            engine,
            retracted,
            by_date,
            regions,
            slot_of,
            first_seen: Vec::new(),
            overlays: Mutex::new(HashMap::new()),
            corrections: std::sync::OnceLock::new(),
            base: Mutex::new(HashMap::new()),
            base_bridging: Mutex::new(HashMap::new()),
        };
        view.first_seen = view.first_seen_in(engine.stays_by_client(), &|slot| {
            view.retracted.contains_key(&slot)
        });
        view
    }

    /// Per region slot, the first day something is seen in it: a stay of `stays`
    /// starts, or a live delivery or measurement that `withdrawn` keeps names it.
    fn first_seen_in<'s>(
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
    fn known(&self, at: AsOf) -> Known<'_> {
        let corrections = day_number(at.corrections_through());
        let late = &self.by_date[self.by_date.partition_point(|(d, _)| *d <= corrections)..];
        let mut known = Known {
            asof: day_number(at.date()),
            corrections,
            retracted: &self.retracted,
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
    fn overlay(&self, known: &Known<'_>) -> Overlay {
        let clients = self.overlay_clients(known);
        let first_seen = self.first_seen_in(self.engine.stays_of_clients(&clients), &|s| {
            known.withdrawn(s)
        });
        Overlay {
            clients,
            first_seen,
        }
    }

    fn overlay_clients(&self, known: &Known<'_>) -> HashMap<u32, Derived> {
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
    fn visible(&self, known: &Known<'_>) -> Vec<bool> {
        let first = if known.late.is_empty() {
            &self.first_seen
        } else {
            &known.overlay.first_seen
        };
        first.iter().map(|&d| d <= known.asof).collect()
    }

    /// The regions seen in stays, deliverables and measurements, sorted by id, with
    /// every retraction applied, whatever their dates.
    pub fn regions(&self) -> Vec<&str> {
        self.regions
            .iter()
            .enumerate()
            .filter(|(i, _)| self.first_seen[i + 1] != NEVER)
            .map(|(_, (r, _))| r.as_str())
            .collect()
    }

    /// The regions seen as of a date: in stays that started, and deliveries and
    /// measurements dated, on or before it. A region whose only stay was retracted later
    /// is still seen before the retraction's date.
    pub fn regions_as_of(&self, as_of: impl Into<AsOf>) -> Vec<&str> {
        let known = self.known(as_of.into());
        let visible = self.visible(&known);
        self.regions
            .iter()
            .enumerate()
            .filter(|(i, _)| visible[i + 1])
            .map(|(_, (r, _))| r.as_str())
            .collect()
    }

    /// Where every record read went, with every rejection and retraction listed.
    /// Whether an event is rejected is a property of the whole set of events, so the
    /// accounting has no as-of date.
    pub fn accounting(&self) -> Accounting {
        self.engine.accounting(&self.retracted)
    }

    /// The counts of [`View::accounting`], without building its lists.
    #[must_use]
    pub fn counts(&self) -> crate::engine::Counts {
        self.engine.counts(&self.retracted)
    }

    /// The valid retractions dated after `after` and on or before `through`, oldest
    /// first: the corrections that an assessment as of `through` knows and one as of
    /// `after` did not.
    pub fn corrections(&self, after: NaiveDate, through: NaiveDate) -> &[Correction] {
        let all = self.corrections.get_or_init(|| self.engine.corrections());
        let from = all.partition_point(|c| c.date <= after);
        let to = all.partition_point(|c| c.date <= through);
        &all[from..to.max(from)]
    }

    /// The value of one indicator over one period, for one region or (`None`) overall.
    /// A region never seen gives the values of an empty region.
    pub fn value(
        &self,
        indicator: &Indicator,
        period: Span,
        region: Option<&str>,
        as_of: impl Into<AsOf>,
    ) -> Value {
        self.row(indicator, period, region, as_of).value
    }

    /// The row of one indicator over one period, for one region or (`None`) overall:
    /// its value and, while its cohort matures, the range it can still take.
    pub fn row(
        &self,
        indicator: &Indicator,
        period: Span,
        region: Option<&str>,
        as_of: impl Into<AsOf>,
    ) -> Row {
        let known = self.known(as_of.into());
        let row = |value, maturing| Row {
            indicator: indicator.key(),
            period,
            region: region.map(str::to_owned),
            value,
            maturing,
        };
        let slot = match region {
            None => 0,
            Some(r) => match self.regions.iter().position(|(name, _)| name == r) {
                Some(i) => i + 1,
                None => {
                    return row(
                        self.grid_for_unknown_region(indicator, period, &known),
                        None,
                    );
                }
            },
        };
        let (value, maturing) = self
            .grid(indicator, &[period], &known)
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().nth(slot))
            .unwrap_or((
                Value::None {
                    reason: NoValue::NoData,
                },
                None,
            ));
        row(value, maturing)
    }

    /// Every indicator over every period, overall and per region (the regions seen as
    /// of the date).
    pub fn table(
        &self,
        indicators: &[Indicator],
        periods: &[Span],
        as_of: impl Into<AsOf>,
    ) -> Table {
        let at = as_of.into();
        let known = self.known(at);
        let visible = self.visible(&known);
        let mut rows =
            Vec::with_capacity(indicators.len() * periods.len() * (self.regions.len() + 1));
        // Indicators defined as data share one pass over the stays and one over the events.
        let defs: Vec<Option<CustomIndicator>> = indicators
            .iter()
            .map(|i| match i {
                Indicator::BridgingDays | Indicator::StayLengthBands => None,
                _ => i.definition(),
            })
            .collect();
        let defined: Vec<&CustomIndicator> = defs.iter().flatten().collect();
        let mut shared = self.customs(&defined, periods, &known).into_iter();
        for (ind, def) in indicators.iter().zip(&defs) {
            let key = ind.key();
            let grid = match def {
                Some(_) => shared.next().unwrap_or_default(),
                None => self.grid(ind, periods, &known),
            };
            for (p, per_region) in periods.iter().zip(grid) {
                for (slot, (value, maturing)) in per_region.into_iter().enumerate() {
                    if slot > 0 && !visible[slot] {
                        continue;
                    }
                    rows.push(Row {
                        indicator: key.clone(),
                        period: *p,
                        region: (slot > 0).then(|| self.regions[slot - 1].0.clone()),
                        value,
                        maturing,
                    });
                }
            }
        }
        Table {
            as_of: at.date(),
            corrections_through: (at.corrections_through() != at.date())
                .then_some(at.corrections_through()),
            rows,
        }
    }

    /// Admissions per month of `period` by admission reason.
    pub fn inflow_by_reason(
        &self,
        period: Span,
        region: Option<&str>,
        as_of: impl Into<AsOf>,
    ) -> Vec<BreakdownRow> {
        self.breakdown(period, region, &self.known(as_of.into()), Anchor::Admission)
    }

    /// Discharges per month of `period` by destination.
    pub fn outflow_by_destination(
        &self,
        period: Span,
        region: Option<&str>,
        as_of: impl Into<AsOf>,
    ) -> Vec<BreakdownRow> {
        self.breakdown(period, region, &self.known(as_of.into()), Anchor::Discharge)
    }

    fn breakdown(
        &self,
        period: Span,
        region: Option<&str>,
        known: &Known<'_>,
        anchor: Anchor,
    ) -> Vec<BreakdownRow> {
        let months = period.months();
        let asof = known.asof;
        let region_sym = region.map(|r| self.engine.find_string(r).unwrap_or(UNKNOWN));
        let mut counts: BTreeMap<(usize, Option<String>), u64> = BTreeMap::new();
        for (stays, bridges) in self.engine.stays_of_clients(&known.overlay.clients) {
            for s in stays {
                if s.admitted > asof || region_sym.is_some_and(|r| r != s.region) {
                    continue;
                }
                let f = facts(s, bridges, asof);
                let (day, key) = match anchor {
                    Anchor::Admission => (f.admitted, f.reason),
                    Anchor::Discharge => (f.discharged, f.destination),
                };
                if day == NEVER {
                    continue;
                }
                for (i, m) in months.iter().enumerate() {
                    let (a, b) = m.days();
                    if a <= day && day < b {
                        let k = self.engine.string(key).map(str::to_owned);
                        *counts.entry((i, k)).or_default() += 1;
                    }
                }
            }
        }
        counts
            .into_iter()
            .map(|((i, key), count)| BreakdownRow {
                month: months[i],
                key,
                count,
            })
            .collect()
    }

    fn grid_for_unknown_region(
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

    fn grid(&self, indicator: &Indicator, periods: &[Span], known: &Known<'_>) -> Grid {
        match indicator {
            Indicator::BridgingDays => settled(self.bridging(periods, known)),
            Indicator::StayLengthBands => {
                let band = |min, max| {
                    CustomIndicator::stays_count(
                        Anchor::Discharge,
                        Some(Filter::NetStayDays { min, max }),
                    )
                };
                let defs = [
                    band(None, Some(41)),
                    band(Some(42), Some(210)),
                    band(Some(211), None),
                ];
                let accs = self.leaves(&defs.iter().collect::<Vec<_>>(), periods, known);
                (0..periods.len())
                    .map(|p| {
                        (0..=self.regions.len())
                            .map(|r| {
                                let v = Value::Bands {
                                    under_6_weeks: accs[0][p][r].n,
                                    weeks_6_to_30: accs[1][p][r].n,
                                    over_30_weeks: accs[2][p][r].n,
                                };
                                (v, None)
                            })
                            .collect()
                    })
                    .collect()
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
    fn customs(&self, defs: &[&CustomIndicator], periods: &[Span], known: &Known<'_>) -> Vec<Grid> {
        let mut leaves: Vec<&CustomIndicator> = Vec::new();
        for def in defs {
            eval::collect_leaves(def, &mut leaves);
        }
        let accs = self.leaves(&leaves, periods, known);
        defs.iter()
            .map(|def| {
                (0..periods.len())
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

    fn plan<'d>(&self, defs: &[&'d CustomIndicator], periods: &[Span], asof: i32) -> Plan<'d> {
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

    fn zeros(plan: &Plan<'_>) -> Accs {
        vec![vec![vec![Acc::default(); plan.width]; plan.bounds.len()]; plan.leaves.len()]
    }

    /// Every leaf over every period and region: one pass over stays and one over
    /// events. The pass with every retraction applied is computed once per as-of day;
    /// a query that does not know some retraction yet starts from it and redoes only the
    /// clients that retraction touches, and the events it withdrew.
    fn leaves(&self, defs: &[&CustomIndicator], periods: &[Span], known: &Known<'_>) -> Accs {
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
                    for (stays, bridges) in self.engine.stays_by_client() {
                        self.add_stays(&plan, &mut accs, stays, bridges);
                    }
                }
                if !plan.event_leaves.is_empty() {
                    self.for_each_event(&full, &mut |rec, ev| {
                        self.add_event(&plan, &mut accs, rec, ev)
                    });
                }
                let accs = Arc::new(accs);
                if let Ok(mut m) = self.base.lock() {
                    m.insert(key, accs.clone());
                }
                accs
            }
        };
        let mut accs = (*base).clone();
        if known.late.is_empty() {
            return accs;
        }
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
        for ((a, p), m) in accs.iter_mut().zip(&plus).zip(&minus) {
            for ((a, p), m) in a.iter_mut().zip(p).zip(m) {
                for ((a, p), m) in a.iter_mut().zip(p).zip(m) {
                    a.merge(p, m);
                }
            }
        }
        accs
    }

    /// What a query knows with every retraction applied.
    fn full_knowledge(&self, asof: i32) -> Known<'_> {
        Known {
            asof,
            corrections: i32::MAX,
            retracted: &self.retracted,
            overlay: Arc::default(),
            late: &[],
        }
    }

    fn add_stays(&self, plan: &Plan<'_>, accs: &mut Accs, stays: &[Stay], bridges: &[(i32, i32)]) {
        for s in stays {
            if s.admitted > plan.asof {
                continue;
            }
            let f = facts(s, bridges, plan.asof);
            let slot = self.slot(s.region);
            for &li in &plan.stay_leaves {
                let leaf = &plan.leaves[li];
                let day = match leaf.def.date {
                    Some(Anchor::Discharge) => f.discharged,
                    _ => f.admitted,
                };
                if day == NEVER {
                    continue;
                }
                for (p, &(a, b)) in plan.bounds.iter().enumerate() {
                    if a <= day && day < b {
                        let settle = plan.cohort[li] && plan.complete[p];
                        let row = &mut accs[li][p];
                        row[0].add_stay(leaf, &f, settle);
                        if slot > 0 {
                            row[slot].add_stay(leaf, &f, settle);
                        }
                    }
                }
            }
        }
    }

    fn add_event(&self, plan: &Plan<'_>, accs: &mut Accs, rec: &Record, ev: &EventFacts) {
        let slot = self.slot(ev.region);
        for &li in &plan.event_leaves {
            let leaf = &plan.leaves[li];
            if leaf.filter.as_ref().is_some_and(|c| !c.event(ev)) {
                continue;
            }
            for (p, &(a, b)) in plan.bounds.iter().enumerate() {
                if a <= rec.date && rec.date < b {
                    let row = &mut accs[li][p];
                    row[0].add_event(leaf, ev);
                    if slot > 0 {
                        row[slot].add_event(leaf, ev);
                    }
                }
            }
        }
    }

    fn slot(&self, region: Sym) -> usize {
        self.slot_of.get(region as usize).map_or(0, |s| *s as usize)
    }

    /// Every accepted, applied event dated on or before the as-of day and not withdrawn
    /// by a known retraction.
    fn for_each_event(&self, known: &Known<'_>, f: &mut dyn FnMut(&Record, &EventFacts)) {
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
    fn client_events(
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
                    Fields::Discharge { destination, .. } => facts.destination = destination,
                    Fields::Admission { segment, .. } | Fields::Approval { segment, .. } => {
                        facts.segment = segment;
                    }
                    _ => {}
                }
                f(rec, &facts);
            });
    }

    /// The facts of a tariff, delivery or measurement.
    fn other_facts(&self, rec: &Record) -> EventFacts {
        let e = self.engine;
        let mut facts = EventFacts::of_kind(rec.kind);
        match rec.fields() {
            Fields::Tariff {
                provider,
                unit,
                amount,
            } => {
                facts.provider = provider;
                facts.unit = unit;
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

    /// Bridging days per period and region slot, like [`View::leaves`]: from the days with
    /// every retraction applied, redoing only the clients a retraction not known yet
    /// touches.
    fn bridging(&self, periods: &[Span], known: &Known<'_>) -> Vec<Vec<Value>> {
        let key = (periods.to_vec(), known.asof);
        let cached = self
            .base_bridging
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned());
        let base = match cached {
            Some(b) => b,
            None => {
                let mut days = vec![vec![0i64; self.regions.len() + 1]; periods.len()];
                for (stays, bridges) in self.engine.stays_by_client() {
                    self.add_bridging(&mut days, periods, known.asof, stays, bridges, 1);
                }
                let days = Arc::new(days);
                if let Ok(mut m) = self.base_bridging.lock() {
                    m.insert(key, days.clone());
                }
                days
            }
        };
        let mut days = (*base).clone();
        for (&c, d) in known.overlay.clients.iter() {
            let (stays, bridges) = self.engine.client_stays(c);
            self.add_bridging(&mut days, periods, known.asof, stays, bridges, -1);
            self.add_bridging(&mut days, periods, known.asof, &d.stays, &d.bridges, 1);
        }
        days.into_iter()
            .map(|row| row.into_iter().map(|value| Value::Days { value }).collect())
            .collect()
    }

    fn add_bridging(
        &self,
        days: &mut [Vec<i64>],
        periods: &[Span],
        asof: i32,
        stays: &[Stay],
        bridges: &[(i32, i32)],
        sign: i64,
    ) {
        for s in stays {
            let slot = self.slot(s.region);
            let from = s.bridges_from as usize;
            for &(start, end) in &bridges[from..from + s.bridges_len as usize] {
                if start > asof {
                    continue;
                }
                let end = end.min(asof.saturating_add(1));
                for (p, period) in periods.iter().enumerate() {
                    let (a, b) = period.days();
                    let overlap = i64::from(end.min(b)) - i64::from(start.max(a));
                    if overlap > 0 {
                        days[p][0] += sign * overlap;
                        if slot > 0 {
                            days[p][slot] += sign * overlap;
                        }
                    }
                }
            }
        }
    }

    /// Tariffs, deliveries and measurements. `only_region`: evaluate for one region
    /// symbol (used for a region never seen) instead of every region.
    fn special(
        &self,
        indicator: &Indicator,
        periods: &[Span],
        known: &Known<'_>,
        only_region: Option<Sym>,
    ) -> Vec<Vec<Value>> {
        let e = self.engine;
        let asof = known.asof;
        let slots = e.slots();
        let sym = |s: &Option<String>| s.as_ref().map(|s| e.find_string(s).unwrap_or(UNKNOWN));
        // (date, slot, facts) of every tariff, delivery and measurement known.
        let live: Vec<(i32, Sym, EventFacts)> = e
            .others
            .iter()
            .copied()
            .filter(|&s| e.is_live(s) && !known.withdrawn(s))
            .map(|s| {
                let r = slots.record(s);
                (r.date, s, self.other_facts(&r))
            })
            .filter(|(date, _, _)| *date <= asof)
            .collect();
        let width = if only_region.is_some() {
            1
        } else {
            self.regions.len() + 1
        };
        // Which region slots an event with `region` counts for: its own and overall, or
        // every slot when it has no region.
        let counts_for = |region: Sym, slot: usize| -> bool {
            if region == NONE || slot == 0 {
                return only_region.is_none() || region == NONE;
            }
            match only_region {
                Some(r) => r == region,
                None => self.regions[slot - 1].1 == region,
            }
        };
        let none = Value::None {
            reason: NoValue::NoData,
        };
        match indicator {
            Indicator::MaxTariff { unit, provider } => {
                let (unit, provider) = (sym(unit), sym(provider));
                let mut groups: BTreeMap<(Sym, Sym), Vec<(i32, Decimal)>> = BTreeMap::new();
                for (date, _, f) in live.iter().filter(|(_, _, f)| f.kind == Kind::Tariff) {
                    if unit.is_some_and(|u| u != f.unit)
                        || provider.is_some_and(|p| p != f.provider)
                    {
                        continue;
                    }
                    if let Some(amount) = f.value {
                        groups
                            .entry((f.provider, f.unit))
                            .or_default()
                            .push((*date, amount));
                    }
                }
                // Each tariff is in force from its date until the next later date in its group.
                let mut spans: Vec<(i32, i32, Decimal)> = Vec::new();
                for list in groups.values_mut() {
                    list.sort();
                    for (i, (d, amount)) in list.iter().enumerate() {
                        let next = list[i..]
                            .iter()
                            .map(|(x, _)| *x)
                            .find(|x| x > d)
                            .unwrap_or(NEVER);
                        spans.push((*d, next, *amount));
                    }
                }
                periods
                    .iter()
                    .map(|p| {
                        let (a, b) = p.days();
                        let best = spans
                            .iter()
                            .filter(|(from, until, _)| *from < b && *until > a && *from <= asof)
                            .map(|(_, _, amount)| *amount)
                            .max();
                        let v = best.map_or(none.clone(), |value| Value::Amount { value });
                        vec![v; width]
                    })
                    .collect()
            }
            Indicator::DeliveredOn {
                deliverable,
                provider,
            } => {
                let name = e.find_string(deliverable).unwrap_or(UNKNOWN);
                let provider = sym(provider);
                let row: Vec<Value> = (0..width)
                    .map(|slot| {
                        live.iter()
                            .filter(|(_, _, f)| {
                                f.kind == Kind::Deliverable
                                    && f.name == name
                                    && provider.is_none_or(|p| p == f.provider)
                            })
                            .filter(|(_, _, f)| counts_for(f.region, slot))
                            .map(|(date, _, _)| *date)
                            .min()
                            .map_or(none.clone(), |d| Value::Date {
                                value: from_day_number(d),
                            })
                    })
                    .collect();
                vec![row; periods.len()]
            }
            Indicator::Measured { metric, provider } => {
                let metric = e.find_string(metric).unwrap_or(UNKNOWN);
                let provider = sym(provider);
                let ms: Vec<&(i32, Sym, EventFacts)> = live
                    .iter()
                    .filter(|(_, _, f)| f.kind == Kind::Measurement && f.metric == metric)
                    .filter(|(_, _, f)| provider.is_none_or(|p| p == f.provider))
                    .collect();
                periods
                    .iter()
                    .map(|p| {
                        let (a, b) = p.days();
                        (0..width)
                            .map(|slot| {
                                ms.iter()
                                    .filter(|(date, _, f)| {
                                        a <= *date && *date < b && counts_for(f.region, slot)
                                    })
                                    // The latest date; on a tie the greatest event id.
                                    .max_by(|(x, xs, _), (y, ys, _)| {
                                        x.cmp(y).then_with(|| slots.id(*xs).cmp(slots.id(*ys)))
                                    })
                                    .and_then(|(_, _, f)| f.value)
                                    .map_or(none.clone(), |value| Value::Amount { value })
                            })
                            .collect()
                    })
                    .collect()
            }
            _ => vec![vec![none; width]; periods.len()],
        }
    }
}

/// The region a delivery or measurement names, or [`NONE`].
fn other_region(r: &Record) -> Sym {
    match r.fields() {
        Fields::Deliverable { region, .. } | Fields::Measurement { region, .. } => region,
        _ => NONE,
    }
}
