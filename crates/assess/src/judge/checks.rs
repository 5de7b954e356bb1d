//! A result expanded into its checks (a bound per period, step k of a stepped change, a
//! binding stated total, a milestone point, a deadline) per dimension value, each
//! measured and compared with its required level.

use super::*;

/// The dimension value of the stays outside every declared segment or provider category.
pub(crate) const UNDECLARED: &str = "undeclared";

impl Ctx<'_, '_> {
    /// The filter that narrows a result to one segment or provider category (or to the
    /// stays outside every declared one); none for other dimensions.
    pub(super) fn narrowing(&self, dimension: Dimension, dim: &str) -> Option<Filter> {
        let doc = self.contract.doc();
        let in_category = |c: Option<&str>| -> Vec<String> {
            doc.providers
                .iter()
                .filter(|p| match c {
                    Some(c) => p.category.as_deref() == Some(c),
                    None => p.category.is_some(),
                })
                .map(|p| p.id.clone())
                .collect()
        };
        let (filter, declared) = match dimension {
            Dimension::PerSegment => (
                Filter::Segment {
                    is: vec![dim.to_owned()],
                },
                Filter::Segment {
                    is: doc.segments.iter().map(|s| s.id.clone()).collect(),
                },
            ),
            Dimension::PerProviderCategory => (
                Filter::Provider {
                    is: in_category(Some(dim)),
                },
                Filter::Provider {
                    is: in_category(None),
                },
            ),
            _ => return None,
        };
        Some(if dim == UNDECLARED {
            Filter::Not {
                of: Box::new(declared),
            }
        } else {
            filter
        })
    }
}

/// How many stays or events a judged value rests on.
fn cases(j: &Judged) -> u64 {
    use crate::report::ExactValue;
    match j.basis.measured_value {
        Some(ExactValue::Count { value }) => value,
        Some(ExactValue::Share { denominator, .. }) => denominator,
        Some(ExactValue::Mean { count, .. }) => count,
        _ => 0,
    }
}

impl Ctx<'_, '_> {
    pub(super) fn target(
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
            Dimension::Overall | Dimension::PerSegment | Dimension::PerProviderCategory => {
                (None, None)
            }
        };
        let undeclared = dim == UNDECLARED;
        let only = self.narrowing(t.dimension, dim);
        let facts_of = provider.unwrap_or(&self.contract.doc().contractor);
        let applies = t
            .applies_to
            .as_ref()
            .map(|c| c.eval(&self.contract.provider_facts(facts_of)));
        let ind = indicator(&t.indicator, provider, only.as_ref(), self.customs);
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
        // A check per item of the schedule, give or take a stated total: room for them at
        // once, since a judgement is a few hundred bytes to copy on every regrowth.
        let mut judged: Vec<Judged> = Vec::with_capacity(schedule.len() + 1);
        match &t.rule {
            Rule::Bound {
                op,
                cumulative,
                bounds,
                ..
            } => {
                // Running totals: the values and the bounds of the periods so far.
                let mut total: Result<Decimal, Missing> = Ok(Decimal::ZERO);
                let mut bound_total = Decimal::ZERO;
                let since = schedule.iter().find_map(ScheduleItem::period);
                for item in schedule {
                    if let ScheduleItem::Bound { period, bound } = item {
                        let wanted = self.wanted(*period);
                        if !wanted && !cumulative {
                            continue;
                        }
                        let mut j = Judged::new(Check::Bound, Some(*period));
                        let measured = self.measure(&mut j, &subject, *period);
                        if t.name_cases && wanted && !self.bare {
                            self.name_cases(&mut j, &ind, region, *period);
                        }
                        let mut required = *bound;
                        if *cumulative {
                            let this = j
                                .measured
                                .as_ref()
                                .and_then(Ratio::to_exact_decimal)
                                .ok_or_else(|| missing_of(&measured));
                            total = total.and_then(|t| {
                                this.and_then(|v| {
                                    targets::num::exact_add(t, v)
                                        .map_err(|e| Missing::Arithmetic(e.to_string()))
                                })
                            });
                            if !bounds.is_empty() {
                                bound_total = targets::num::exact_add(bound_total, *bound)
                                    .unwrap_or(bound_total);
                                required = bound_total;
                            }
                            j.basis.cumulative_since = since.map(|p| p.start());
                            j.maturing = None;
                            match &total {
                                Ok(t) => j.measured = Some(Ratio::from_decimal(*t)),
                                Err(m) => {
                                    j.measured = None;
                                    j.missing = Some(m.clone());
                                }
                            }
                        }
                        if !wanted {
                            continue;
                        }
                        j.required = Some((*op, Ratio::from_decimal(required)));
                        if j.measured.is_none() && j.missing.is_none() {
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
                if let Some(value) = self.delivered_on(&ind, region) {
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
            Rule::Planned { .. } => {
                let Some(&ScheduleItem::Planned {
                    on,
                    until,
                    tolerance_days,
                }) = schedule.first()
                else {
                    return;
                };
                let tolerance = chrono::Days::new(u64::from(tolerance_days));
                let last = until.checked_add_days(tolerance).unwrap_or(until);
                let first = on.checked_sub_days(tolerance).unwrap_or(on);
                if self.only_due.is_some_and(|d| d != last) {
                    return;
                }
                let mut j = Judged::new(Check::Planned, None);
                j.due = Some(on);
                j.basis.planned_until = (until != on).then_some(until);
                if let Some(value) = self.delivered_on(&ind, region) {
                    j.basis.delivered_on = Some(value);
                    j.status = if first <= value && value <= last {
                        Status::Met
                    } else {
                        Status::NotMet
                    };
                    j.early = self.as_of < last;
                } else if self.as_of > last {
                    j.status = Status::NotMet;
                } else {
                    j.status = Status::Pending;
                }
                judged.push(j);
            }
            Rule::Reporting { complete, .. } => {
                let IndicatorRef::Report { report } = &t.indicator else {
                    return;
                };
                for item in schedule {
                    if let ScheduleItem::Report { period, due } = item {
                        if self.only_due.is_some_and(|d| d != *due) {
                            continue;
                        }
                        judged.push(self.report(report, provider, *period, *due, *complete));
                    }
                }
            }
        }
        if undeclared {
            // Stays outside the declared segments are reported, never judged: a period
            // without any says nothing.
            judged.retain(|j| cases(j) > 0);
            for j in &mut judged {
                j.missing = Some(Missing::Undeclared { count: cases(j) });
                j.status = Status::InsufficientData;
                j.early = false;
                j.maturing = None;
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

    /// The first delivery of a deliverable, whenever it happened (asked over all of time).
    fn delivered_on(&self, ind: &Indicator, region: Option<&str>) -> Option<NaiveDate> {
        let all = Period::new(NaiveDate::MIN, NaiveDate::MAX).ok()?;
        match self.value(ind, all, region) {
            Value::Date { value } => Some(value),
            _ => None,
        }
    }

    /// The stays that count against a rate over stays, into the verdict's basis.
    fn name_cases(&self, j: &mut Judged, ind: &Indicator, region: Option<&str>, period: Period) {
        let (Some(def), Some(span)) = (ind.definition(), span(period)) else {
            return;
        };
        let misses = self.src.view.share_misses(&def, span, region, self.at);
        j.basis.against_count = Some(misses.len() as u64);
        j.basis.against = misses
            .iter()
            .take(crate::report::CLIENTS_LISTED)
            .map(|m| crate::report::StayOut {
                client: m.client.clone(),
                admitted: m.admitted,
            })
            .collect();
    }

    /// A report of a reporting duty over `period`, due on `due`: in time, and (with
    /// `complete`) covering exactly the clients in care. A report submitted in time is
    /// judged on the lines known by the due date (a line sent later does not complete
    /// it); who was in care as known on the as-of date.
    fn report(
        &self,
        name: &str,
        provider: Option<&str>,
        period: Period,
        due: NaiveDate,
        complete: bool,
    ) -> Judged {
        let mut j = Judged::new(Check::Report, Some(period));
        j.due = Some(due);
        let Some(span) = span(period) else {
            j.status = Status::InsufficientData;
            return j;
        };
        let view = self.src.view;
        let in_time_as_of =
            AsOf::new(self.as_of.min(due)).with_corrections_through(self.at.corrections_through());
        let (in_time, lines_in_time) = view.report_lines(name, provider, span, in_time_as_of);
        let now = view.report_coverage(name, provider, span, self.at);
        // A report in time is judged on the lines sent by the due date; a late one on
        // what it holds now, so that its content is still described.
        let reported = if in_time.is_some() {
            &lines_in_time
        } else {
            &now.reported
        };
        let missing: Vec<&str> = now
            .in_care
            .iter()
            .filter(|c| reported.binary_search(c).is_err())
            .map(String::as_str)
            .collect();
        let unexpected: Vec<&str> = reported
            .iter()
            .filter(|c| now.in_care.binary_search(c).is_err())
            .map(String::as_str)
            .collect();
        let in_care = now.in_care.len() as u64;
        let covered = in_care - missing.len() as u64;
        let listed = |v: &[&str]| {
            v.iter()
                .take(crate::report::CLIENTS_LISTED)
                .map(|s| (*s).to_owned())
                .collect()
        };
        j.basis.report = Some(crate::report::ReportBasis {
            due,
            submitted_on: now.submitted,
            complete_required: complete,
            in_care,
            covered,
            missing_count: missing.len() as u64,
            missing: listed(&missing),
            unexpected_count: unexpected.len() as u64,
            unexpected: listed(&unexpected),
        });
        if complete {
            j.measured = Some(Ratio::from_decimal(Decimal::from(covered)));
            j.required = Some((
                BoundOp::AtLeast,
                Ratio::from_decimal(Decimal::from(in_care)),
            ));
        }
        let whole = !complete || (missing.is_empty() && unexpected.is_empty());
        let before_due = self.as_of < due;
        j.status = match (period.is_complete(self.as_of), in_time, whole) {
            (false, _, _) => Status::Pending,
            (true, Some(_), true) => {
                j.early = before_due;
                Status::Met
            }
            // Not submitted in time yet, or not complete yet: there is still time.
            (true, _, _) if before_due => Status::Pending,
            (true, _, _) => Status::NotMet,
        };
        j
    }

    /// A change of `change` against the baseline over one period: a milestone point or a
    /// binding stated total. Required: `baseline × (1 ∓ change)`, or `baseline ∓ change`
    /// in percentage points.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn against_baseline(
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
    pub(super) fn baseline(
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

    pub(super) fn apply_baseline(&self, j: &mut Judged, b: &BaselineOf) {
        j.basis.baseline_period = b.period.map(period_out);
        j.basis.baseline_source = Some(b.source.to_owned());
        j.basis.baseline_value = b.raw.as_ref().map(crate::report::ExactValue::from);
        match &b.value {
            Ok(r) => j.baseline = Some(*r),
            Err(m) => j.missing = Some(m.clone()),
        }
    }
}
