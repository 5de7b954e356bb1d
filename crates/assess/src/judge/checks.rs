//! A result expanded into its checks (a bound per period, step k of a stepped change, a
//! binding stated total, a milestone point, a deadline) per dimension value, each
//! measured and compared with its required level.

use super::*;

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
