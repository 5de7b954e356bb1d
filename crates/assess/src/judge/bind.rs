//! From a contract's indicator references to the `indicators` indicators that measure
//! them, and their values in the contract's units.

use std::collections::BTreeMap;

use indicators::custom::{CustomIndicator, Filter, Measure};
use indicators::{Indicator, Span, Value};
use rust_decimal::Decimal;
use targets::Contract;
use targets::model::{IndicatorRef, MetricUnit};
use targets::num::Ratio;
use targets::period::Period;

use crate::Error;
use crate::report::{PeriodOut, Unit};

/// The contract's custom indicators, parsed and checked once.
pub(crate) type Customs = BTreeMap<String, CustomIndicator>;

pub(crate) fn customs(contract: &Contract) -> Result<Customs, Error> {
    let mut out = BTreeMap::new();
    for (name, json) in &contract.doc().custom_indicators {
        let def = CustomIndicator::from_json_value(json).map_err(|problems| {
            Error::InvalidCustomIndicator {
                name: name.clone(),
                reason: problems
                    .iter()
                    .map(|p| format!("{}: {}", p.path, p.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            }
        })?;
        out.insert(name.clone(), def);
    }
    Ok(out)
}

/// The `indicators` indicator for a result's reference: for one provider if given, and
/// narrowed by `only` (a segment, or the stays outside every declared segment) if given.
pub(super) fn indicator(
    r: &IndicatorRef,
    provider: Option<&str>,
    only: Option<&Filter>,
    customs: &Customs,
) -> Indicator {
    let narrowing: Vec<Filter> = provider
        .map(|p| Filter::Provider {
            is: vec![p.to_owned()],
        })
        .into_iter()
        .chain(only.cloned())
        .collect();
    let provider_filter = |def: CustomIndicator| -> CustomIndicator {
        if narrowing.is_empty() {
            return def;
        }
        let mut of: Vec<Filter> = def.filter.into_iter().collect();
        of.extend(narrowing.iter().cloned());
        let filter = Some(if of.len() == 1 {
            of.remove(0)
        } else {
            Filter::All { of }
        });
        CustomIndicator { filter, ..def }
    };
    let p = provider.map(str::to_owned);
    let built_in = |i: Indicator| match (narrowing.is_empty(), i.definition()) {
        (false, Some(def)) => Indicator::Custom {
            key: i.key(),
            definition: with_provider(def, &provider_filter),
        },
        _ => i,
    };
    match r {
        IndicatorRef::Inflow => built_in(Indicator::Inflow),
        IndicatorRef::Outflow => built_in(Indicator::Outflow),
        IndicatorRef::SuccessfulOutflow => built_in(Indicator::SuccessfulOutflow),
        IndicatorRef::MeanStayDays => built_in(Indicator::MeanStayDays),
        IndicatorRef::ShareStaysOver30Weeks => built_in(Indicator::ShareStaysOver30Weeks),
        IndicatorRef::BridgingDays => Indicator::BridgingDays,
        IndicatorRef::ExtensionRate => built_in(Indicator::ExtensionRate),
        IndicatorRef::RecidivismRate => built_in(Indicator::RecidivismRate),
        IndicatorRef::DropOutRate => built_in(Indicator::DropOutRate),
        IndicatorRef::GoalRealisationRate => built_in(Indicator::GoalRealisationRate),
        IndicatorRef::MeanWaitingDays { urgency } => built_in(Indicator::MeanWaitingDays {
            urgency: urgency.map(urgency_of),
        }),
        IndicatorRef::ShareStartedWithin { days, urgency } => {
            built_in(Indicator::ShareStartedWithin {
                days: *days,
                urgency: urgency.map(urgency_of),
            })
        }
        // Validation keeps percentiles away from per-provider results.
        IndicatorRef::WaitingDaysPercentile {
            percentile,
            urgency,
        } => Indicator::WaitingDaysPercentile {
            percentile: *percentile,
            urgency: urgency.map(urgency_of),
        },
        IndicatorRef::MaxTariff { unit } => Indicator::MaxTariff {
            unit: unit.clone(),
            provider: p,
        },
        IndicatorRef::DeliveredOn { deliverable } => Indicator::DeliveredOn {
            deliverable: deliverable.clone(),
            provider: p,
        },
        IndicatorRef::Measured { metric, .. } => Indicator::Measured {
            metric: metric.clone(),
            provider: p,
        },
        // Reports are judged from their coverage (`View::report_coverage`); as an
        // indicator, a report is the number of its submissions dated in the period.
        IndicatorRef::Report { report } => Indicator::Custom {
            key: r.key(),
            definition: with_provider(
                CustomIndicator {
                    over: indicators::custom::Over::Events,
                    date: None,
                    filter: Some(Filter::All {
                        of: vec![
                            Filter::EventKind {
                                is: vec![indicators::Kind::ReportSubmitted],
                            },
                            Filter::Name {
                                is: vec![report.clone()],
                            },
                        ],
                    }),
                    measure: Measure::Count,
                },
                &provider_filter,
            ),
        },
        IndicatorRef::Custom { indicator, .. } => Indicator::Custom {
            key: indicator.clone(),
            definition: with_provider(
                customs
                    .get(indicator)
                    .cloned()
                    .unwrap_or(CustomIndicator::stays_count(
                        indicators::custom::Anchor::Admission,
                        Some(Filter::Any { of: vec![] }),
                    )),
                &provider_filter,
            ),
        },
    }
}

fn urgency_of(u: targets::model::Urgency) -> indicators::Urgency {
    match u {
        targets::model::Urgency::Regular => indicators::Urgency::Regular,
        targets::model::Urgency::Crisis => indicators::Urgency::Crisis,
    }
}

/// Applies the provider filter to every leaf of a definition.
fn with_provider(
    def: CustomIndicator,
    f: &dyn Fn(CustomIndicator) -> CustomIndicator,
) -> CustomIndicator {
    match def.measure {
        Measure::Ratio {
            numerator,
            denominator,
        } => CustomIndicator {
            measure: Measure::Ratio {
                numerator: Box::new(with_provider(*numerator, f)),
                denominator: Box::new(with_provider(*denominator, f)),
            },
            ..def
        },
        _ => f(def),
    }
}

/// The unit a result's values are judged in.
pub(crate) fn unit_of(r: &IndicatorRef) -> Unit {
    match r {
        IndicatorRef::MeanStayDays
        | IndicatorRef::BridgingDays
        | IndicatorRef::MeanWaitingDays { .. }
        | IndicatorRef::WaitingDaysPercentile { .. } => Unit::Days,
        IndicatorRef::MaxTariff { .. }
        | IndicatorRef::Measured {
            unit: Some(MetricUnit::Eur),
            ..
        } => Unit::Euro,
        IndicatorRef::Measured {
            unit: Some(MetricUnit::MillionEur),
            ..
        } => Unit::MillionEuro,
        IndicatorRef::Measured {
            unit: Some(MetricUnit::Days),
            ..
        } => Unit::Days,
        IndicatorRef::Inflow
        | IndicatorRef::Outflow
        | IndicatorRef::SuccessfulOutflow
        | IndicatorRef::Report { .. }
        | IndicatorRef::Measured {
            unit: Some(MetricUnit::Count),
            ..
        } => Unit::Count,
        r if r.is_rate() => Unit::Percent,
        _ => Unit::Number,
    }
}

/// An indicator value in the contract's unit: rates in percent.
pub(super) fn to_ratio(v: &Value, rate: bool) -> Option<Ratio> {
    let (n, d) = v.fraction()?;
    let r = Ratio::new(n, d).ok()?;
    if rate && matches!(v, Value::Share { .. } | Value::Ratio { .. }) {
        r.mul_decimal(Decimal::ONE_HUNDRED).ok()
    } else {
        Some(r)
    }
}

pub(super) fn span(p: Period) -> Option<Span> {
    Span::new(p.start(), p.end()).ok()
}

pub(crate) fn period_out(p: Period) -> PeriodOut {
    PeriodOut {
        start: p.start(),
        end: p.end(),
        label: p.to_string(),
    }
}
