//! The words of a verdict, in English and Dutch: everything a verdict says in text is
//! written here; `judge` decides and never writes a sentence.

use targets::change::{Convention, StepUnit};
use targets::model::{BoundOp, Dimension, Target};
use targets::num::Ratio;

use super::{Ctx, Judged, Missing, unit_of};
use crate::report::{Check, Status, Unit};
use crate::sentences::{fill, sentences};
use crate::text::{
    Lang, cat, days, dimension_phrase, fmt_amount, fmt_contract_period, fmt_date, fmt_period,
    fmt_steps, fmt_value, indicator_name, status_word, step_name,
};

impl Ctx<'_, '_> {
    /// The explanation of a verdict whose numbers disclosure control leaves out.
    pub(super) fn suppressed_text(&self, t: &Target, dim: &str, j: &Judged, lang: Lang) -> String {
        let name = indicator_name(&t.indicator, &self.contract.doc().labels, lang);
        let place = dimension_phrase(t.dimension, &self.region_name(t.dimension, dim), lang);
        let period = j
            .period
            .map(|p| cat(&[", ", &fmt_contract_period(p, lang)]))
            .unwrap_or_default();
        let threshold = self.options.disclosure.map_or(0, |d| d.threshold);
        fill(
            sentences(lang).suppressed,
            &[
                ("head", &cat(&[&name, &place, &period])),
                ("status", status_word(j.status, lang)),
                ("threshold", &threshold.to_string()),
            ],
        )
    }

    /// The name of a dimension value: a region's, segment's or provider category's name.
    pub(super) fn region_name(&self, dimension: Dimension, dim: &str) -> String {
        let doc = self.contract.doc();
        let named = |list: &[targets::model::Segment]| {
            list.iter().find(|s| s.id == dim).map(|s| s.name.clone())
        };
        match dimension {
            Dimension::PerRegion => doc
                .regions
                .iter()
                .find(|r| r.id == dim)
                .map(|r| r.name.clone()),
            Dimension::PerSegment => named(&doc.segments),
            Dimension::PerProviderCategory => named(&doc.provider_categories),
            _ => None,
        }
        .unwrap_or_else(|| dim.to_owned())
    }

    fn explain_planned(&self, head: &str, j: &Judged, lang: Lang) -> String {
        let w = sentences(lang);
        let status = status_word(j.status, lang);
        let Some(on) = j.due else {
            return String::new();
        };
        let until = j.basis.planned_until.unwrap_or(on);
        let due = if until == on {
            fill(w.planned_when[0], &[("date", &fmt_date(on, lang))])
        } else {
            fill(
                w.planned_when[1],
                &[
                    ("from", &fmt_date(on, lang)),
                    ("until", &fmt_date(until, lang)),
                ],
            )
        };
        let Some(d) = j.basis.delivered_on else {
            let s = if j.status == Status::NotMet {
                w.planned_missed
            } else {
                w.planned_not_yet
            };
            return fill(s, &[("head", head), ("due", &due), ("status", status)]);
        };
        let (s, off) = if j.status == Status::Met {
            (w.planned_on_plan, 0)
        } else if d < on {
            (w.planned_early, (on - d).num_days())
        } else if d > until {
            (w.planned_late, (d - until).num_days())
        } else {
            (w.planned_on_plan, 0)
        };
        fill(
            s,
            &[
                ("head", head),
                ("date", &fmt_date(d, lang)),
                ("due", &due),
                ("days", &days(&off.to_string(), lang)),
                ("status", status),
            ],
        )
    }

    fn explain_report(
        &self,
        head: &str,
        j: &Judged,
        r: &crate::report::ReportBasis,
        lang: Lang,
    ) -> String {
        let w = sentences(lang);
        let status = status_word(j.status, lang);
        let due = fmt_date(r.due, lang);
        let period_running = j.period.is_some_and(|p| !p.is_complete(self.as_of));
        let mut out = match r.submitted_on {
            _ if period_running => fill(
                w.report_period_running,
                &[("head", head), ("due", &due), ("status", status)],
            ),
            Some(d) if d <= r.due => fill(
                w.report_in_time,
                &[
                    ("head", head),
                    ("date", &fmt_date(d, lang)),
                    ("due", &due),
                    ("status", status),
                ],
            ),
            Some(d) => fill(
                w.report_late,
                &[
                    ("head", head),
                    ("date", &fmt_date(d, lang)),
                    ("due", &due),
                    ("days", &days(&(d - r.due).num_days().to_string(), lang)),
                    ("status", status),
                ],
            ),
            None if j.status == Status::NotMet => fill(
                w.report_missing,
                &[("head", head), ("due", &due), ("status", status)],
            ),
            None => fill(
                w.report_not_yet,
                &[("head", head), ("due", &due), ("status", status)],
            ),
        };
        if !r.complete_required || period_running || r.submitted_on.is_none() {
            return out;
        }
        let n = r.in_care.to_string();
        if r.missing_count == 0 {
            let which = r.in_care.min(2) as usize;
            out.push_str(&fill(w.report_covers_all[which], &[("n", &n)]));
        } else {
            out.push_str(&fill(
                w.report_covers,
                &[("covered", &r.covered.to_string()), ("n", &n)],
            ));
            out.push_str(&fill(
                w.report_left_out,
                &[("clients", &listing(&r.missing, r.missing_count, lang))],
            ));
        }
        if r.unexpected_count > 0 {
            out.push_str(&fill(
                w.report_not_in_care,
                &[("clients", &listing(&r.unexpected, r.unexpected_count, lang))],
            ));
        }
        out
    }

    pub(super) fn explain(&self, t: &Target, dim: &str, j: &Judged, lang: Lang) -> String {
        let unit = unit_of(&t.indicator);
        let name = indicator_name(&t.indicator, &self.contract.doc().labels, lang);
        let place = dimension_phrase(t.dimension, &self.region_name(t.dimension, dim), lang);
        if let Check::Planned = j.check {
            let step = step_name(&t.indicator, &self.contract.doc().labels, lang);
            return self.explain_planned(&cat(&[&step, &place]), j, lang);
        }
        if let (Check::Report, Some(r)) = (&j.check, &j.basis.report) {
            let period = j
                .period
                .map(|p| fmt_contract_period(p, lang))
                .unwrap_or_default();
            return self.explain_report(&cat(&[&name, &place, ", ", &period]), j, r, lang);
        }
        if let Check::Deadline = j.check {
            let due = j.due.map(|d| fmt_date(d, lang)).unwrap_or_default();
            let head = cat(&[&name, &place]);
            let status = status_word(j.status, lang);
            let w = sentences(lang);
            let on = |d| fmt_date(d, lang);
            return match (j.basis.delivered_on, j.status) {
                (_, Status::NotApplicable) => cat(&[&head, ": ", &not_applicable(t, lang)]),
                (_, Status::InsufficientData) => {
                    cat(&[&head, ": ", &missing_text(j.missing.as_ref(), lang)])
                }
                (Some(d), Status::Met) if j.due == Some(d) => fill(
                    w.delivered_last_day,
                    &[("head", &head), ("date", &on(d)), ("status", status)],
                ),
                (Some(d), Status::Met) => {
                    let early = (j.due.unwrap_or(d) - d).num_days();
                    fill(
                        w.delivered_early,
                        &[
                            ("head", &head),
                            ("date", &on(d)),
                            ("due", &due),
                            ("status", status),
                            ("days", &days(&early.to_string(), lang)),
                        ],
                    )
                }
                (Some(d), _) => {
                    let late = (d - j.due.unwrap_or(d)).num_days();
                    fill(
                        w.delivered_late,
                        &[
                            ("head", &head),
                            ("date", &on(d)),
                            ("due", &due),
                            ("status", status),
                            ("days", &days(&late.to_string(), lang)),
                        ],
                    )
                }
                (None, Status::NotMet) => fill(
                    w.not_delivered,
                    &[("head", &head), ("due", &due), ("status", status)],
                ),
                (None, _) => fill(
                    w.not_delivered_yet,
                    &[("head", &head), ("due", &due), ("status", status)],
                ),
            };
        }
        let period = j
            .period
            .map(|p| fmt_contract_period(p, lang))
            .unwrap_or_default();
        let head = cat(&[&name, &place, ", ", &period]);
        if j.status == Status::NotApplicable {
            return cat(&[&head, ": ", &not_applicable(t, lang)]);
        }
        let measured = j.measured.as_ref().map(|m| fmt_value(m, unit, lang));
        let w = sentences(lang);
        let measured_text = measured.clone().unwrap_or_else(|| w.no_value.to_owned());
        let measured_text = if unit == Unit::Days && measured.is_some() {
            days(&measured_text, lang)
        } else {
            measured_text
        };
        let required = j.required.as_ref().map(|(op, r)| {
            let word = match op {
                BoundOp::AtMost => w.ops[0],
                BoundOp::Below => w.ops[1],
                BoundOp::AtLeast => w.ops[2],
                BoundOp::Above => w.ops[3],
            };
            cat(&[word, " ", &fmt_value(r, unit, lang)])
        });
        let basis = self.basis_text(j, unit, lang);
        let req_text = match &required {
            Some(r) => fill(w.required, &[("required", r), ("basis", &basis)]),
            None => basis.clone(),
        };
        let tail = match j.status {
            Status::Met | Status::NotMet => {
                let word = status_word(j.status, lang);
                let early = if j.early { w.already } else { "" };
                let gap = match (&j.measured, &j.required) {
                    (Some(m), Some((op, r))) => m.sub(r).ok().map(|d| {
                        let amount = fmt_amount(&d, unit, lang);
                        let phrase = match (j.status, op.is_upper()) {
                            (Status::NotMet, true) => w.too_high,
                            (Status::NotMet, false) => w.too_low,
                            _ => w.to_spare,
                        };
                        if d.numerator().is_zero() {
                            w.at_the_limit.to_owned()
                        } else {
                            cat(&[&amount, " ", phrase])
                        }
                    }),
                    _ => None,
                };
                // Rounded for publication, the gap would not match the verdict.
                let gap = gap.filter(|_| self.options.disclosure.is_none());
                let settled = match &j.maturing {
                    Some((open, _, _)) => fill(
                        w.whatever_the_cohort,
                        &[("open", &self.open_stays(*open, lang))],
                    ),
                    None => String::new(),
                };
                match gap {
                    Some(g) => cat(&[word, early, ", ", &g, &settled]),
                    None => cat(&[word, early, &settled]),
                }
            }
            Status::Pending if j.maturing.is_some() => {
                let (open, low, high) = j.maturing.unwrap_or((0, None, None));
                let open = self.open_stays(open, lang);
                let show = |r: Option<Ratio>| match r {
                    Some(r) => fmt_value(&r, unit, lang),
                    None => w.no_bound.to_owned(),
                };
                fill(
                    w.pending_range,
                    &[("open", &open), ("low", &show(low)), ("high", &show(high))],
                )
            }
            Status::Pending if matches!(j.missing, Some(Missing::Maturing(_))) => {
                missing_text(j.missing.as_ref(), lang)
            }
            Status::Pending => {
                let end = j
                    .period
                    .map(|p| fmt_date(p.last_day(), lang))
                    .unwrap_or_default();
                fill(w.pending_period, &[("end", &end)])
            }
            Status::InsufficientData => missing_text(j.missing.as_ref(), lang),
            Status::NotApplicable => String::new(),
        };
        let so_far = if j.status == Status::Pending {
            w.so_far
        } else {
            ""
        };
        let running = j
            .basis
            .cumulative_since
            .map(|d| fill(w.running_total, &[("since", &fmt_date(d, lang))]))
            .unwrap_or_default();
        let mut out = cat(&[
            &head,
            ": ",
            &measured_text,
            &running,
            so_far,
            &req_text,
            "; ",
            &tail,
            ".",
        ]);
        if let Some(n) = j.basis.against_count.filter(|n| *n > 0) {
            let named: Vec<String> = j
                .basis
                .against
                .iter()
                .map(|s| format!("{} ({})", s.client, fmt_date(s.admitted, lang)))
                .collect();
            out.push_str(&fill(w.against, &[("stays", &listing(&named, n, lang))]));
        }
        out
    }

    /// "2 open stays", or "open stays" when disclosure control hides the number.
    pub(super) fn open_stays(&self, open: u64, lang: Lang) -> String {
        let w = &sentences(lang).open_stays;
        match open {
            0 => w[0].to_owned(),
            1 => w[1].to_owned(),
            n => fill(w[2], &[("n", &n.to_string())]),
        }
    }

    pub(super) fn basis_text(&self, j: &Judged, unit: Unit, lang: Lang) -> String {
        let Some(base) = &j.baseline else {
            return String::new();
        };
        let base_period = j
            .basis
            .baseline_period
            .as_ref()
            .map(|p| fmt_period(p, lang))
            .unwrap_or_default();
        let base_val = fmt_value(base, unit, lang);
        let points = matches!(j.step_unit, Some((StepUnit::PercentagePoints, _)));
        let steps = fmt_steps(&j.steps, points, lang);
        let w = sentences(lang);
        let against = fill(
            w.against_baseline,
            &[("period", &base_period), ("value", &base_val)],
        );
        match (&j.check, j.convention) {
            (Check::Step { .. }, Some(Convention::YearOverYear)) => {
                let prev = j
                    .basis
                    .previous_period
                    .as_ref()
                    .map(|p| fmt_period(p, lang));
                match prev {
                    Some(p) => fill(
                        w.against_previous,
                        &[
                            (
                                "steps",
                                &fmt_steps(&j.steps[j.steps.len() - 1..], points, lang),
                            ),
                            ("previous", &p),
                        ],
                    ),
                    None => cat(&[" (", &steps, " ", &against, ")"]),
                }
            }
            (Check::Step { .. }, Some(c)) => {
                let conv = match c {
                    Convention::Compound => w.compound,
                    _ => w.added,
                };
                if j.steps.len() > 1 {
                    cat(&[" (", &steps, " ", conv, " ", &against, ")"])
                } else {
                    cat(&[" (", &steps, " ", &against, ")"])
                }
            }
            (Check::StatedTotal, _) => {
                fill(w.stated_total, &[("steps", &steps), ("against", &against)])
            }
            _ => cat(&[" (", &steps, " ", &against, ")"]),
        }
    }
}

pub(super) fn not_applicable(t: &Target, lang: Lang) -> String {
    let cond = t
        .applies_to
        .as_ref()
        .map(condition_text)
        .unwrap_or_default();
    fill(sentences(lang).not_applicable, &[("condition", &cond)])
}

fn condition_text(c: &targets::model::Condition) -> String {
    use targets::model::{Condition, FactOp};
    match c {
        Condition::Fact { fact, op, value } => {
            let op = match op {
                FactOp::Lt => "<",
                FactOp::Le => "<=",
                FactOp::Gt => ">",
                FactOp::Ge => ">=",
                FactOp::Eq => "=",
                FactOp::Ne => "!=",
            };
            format!("{fact} {op} {}", value.normalize())
        }
        Condition::All { of } => format!(
            "({})",
            of.iter()
                .map(condition_text)
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        Condition::Any { of } => format!(
            "({})",
            of.iter()
                .map(condition_text)
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Condition::Not { of } => format!("not {}", condition_text(of)),
    }
}

pub(super) fn missing_text(m: Option<&Missing>, lang: Lang) -> String {
    let w = sentences(lang);
    let period = |p: &targets::period::Period| fmt_contract_period(*p, lang);
    match m {
        Some(Missing::NoValue(indicators::NoValue::ZeroDenominator)) => {
            w.zero_denominator.to_owned()
        }
        Some(Missing::NoValue(_)) | None => w.no_events.to_owned(),
        Some(Missing::NoBaseline) => w.no_baseline.to_owned(),
        Some(Missing::BaselineNoValue) => w.baseline_no_value.to_owned(),
        Some(Missing::BaselinePending(p)) => fill(w.baseline_pending, &[("period", &period(p))]),
        Some(Missing::NoPrevious(p)) => fill(w.no_previous, &[("period", &period(p))]),
        Some(Missing::Fact(p)) => fill(w.missing_fact, &[("provider", p)]),
        Some(Missing::Maturing(p)) => fill(w.maturing, &[("period", &period(p))]),
        Some(Missing::SmallGroup { count, minimum }) => fill(
            w.small_group,
            &[
                ("count", &count.to_string()),
                ("minimum", &minimum.to_string()),
            ],
        ),
        Some(Missing::Arithmetic(e)) => fill(w.arithmetic, &[("error", &e.to_string())]),
        Some(Missing::Undeclared { count }) => fill(w.undeclared, &[("count", &count.to_string())]),
    }
}

/// Listed names and how many more there are: "c1, c2 and 3 more".
fn listing(names: &[String], count: u64, lang: Lang) -> String {
    let w = sentences(lang);
    let shown = names.join(", ");
    let rest = count.saturating_sub(names.len() as u64);
    if rest == 0 {
        shown
    } else {
        format!(
            "{shown} {} {}",
            w.and,
            fill(w.more, &[("n", &rest.to_string())])
        )
    }
}
