//! Custom indicators as data: counts, sums, means, shares and ratios over stays or events,
//! with filters. Most built-in indicators are defined this way too
//! ([`crate::Indicator::definition`]).
//!
//! # Example: extensions per year, of any reason, from JSON
//!
//! ```
//! use indicators::custom::CustomIndicator;
//!
//! let def: CustomIndicator = serde_json::from_str(r#"{
//!     "over": "events",
//!     "filter": { "kind": "event_kind", "is": ["authorization_extension"] },
//!     "measure": { "kind": "count" }
//! }"#)?;
//! def.validate()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::event::Kind;

/// What a custom indicator ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Over {
    /// Stays, placed in a period by their admission or discharge date.
    Stays,
    /// Accepted events (retractions excluded), placed by their date. Client events take
    /// the region and provider of their stay.
    Events,
}

/// Which date of a stay places it in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The admission date (inflow-like indicators).
    Admission,
    /// The discharge date (outflow-like indicators); stays open as of the date are left out.
    Discharge,
}

/// A numeric field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// A stay's length minus its bridging days.
    NetStayDays,
    /// A stay's length in days (discharge − admission).
    LengthDays,
    /// A stay's bridging days.
    BridgingDays,
    /// Days from the referral the stay's admission took to the admission (0: started on
    /// the day of referral). Stays whose admission took no referral have no waiting days
    /// and are left out of any measure of this field.
    WaitingDays,
    /// A measurement's value or a tariff's amount; other events have none and are skipped.
    Value,
}

impl Field {
    fn over(self) -> Over {
        match self {
            Field::Value => Over::Events,
            _ => Over::Stays,
        }
    }
}

/// How the selected stays or events become a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    /// How many.
    Count,
    /// The sum of a field.
    Sum {
        /// The field.
        field: Field,
    },
    /// The mean of a field; no value when nothing is selected.
    Mean {
        /// The field.
        field: Field,
    },
    /// The share of the selected that also pass `of`; no value when nothing is selected.
    Share {
        /// The numerator's extra filter.
        of: Filter,
    },
    /// One indicator divided by another, over the same period and region; no value when
    /// the denominator is zero or has no value.
    Ratio {
        /// The numerator.
        numerator: Box<CustomIndicator>,
        /// The denominator.
        denominator: Box<CustomIndicator>,
    },
}

/// A condition on a stay or an event. Lists (`is`) match any of their values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Filter {
    /// All must hold.
    All {
        /// The filters.
        of: Vec<Filter>,
    },
    /// At least one must hold.
    Any {
        /// The filters.
        of: Vec<Filter>,
    },
    /// Must not hold.
    Not {
        /// The filter.
        of: Box<Filter>,
    },
    /// Events of these kinds (events only).
    EventKind {
        /// The kinds.
        is: Vec<Kind>,
    },
    /// In these regions.
    Region {
        /// Region ids.
        is: Vec<String>,
    },
    /// Of these providers.
    Provider {
        /// Provider ids.
        is: Vec<String>,
    },
    /// Admission reason (stays and admissions) or extension reason (extensions).
    Reason {
        /// Reasons.
        is: Vec<String>,
    },
    /// Discharge destination.
    Destination {
        /// Destinations.
        is: Vec<String>,
    },
    /// Why care ended: the discharge's reason (stays once discharged, and discharge
    /// events), such as the iJw codes of JZ588.
    EndReason {
        /// Reasons.
        is: Vec<String>,
    },
    /// The contract segment of an admission (stays and admission or approval events).
    Segment {
        /// Segments.
        is: Vec<String>,
    },
    /// Whether an approval covered the stay's admission (stays only).
    Approved {
        /// The wanted answer.
        is: bool,
    },
    /// Whether the stay's admission took a referral (stays only).
    Referred {
        /// The wanted answer.
        is: bool,
    },
    /// The urgency of the referral the stay's admission took (stays), or of a referral
    /// event (events): `regular` or `crisis`.
    Urgency {
        /// Urgencies.
        is: Vec<crate::Urgency>,
    },
    /// Waiting days (referral to admission) within an inclusive range (stays with a
    /// referral only).
    WaitingDays {
        /// The least value, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// The greatest value, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// Measurement metric (events only).
    Metric {
        /// Metric names.
        is: Vec<String>,
    },
    /// Deliverable name (events only).
    Name {
        /// Deliverable names.
        is: Vec<String>,
    },
    /// Tariff unit (events only).
    Unit {
        /// Units.
        is: Vec<String>,
    },
    /// Whether the stay reached its treatment goals (stays only).
    GoalsReached {
        /// The wanted answer.
        is: bool,
    },
    /// Whether the stay's authorisation was extended because goals were not reached
    /// (stays only).
    ExtendedGoalsNotAchieved {
        /// The wanted answer.
        is: bool,
    },
    /// Whether the admission falls within six months after goals reached in an earlier
    /// stay of the client (stays only).
    Readmission {
        /// The wanted answer.
        is: bool,
    },
    /// Whether the stay has been discharged (stays only).
    Discharged {
        /// The wanted answer.
        is: bool,
    },
    /// Net stay days within an inclusive range (stays only).
    NetStayDays {
        /// The least value, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// The greatest value, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// Length in days within an inclusive range (stays only).
    LengthDays {
        /// The least value, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// The greatest value, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
}

/// How an indicator's value over a period can still change as the as-of date moves on,
/// corrections aside. Every verdict is decided only when no event dated later can change
/// it; this tells when that is.
///
/// - A value that neither grows nor matures with a cohort is settled when its period
///   ends: the events dated in the period are all known then.
/// - A value that **grows** can only become larger while its period runs (counts, sums of
///   stay days, bridging days, the highest tariff once the period has started), so an
///   upper bound it has already crossed stays crossed.
/// - A value that **matures with its cohort** is computed over the stays admitted in the
///   period and depends on what happens later inside them (an extension, goals reached,
///   a discharge, the length of the stay). It keeps changing after the period ends
///   while any stay of the cohort is open; the view gives the range it can still take
///   ([`crate::Row::maturing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Maturity {
    /// Whether the value can only grow while its period runs.
    pub growth: Growth,
    /// Whether the value keeps changing after the period ends while stays admitted in
    /// the period are open.
    pub cohort: bool,
}

impl Maturity {
    /// Settled at the end of the period, and free to move either way before.
    pub const SETTLES_AT_PERIOD_END: Maturity = Maturity {
        growth: Growth::No,
        cohort: false,
    };
}

/// Whether a value can only grow while its period runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Growth {
    /// It may grow or shrink.
    No,
    /// It can only grow.
    Yes,
    /// It can only grow from the first day of the period on; before that a new tariff
    /// dated before the period can still replace a higher one (the highest tariff).
    FromPeriodStart,
}

/// How the truth of a filter for one open stay can change as time passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Drift {
    /// Never changes (facts of the admission, events).
    Fixed,
    /// Can turn from false to true, never back.
    Up,
    /// Can turn from true to false, never back.
    Down,
    /// Can turn either way.
    Both,
}

impl Drift {
    fn and(self, other: Drift) -> Drift {
        match (self, other) {
            (Drift::Fixed, x) | (x, Drift::Fixed) => x,
            (a, b) if a == b => a,
            _ => Drift::Both,
        }
    }

    fn not(self) -> Drift {
        match self {
            Drift::Up => Drift::Down,
            Drift::Down => Drift::Up,
            x => x,
        }
    }
}

impl Filter {
    pub(crate) fn drift(&self) -> Drift {
        let flag = |is: bool| if is { Drift::Up } else { Drift::Down };
        let range = |min: &Option<i64>, max: &Option<i64>| match (min, max) {
            (None, None) => Drift::Fixed,
            (Some(_), None) => Drift::Up,
            (None, Some(_)) => Drift::Down,
            (Some(_), Some(_)) => Drift::Both,
        };
        match self {
            Filter::All { of } | Filter::Any { of } => {
                of.iter().fold(Drift::Fixed, |d, f| d.and(f.drift()))
            }
            Filter::Not { of } => of.drift().not(),
            Filter::GoalsReached { is }
            | Filter::ExtendedGoalsNotAchieved { is }
            | Filter::Discharged { is } => flag(*is),
            // An open stay has no destination yet; it may get one of the list.
            Filter::Destination { .. } | Filter::EndReason { .. } => Drift::Up,
            // Net days never shrink as time passes: length grows a day a day, bridging
            // by at most as much.
            Filter::NetStayDays { min, max } | Filter::LengthDays { min, max } => range(min, max),
            Filter::EventKind { .. }
            | Filter::Region { .. }
            | Filter::Provider { .. }
            | Filter::Reason { .. }
            | Filter::Segment { .. }
            | Filter::Approved { .. }
            | Filter::Referred { .. }
            | Filter::Urgency { .. }
            | Filter::WaitingDays { .. }
            | Filter::Metric { .. }
            | Filter::Name { .. }
            | Filter::Unit { .. }
            | Filter::Readmission { .. } => Drift::Fixed,
        }
    }

    fn check(&self, over: Over, path: &str, problems: &mut Vec<String>) {
        let stays_only = matches!(
            self,
            Filter::GoalsReached { .. }
                | Filter::ExtendedGoalsNotAchieved { .. }
                | Filter::Readmission { .. }
                | Filter::Discharged { .. }
                | Filter::Approved { .. }
                | Filter::Referred { .. }
                | Filter::WaitingDays { .. }
                | Filter::NetStayDays { .. }
                | Filter::LengthDays { .. }
        );
        let events_only = matches!(
            self,
            Filter::EventKind { .. }
                | Filter::Metric { .. }
                | Filter::Name { .. }
                | Filter::Unit { .. }
        );
        if stays_only && over == Over::Events {
            problems.push(format!("{path}: this filter applies to stays, not events"));
        }
        if events_only && over == Over::Stays {
            problems.push(format!("{path}: this filter applies to events, not stays"));
        }
        match self {
            Filter::All { of } | Filter::Any { of } => {
                for (i, f) in of.iter().enumerate() {
                    f.check(over, &format!("{path}.of[{i}]"), problems);
                }
            }
            Filter::Not { of } => of.check(over, &format!("{path}.of"), problems),
            Filter::NetStayDays {
                min: Some(a),
                max: Some(b),
            }
            | Filter::LengthDays {
                min: Some(a),
                max: Some(b),
            }
            | Filter::WaitingDays {
                min: Some(a),
                max: Some(b),
            } if a > b => {
                problems.push(format!("{path}: min {a} is above max {b}"));
            }
            _ => {}
        }
    }
}

/// A custom indicator.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomIndicator {
    /// Stays or events.
    pub over: Over,
    /// For stays: which date places a stay in a period (required for stays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Anchor>,
    /// Which stays or events count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
    /// How they become a number.
    pub measure: Measure,
}

/// A problem of a custom indicator definition: where in it (a JSON path from `$`, the
/// definition) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionProblem {
    /// The JSON path inside the definition, such as `$.measure.field`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl CustomIndicator {
    /// Reads a definition from JSON and checks it, reporting every problem with its JSON
    /// path inside the definition: the first structural one (an unknown field, a missing
    /// one, a wrong kind), or else every field and filter that does not fit what the
    /// indicator ranges over.
    ///
    /// ```
    /// use indicators::custom::CustomIndicator;
    ///
    /// let bad = serde_json::json!({
    ///     "over": "stays", "date": "discharge",
    ///     "measure": { "kind": "sum", "field": "value" }
    /// });
    /// let problems = CustomIndicator::from_json_value(&bad).unwrap_err();
    /// assert_eq!(problems[0].path, "$.measure.field");
    /// # let typo = serde_json::json!({ "over": "stays", "date": "discharge", "measure": { "kind": "count" }, "filtr": {} });
    /// # assert_eq!(CustomIndicator::from_json_value(&typo).unwrap_err()[0].path, "$.filtr");
    /// ```
    pub fn from_json_value(
        json: &serde_json::Value,
    ) -> Result<CustomIndicator, Vec<DefinitionProblem>> {
        let def: CustomIndicator = serde_path_to_error::deserialize(json).map_err(|e| {
            let inner = e.path().to_string();
            vec![DefinitionProblem {
                path: if inner == "." || inner.is_empty() {
                    "$".to_owned()
                } else {
                    format!("$.{inner}")
                },
                message: e.into_inner().to_string(),
            }]
        })?;
        let mut problems = Vec::new();
        def.check("$", &mut problems);
        if problems.is_empty() {
            Ok(def)
        } else {
            Err(problems
                .into_iter()
                .map(|p| match p.split_once(": ") {
                    Some((path, message)) => DefinitionProblem {
                        path: path.to_owned(),
                        message: message.to_owned(),
                    },
                    None => DefinitionProblem {
                        path: "$".to_owned(),
                        message: p,
                    },
                })
                .collect())
        }
    }

    /// Checks that fields and filters fit what the indicator ranges over.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidIndicator`] listing every problem with its place.
    pub fn validate(&self) -> Result<(), Error> {
        let mut problems = Vec::new();
        self.check("$", &mut problems);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidIndicator(problems.join("; ")))
        }
    }

    fn check(&self, path: &str, problems: &mut Vec<String>) {
        match (self.over, self.date) {
            (Over::Stays, None) if !matches!(self.measure, Measure::Ratio { .. }) => {
                problems.push(format!(
                    "{path}.date: stays need `admission` or `discharge`"
                ));
            }
            (Over::Events, Some(_)) => {
                problems.push(format!("{path}.date: events are placed by their own date"))
            }
            _ => {}
        }
        if let Some(f) = &self.filter {
            f.check(self.over, &format!("{path}.filter"), problems);
        }
        match &self.measure {
            Measure::Sum { field } | Measure::Mean { field } if field.over() != self.over => {
                problems.push(format!(
                    "{path}.measure.field: {field:?} is not a field of {:?}",
                    self.over
                ));
            }
            Measure::Share { of } => of.check(self.over, &format!("{path}.measure.of"), problems),
            Measure::Ratio {
                numerator,
                denominator,
            } => {
                numerator.check(&format!("{path}.measure.numerator"), problems);
                denominator.check(&format!("{path}.measure.denominator"), problems);
            }
            _ => {}
        }
    }

    /// How the indicator's value over a period can still change as the as-of date moves
    /// on (corrections aside). See [`Maturity`].
    ///
    /// # Example: the extension rate matures with its cohort
    ///
    /// ```
    /// use indicators::custom::Growth;
    /// use indicators::Indicator;
    ///
    /// let m = Indicator::ExtensionRate.definition().expect("defined as data").maturity();
    /// assert!(m.cohort);
    /// assert_eq!(m.growth, Growth::No);
    /// let m = Indicator::Inflow.definition().expect("defined as data").maturity();
    /// assert!(!m.cohort);
    /// assert_eq!(m.growth, Growth::Yes);
    /// ```
    pub fn maturity(&self) -> Maturity {
        match &self.measure {
            Measure::Ratio {
                numerator,
                denominator,
            } => {
                let (n, d) = (numerator.maturity(), denominator.maturity());
                Maturity {
                    growth: Growth::No,
                    cohort: n.cohort || d.cohort,
                }
            }
            measure => {
                let cohort_anchor =
                    self.over == Over::Stays && self.date != Some(Anchor::Discharge);
                let drift = self.filter.as_ref().map_or(Drift::Fixed, Filter::drift);
                let share_drift = match measure {
                    Measure::Share { of } => of.drift(),
                    _ => Drift::Fixed,
                };
                // Waiting days are fixed at admission; the other stay fields grow inside the stay.
                let stay_field = matches!(
                    measure,
                    Measure::Sum { field } | Measure::Mean { field }
                        if !matches!(field, Field::Value | Field::WaitingDays)
                );
                let cohort = cohort_anchor
                    && (drift != Drift::Fixed || share_drift != Drift::Fixed || stay_field);
                // Counts and sums of stay fields (never negative, and never smaller as
                // time passes) grow, unless a stay can leave the selection again.
                let can_grow = match measure {
                    Measure::Count => true,
                    Measure::Sum { field } => *field != Field::Value,
                    _ => false,
                };
                let leaves_again = cohort_anchor && matches!(drift, Drift::Down | Drift::Both);
                Maturity {
                    growth: if can_grow && !leaves_again {
                        Growth::Yes
                    } else {
                        Growth::No
                    },
                    cohort,
                }
            }
        }
    }

    /// A count of stays placed by `date`.
    pub fn stays_count(date: Anchor, filter: Option<Filter>) -> CustomIndicator {
        CustomIndicator {
            over: Over::Stays,
            date: Some(date),
            filter,
            measure: Measure::Count,
        }
    }
}
