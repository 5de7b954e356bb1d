//! A judged check turned into the report's `Verdict`: its numbers in the contract's units,
//! what it rests on, and (for the full form) its explanation in both languages.

use super::*;
use crate::report::ExactValue;

impl Ctx<'_, '_> {
    pub(super) fn verdict(
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
            Some(ExactValue::Count { value }) => (Some(value), true),
            Some(ExactValue::Share { denominator, .. }) => (Some(denominator), false),
            Some(ExactValue::Mean { count, .. }) => (Some(count), false),
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
                (Some((op, r)), due) => Some(Requirement {
                    op: op.symbol().to_owned(),
                    value: Some(number(r, unit)),
                    due,
                }),
                (None, Some(due)) => Some(Requirement {
                    op: due_op(&j.check).to_owned(),
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
    pub(super) fn frame(
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
            samples: Vec::new(),
            explanation: Texts {
                en: String::new(),
                nl: String::new(),
            },
        }
    }

    /// A verdict for comparison only (restatements): its status and exact measured value,
    /// without displays, margins or explanations.
    pub(super) fn bare(
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
                op: due_op(&j.check).to_owned(),
                value: None,
                due: Some(due),
            }),
            basis: Basis {
                delivered_on: j.basis.delivered_on,
                report: j.basis.report.clone(),
                against_count: j.basis.against_count,
                ..Basis::default()
            },
            ..self.frame(goal, scope, t, dim, &j, unit)
        }
    }
}

/// How a date requirement reads: a planned step happens on its day (within its
/// tolerance), everything else on or before it.
fn due_op(check: &Check) -> &'static str {
    match check {
        Check::Planned => "on",
        _ => "on_or_before",
    }
}
