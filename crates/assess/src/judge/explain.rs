//! The words of a verdict, in English and Dutch: everything a verdict says in text is
//! written here; `judge` decides and never writes a sentence.

use targets::change::{Convention, StepUnit};
use targets::model::{BoundOp, Dimension, Target};
use targets::num::Ratio;

use super::{Ctx, Judged, Missing, period_out, unit_of};
use crate::report::{Check, Status, Unit};
use crate::text::{
    Lang, days, dimension_phrase, fmt_amount, fmt_date, fmt_period, fmt_steps, fmt_value,
    indicator_name, status_word,
};

impl Ctx<'_, '_> {
    /// The explanation of a verdict whose numbers disclosure control leaves out.
    pub(super) fn suppressed_text(&self, t: &Target, dim: &str, j: &Judged, lang: Lang) -> String {
        let name = indicator_name(&t.indicator, &self.contract.doc().labels, lang);
        let place = dimension_phrase(t.dimension, &self.region_name(t, dim), lang);
        let period = j
            .period
            .map(period_out)
            .map(|p| format!(", {}", fmt_period(&p, lang)))
            .unwrap_or_default();
        let threshold = self.options.disclosure.map_or(0, |d| d.threshold);
        let status = status_word(j.status, lang);
        match lang {
            Lang::En => format!(
                "{name}{place}{period}: {status}; the numbers are not shown because they concern fewer than {threshold} youths."
            ),
            Lang::Nl => format!(
                "{name}{place}{period}: {status}; de cijfers worden niet getoond omdat ze over minder dan {threshold} jeugdigen gaan."
            ),
        }
    }

    pub(super) fn region_name(&self, t: &Target, dim: &str) -> String {
        match t.dimension {
            Dimension::PerRegion => self
                .contract
                .doc()
                .regions
                .iter()
                .find(|r| r.id == dim)
                .map_or_else(|| dim.to_owned(), |r| r.name.clone()),
            _ => dim.to_owned(),
        }
    }

    pub(super) fn explain(&self, t: &Target, dim: &str, j: &Judged, lang: Lang) -> String {
        let unit = unit_of(&t.indicator);
        let name = indicator_name(&t.indicator, &self.contract.doc().labels, lang);
        let place = dimension_phrase(t.dimension, &self.region_name(t, dim), lang);
        let en = lang == Lang::En;
        if let Check::Deadline = j.check {
            let due = j.due.map(|d| fmt_date(d, lang)).unwrap_or_default();
            let head = format!("{name}{place}");
            let status = status_word(j.status, lang);
            return match (j.basis.delivered_on, j.status) {
                (_, Status::NotApplicable) => format!("{head}: {}", not_applicable(t, lang)),
                (_, Status::InsufficientData) => {
                    format!("{head}: {}", missing_text(j.missing.as_ref(), lang))
                }
                (Some(d), Status::Met) if j.due == Some(d) => {
                    if en {
                        format!(
                            "{head}: delivered on {}, the last day in time; {status}.",
                            fmt_date(d, lang)
                        )
                    } else {
                        format!(
                            "{head}: opgeleverd op {}, de laatste dag op tijd; {status}.",
                            fmt_date(d, lang)
                        )
                    }
                }
                (Some(d), Status::Met) => {
                    let early = (j.due.unwrap_or(d) - d).num_days();
                    if en {
                        format!(
                            "{head}: delivered on {}; due on or before {due}; {status}, {} before the deadline.",
                            fmt_date(d, lang),
                            days(&early.to_string(), lang)
                        )
                    } else {
                        format!(
                            "{head}: opgeleverd op {}; uiterlijk {due}; {status}, {} voor de deadline.",
                            fmt_date(d, lang),
                            days(&early.to_string(), lang)
                        )
                    }
                }
                (Some(d), _) => {
                    let late = (d - j.due.unwrap_or(d)).num_days();
                    if en {
                        format!(
                            "{head}: delivered on {}, {} after the deadline of {due}; {status}.",
                            fmt_date(d, lang),
                            days(&late.to_string(), lang)
                        )
                    } else {
                        format!(
                            "{head}: opgeleverd op {}, {} na de deadline van {due}; {status}.",
                            fmt_date(d, lang),
                            days(&late.to_string(), lang)
                        )
                    }
                }
                (None, Status::NotMet) => {
                    if en {
                        format!("{head}: not delivered on or before {due}; {status}.")
                    } else {
                        format!("{head}: niet opgeleverd uiterlijk {due}; {status}.")
                    }
                }
                (None, _) => {
                    if en {
                        format!("{head}: not delivered yet; due on or before {due}; {status}.")
                    } else {
                        format!("{head}: nog niet opgeleverd; uiterlijk {due}; {status}.")
                    }
                }
            };
        }
        let period = j
            .period
            .map(period_out)
            .map(|p| fmt_period(&p, lang))
            .unwrap_or_default();
        let head = format!("{name}{place}, {period}");
        if j.status == Status::NotApplicable {
            return format!("{head}: {}", not_applicable(t, lang));
        }
        let measured = j.measured.as_ref().map(|m| fmt_value(m, unit, lang));
        let measured_text = measured.clone().unwrap_or_else(|| {
            if en {
                "no value".to_owned()
            } else {
                "geen waarde".to_owned()
            }
        });
        let measured_text = if unit == Unit::Days && measured.is_some() {
            days(&measured_text, lang)
        } else {
            measured_text
        };
        let required = j.required.as_ref().map(|(op, r)| {
            let word = match (op, en) {
                (BoundOp::AtMost, true) => "at most",
                (BoundOp::AtMost, false) => "ten hoogste",
                (BoundOp::Below, true) => "below",
                (BoundOp::Below, false) => "lager dan",
                (BoundOp::AtLeast, true) => "at least",
                (BoundOp::AtLeast, false) => "ten minste",
                (BoundOp::Above, true) => "above",
                (BoundOp::Above, false) => "hoger dan",
            };
            format!("{word} {}", fmt_value(r, unit, lang))
        });
        let basis = self.basis_text(j, unit, lang);
        let req_text = match (&required, en) {
            (Some(r), true) => format!("; required {r}{basis}"),
            (Some(r), false) => format!("; vereist {r}{basis}"),
            (None, _) => basis.clone(),
        };
        let tail = match j.status {
            Status::Met | Status::NotMet => {
                let word = status_word(j.status, lang);
                let early = if j.early {
                    if en { " already" } else { " nu al" }
                } else {
                    ""
                };
                let gap = match (&j.measured, &j.required) {
                    (Some(m), Some((op, r))) => m.sub(r).ok().map(|d| {
                        let amount = fmt_amount(&d, unit, lang);
                        let phrase = match (j.status, op.is_upper(), en) {
                            (Status::NotMet, true, true) => "too high",
                            (Status::NotMet, true, false) => "te hoog",
                            (Status::NotMet, false, true) => "too low",
                            (Status::NotMet, false, false) => "te laag",
                            (_, _, true) => "to spare",
                            (_, _, false) => "marge",
                        };
                        if d.numerator().is_zero() {
                            if en {
                                "exactly at the limit".to_owned()
                            } else {
                                "precies op de grens".to_owned()
                            }
                        } else {
                            format!("{amount} {phrase}")
                        }
                    }),
                    _ => None,
                };
                // Rounded for publication, the gap would not match the verdict.
                let gap = gap.filter(|_| self.options.disclosure.is_none());
                let settled = match &j.maturing {
                    Some((open, _, _)) => {
                        let open = self.open_stays(*open, lang);
                        if en {
                            format!(", whatever the outcome of the cohort's {open}")
                        } else {
                            format!(", wat er ook gebeurt met de {open} van het cohort")
                        }
                    }
                    None => String::new(),
                };
                match gap {
                    Some(g) => format!("{word}{early}, {g}{settled}"),
                    None => format!("{word}{early}{settled}"),
                }
            }
            Status::Pending if j.maturing.is_some() => {
                let (open, low, high) = j.maturing.unwrap_or((0, None, None));
                let open = self.open_stays(open, lang);
                let show = |r: Option<Ratio>| match r {
                    Some(r) => fmt_value(&r, unit, lang),
                    None if en => "no bound".to_owned(),
                    None => "geen grens".to_owned(),
                };
                if en {
                    format!(
                        "pending: with {open} in the cohort the final value lies between {} and {}",
                        show(low),
                        show(high)
                    )
                } else {
                    format!(
                        "nog niet bepaald: met {open} in het cohort ligt de uiteindelijke waarde tussen {} en {}",
                        show(low),
                        show(high)
                    )
                }
            }
            Status::Pending if matches!(j.missing, Some(Missing::Maturing(_))) => {
                missing_text(j.missing.as_ref(), lang)
            }
            Status::Pending => {
                let end = j
                    .period
                    .map(|p| fmt_date(p.last_day(), lang))
                    .unwrap_or_default();
                if en {
                    format!("pending: the period runs to {end}")
                } else {
                    format!("nog niet bepaald: de periode loopt tot en met {end}")
                }
            }
            Status::InsufficientData => missing_text(j.missing.as_ref(), lang),
            Status::NotApplicable => String::new(),
        };
        let so_far = if j.status == Status::Pending {
            if en { " so far" } else { " tot nu toe" }
        } else {
            ""
        };
        format!("{head}: {measured_text}{so_far}{req_text}; {tail}.")
    }

    /// "2 open stays", or "open stays" when disclosure control hides the number.
    pub(super) fn open_stays(&self, open: u64, lang: Lang) -> String {
        match (open, lang) {
            (0, Lang::En) => "open stays".to_owned(),
            (0, Lang::Nl) => "open verblijven".to_owned(),
            (1, Lang::En) => "1 open stay".to_owned(),
            (1, Lang::Nl) => "1 open verblijf".to_owned(),
            (n, Lang::En) => format!("{n} open stays"),
            (n, Lang::Nl) => format!("{n} open verblijven"),
        }
    }

    pub(super) fn basis_text(&self, j: &Judged, unit: Unit, lang: Lang) -> String {
        let en = lang == Lang::En;
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
        let against = if en {
            format!("against baseline {base_period}: {base_val}")
        } else {
            format!("t.o.v. peiljaar {base_period}: {base_val}")
        };
        match (&j.check, j.convention) {
            (Check::Step { .. }, Some(Convention::YearOverYear)) => {
                let prev = j
                    .basis
                    .previous_period
                    .as_ref()
                    .map(|p| fmt_period(p, lang));
                match prev {
                    Some(p) if en => format!(
                        " ({} against the realised value of {p})",
                        fmt_steps(&j.steps[j.steps.len() - 1..], points, lang)
                    ),
                    Some(p) => format!(
                        " ({} t.o.v. de gerealiseerde waarde van {p})",
                        fmt_steps(&j.steps[j.steps.len() - 1..], points, lang)
                    ),
                    None => format!(" ({steps} {against})"),
                }
            }
            (Check::Step { .. }, Some(c)) => {
                let conv = match (c, en) {
                    (Convention::Compound, true) => "compound",
                    (Convention::Compound, false) => "samengesteld",
                    (_, true) => "added",
                    (_, false) => "opgeteld",
                };
                if j.steps.len() > 1 {
                    format!(" ({steps} {conv} {against})")
                } else {
                    format!(" ({steps} {against})")
                }
            }
            (Check::StatedTotal, _) => {
                if en {
                    format!(" (the stated total of {steps} {against})")
                } else {
                    format!(" (het genoemde totaal van {steps} {against})")
                }
            }
            _ => format!(" ({steps} {against})"),
        }
    }
}

pub(super) fn not_applicable(t: &Target, lang: Lang) -> String {
    let cond = t
        .applies_to
        .as_ref()
        .map(condition_text)
        .unwrap_or_default();
    match lang {
        Lang::En => format!("not applicable: the provider does not meet the condition {cond}."),
        Lang::Nl => {
            format!("niet van toepassing: de aanbieder voldoet niet aan de voorwaarde {cond}.")
        }
    }
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
    let en = lang == Lang::En;
    match m {
        Some(Missing::NoValue(indicators::NoValue::ZeroDenominator)) => {
            if en {
                "insufficient data: the indicator has no value (nothing to divide by)".to_owned()
            } else {
                "onvoldoende gegevens: de indicator heeft geen waarde (noemer is nul)".to_owned()
            }
        }
        Some(Missing::NoValue(_)) | None => {
            if en {
                "insufficient data: no events give the indicator a value".to_owned()
            } else {
                "onvoldoende gegevens: geen gebeurtenissen geven de indicator een waarde".to_owned()
            }
        }
        Some(Missing::NoBaseline) => {
            if en {
                "insufficient data: no baseline value".to_owned()
            } else {
                "onvoldoende gegevens: geen waarde voor het peiljaar".to_owned()
            }
        }
        Some(Missing::BaselineNoValue) => {
            if en {
                "insufficient data: the baseline period gives the indicator no value".to_owned()
            } else {
                "onvoldoende gegevens: het peiljaar geeft de indicator geen waarde".to_owned()
            }
        }
        Some(Missing::BaselinePending(p)) => {
            let p = fmt_period(&period_out(*p), lang);
            if en {
                format!("pending: the baseline period {p} has not ended")
            } else {
                format!("nog niet bepaald: het peiljaar {p} is nog niet voorbij")
            }
        }
        Some(Missing::NoPrevious(p)) => {
            let p = fmt_period(&period_out(*p), lang);
            if en {
                format!(
                    "insufficient data: no realised value for {p} to apply the year-over-year step to"
                )
            } else {
                format!(
                    "onvoldoende gegevens: geen gerealiseerde waarde over {p} voor de stap ten opzichte van het vorige jaar"
                )
            }
        }
        Some(Missing::Fact(p)) => {
            if en {
                format!(
                    "insufficient data: a fact the applicability condition needs is missing for {p}"
                )
            } else {
                format!(
                    "onvoldoende gegevens: een gegeven dat de voorwaarde nodig heeft ontbreekt voor {p}"
                )
            }
        }
        Some(Missing::Maturing(p)) => {
            let p = fmt_period(&period_out(*p), lang);
            if en {
                format!(
                    "pending: the value of {p} is still maturing (stays of its cohort are open)"
                )
            } else {
                format!(
                    "nog niet bepaald: de waarde over {p} staat nog niet vast (verblijven van dat cohort lopen nog)"
                )
            }
        }
        Some(Missing::SmallGroup { count, minimum }) => {
            if en {
                format!(
                    "insufficient data: a group of {count} is too small to judge (the contract asks at least {minimum})"
                )
            } else {
                format!(
                    "onvoldoende gegevens: een groep van {count} is te klein om te beoordelen (het contract vraagt ten minste {minimum})"
                )
            }
        }
        Some(Missing::Arithmetic(e)) => {
            if en {
                format!("insufficient data: {e}")
            } else {
                format!("onvoldoende gegevens: {e}")
            }
        }
    }
}
