//! Judging every result of a contract into verdicts as of a date: `bind` maps the
//! contract's indicators to the engine's, this module decides, `explain` writes the words.

mod bind;
mod explain;

pub(crate) use bind::{Customs, customs, period_out, unit_of};
use bind::{indicator, span, to_ratio};

use chrono::NaiveDate;
use indicators::custom::Growth;
use indicators::{AsOf, Indicator, Maturing, Span, Value, View};
use rust_decimal::Decimal;
use targets::change::{Convention, Direction, StepUnit, required_level};
use targets::model::{Baseline, BoundOp, Dimension, Rule, Target};
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
}

/// Indicator rows per (indicator, period, as-of), for every region at once (overall
/// first, then the regions seen as of the date).
pub(crate) type Cache = std::cell::RefCell<
    std::collections::HashMap<(Indicator, Span, AsOf), std::rc::Rc<Vec<indicators::Row>>>,
>;

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
    let Want { only_due, bare } = want;
    let ctx = Ctx {
        contract,
        src,
        customs,
        as_of: at.date(),
        at,
        options,
        only_due,
        bare,
    };
    let mut out = Vec::new();
    for (goal, target) in contract.targets() {
        for dim in contract.dimension_values(target.dimension) {
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
        let cached = self.src.cache.borrow().get(&key).cloned();
        let rows = match cached {
            Some(v) => v,
            None => {
                let table = self
                    .src
                    .view
                    .table(std::slice::from_ref(ind), &[span], self.at);
                let v = std::rc::Rc::new(table.rows);
                self.src.cache.borrow_mut().insert(key, v.clone());
                v
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

    fn value(&self, ind: &Indicator, p: Period, region: Option<&str>) -> Value {
        self.row(ind, p, region).0
    }

    /// Measures the subject over a period into `j`: the exact value, its range while its
    /// cohort matures, and whether the group is large enough to judge.
    fn measure(&self, j: &mut Judged, subject: &Subject<'_>, period: Period) -> Value {
        let (measured, maturing) = self.row(subject.ind, period, subject.region);
        j.basis.measured_value = Some(measured.clone());
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

    fn target(
        &self,
        goal: &str,
        scope: targets::model::Scope,
        t: &Target,
        dim: &str,
        out: &mut Vec<Verdict>,
    ) {
        let (region, provider) = match t.dimension {
            Dimension::PerRegion => (Some(dim), None),
            Dimension::PerProvider => (None, Some(dim)),
            Dimension::Overall => (None, None),
        };
        let facts_of = provider.unwrap_or(&self.contract.doc().contractor);
        let applies = t
            .applies_to
            .as_ref()
            .map(|c| c.eval(&self.contract.provider_facts(facts_of)));
        let ind = indicator(&t.indicator, provider, self.customs);
        let rate = t.indicator.is_rate();
        let subject = Subject {
            ind: &ind,
            region,
            rate,
            growth: ind.maturity().growth,
            min_group: t
                .min_group_size
                .or(self.contract.doc().min_group_size)
                .or(self.options.min_group_size),
        };
        let schedule = self.contract.schedule(&t.id);
        let mut judged: Vec<Judged> = Vec::new();
        match &t.rule {
            Rule::Bound { op, .. } => {
                for item in schedule {
                    if let ScheduleItem::Bound { period, bound } = item {
                        if !self.wanted(*period) {
                            continue;
                        }
                        let mut j = Judged::new(Check::Bound, Some(*period));
                        let measured = self.measure(&mut j, &subject, *period);
                        j.required = Some((*op, Ratio::from_decimal(*bound)));
                        if j.measured.is_none() {
                            j.missing = Some(missing_of(&measured));
                        }
                        self.decide(&mut j, self.grows(&subject, *period));
                        judged.push(j);
                    }
                }
            }
            Rule::SteppedChange {
                direction,
                convention,
                unit,
                baseline,
                steps,
                stated_total,
            } => {
                let base = self.baseline(baseline, &ind, rate, dim, region);
                let step_unit = unit.unwrap_or(StepUnit::Relative);
                let periods: Vec<Period> =
                    schedule.iter().filter_map(ScheduleItem::period).collect();
                for (k, period) in periods.iter().enumerate() {
                    if !self.wanted(*period) {
                        continue;
                    }
                    let mut j = Judged::new(Check::Step { index: k + 1 }, Some(*period));
                    j.convention = Some(*convention);
                    j.step_unit = Some((step_unit, unit.is_none()));
                    j.steps = steps[..=k]
                        .iter()
                        .map(|s| s.change.into_inner().normalize().to_string())
                        .collect();
                    let measured = self.measure(&mut j, &subject, *period);
                    let previous = if *convention == Convention::YearOverYear && k > 0 {
                        let prev = periods[k - 1];
                        j.basis.previous_period = Some(period_out(prev));
                        // A previous value still maturing is not its realised value yet.
                        Some(match self.row(&ind, prev, region) {
                            (v, None) => to_ratio(&v, rate).ok_or(Missing::NoPrevious(prev)),
                            (_, Some(_)) => Err(Missing::Maturing(prev)),
                        })
                    } else {
                        None
                    };
                    self.apply_baseline(&mut j, &base);
                    let op = if *direction == Direction::Decrease {
                        BoundOp::AtMost
                    } else {
                        BoundOp::AtLeast
                    };
                    let changes: Vec<_> = steps[..=k].iter().map(|s| s.change).collect();
                    // A year-over-year step after the first is measured against the
                    // realised previous period, not the baseline: it needs no baseline.
                    let base_for_step = match (&j.baseline, &previous) {
                        (None, Some(Ok(prev))) => {
                            if matches!(j.missing, Some(Missing::NoBaseline)) {
                                j.missing = None;
                            }
                            Some(*prev)
                        }
                        (b, _) => *b,
                    };
                    match (&base_for_step, previous) {
                        (_, Some(Err(m))) => j.missing = Some(m),
                        (Some(b), prev) => {
                            match required_level(
                                *b,
                                *direction,
                                *convention,
                                step_unit,
                                &changes,
                                prev.and_then(Result::ok),
                            ) {
                                Ok(req) => j.required = Some((op, req)),
                                Err(e) => j.missing = Some(Missing::Arithmetic(e.to_string())),
                            }
                        }
                        (None, _) => {}
                    }
                    if j.missing.is_none() && j.measured.is_none() {
                        j.missing = Some(missing_of(&measured));
                    }
                    let early = self.grows(&subject, *period) && op == BoundOp::AtMost;
                    self.decide(&mut j, early);
                    judged.push(j);
                }
                if let (Some(st), Some(last)) = (
                    stated_total.as_ref().filter(|s| s.binding),
                    periods.last().filter(|p| self.wanted(**p)),
                ) {
                    let mut j = self.against_baseline(
                        Check::StatedTotal,
                        *last,
                        &subject,
                        &base,
                        *direction,
                        *unit,
                        st.value,
                    );
                    j.convention = Some(Convention::Additive);
                    judged.push(j);
                }
            }
            Rule::Milestone {
                direction,
                unit,
                baseline,
                points,
                ..
            } => {
                let base = self.baseline(baseline, &ind, rate, dim, region);
                for item in schedule {
                    let ScheduleItem::Milestone { period, index } = item else {
                        continue;
                    };
                    if !self.wanted(*period) {
                        continue;
                    }
                    let check = Check::Milestone { index: index + 1 };
                    judged.push(self.against_baseline(
                        check,
                        *period,
                        &subject,
                        &base,
                        *direction,
                        *unit,
                        points[*index].change,
                    ));
                }
            }
            Rule::Deadline { on_or_before, .. } => {
                if self.only_due.is_some_and(|d| d != *on_or_before) {
                    return;
                }
                let mut j = Judged::new(Check::Deadline, None);
                j.due = Some(*on_or_before);
                // A delivery counts whenever it happened: ask over all of time.
                let delivered = match Period::new(NaiveDate::MIN, NaiveDate::MAX) {
                    Ok(all) => self.value(&ind, all, region),
                    Err(_) => Value::None {
                        reason: indicators::NoValue::NoData,
                    },
                };
                if let Value::Date { value } = delivered {
                    j.basis.delivered_on = Some(value);
                    j.status = if value <= *on_or_before {
                        Status::Met
                    } else {
                        Status::NotMet
                    };
                    j.early = j.status == Status::Met && self.as_of < *on_or_before;
                } else if self.as_of >= *on_or_before {
                    j.status = Status::NotMet;
                } else {
                    j.status = Status::Pending;
                }
                judged.push(j);
            }
        }
        for mut j in judged {
            match applies {
                Some(Some(false)) => {
                    j.status = Status::NotApplicable;
                    j.early = false;
                }
                Some(None) => {
                    j.status = Status::InsufficientData;
                    j.early = false;
                    j.missing = Some(Missing::Fact(facts_of.to_owned()));
                }
                _ => {}
            }
            out.push(self.verdict(goal, scope, t, dim, j));
        }
    }

    /// A change of `change` against the baseline over one period: a milestone point or a
    /// binding stated total. Required: `baseline × (1 ∓ change)`, or `baseline ∓ change`
    /// in percentage points.
    #[allow(clippy::too_many_arguments)]
    fn against_baseline(
        &self,
        check: Check,
        period: Period,
        subject: &Subject<'_>,
        base: &BaselineOf,
        direction: Direction,
        unit: Option<StepUnit>,
        change: targets::num::Percent,
    ) -> Judged {
        let step_unit = unit.unwrap_or(StepUnit::Relative);
        let mut j = Judged::new(check, Some(period));
        j.step_unit = Some((step_unit, unit.is_none()));
        j.steps = vec![change.into_inner().normalize().to_string()];
        let measured = self.measure(&mut j, subject, period);
        self.apply_baseline(&mut j, base);
        let op = if direction == Direction::Decrease {
            BoundOp::AtMost
        } else {
            BoundOp::AtLeast
        };
        if let Some(b) = j.baseline {
            match required_level(
                b,
                direction,
                Convention::Additive,
                step_unit,
                &[change],
                None,
            ) {
                Ok(req) => j.required = Some((op, req)),
                Err(e) => j.missing = Some(Missing::Arithmetic(e.to_string())),
            }
        }
        if j.missing.is_none() && j.measured.is_none() {
            j.missing = Some(missing_of(&measured));
        }
        let early = self.grows(subject, period) && op == BoundOp::AtMost;
        self.decide(&mut j, early);
        j
    }

    /// The baseline of a dimension value: declared, or computed over the baseline period.
    fn baseline(
        &self,
        b: &Baseline,
        ind: &Indicator,
        rate: bool,
        dim: &str,
        region: Option<&str>,
    ) -> BaselineOf {
        match b {
            Baseline::Declared { values, sample, .. } => BaselineOf {
                value: values
                    .get(dim)
                    .map(|v| Ratio::from_decimal(*v))
                    .ok_or(Missing::NoBaseline),
                period: self.contract.baseline_period(b).ok().flatten(),
                source: if *sample {
                    "declared_sample"
                } else {
                    "declared"
                },
                raw: None,
            },
            Baseline::Computed { .. } => {
                let period = self.contract.baseline_period(b).ok().flatten();
                let Some(p) = period else {
                    return BaselineOf {
                        value: Err(Missing::NoBaseline),
                        period: None,
                        source: "computed",
                        raw: None,
                    };
                };
                if !p.is_complete(self.as_of) {
                    return BaselineOf {
                        value: Err(Missing::BaselinePending(p)),
                        period,
                        source: "computed",
                        raw: None,
                    };
                }
                let (v, maturing) = self.row(ind, p, region);
                BaselineOf {
                    value: match maturing {
                        Some(_) => Err(Missing::Maturing(p)),
                        None => to_ratio(&v, rate).ok_or(Missing::BaselineNoValue),
                    },
                    period,
                    source: "computed",
                    raw: Some(v),
                }
            }
        }
    }

    fn apply_baseline(&self, j: &mut Judged, b: &BaselineOf) {
        j.basis.baseline_period = b.period.map(period_out);
        j.basis.baseline_source = Some(b.source.to_owned());
        j.basis.baseline_value = b.raw.clone();
        match &b.value {
            Ok(r) => j.baseline = Some(*r),
            Err(m) => j.missing = Some(m.clone()),
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

    fn verdict(
        &self,
        goal: &str,
        scope: targets::model::Scope,
        t: &Target,
        dim: &str,
        mut j: Judged,
    ) -> Verdict {
        let unit = unit_of(&t.indicator);
        if self.bare {
            return self.bare(goal, scope, t, dim, j, unit);
        }
        let (cases, count_value) = match j.basis.measured_value {
            Some(Value::Count { value }) => (Some(value), true),
            Some(Value::Share { denominator, .. }) => (Some(denominator), false),
            Some(Value::Mean { count, .. }) => (Some(count), false),
            _ => (None, false),
        };
        let reason = match j.missing {
            Some(Missing::SmallGroup { count, minimum }) => Some(Reason::SmallGroup {
                count: Some(count),
                minimum,
            }),
            _ => None,
        };
        // Disclosure control works on what is published; the status was decided above
        // on the exact values.
        let mut suppressed = false;
        let mut reason = reason;
        if let Some(rule) = self.options.disclosure {
            j.basis.measured_value = None;
            j.basis.baseline_value = None;
            if cases.is_some_and(|n| !rule.allows(n)) {
                suppressed = true;
                j.measured = None;
                j.maturing = None;
                if let Some(Reason::SmallGroup { count, .. }) = &mut reason {
                    *count = None;
                }
            } else if count_value {
                j.measured = j
                    .measured
                    .and_then(|m| m.to_exact_decimal())
                    .and_then(|d| u64::try_from(d.trunc()).ok())
                    .and_then(|n| rule.show(n))
                    .map(|n| Ratio::from_decimal(Decimal::from(n)));
            }
            if let Some((open, _, _)) = &mut j.maturing {
                if !rule.allows(*open) {
                    *open = 0;
                }
            }
        }
        let margin = match (&j.measured, &j.required) {
            (Some(m), Some((_, req))) => m.sub(req).ok().map(|abs| Margin {
                absolute: number(abs, unit),
                relative_percent: (!req.numerator().is_zero())
                    .then(|| {
                        abs.div(req)
                            .and_then(|x| x.mul_decimal(Decimal::ONE_HUNDRED))
                            .ok()
                    })
                    .flatten()
                    .map(|x| number(x, Unit::Percent)),
            }),
            _ => None,
        };
        let explanation = if suppressed {
            Texts {
                en: self.suppressed_text(t, dim, &j, Lang::En),
                nl: self.suppressed_text(t, dim, &j, Lang::Nl),
            }
        } else {
            Texts {
                en: self.explain(t, dim, &j, Lang::En),
                nl: self.explain(t, dim, &j, Lang::Nl),
            }
        };
        let disclosed = self.options.disclosure.is_some();
        let maturing = j.maturing.as_ref().map(|(open, low, high)| MaturingOut {
            open: (!disclosed || *open > 0).then_some(*open),
            low: low.map(|r| number(r, unit)),
            high: high.map(|r| number(r, unit)),
        });
        let mut basis = j.basis.clone();
        basis.steps = j.steps.clone();
        Verdict {
            indicator: t.indicator.key(),
            unit,
            measured: j.measured.map(|m| number(m, unit)),
            required: match (j.required, j.due) {
                (Some((op, r)), _) => Some(Requirement {
                    op: op.symbol().to_owned(),
                    value: Some(number(r, unit)),
                    due: None,
                }),
                (None, Some(due)) => Some(Requirement {
                    op: "on_or_before".to_owned(),
                    value: None,
                    due: Some(due),
                }),
                _ => None,
            },
            baseline: j.baseline.map(|b| number(b, unit)),
            margin,
            convention: j.convention.map(|c| match c {
                Convention::Compound => "compound".to_owned(),
                Convention::Additive => "additive".to_owned(),
                Convention::YearOverYear => "year_over_year".to_owned(),
            }),
            step_unit: j.step_unit.map(|(u, assumed)| {
                let name = match u {
                    StepUnit::Relative => "relative",
                    StepUnit::PercentagePoints => "percentage_points",
                };
                if assumed {
                    format!("{name} (assumed)")
                } else {
                    name.to_owned()
                }
            }),
            basis,
            maturing,
            reason,
            suppressed,
            restated: None,
            explanation,
            ..self.frame(goal, scope, t, dim, &j, unit)
        }
    }

    /// What every verdict says of itself: which check of which result, for which
    /// dimension value and period, and its state; everything else empty.
    fn frame(
        &self,
        goal: &str,
        scope: targets::model::Scope,
        t: &Target,
        dim: &str,
        j: &Judged,
        unit: Unit,
    ) -> Verdict {
        Verdict {
            goal: goal.to_owned(),
            result: t.id.clone(),
            scope,
            dimension: dim.to_owned(),
            check: j.check.clone(),
            period: j.period.map(period_out),
            status: j.status,
            early: j.early,
            indicator: String::new(),
            unit,
            measured: None,
            required: None,
            baseline: None,
            margin: None,
            convention: None,
            step_unit: None,
            basis: Basis::default(),
            maturing: None,
            reason: None,
            suppressed: false,
            restated: None,
            explanation: Texts {
                en: String::new(),
                nl: String::new(),
            },
        }
    }

    /// A verdict for comparison only (restatements): its status and exact measured value,
    /// without displays, margins or explanations.
    fn bare(
        &self,
        goal: &str,
        scope: targets::model::Scope,
        t: &Target,
        dim: &str,
        j: Judged,
        unit: Unit,
    ) -> Verdict {
        // Reduced as `number` reduces, so that equal values compare equal.
        let exact = |r: Ratio| {
            let r = crate::text::reduce(r);
            crate::report::Number {
                numerator: r.numerator(),
                denominator: r.denominator(),
                display: String::new(),
            }
        };
        Verdict {
            measured: j.measured.map(exact),
            required: j.due.map(|due| Requirement {
                op: "on_or_before".to_owned(),
                value: None,
                due: Some(due),
            }),
            basis: Basis {
                delivered_on: j.basis.delivered_on,
                ..Basis::default()
            },
            ..self.frame(goal, scope, t, dim, &j, unit)
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
