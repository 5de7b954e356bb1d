//! Indicators, their values, and the [`View`] that computes them.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::custom::{Anchor, CustomIndicator, Field, Filter, Measure, Over};
use crate::engine::{Accounting, Engine, Record};
use crate::event::Kind;
use crate::intern::{NONE, Sym};
use crate::span::{Span, day_number, from_day_number};
use crate::stays::{NEVER, Stay};

/// An indicator: a built-in one, or a custom one defined as data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case", deny_unknown_fields)]
pub enum Indicator {
    /// Admissions dated in the period.
    Inflow,
    /// Discharges dated in the period.
    Outflow,
    /// Discharges in the period whose stay reached its treatment goals.
    SuccessfulOutflow,
    /// Mean net stay days over the stays discharged in the period.
    MeanStayDays,
    /// Stays discharged in the period with more than 210 net stay days, over all stays
    /// discharged in the period.
    #[serde(rename = "share_stays_over_30_weeks")]
    ShareStaysOver30Weeks,
    /// Stays discharged in the period in three bands of net stay days: under 42, 42 to
    /// 210, over 210.
    StayLengthBands,
    /// Bridging days inside the period (periods clipped; an open one counts through the
    /// as-of day).
    BridgingDays,
    /// Stays admitted in the period with an extension because goals were not reached,
    /// over stays admitted in the period.
    ExtensionRate,
    /// Admissions in the period within six months after goals reached in an earlier stay
    /// of the client, over the outflow of the period.
    RecidivismRate,
    /// The highest tariff in force on any day of the period.
    MaxTariff {
        /// Only this unit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        /// Only this provider.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider: Option<String>,
    },
    /// The earliest delivery date of a deliverable (whatever the period).
    DeliveredOn {
        /// The deliverable's name.
        deliverable: String,
        /// Only this provider.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider: Option<String>,
    },
    /// The latest measurement of a metric dated in the period.
    Measured {
        /// The metric.
        metric: String,
        /// Only this provider.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider: Option<String>,
    },
    /// A custom indicator.
    Custom {
        /// A name for reports.
        key: String,
        /// The definition.
        definition: CustomIndicator,
    },
}

impl Indicator {
    /// The built-in indicators that need no parameters, in the documented order.
    pub fn catalogue() -> Vec<Indicator> {
        vec![
            Indicator::Inflow,
            Indicator::Outflow,
            Indicator::SuccessfulOutflow,
            Indicator::MeanStayDays,
            Indicator::ShareStaysOver30Weeks,
            Indicator::StayLengthBands,
            Indicator::BridgingDays,
            Indicator::ExtensionRate,
            Indicator::RecidivismRate,
        ]
    }

    /// A stable name, with parameters, for reports.
    pub fn key(&self) -> String {
        match self {
            Indicator::Inflow => "inflow".to_owned(),
            Indicator::Outflow => "outflow".to_owned(),
            Indicator::SuccessfulOutflow => "successful_outflow".to_owned(),
            Indicator::MeanStayDays => "mean_stay_days".to_owned(),
            Indicator::ShareStaysOver30Weeks => "share_stays_over_30_weeks".to_owned(),
            Indicator::StayLengthBands => "stay_length_bands".to_owned(),
            Indicator::BridgingDays => "bridging_days".to_owned(),
            Indicator::ExtensionRate => "extension_rate".to_owned(),
            Indicator::RecidivismRate => "recidivism_rate".to_owned(),
            Indicator::MaxTariff { unit, provider } => with_params("max_tariff", &[unit, provider]),
            Indicator::DeliveredOn {
                deliverable,
                provider,
            } => with_params("delivered_on", &[&Some(deliverable.clone()), provider]),
            Indicator::Measured { metric, provider } => {
                with_params("measured", &[&Some(metric.clone()), provider])
            }
            Indicator::Custom { key, .. } => key.clone(),
        }
    }

    /// The definition of a built-in as a custom indicator, where it has one; the custom
    /// indicator's own definition for [`Indicator::Custom`].
    ///
    /// # Example: the mean stay is a mean over discharged stays
    ///
    /// ```
    /// use indicators::custom::{Anchor, Field, Measure, Over};
    /// use indicators::Indicator;
    ///
    /// let d = Indicator::MeanStayDays.definition().expect("defined as data");
    /// assert_eq!((d.over, d.date), (Over::Stays, Some(Anchor::Discharge)));
    /// assert_eq!(d.measure, Measure::Mean { field: Field::NetStayDays });
    /// ```
    pub fn definition(&self) -> Option<CustomIndicator> {
        let count = |date, filter| CustomIndicator::stays_count(date, filter);
        let share = |date, of| CustomIndicator {
            over: Over::Stays,
            date: Some(date),
            filter: None,
            measure: Measure::Share { of },
        };
        Some(match self {
            Indicator::Inflow => count(Anchor::Admission, None),
            Indicator::Outflow => count(Anchor::Discharge, None),
            Indicator::SuccessfulOutflow => {
                count(Anchor::Discharge, Some(Filter::GoalsReached { is: true }))
            }
            Indicator::MeanStayDays => CustomIndicator {
                over: Over::Stays,
                date: Some(Anchor::Discharge),
                filter: None,
                measure: Measure::Mean {
                    field: Field::NetStayDays,
                },
            },
            Indicator::ShareStaysOver30Weeks => share(
                Anchor::Discharge,
                Filter::NetStayDays {
                    min: Some(211),
                    max: None,
                },
            ),
            Indicator::ExtensionRate => share(
                Anchor::Admission,
                Filter::ExtendedGoalsNotAchieved { is: true },
            ),
            Indicator::RecidivismRate => CustomIndicator {
                over: Over::Stays,
                date: None,
                filter: None,
                measure: Measure::Ratio {
                    numerator: Box::new(count(
                        Anchor::Admission,
                        Some(Filter::Readmission { is: true }),
                    )),
                    denominator: Box::new(count(Anchor::Discharge, None)),
                },
            },
            Indicator::Custom { definition, .. } => definition.clone(),
            _ => return None,
        })
    }
}

fn with_params(name: &str, params: &[&Option<String>]) -> String {
    let p: Vec<&str> = params.iter().filter_map(|p| p.as_deref()).collect();
    if p.is_empty() {
        name.to_owned()
    } else {
        format!("{name}({})", p.join(", "))
    }
}

/// Why an indicator has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoValue {
    /// A share, ratio or mean over nothing: its denominator is zero.
    ZeroDenominator,
    /// No event gives the indicator a value (no tariff, delivery or measurement).
    NoData,
    /// The exact value does not fit in a decimal.
    Overflow,
}

/// The exact value of an indicator.
///
/// Integers are integers; means and shares keep their numerator and denominator so that
/// nothing is decided on a rounded quotient.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Value {
    /// A count.
    Count {
        /// The count.
        value: u64,
    },
    /// A number of days.
    Days {
        /// The days.
        value: i64,
    },
    /// A mean `sum / count`.
    Mean {
        /// The sum.
        sum: Decimal,
        /// How many (positive).
        count: u64,
    },
    /// A share `numerator / denominator` of counts, as a fraction (not percent).
    Share {
        /// The numerator.
        numerator: u64,
        /// The denominator (positive).
        denominator: u64,
    },
    /// A ratio of decimals.
    Ratio {
        /// The numerator.
        numerator: Decimal,
        /// The denominator (positive).
        denominator: Decimal,
    },
    /// Stays in three bands of net stay days.
    Bands {
        /// Fewer than 42 days.
        under_6_weeks: u64,
        /// 42 to 210 days.
        weeks_6_to_30: u64,
        /// More than 210 days.
        over_30_weeks: u64,
    },
    /// An amount (euros, or a measured value).
    Amount {
        /// The amount.
        value: Decimal,
    },
    /// A date.
    Date {
        /// The date.
        value: NaiveDate,
    },
    /// No value.
    None {
        /// Why.
        reason: NoValue,
    },
}

impl Value {
    /// The value as an exact fraction `(numerator, denominator)` with a positive
    /// denominator, for numeric values.
    pub fn fraction(&self) -> Option<(Decimal, Decimal)> {
        match *self {
            Value::Count { value } => Some((Decimal::from(value), Decimal::ONE)),
            Value::Days { value } => Some((Decimal::from(value), Decimal::ONE)),
            Value::Mean { sum, count } => Some((sum, Decimal::from(count))),
            Value::Share {
                numerator,
                denominator,
            } => Some((Decimal::from(numerator), Decimal::from(denominator))),
            Value::Ratio {
                numerator,
                denominator,
            } => Some((numerator, denominator)),
            Value::Amount { value } => Some((value, Decimal::ONE)),
            Value::Bands { .. } | Value::Date { .. } | Value::None { .. } => None,
        }
    }

    /// The quotient rounded half away from zero to `significant` significant digits
    /// (at most 28), for display and machine output. Never used to decide anything.
    ///
    /// # Example
    ///
    /// ```
    /// use indicators::Value;
    ///
    /// let v = Value::Share { numerator: 2, denominator: 3 };
    /// assert_eq!(v.to_decimal(20).map(|d| d.to_string()), Some("0.66666666666666666667".to_owned()));
    /// ```
    pub fn to_decimal(&self, significant: u32) -> Option<Decimal> {
        let (n, d) = self.fraction()?;
        let q = n.checked_div(d)?;
        if q.is_zero() {
            return Some(Decimal::ZERO);
        }
        // Digits before the point decide how many decimals keep `significant` digits.
        let int_digits = {
            let mut t = q.abs().trunc();
            let mut k = 0i64;
            while !t.is_zero() {
                t = (t / Decimal::TEN).trunc();
                k += 1;
            }
            k
        };
        let leading_zeros = if int_digits == 0 {
            let mut k = 0i64;
            let mut t = q.abs();
            while t < Decimal::new(1, 1) && k < 28 {
                t *= Decimal::TEN;
                k += 1;
            }
            k
        } else {
            0
        };
        let dp = (i64::from(significant.min(28)) - int_digits + leading_zeros).clamp(0, 28) as u32;
        Some(
            q.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
                .normalize(),
        )
    }

    /// Whether the value is [`Value::None`].
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None { .. })
    }
}

/// One row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The indicator's key.
    pub indicator: String,
    /// The period.
    pub period: Span,
    /// The region, or `None` for all regions together.
    pub region: Option<String>,
    /// The value.
    pub value: Value,
}

/// Indicator values per indicator, period and region (overall first, then regions by id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// The rows.
    pub rows: Vec<Row>,
}

/// Monthly counts by a key (admission reason or discharge destination).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakdownRow {
    /// The month (clipped to the requested period).
    pub month: Span,
    /// The key; `None` when the events did not report one.
    pub key: Option<String>,
    /// How many.
    pub count: u64,
}

/// A consistent read of an [`Engine`] after a refresh.
///
/// Every query takes the as-of date: only events dated on or before it count, open
/// stays and bridging periods count through it.
#[derive(Debug)]
pub struct View<'a> {
    engine: &'a Engine,
    retracted: HashSet<Sym>,
    /// Regions by id, sorted.
    regions: Vec<(String, Sym)>,
    /// Region slot (from 1) per string symbol; 0 for strings that are not regions.
    slot_of: Vec<u16>,
}

/// Accumulator of one leaf indicator over one period and region slot.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    n: u64,
    hits: u64,
    sum: i64,
    sum_dec: Decimal,
}

struct StayFacts {
    admitted: i32,
    discharged: i32,
    net: i64,
    length: i64,
    bridging: i64,
    goals: bool,
    extended: bool,
    readmission: bool,
    region: Sym,
    provider: Sym,
    reason: Sym,
    destination: Sym,
    segment: Sym,
    approved: bool,
}

struct EventFacts {
    kind: Kind,
    region: Sym,
    provider: Sym,
    reason: Sym,
    ext_reason: Option<&'static str>,
    destination: Sym,
    segment: Sym,
    metric: Sym,
    name: Sym,
    unit: Sym,
    value: Option<Decimal>,
}

/// A filter with its strings resolved to symbols.
enum Compiled {
    All(Vec<Compiled>),
    Any(Vec<Compiled>),
    Not(Box<Compiled>),
    Kind(Vec<Kind>),
    Region(Vec<Sym>),
    Provider(Vec<Sym>),
    Reason(Vec<Sym>, Vec<String>),
    Destination(Vec<Sym>),
    Segment(Vec<Sym>),
    Approved(bool),
    Metric(Vec<Sym>),
    Name(Vec<Sym>),
    Unit(Vec<Sym>),
    Goals(bool),
    Extended(bool),
    Readmission(bool),
    Discharged(bool),
    Net(Option<i64>, Option<i64>),
    Length(Option<i64>, Option<i64>),
}

/// A symbol no string has.
const UNKNOWN: Sym = u32::MAX - 1;

impl Compiled {
    fn new(f: &Filter, e: &Engine) -> Compiled {
        let syms = |v: &Vec<String>| {
            v.iter()
                .map(|s| e.find_string(s).unwrap_or(UNKNOWN))
                .collect()
        };
        match f {
            Filter::All { of } => Compiled::All(of.iter().map(|f| Compiled::new(f, e)).collect()),
            Filter::Any { of } => Compiled::Any(of.iter().map(|f| Compiled::new(f, e)).collect()),
            Filter::Not { of } => Compiled::Not(Box::new(Compiled::new(of, e))),
            Filter::EventKind { is } => Compiled::Kind(is.clone()),
            Filter::Region { is } => Compiled::Region(syms(is)),
            Filter::Provider { is } => Compiled::Provider(syms(is)),
            Filter::Reason { is } => Compiled::Reason(syms(is), is.clone()),
            Filter::Destination { is } => Compiled::Destination(syms(is)),
            Filter::Segment { is } => Compiled::Segment(syms(is)),
            Filter::Approved { is } => Compiled::Approved(*is),
            Filter::Metric { is } => Compiled::Metric(syms(is)),
            Filter::Name { is } => Compiled::Name(syms(is)),
            Filter::Unit { is } => Compiled::Unit(syms(is)),
            Filter::GoalsReached { is } => Compiled::Goals(*is),
            Filter::ExtendedGoalsNotAchieved { is } => Compiled::Extended(*is),
            Filter::Readmission { is } => Compiled::Readmission(*is),
            Filter::Discharged { is } => Compiled::Discharged(*is),
            Filter::NetStayDays { min, max } => Compiled::Net(*min, *max),
            Filter::LengthDays { min, max } => Compiled::Length(*min, *max),
        }
    }

    fn stay(&self, s: &StayFacts) -> bool {
        let within = |v: i64, min: &Option<i64>, max: &Option<i64>| {
            min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
        };
        match self {
            Compiled::All(of) => of.iter().all(|f| f.stay(s)),
            Compiled::Any(of) => of.iter().any(|f| f.stay(s)),
            Compiled::Not(f) => !f.stay(s),
            Compiled::Region(v) => v.contains(&s.region),
            Compiled::Provider(v) => v.contains(&s.provider),
            Compiled::Reason(v, _) => v.contains(&s.reason),
            Compiled::Destination(v) => v.contains(&s.destination),
            Compiled::Segment(v) => v.contains(&s.segment),
            Compiled::Approved(b) => s.approved == *b,
            Compiled::Goals(b) => s.goals == *b,
            Compiled::Extended(b) => s.extended == *b,
            Compiled::Readmission(b) => s.readmission == *b,
            Compiled::Discharged(b) => (s.discharged != NEVER) == *b,
            Compiled::Net(min, max) => within(s.net, min, max),
            Compiled::Length(min, max) => within(s.length, min, max),
            // Validation keeps event filters away from stays.
            Compiled::Kind(_) | Compiled::Metric(_) | Compiled::Name(_) | Compiled::Unit(_) => {
                false
            }
        }
    }

    fn event(&self, e: &EventFacts) -> bool {
        match self {
            Compiled::All(of) => of.iter().all(|f| f.event(e)),
            Compiled::Any(of) => of.iter().any(|f| f.event(e)),
            Compiled::Not(f) => !f.event(e),
            Compiled::Kind(v) => v.contains(&e.kind),
            Compiled::Region(v) => v.contains(&e.region),
            Compiled::Provider(v) => v.contains(&e.provider),
            Compiled::Reason(v, names) => {
                v.contains(&e.reason) || e.ext_reason.is_some_and(|r| names.iter().any(|n| n == r))
            }
            Compiled::Destination(v) => v.contains(&e.destination),
            Compiled::Segment(v) => v.contains(&e.segment),
            Compiled::Metric(v) => v.contains(&e.metric),
            Compiled::Name(v) => v.contains(&e.name),
            Compiled::Unit(v) => v.contains(&e.unit),
            _ => false,
        }
    }
}

/// A leaf indicator (no ratio) compiled for evaluation.
struct Leaf<'d> {
    def: &'d CustomIndicator,
    filter: Option<Compiled>,
    share: Option<Compiled>,
}

/// Values per period and region slot (0 = overall).
type Grid = Vec<Vec<Value>>;

impl<'a> View<'a> {
    pub(crate) fn new(engine: &'a Engine, retracted: HashSet<Sym>) -> View<'a> {
        let mut found: BTreeMap<String, Sym> = BTreeMap::new();
        for (stays, _) in engine.stays_by_client() {
            for s in stays {
                if let Some(r) = engine.string(s.region) {
                    if !found.contains_key(r) {
                        found.insert(r.to_owned(), s.region);
                    }
                }
            }
        }
        for &slot in &engine.others {
            if engine.is_live(slot) && !retracted.contains(&slot) {
                let r = engine.slots().record(slot);
                let region = match r.kind {
                    Kind::Deliverable => r.c,
                    Kind::Measurement => r.b,
                    _ => NONE,
                };
                if let Some(name) = engine.string(region) {
                    found.entry(name.to_owned()).or_insert(region);
                }
            }
        }
        let regions: Vec<(String, Sym)> = found.into_iter().collect();
        let max = regions
            .iter()
            .map(|(_, s)| *s as usize + 1)
            .max()
            .unwrap_or(0);
        let mut slot_of = vec![0u16; max];
        for (i, (_, s)) in regions.iter().enumerate() {
            slot_of[*s as usize] = u16::try_from(i + 1).unwrap_or(0);
        }
        View {
            engine,
            retracted,
            regions,
            slot_of,
        }
    }

    /// The regions seen in stays, deliverables and measurements, sorted by id.
    pub fn regions(&self) -> Vec<&str> {
        self.regions.iter().map(|(r, _)| r.as_str()).collect()
    }

    /// Where every record read went, with every rejection and retraction listed.
    pub fn accounting(&self) -> Accounting {
        self.engine.accounting(&self.retracted)
    }

    /// The counts of [`View::accounting`], without building its lists.
    pub fn counts(&self) -> crate::engine::Counts {
        self.engine.counts(&self.retracted)
    }

    /// The value of one indicator over one period, for one region or (`None`) overall.
    /// A region never seen gives the values of an empty region.
    pub fn value(
        &self,
        indicator: &Indicator,
        period: Span,
        region: Option<&str>,
        as_of: NaiveDate,
    ) -> Value {
        let grid = self.grid(indicator, &[period], as_of);
        let slot = match region {
            None => 0,
            Some(r) => match self.regions.iter().position(|(name, _)| name == r) {
                Some(i) => i + 1,
                None => return self.grid_for_unknown_region(indicator, period, as_of),
            },
        };
        grid.into_iter()
            .next()
            .and_then(|row| row.into_iter().nth(slot))
            .unwrap_or(Value::None {
                reason: NoValue::NoData,
            })
    }

    /// Every indicator over every period, overall and per region.
    pub fn table(&self, indicators: &[Indicator], periods: &[Span], as_of: NaiveDate) -> Table {
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
        let mut shared = self.customs(&defined, periods, as_of).into_iter();
        for (ind, def) in indicators.iter().zip(&defs) {
            let key = ind.key();
            let grid = match def {
                Some(_) => shared.next().unwrap_or_default(),
                None => self.grid(ind, periods, as_of),
            };
            for (p, per_region) in periods.iter().zip(grid) {
                for (slot, value) in per_region.into_iter().enumerate() {
                    rows.push(Row {
                        indicator: key.clone(),
                        period: *p,
                        region: (slot > 0).then(|| self.regions[slot - 1].0.clone()),
                        value,
                    });
                }
            }
        }
        Table { as_of, rows }
    }

    /// Admissions per month of `period` by admission reason.
    pub fn inflow_by_reason(
        &self,
        period: Span,
        region: Option<&str>,
        as_of: NaiveDate,
    ) -> Vec<BreakdownRow> {
        self.breakdown(period, region, as_of, Anchor::Admission)
    }

    /// Discharges per month of `period` by destination.
    pub fn outflow_by_destination(
        &self,
        period: Span,
        region: Option<&str>,
        as_of: NaiveDate,
    ) -> Vec<BreakdownRow> {
        self.breakdown(period, region, as_of, Anchor::Discharge)
    }

    fn breakdown(
        &self,
        period: Span,
        region: Option<&str>,
        as_of: NaiveDate,
        anchor: Anchor,
    ) -> Vec<BreakdownRow> {
        let months = period.months();
        let asof = day_number(as_of);
        let region_sym = region.map(|r| self.engine.find_string(r).unwrap_or(UNKNOWN));
        let mut counts: BTreeMap<(usize, Option<String>), u64> = BTreeMap::new();
        for (stays, bridges) in self.engine.stays_by_client() {
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
        as_of: NaiveDate,
    ) -> Value {
        // An unseen region has no stays: evaluate with a filter that matches nothing,
        // except for region-agnostic facts (tariffs, deliveries, measurements without a
        // region), which hold for every region.
        match indicator {
            Indicator::MaxTariff { .. }
            | Indicator::DeliveredOn { .. }
            | Indicator::Measured { .. } => self
                .special(indicator, &[period], as_of, Some(UNKNOWN))
                .into_iter()
                .next()
                .and_then(|r| r.into_iter().next())
                .unwrap_or(Value::None {
                    reason: NoValue::NoData,
                }),
            _ => match indicator {
                Indicator::BridgingDays => Value::Days { value: 0 },
                Indicator::StayLengthBands => Value::Bands {
                    under_6_weeks: 0,
                    weeks_6_to_30: 0,
                    over_30_weeks: 0,
                },
                _ => match indicator.definition() {
                    Some(def) => self.combine(&def, &mut |leaf: &CustomIndicator| {
                        value_of(leaf, &Acc::default())
                    }),
                    None => Value::None {
                        reason: NoValue::NoData,
                    },
                },
            },
        }
    }

    fn grid(&self, indicator: &Indicator, periods: &[Span], as_of: NaiveDate) -> Grid {
        match indicator {
            Indicator::BridgingDays => self.bridging(periods, as_of),
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
                let accs = self.leaves(&defs.iter().collect::<Vec<_>>(), periods, as_of);
                (0..periods.len())
                    .map(|p| {
                        (0..=self.regions.len())
                            .map(|r| Value::Bands {
                                under_6_weeks: accs[0][p][r].n,
                                weeks_6_to_30: accs[1][p][r].n,
                                over_30_weeks: accs[2][p][r].n,
                            })
                            .collect()
                    })
                    .collect()
            }
            Indicator::MaxTariff { .. }
            | Indicator::DeliveredOn { .. }
            | Indicator::Measured { .. } => self.special(indicator, periods, as_of, None),
            _ => match indicator.definition() {
                Some(def) => self.custom(&def, periods, as_of),
                None => vec![
                    vec![
                        Value::None {
                            reason: NoValue::NoData
                        };
                        self.regions.len() + 1
                    ];
                    periods.len()
                ],
            },
        }
    }

    fn custom(&self, def: &CustomIndicator, periods: &[Span], as_of: NaiveDate) -> Grid {
        self.customs(&[def], periods, as_of)
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// The grids of several indicators defined as data, from one pass over their leaves.
    fn customs(&self, defs: &[&CustomIndicator], periods: &[Span], as_of: NaiveDate) -> Vec<Grid> {
        let mut leaves: Vec<&CustomIndicator> = Vec::new();
        for def in defs {
            collect_leaves(def, &mut leaves);
        }
        let accs = self.leaves(&leaves, periods, as_of);
        defs.iter()
            .map(|def| {
                (0..periods.len())
                    .map(|p| {
                        (0..=self.regions.len())
                            .map(|r| {
                                self.combine(def, &mut |leaf: &CustomIndicator| {
                                    let i = leaves.iter().position(|l| *l == leaf).unwrap_or(0);
                                    value_of(leaf, &accs[i][p][r])
                                })
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    fn combine(
        &self,
        def: &CustomIndicator,
        leaf: &mut dyn FnMut(&CustomIndicator) -> Value,
    ) -> Value {
        match &def.measure {
            Measure::Ratio {
                numerator,
                denominator,
            } => {
                let n = self.combine(numerator, leaf);
                let d = self.combine(denominator, leaf);
                divide(&n, &d)
            }
            _ => leaf(def),
        }
    }

    /// One pass over stays and one over events, for every leaf at once.
    fn leaves(
        &self,
        defs: &[&CustomIndicator],
        periods: &[Span],
        as_of: NaiveDate,
    ) -> Vec<Vec<Vec<Acc>>> {
        let e = self.engine;
        let asof = day_number(as_of);
        let width = self.regions.len() + 1;
        let mut accs = vec![vec![vec![Acc::default(); width]; periods.len()]; defs.len()];
        let bounds: Vec<(i32, i32)> = periods.iter().map(Span::days).collect();
        let compile = |f: &Option<Filter>| f.as_ref().map(|f| Compiled::new(f, e));
        let leaves: Vec<Leaf<'_>> = defs
            .iter()
            .map(|d| Leaf {
                def: d,
                filter: compile(&d.filter),
                share: match &d.measure {
                    Measure::Share { of } => Some(Compiled::new(of, e)),
                    _ => None,
                },
            })
            .collect();
        let stay_leaves: Vec<usize> = (0..leaves.len())
            .filter(|&i| leaves[i].def.over == Over::Stays)
            .collect();
        let event_leaves: Vec<usize> = (0..leaves.len())
            .filter(|&i| leaves[i].def.over == Over::Events)
            .collect();

        if !stay_leaves.is_empty() {
            for (stays, bridges) in e.stays_by_client() {
                for s in stays {
                    if s.admitted > asof {
                        continue;
                    }
                    let f = facts(s, bridges, asof);
                    let slot = self.slot(s.region);
                    for &li in &stay_leaves {
                        let leaf = &leaves[li];
                        let day = match leaf.def.date {
                            Some(Anchor::Discharge) => f.discharged,
                            _ => f.admitted,
                        };
                        if day == NEVER || leaf.filter.as_ref().is_some_and(|c| !c.stay(&f)) {
                            continue;
                        }
                        for (p, &(a, b)) in bounds.iter().enumerate() {
                            if a <= day && day < b {
                                let row = &mut accs[li][p];
                                add_stay(&mut row[0], leaf, &f);
                                if slot > 0 {
                                    add_stay(&mut row[slot], leaf, &f);
                                }
                            }
                        }
                    }
                }
            }
        }
        if !event_leaves.is_empty() {
            self.for_each_event(asof, &mut |rec, ev| {
                let slot = self.slot(ev.region);
                for &li in &event_leaves {
                    let leaf = &leaves[li];
                    if leaf.filter.as_ref().is_some_and(|c| !c.event(ev)) {
                        continue;
                    }
                    for (p, &(a, b)) in bounds.iter().enumerate() {
                        if a <= rec.date && rec.date < b {
                            let row = &mut accs[li][p];
                            add_event(&mut row[0], leaf, ev);
                            if slot > 0 {
                                add_event(&mut row[slot], leaf, ev);
                            }
                        }
                    }
                }
            });
        }
        accs
    }

    fn slot(&self, region: Sym) -> usize {
        self.slot_of
            .get(region as usize)
            .map_or(0, |s| usize::from(*s))
    }

    /// Every accepted, applied, unretracted event dated on or before `asof`.
    fn for_each_event(&self, asof: i32, f: &mut dyn FnMut(&Record, &EventFacts)) {
        let e = self.engine;
        let slots = e.slots();
        let retracted = |slot: Sym| self.retracted.contains(&slot);
        e.applied_events(&retracted, &mut |rec, stay| {
            if rec.date > asof {
                return;
            }
            let facts = EventFacts {
                kind: rec.kind,
                region: stay.map_or(NONE, |s| s.region),
                provider: stay.map_or(NONE, |s| s.provider),
                reason: match (rec.kind, stay) {
                    (Kind::Admission, Some(s)) => s.reason,
                    _ => NONE,
                },
                ext_reason: (rec.kind == Kind::AuthorizationExtension).then_some(if rec.b == 0 {
                    "goals_not_achieved"
                } else {
                    "other"
                }),
                destination: if rec.kind == Kind::Discharge {
                    rec.b
                } else {
                    NONE
                },
                segment: match rec.kind {
                    Kind::Admission => rec.e,
                    Kind::Approval => rec.b,
                    _ => NONE,
                },
                metric: NONE,
                name: NONE,
                unit: NONE,
                value: None,
            };
            f(rec, &facts);
        });
        for &slot in &e.others {
            if !e.is_live(slot) || self.retracted.contains(&slot) {
                continue;
            }
            let rec = slots.record(slot);
            if rec.date > asof {
                continue;
            }
            let mut facts = EventFacts {
                kind: rec.kind,
                region: NONE,
                provider: NONE,
                reason: NONE,
                ext_reason: None,
                destination: NONE,
                segment: NONE,
                metric: NONE,
                name: NONE,
                unit: NONE,
                value: None,
            };
            match rec.kind {
                Kind::Tariff => {
                    facts.provider = rec.a;
                    facts.unit = rec.b;
                    facts.value = Some(e.decimal(rec.c));
                }
                Kind::Deliverable => {
                    facts.provider = rec.a;
                    facts.name = rec.b;
                    facts.region = rec.c;
                }
                Kind::Measurement => {
                    facts.metric = rec.a;
                    facts.region = rec.b;
                    facts.provider = rec.c;
                    facts.value = Some(e.decimal(rec.d));
                }
                _ => {}
            }
            f(&rec, &facts);
        }
    }

    fn bridging(&self, periods: &[Span], as_of: NaiveDate) -> Grid {
        let asof = day_number(as_of);
        let width = self.regions.len() + 1;
        let mut days = vec![vec![0i64; width]; periods.len()];
        let bounds: Vec<(i32, i32)> = periods.iter().map(Span::days).collect();
        for (stays, bridges) in self.engine.stays_by_client() {
            for s in stays {
                let slot = self.slot(s.region);
                let from = s.bridges_from as usize;
                for &(start, end) in &bridges[from..from + s.bridges_len as usize] {
                    if start > asof {
                        continue;
                    }
                    let end = end.min(asof.saturating_add(1));
                    for (p, &(a, b)) in bounds.iter().enumerate() {
                        let overlap = i64::from(end.min(b)) - i64::from(start.max(a));
                        if overlap > 0 {
                            days[p][0] += overlap;
                            if slot > 0 {
                                days[p][slot] += overlap;
                            }
                        }
                    }
                }
            }
        }
        days.into_iter()
            .map(|row| row.into_iter().map(|value| Value::Days { value }).collect())
            .collect()
    }

    /// Tariffs, deliveries and measurements. `only_region`: evaluate for one region
    /// symbol (used for a region never seen) instead of every region.
    fn special(
        &self,
        indicator: &Indicator,
        periods: &[Span],
        as_of: NaiveDate,
        only_region: Option<Sym>,
    ) -> Grid {
        let e = self.engine;
        let asof = day_number(as_of);
        let slots = e.slots();
        let sym = |s: &Option<String>| s.as_ref().map(|s| e.find_string(s).unwrap_or(UNKNOWN));
        let live: Vec<Record> = e
            .others
            .iter()
            .copied()
            .filter(|&s| e.is_live(s) && !self.retracted.contains(&s))
            .map(|s| slots.record(s))
            .filter(|r| r.date <= asof)
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
                for r in live.iter().filter(|r| r.kind == Kind::Tariff) {
                    if unit.is_some_and(|u| u != r.b) || provider.is_some_and(|p| p != r.a) {
                        continue;
                    }
                    groups
                        .entry((r.a, r.b))
                        .or_default()
                        .push((r.date, e.decimal(r.c)));
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
                            .filter(|r| {
                                r.kind == Kind::Deliverable
                                    && r.b == name
                                    && provider.is_none_or(|p| p == r.a)
                            })
                            .filter(|r| counts_for(r.c, slot))
                            .map(|r| r.date)
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
                let ms: Vec<(Record, Sym)> = e
                    .others
                    .iter()
                    .filter(|&&s| e.is_live(s) && !self.retracted.contains(&s))
                    .map(|&s| (slots.record(s), s))
                    .filter(|(r, _)| r.kind == Kind::Measurement && r.a == metric && r.date <= asof)
                    .filter(|(r, _)| provider.is_none_or(|p| p == r.c))
                    .collect();
                periods
                    .iter()
                    .map(|p| {
                        let (a, b) = p.days();
                        (0..width)
                            .map(|slot| {
                                ms.iter()
                                    .filter(|(r, _)| {
                                        a <= r.date && r.date < b && counts_for(r.b, slot)
                                    })
                                    // The latest date; on a tie the greatest event id.
                                    .max_by(|(x, xs), (y, ys)| {
                                        x.date
                                            .cmp(&y.date)
                                            .then_with(|| slots.id(*xs).cmp(slots.id(*ys)))
                                    })
                                    .map_or(none.clone(), |(r, _)| Value::Amount {
                                        value: e.decimal(r.d),
                                    })
                            })
                            .collect()
                    })
                    .collect()
            }
            _ => vec![vec![none; width]; periods.len()],
        }
    }
}

fn collect_leaves<'d>(def: &'d CustomIndicator, out: &mut Vec<&'d CustomIndicator>) {
    match &def.measure {
        Measure::Ratio {
            numerator,
            denominator,
        } => {
            collect_leaves(numerator, out);
            collect_leaves(denominator, out);
        }
        _ => {
            if !out.contains(&def) {
                out.push(def);
            }
        }
    }
}

fn facts(s: &Stay, bridges: &[(i32, i32)], asof: i32) -> StayFacts {
    let discharged = if s.discharged <= asof {
        s.discharged
    } else {
        NEVER
    };
    let end = if discharged == NEVER {
        asof.saturating_add(1)
    } else {
        discharged
    };
    let from = s.bridges_from as usize;
    let bridging: i64 = bridges[from..from + s.bridges_len as usize]
        .iter()
        .filter(|(start, _)| *start <= asof)
        .map(|&(start, stop)| i64::from(stop.min(end)) - i64::from(start))
        .filter(|d| *d > 0)
        .sum();
    let length = i64::from(end) - i64::from(s.admitted);
    StayFacts {
        admitted: s.admitted,
        discharged,
        net: length - bridging,
        length,
        bridging,
        goals: s.goals <= asof,
        extended: s.first_extension_gna <= asof,
        readmission: s.readmission,
        region: s.region,
        provider: s.provider,
        reason: s.reason,
        destination: if discharged == NEVER {
            NONE
        } else {
            s.destination
        },
        segment: s.segment,
        approved: s.approved,
    }
}

fn add_stay(acc: &mut Acc, leaf: &Leaf<'_>, f: &StayFacts) {
    acc.n += 1;
    match &leaf.def.measure {
        Measure::Sum { field } | Measure::Mean { field } => {
            acc.sum += match field {
                Field::NetStayDays => f.net,
                Field::LengthDays => f.length,
                Field::BridgingDays => f.bridging,
                Field::Value => 0,
            };
        }
        Measure::Share { .. } if leaf.share.as_ref().is_some_and(|c| c.stay(f)) => acc.hits += 1,
        _ => {}
    }
}

fn add_event(acc: &mut Acc, leaf: &Leaf<'_>, e: &EventFacts) {
    match &leaf.def.measure {
        Measure::Sum { .. } | Measure::Mean { .. } => {
            if let Some(v) = e.value {
                acc.n += 1;
                acc.sum_dec = acc.sum_dec.checked_add(v).unwrap_or(Decimal::MAX);
            }
        }
        Measure::Share { .. } => {
            acc.n += 1;
            if leaf.share.as_ref().is_some_and(|c| c.event(e)) {
                acc.hits += 1;
            }
        }
        _ => acc.n += 1,
    }
}

fn value_of(def: &CustomIndicator, acc: &Acc) -> Value {
    let zero = Value::None {
        reason: NoValue::ZeroDenominator,
    };
    let events = def.over == Over::Events;
    match &def.measure {
        Measure::Count => Value::Count { value: acc.n },
        Measure::Sum { .. } if events => Value::Amount { value: acc.sum_dec },
        Measure::Sum { .. } => Value::Days { value: acc.sum },
        Measure::Mean { .. } if acc.n == 0 => zero,
        Measure::Mean { .. } => Value::Mean {
            sum: if events {
                acc.sum_dec
            } else {
                Decimal::from(acc.sum)
            },
            count: acc.n,
        },
        Measure::Share { .. } if acc.n == 0 => zero,
        Measure::Share { .. } => Value::Share {
            numerator: acc.hits,
            denominator: acc.n,
        },
        Measure::Ratio { .. } => zero,
    }
}

fn divide(n: &Value, d: &Value) -> Value {
    let (Some((a, b)), Some((c, dd))) = (n.fraction(), d.fraction()) else {
        // The first missing side's reason.
        return [n, d]
            .into_iter()
            .find(|v| v.is_none())
            .cloned()
            .unwrap_or(Value::None {
                reason: NoValue::NoData,
            });
    };
    if c.is_zero() {
        return Value::None {
            reason: NoValue::ZeroDenominator,
        };
    }
    if let (Value::Count { value: x }, Value::Count { value: y }) = (n, d) {
        return Value::Share {
            numerator: *x,
            denominator: *y,
        };
    }
    // (a/b) / (c/dd) = (a·dd) / (b·c), with a positive denominator.
    match (a.checked_mul(dd), b.checked_mul(c)) {
        (Some(num), Some(den)) => {
            let (num, den) = if den < Decimal::ZERO {
                (-num, -den)
            } else {
                (num, den)
            };
            Value::Ratio {
                numerator: num,
                denominator: den,
            }
        }
        _ => Value::None {
            reason: NoValue::Overflow,
        },
    }
}
