//! The [`View`]: indicator values of an [`Engine`] as of a date, with the time of
//! knowledge applied (a retraction counts from its own date on).
//!
//! The view's parts: this module the queries; `knowledge` what is known as of a date (the
//! overlay of clients a later retraction touches); `pass` the evaluator's one pass over
//! stays and events; `special` the indicators that are not data (bridging days, tariffs,
//! deliveries, measurements).

mod knowledge;
mod pass;
mod reports;
mod special;

pub use reports::{ReportCoverage, StayRef};

pub(crate) use knowledge::Known;
use knowledge::Overlay;
use pass::band_leaves;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::custom::{Anchor, CustomIndicator, Filter, Over};
use crate::engine::{Accounting, Derived, Engine, FastMap, Retracted};
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
    retracted: &'a Retracted,
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
    pub(crate) fn new(engine: &'a Engine, retracted: &'a Retracted) -> View<'a> {
        // A string has one symbol, so regions are collected by symbol (a flag per symbol
        // seen) and named once each.
        let mut seen: Vec<bool> = Vec::new();
        let mut add = |sym: Sym| {
            if sym == NONE {
                return;
            }
            let i = sym as usize;
            if seen.len() <= i {
                seen.resize(i + 1, false);
            }
            seen[i] = true;
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
        let mut by_date: Vec<(i32, Sym)> = retracted.iter().map(|(s, d)| (d, s)).collect();
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
        let found: BTreeMap<String, Sym> = seen
            .iter()
            .enumerate()
            .filter(|(_, seen)| **seen)
            .filter_map(|(i, _)| engine.string(i as Sym).map(|r| (r.to_owned(), i as Sym)))
            .collect();
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
            view.retracted.contains(slot)
        });
        view
    }

    /// The regions seen in stays, deliverables and measurements, sorted by id, with
    /// every retraction applied, whatever their dates.
    #[must_use]
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
    #[must_use]
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
    #[must_use]
    pub fn accounting(&self) -> Accounting {
        self.engine.accounting(self.retracted)
    }

    /// The counts of [`View::accounting`], without building its lists.
    #[must_use]
    pub fn counts(&self) -> crate::engine::Counts {
        self.engine.counts_with(self.retracted)
    }

    /// The valid retractions dated after `after` and on or before `through`, oldest
    /// first: the corrections that an assessment as of `through` knows and one as of
    /// `after` did not.
    #[must_use]
    pub fn corrections(&self, after: NaiveDate, through: NaiveDate) -> &[Correction] {
        let all = self.corrections.get_or_init(|| self.engine.corrections());
        let from = all.partition_point(|c| c.date <= after);
        let to = all.partition_point(|c| c.date <= through);
        &all[from..to.max(from)]
    }

    /// The value of one indicator over one period, for one region or (`None`) overall.
    /// A region never seen gives the values of an empty region.
    #[must_use]
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
    #[must_use]
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
    ///
    /// The rows come indicator by indicator in the order given, each over the periods in
    /// the order given, each period with the same rows: all regions together, then each
    /// region seen. Evaluating indicators together shares the passes over the stays and
    /// gives each the values it has alone (a law test checks both).
    #[must_use]
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
                Indicator::BridgingDays
                | Indicator::StayLengthBands
                | Indicator::WaitingDaysPercentile { .. } => None,
                _ => i.definition(),
            })
            .collect();
        let defined: Vec<&CustomIndicator> = defs.iter().flatten().collect();
        // The bands are three counts of stays: their leaves join the shared pass too.
        let bands = band_leaves();
        let with_bands = indicators.contains(&Indicator::StayLengthBands);
        let extra: &[CustomIndicator] = if with_bands { &bands } else { &[] };
        let (leaves, accs) = self.shared_leaves(&defined, extra, periods, &known);
        let mut shared = self
            .grids_of(&defined, &leaves, &accs, periods.len())
            .into_iter();
        let band_grid = with_bands.then(|| self.bands_grid(&leaves, &accs, periods.len(), &bands));
        for (ind, def) in indicators.iter().zip(&defs) {
            let key = ind.key();
            let grid = match (def, &band_grid) {
                (Some(_), _) => shared.next().unwrap_or_default(),
                (None, Some(bands)) if *ind == Indicator::StayLengthBands => bands.clone(),
                (None, _) => self.grid(ind, periods, &known),
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
    #[must_use]
    pub fn inflow_by_reason(
        &self,
        period: Span,
        region: Option<&str>,
        as_of: impl Into<AsOf>,
    ) -> Vec<BreakdownRow> {
        self.breakdown(period, region, &self.known(as_of.into()), Anchor::Admission)
    }

    /// Discharges per month of `period` by destination.
    #[must_use]
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
}

/// The region a delivery or measurement names, or [`NONE`].
pub(super) fn other_region(r: &Record) -> Sym {
    match r.fields() {
        Fields::Deliverable { region, .. } | Fields::Measurement { region, .. } => region,
        _ => NONE,
    }
}
