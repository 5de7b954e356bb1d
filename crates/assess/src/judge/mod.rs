//! Judging every result of a contract into verdicts as of a date: `bind` maps the
//! contract's indicators to the engine's, this module decides, `explain` writes the words.

mod bind;
mod build;
mod checks;
mod explain;
mod observe;

pub(crate) use bind::{Customs, customs, period_out, unit_of};
use bind::{indicator, span, to_ratio};
pub(crate) use checks::UNDECLARED;
pub(crate) use observe::observations;

use chrono::NaiveDate;
use indicators::custom::{Filter, Growth};
use indicators::{AsOf, Indicator, Maturing, Span, Value, View};
use rust_decimal::Decimal;
use targets::change::{Convention, Direction, StepUnit, required_level};
use targets::model::{Baseline, BoundOp, Dimension, IndicatorRef, Rule, Target};
use targets::num::Ratio;
use targets::period::Period;
use targets::{Contract, ScheduleItem};

use crate::Options;
use crate::report::{
    Basis, Check, Margin, MaturingOut, Reason, Requirement, Status, Texts, Unit, Verdict,
};
use crate::text::{Lang, number};

/// Why a verdict has no decision, for the explanation.
#[derive(Debug, Clone)]
enum Missing {
    NoValue(indicators::NoValue),
    NoBaseline,
    BaselineNoValue,
    BaselinePending(Period),
    NoPrevious(Period),
    Fact(String),
    Arithmetic(String),
    SmallGroup {
        count: u64,
        minimum: u32,
    },
    /// A baseline or previous period whose cohort still has open stays.
    Maturing(Period),
    /// Stays (or cases) whose segment is missing or not one the contract declares.
    Undeclared {
        count: u64,
    },
}

/// The rows of one indicator over one period as of one date, every region at once.
type Rows = std::collections::HashMap<
    (Indicator, Span, AsOf),
    std::sync::Arc<Vec<indicators::Row>>,
    foldhash::fast::RandomState,
>;

/// Indicator rows per (indicator, period, as-of), for every region at once (overall
/// first, then the regions seen as of the date), shared by the threads that assess with
/// one assessor.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    rows: std::sync::Mutex<Rows>,
    /// Held while a pass fills the cache: a thread that needs a value another thread is
    /// computing waits for it rather than computing it again (the pass itself uses the
    /// view's threads).
    filling: std::sync::Mutex<()>,
}

impl Cache {
    fn get(&self, key: &(Indicator, Span, AsOf)) -> Option<std::sync::Arc<Vec<indicators::Row>>> {
        self.rows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key)
            .cloned()
    }
}

/// What verdicts are computed from: the view and the value cache.
pub(crate) struct Source<'a, 'v> {
    pub(crate) view: &'a View<'v>,
    pub(crate) cache: &'a Cache,
}

struct Ctx<'a, 'v> {
    contract: &'a Contract,
    src: &'a Source<'a, 'v>,
    customs: &'a Customs,
    /// The as-of date (end of day).
    as_of: NaiveDate,
    /// What is known: events through `as_of`, corrections through a date of their own.
    at: AsOf,
    options: &'a Options,
    /// Judge only the checks due on this day (the last day of their period, or their
    /// due date); all when `None`.
    only_due: Option<NaiveDate>,
    /// Verdicts for comparison only: status, exact values and dates, without displays,
    /// margins or explanations.
    bare: bool,
    /// Every period the contract judges or measures a baseline over: an indicator asked
    /// for one of them is evaluated over all of them in the same pass.
    spans: Vec<Span>,
}

/// The periods of every result's schedule and every baseline of `contract`, sorted.
fn spans_of(contract: &Contract) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for (_, t) in contract.targets() {
        out.extend(
            contract
                .schedule(&t.id)
                .iter()
                .filter_map(ScheduleItem::period)
                .filter_map(span),
        );
        if let Rule::SteppedChange { baseline, .. } | Rule::Milestone { baseline, .. } = &t.rule {
            if let Ok(Some(p)) = contract.baseline_period(baseline) {
                out.extend(span(p));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Which verdicts to give, and how fully.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want {
    /// Only the checks due on this day (the last day of their period, or their due
    /// date); all when `None`.
    pub(crate) only_due: Option<NaiveDate>,
    /// Status, exact values and dates only: no displays, margins or explanations.
    pub(crate) bare: bool,
}

impl Want {
    /// Every verdict, explained: a report.
    pub(crate) const REPORT: Want = Want {
        only_due: None,
        bare: false,
    };
    /// Every verdict, bare: for decisions that read statuses only, such as tranches.
    pub(crate) const BARE: Want = Want {
        only_due: None,
        bare: true,
    };

    /// The checks due on `day`, bare: to compare with a report's verdicts.
    pub(crate) fn due(day: NaiveDate) -> Want {
        Want {
            only_due: Some(day),
            bare: true,
        }
    }
}

/// The verdicts of the contract as of `at` that `want` asks for, in report order.
pub(crate) fn verdicts(
    contract: &Contract,
    src: &Source<'_, '_>,
    customs: &Customs,
    at: AsOf,
    options: &Options,
    want: Want,
) -> Vec<Verdict> {
    let ctx = Ctx::new(contract, src, customs, at, options, want);
    // About one verdict per scheduled item and dimension value: room for them at once
    // (a verdict is large, and regrowing copies every one before it).
    let expected: usize = contract
        .targets()
        .map(|(_, t)| {
            let schedule = contract.schedule(&t.id);
            let due = schedule
                .iter()
                .filter(|i| {
                    want.only_due
                        .is_none_or(|d| i.period().is_none_or(|p| p.last_day() == d))
                })
                .count();
            due * ctx.dimension_count(t)
        })
        .sum();
    let mut out = Vec::with_capacity(expected);
    for (goal, target) in contract.targets() {
        let mut dims = contract.dimension_values(target.dimension);
        if matches!(
            target.dimension,
            Dimension::PerSegment | Dimension::PerProviderCategory
        ) {
            dims.push(checks::UNDECLARED.to_owned());
        }
        debug_assert_eq!(dims.len(), ctx.dimension_count(target));
        for dim in dims {
            ctx.target(&goal.id, goal.scope, target, &dim, &mut out);
        }
    }
    out
}

/// A judgement before it becomes a verdict.
struct Judged {
    check: Check,
    period: Option<Period>,
    status: Status,
    early: bool,
    measured: Option<Ratio>,
    required: Option<(BoundOp, Ratio)>,
    due: Option<NaiveDate>,
    baseline: Option<Ratio>,
    basis: Basis,
    missing: Option<Missing>,
    convention: Option<Convention>,
    step_unit: Option<(StepUnit, bool)>,
    steps: Vec<String>,
    /// The open stays of a maturing cohort, and the lowest and highest value still
    /// possible in the contract's unit (`None`: no bound).
    maturing: Option<(u64, Option<Ratio>, Option<Ratio>)>,
}

impl Judged {
    fn new(check: Check, period: Option<Period>) -> Judged {
        Judged {
            check,
            period,
            status: Status::Pending,
            early: false,
            measured: None,
            required: None,
            due: None,
            baseline: None,
            basis: Basis::default(),
            missing: None,
            convention: None,
            step_unit: None,
            steps: Vec::new(),
            maturing: None,
        }
    }
}

impl<'a, 'v> Ctx<'a, 'v> {
    fn new(
        contract: &'a Contract,
        src: &'a Source<'a, 'v>,
        customs: &'a Customs,
        at: AsOf,
        options: &'a Options,
        want: Want,
    ) -> Ctx<'a, 'v> {
        Ctx {
            contract,
            src,
            customs,
            as_of: at.date(),
            at,
            options,
            only_due: want.only_due,
            bare: want.bare,
            spans: spans_of(contract),
        }
    }

    /// How many dimension values a result is judged for (those of
    /// `Contract::dimension_values`, and the undeclared segment or category).
    fn dimension_count(&self, target: &Target) -> usize {
        let doc = self.contract.doc();
        match target.dimension {
            Dimension::Overall => 1,
            Dimension::PerRegion => doc.regions.len(),
            Dimension::PerProvider => doc.providers.len(),
            Dimension::PerSegment => doc.segments.len() + 1,
            Dimension::PerProviderCategory => doc.provider_categories.len() + 1,
        }
    }
}

impl Ctx<'_, '_> {
    /// The value of an indicator over a period for a region (or overall), with the range
    /// a maturing cohort can still take, from the cache; one `View::table` pass fills it
    /// for every region.
    fn row(&self, ind: &Indicator, p: Period, region: Option<&str>) -> (Value, Option<Maturing>) {
        let Some(span) = span(p) else {
            let none = Value::None {
                reason: indicators::NoValue::NoData,
            };
            return (none, None);
        };
        let key = (ind.clone(), span, self.at);
        let cache = self.src.cache;
        let rows = match cache.get(&key) {
            Some(v) => v,
            None => {
                // Poisoned only by a panic in another thread's pass, which that thread
                // re-raises; the cache itself is whole (values go in after their pass).
                let _filling = cache
                    .filling
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                match cache.get(&key) {
                    Some(v) => v,
                    None => self.fill(&key),
                }
            }
        };
        match rows.iter().find(|r| r.region.as_deref() == region) {
            Some(r) => (r.value.clone(), r.maturing.clone()),
            // A region without any event: ask the view directly.
            None => {
                let r = self.src.view.row(ind, span, region, self.at);
                (r.value, r.maturing)
            }
        }
    }

    /// Evaluates the indicator of `key` into the cache over every period of the contract
    /// (and the key's): the other periods are asked for next, and a pass per period would
    /// walk every stay again. The caller holds the cache's filling lock.
    fn fill(&self, key: &(Indicator, Span, AsOf)) -> std::sync::Arc<Vec<indicators::Row>> {
        let (ind, span, at) = key;
        let mut spans = self.spans.clone();
        if !spans.contains(span) {
            spans.push(*span);
        }
        let table = self.src.view.table(std::slice::from_ref(ind), &spans, *at);
        let mut rows = self
            .src
            .cache
            .rows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for s in &spans {
            let of_span: Vec<indicators::Row> = table
                .rows
                .iter()
                .filter(|r| r.period == *s)
                .cloned()
                .collect();
            rows.entry((ind.clone(), *s, *at))
                .or_insert_with(|| std::sync::Arc::new(of_span));
        }
        rows.get(key).cloned().unwrap_or_default()
    }

    fn value(&self, ind: &Indicator, p: Period, region: Option<&str>) -> Value {
        self.row(ind, p, region).0
    }

    /// Measures the subject over a period into `j`: the exact value, its range while its
    /// cohort matures, and whether the group is large enough to judge.
    fn measure(&self, j: &mut Judged, subject: &Subject<'_>, period: Period) -> Value {
        let (measured, maturing) = self.row(subject.ind, period, subject.region);
        j.basis.measured_value = Some(crate::report::ExactValue::from(&measured));
        j.measured = to_ratio(&measured, subject.rate);
        j.maturing = maturing.map(|m| {
            let conv = |v: Option<Value>| v.and_then(|v| to_ratio(&v, subject.rate));
            (m.open, conv(m.low), conv(m.high))
        });
        let cases = match measured {
            Value::Share { denominator, .. } => Some(denominator),
            Value::Mean { count, .. } => Some(count),
            _ => None,
        };
        if let (Some(count), Some(minimum)) = (cases, subject.min_group) {
            if count < u64::from(minimum) {
                j.missing = Some(Missing::SmallGroup { count, minimum });
            }
        }
        measured
    }

    /// Whether a check over `period` is wanted (see `only_due`).
    fn wanted(&self, period: Period) -> bool {
        self.only_due.is_none_or(|d| period.last_day() == d)
    }

    /// Whether the subject's value can only grow from here on in `period`.
    fn grows(&self, subject: &Subject<'_>, period: Period) -> bool {
        match subject.growth {
            Growth::Yes => true,
            Growth::FromPeriodStart => self.as_of >= period.start(),
            Growth::No => false,
        }
    }

    /// Sets the status from the measured value, the requirement and the period's state.
    ///
    /// A complete period is decided on the exact value, unless its cohort still has open
    /// stays: then it is decided only when the lowest and the highest value still
    /// possible give the same answer, and pending otherwise. `early`: the value can only
    /// grow from here on, so an upper bound crossed before the period ends stays crossed.
    fn decide(&self, j: &mut Judged, early: bool) {
        let Some(period) = j.period else { return };
        let complete = period.is_complete(self.as_of);
        if let Some(Missing::BaselinePending(_) | Missing::Maturing(_)) = j.missing {
            j.status = Status::Pending;
            return;
        }
        if let Some(Missing::SmallGroup { .. }) = j.missing {
            j.status = if complete {
                Status::InsufficientData
            } else {
                Status::Pending
            };
            return;
        }
        let mut holds = match (&j.measured, &j.required) {
            (Some(m), Some((op, req))) => match m.cmp_exact(req) {
                Ok(ord) => Some(op.holds(ord)),
                Err(e) => {
                    j.missing = Some(Missing::Arithmetic(e.to_string()));
                    None
                }
            },
            _ => None,
        };
        let mut open_cohort = false;
        if let (true, Some(_), Some((_, low, high)), Some((op, req))) =
            (complete, holds, &j.maturing, &j.required)
        {
            // An end without a bound: for an upper bound the low end holds and the high
            // end does not, and the other way round.
            let at = |end: &Option<Ratio>, high_end: bool| match end {
                Some(v) => v.cmp_exact(req).ok().map(|o| op.holds(o)),
                None => Some(op.is_upper() != high_end),
            };
            match (at(low, false), at(high, true)) {
                (Some(a), Some(b)) if a == b => holds = Some(a),
                _ => open_cohort = true,
            }
        }
        j.status = match (complete, holds) {
            (true, Some(_)) if open_cohort => Status::Pending,
            (true, Some(true)) => Status::Met,
            (true, Some(false)) => Status::NotMet,
            (true, None) => Status::InsufficientData,
            (false, Some(h)) if early => {
                let upper = j.required.as_ref().is_some_and(|(op, _)| op.is_upper());
                match (upper, h) {
                    (true, false) => {
                        j.early = true;
                        Status::NotMet
                    }
                    (false, true) => {
                        j.early = true;
                        Status::Met
                    }
                    _ => Status::Pending,
                }
            }
            (false, _) => Status::Pending,
        };
        if j.status == Status::InsufficientData && j.missing.is_none() {
            j.missing = Some(Missing::NoValue(indicators::NoValue::NoData));
        }
    }
}

/// What a result measures, for one dimension value.
struct Subject<'x> {
    ind: &'x Indicator,
    region: Option<&'x str>,
    rate: bool,
    /// Whether the indicator only grows within a period.
    growth: Growth,
    /// The fewest cases a rate or mean is judged on.
    min_group: Option<u32>,
}

struct BaselineOf {
    value: Result<Ratio, Missing>,
    period: Option<Period>,
    source: &'static str,
    raw: Option<Value>,
}

fn missing_of(v: &Value) -> Missing {
    match v {
        Value::None { reason } => Missing::NoValue(*reason),
        _ => Missing::NoValue(indicators::NoValue::NoData),
    }
}
