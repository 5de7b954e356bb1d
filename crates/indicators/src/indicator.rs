//! Indicators and their values: the vocabulary. [`crate::View`] computes them.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::custom::{Anchor, CustomIndicator, Field, Filter, Growth, Maturity, Measure, Over};
use crate::span::Span;

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
    /// Drop-out (uitval): of the discharges in the period whose reason is a code of the
    /// iJw list JZ588, the share that ended early: [`EARLY_END_REASONS`] (32 ended by the
    /// client, 33 by the provider, 34 by agreement, 35 by outside circumstances, the
    /// categories CBS counts as "voortijdig afgesloten"). Discharges without a reason, or
    /// with another code, are in neither count. Not in [`Indicator::catalogue`]: it needs
    /// discharge reasons, which not every stream has.
    DropOutRate,
    /// Goal realisation (doelrealisatie): of the stays discharged in the period, the share
    /// whose treatment goals were reached.
    GoalRealisationRate,
    /// Mean waiting days (referral to admission) of the admissions in the period that took
    /// a referral, of one urgency or any.
    MeanWaitingDays {
        /// Only referrals of this urgency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        urgency: Option<crate::Urgency>,
    },
    /// Of the admissions in the period that took a referral (of one urgency or any), the
    /// share that started within `days` days of it (waiting days ≤ `days`; 0 is the same
    /// day, 1 within 24 hours at day precision).
    ShareStartedWithin {
        /// The most waiting days that count as in time.
        days: u32,
        /// Only referrals of this urgency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        urgency: Option<crate::Urgency>,
    },
    /// The waiting days at a percentile (nearest rank: the smallest waiting time that at
    /// least `percentile` % of the admissions in the period with a referral did not
    /// exceed), exact over whole days.
    WaitingDaysPercentile {
        /// 1 to 100.
        percentile: u32,
        /// Only referrals of this urgency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        urgency: Option<crate::Urgency>,
    },
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

/// The reasons for ending care of the iJw code list JZ588 (release 3.2).
pub const END_REASONS: [&str; 11] = [
    "02", "20", "31", "32", "33", "34", "35", "36", "37", "38", "39",
];

/// The JZ588 reasons that mean care ended early ("voortijdig afgesloten").
pub const EARLY_END_REASONS: [&str; 4] = ["32", "33", "34", "35"];

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
            Indicator::DropOutRate => "drop_out_rate".to_owned(),
            Indicator::GoalRealisationRate => "goal_realisation_rate".to_owned(),
            Indicator::MeanWaitingDays { urgency } => with_params(
                "mean_waiting_days",
                &[&urgency.map(|u| u.as_str().to_owned())],
            ),
            Indicator::ShareStartedWithin { days, urgency } => with_params(
                "share_started_within",
                &[
                    &Some(days.to_string()),
                    &urgency.map(|u| u.as_str().to_owned()),
                ],
            ),
            Indicator::WaitingDaysPercentile {
                percentile,
                urgency,
            } => with_params(
                "waiting_days_percentile",
                &[
                    &Some(percentile.to_string()),
                    &urgency.map(|u| u.as_str().to_owned()),
                ],
            ),
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

    /// How the indicator's value over a period can still change as the as-of date moves
    /// on (corrections aside): see [`Maturity`].
    ///
    /// | indicator | grows while its period runs | matures with its cohort |
    /// |---|---|---|
    /// | `inflow`, `outflow`, `successful_outflow`, `bridging_days` | yes | no |
    /// | `mean_stay_days`, `share_stays_over_30_weeks`, `stay_length_bands`, `recidivism_rate`, `measured` | no | no |
    /// | `goal_realisation_rate` | no | no |
    /// | `mean_waiting_days`, `share_started_within`, `waiting_days_percentile` | no | no |
    /// | `extension_rate` | no | yes |
    /// | `max_tariff` | from the period's first day | no |
    /// | `delivered_on` | (a date; deadlines decide it) | no |
    /// | custom | from its definition ([`CustomIndicator::maturity`]) | |
    pub fn maturity(&self) -> Maturity {
        match self {
            Indicator::BridgingDays => Maturity {
                growth: Growth::Yes,
                cohort: false,
            },
            Indicator::MaxTariff { .. } => Maturity {
                growth: Growth::FromPeriodStart,
                cohort: false,
            },
            Indicator::StayLengthBands
            | Indicator::WaitingDaysPercentile { .. }
            | Indicator::DeliveredOn { .. }
            | Indicator::Measured { .. } => Maturity::SETTLES_AT_PERIOD_END,
            _ => self
                .definition()
                .map_or(Maturity::SETTLES_AT_PERIOD_END, |d| d.maturity()),
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
            Indicator::DropOutRate => CustomIndicator {
                over: Over::Stays,
                date: Some(Anchor::Discharge),
                filter: Some(Filter::EndReason {
                    is: END_REASONS.iter().map(|c| (*c).to_owned()).collect(),
                }),
                measure: Measure::Share {
                    of: Filter::EndReason {
                        is: EARLY_END_REASONS.iter().map(|c| (*c).to_owned()).collect(),
                    },
                },
            },
            Indicator::GoalRealisationRate => {
                share(Anchor::Discharge, Filter::GoalsReached { is: true })
            }
            Indicator::MeanWaitingDays { urgency } => CustomIndicator {
                over: Over::Stays,
                date: Some(Anchor::Admission),
                filter: waited(*urgency),
                measure: Measure::Mean {
                    field: Field::WaitingDays,
                },
            },
            Indicator::ShareStartedWithin { days, urgency } => CustomIndicator {
                over: Over::Stays,
                date: Some(Anchor::Admission),
                filter: waited(*urgency).or(Some(Filter::Referred { is: true })),
                measure: Measure::Share {
                    of: Filter::WaitingDays {
                        min: None,
                        max: Some(i64::from(*days)),
                    },
                },
            },
            Indicator::Custom { definition, .. } => definition.clone(),
            _ => return None,
        })
    }
}

/// The filter of the admissions that took a referral of `urgency` (any referral: none, the
/// waiting-days measures leave out the others anyway).
fn waited(urgency: Option<crate::Urgency>) -> Option<Filter> {
    urgency.map(|u| Filter::Urgency { is: vec![u] })
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
    /// For a complete period whose cohort still has open stays: the range the value can
    /// still take (see [`crate::custom::Maturity`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maturing: Option<Maturing>,
}

/// The range a value can still take while stays of its cohort are open.
///
/// `low` and `high` are the values the indicator would have if every open stay ended
/// in the way that makes it lowest or highest (`None` where there is no bound, as for
/// a mean whose open stays can still grow without limit). A bound is decided when the
/// comparison gives the same answer at both ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Maturing {
    /// Stays of the cohort still open whose part in the value is not settled.
    pub open: u64,
    /// The lowest value still possible.
    pub low: Option<Value>,
    /// The highest value still possible.
    pub high: Option<Value>,
}

/// Indicator values per indicator, period and region (overall first, then regions by id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// The date through which corrections count, when it is not the as-of date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrections_through: Option<NaiveDate>,
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
