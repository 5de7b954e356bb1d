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

impl Filter {
    fn check(&self, over: Over, path: &str, problems: &mut Vec<String>) {
        let stays_only = matches!(
            self,
            Filter::GoalsReached { .. }
                | Filter::ExtendedGoalsNotAchieved { .. }
                | Filter::Readmission { .. }
                | Filter::Discharged { .. }
                | Filter::Approved { .. }
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

impl CustomIndicator {
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
