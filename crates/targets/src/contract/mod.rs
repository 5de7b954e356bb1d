//! The validated contract: loading, validation and the schedule of every result.
//!
//! This module is the `Contract` and its queries; `decode` reads the JSON piece by piece
//! so that every problem is reported with its path; `validate` checks what the types
//! cannot say (references, dates, arithmetic) and resolves every result's schedule.

mod decode;
mod validate;

use decode::decode;
use validate::Validator;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::change::{Convention, StepUnit};
use crate::error::{Error, Problem};
use crate::model::{
    Baseline, Consequence, ContractDoc, Dimension, FORMAT_VERSION, Goal, IndicatorRef, OVERALL,
    Periods, ResultSelection, Rule, Scope, Target, VerdictCondition,
};
use crate::period::{Period, PeriodUnit};

/// One judgement a result asks for: a period (or a due date) and what is required there.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScheduleItem {
    /// A bound over a period.
    Bound {
        /// The period.
        period: Period,
        /// The bound in the indicator's unit.
        bound: Decimal,
    },
    /// Step `index` (from 0) of a stepped change, over its period.
    Step {
        /// The period.
        period: Period,
        /// The step's index.
        index: usize,
    },
    /// Point `index` of a milestone, over the window ending at its date.
    Milestone {
        /// The measured window `[by − window, by)`.
        period: Period,
        /// The point's index.
        index: usize,
    },
    /// A deliverable due on or before a date.
    Deadline {
        /// The last day in time.
        due: NaiveDate,
    },
    /// A step planned for a day or span, with its tolerance either way.
    Planned {
        /// The planned day, or the first of the planned span.
        on: NaiveDate,
        /// The last day of the planned span (`on` for a single day).
        until: NaiveDate,
        /// Days early or late still on plan.
        tolerance_days: u32,
    },
    /// The report of a reporting duty over a period, due on a day.
    Report {
        /// The period reported on.
        period: Period,
        /// The last day the report is in time.
        due: NaiveDate,
    },
}

impl ScheduleItem {
    /// The period judged, if the item has one.
    pub fn period(&self) -> Option<Period> {
        match self {
            ScheduleItem::Bound { period, .. }
            | ScheduleItem::Step { period, .. }
            | ScheduleItem::Milestone { period, .. }
            | ScheduleItem::Report { period, .. } => Some(*period),
            ScheduleItem::Deadline { .. } | ScheduleItem::Planned { .. } => None,
        }
    }
}

/// The values a dimension takes in a document: region, provider or segment ids, or
/// [`OVERALL`].
pub(crate) fn dimension_values(doc: &ContractDoc, dimension: Dimension) -> Vec<String> {
    match dimension {
        Dimension::Overall => vec![OVERALL.to_owned()],
        Dimension::PerRegion => doc.regions.iter().map(|r| r.id.clone()).collect(),
        Dimension::PerProvider => doc.providers.iter().map(|p| p.id.clone()).collect(),
        Dimension::PerSegment => doc.segments.iter().map(|s| s.id.clone()).collect(),
        Dimension::PerProviderCategory => doc
            .provider_categories
            .iter()
            .map(|s| s.id.clone())
            .collect(),
    }
}

/// A contract that passed validation.
///
/// Build it with [`Contract::from_json`] or [`Contract::from_doc`]; read it through its
/// getters. Every result's schedule (the periods it is judged over) is resolved once here.
///
/// # Example: load the bundled Jeugdzorgplus contract
///
/// ```
/// use targets::Contract;
///
/// let c = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN)?;
/// assert_eq!(c.doc().regions.len(), 3);
/// assert_eq!(c.term().to_string(), "2019-01-01 to 2020-12-31");
/// let (_, mean_stay) = c.target("2a-mean-stay").expect("present");
/// assert_eq!(c.schedule(&mean_stay.id).len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    doc: ContractDoc,
    term: Period,
    max_term: Period,
    schedules: BTreeMap<String, Vec<ScheduleItem>>,
    /// The periods of each observation, resolved.
    observed: BTreeMap<String, Vec<Period>>,
}

/// A check of one custom indicator definition: its problems as (JSON path inside the
/// definition, starting at `$`; message).
pub type CustomIndicatorCheck<'a> = &'a dyn Fn(&Value) -> Vec<(String, String)>;

/// Checks the caller adds to loading a contract: [`Contract::from_json_with`].
#[derive(Clone, Copy, Default)]
pub struct LoadOptions<'a> {
    /// Checks one custom indicator definition; returns its problems as (JSON path inside
    /// the definition, starting at `$`; message). `assess::load_contract` supplies the
    /// check of the `indicators` crate.
    pub custom_indicators: Option<CustomIndicatorCheck<'a>>,
}

impl std::fmt::Debug for LoadOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("custom_indicators", &self.custom_indicators.is_some())
            .finish()
    }
}

impl Contract {
    /// Parses and validates a contract from JSON text.
    ///
    /// Custom indicators are definitions of the crate that evaluates them, which this
    /// crate does not know: here they are checked for size only. `assess::load_contract`
    /// (or [`Contract::from_json_with`] with a [`LoadOptions::custom_indicators`] check)
    /// checks them in full, with JSON paths.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] with every problem found, each with its JSON path.
    ///
    /// # Example: every problem at once
    ///
    /// ```
    /// use targets::{Contract, Error};
    ///
    /// let err = Contract::from_json(r#"{"format_version": 2, "id": 7}"#).unwrap_err();
    /// let paths: Vec<_> = err.problems().iter().map(|p| p.path.as_str()).collect();
    /// assert!(paths.contains(&"$.format_version"));
    /// assert!(paths.contains(&"$.id"));
    /// ```
    pub fn from_json(text: &str) -> Result<Contract, Error> {
        Contract::from_json_with(text, &LoadOptions::default())
    }

    /// [`Contract::from_json`], with checks supplied by the caller.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] with every problem found, those of the supplied checks
    /// included, each with its JSON path.
    ///
    /// # Example: a check of custom indicators
    ///
    /// ```
    /// use targets::{Contract, LoadOptions};
    ///
    /// fn no_ratios(def: &serde_json::Value) -> Vec<(String, String)> {
    ///     if def["measure"]["kind"] == "ratio" {
    ///         vec![("$.measure.kind".into(), "ratios are not allowed here".into())]
    ///     } else {
    ///         Vec::new()
    ///     }
    /// }
    /// let mut doc: serde_json::Value = serde_json::from_str(samples::contracts::RIJNMOND)?;
    /// doc["custom_indicators"] = serde_json::json!({ "x": { "over": "stays", "measure": { "kind": "ratio" } } });
    /// let options = LoadOptions { custom_indicators: Some(&no_ratios) };
    /// let err = Contract::from_json_with(&doc.to_string(), &options).unwrap_err();
    /// assert_eq!(err.problems()[0].path, "$.custom_indicators.x.measure.kind");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json_with(text: &str, options: &LoadOptions<'_>) -> Result<Contract, Error> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Invalid {
            problems: vec![Problem {
                path: "$".to_owned(),
                message: format!(
                    "not valid JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
            }],
        })?;
        let doc = decode(value).map_err(|problems| Error::Invalid { problems })?;
        let mut problems = Vec::new();
        if let Some(check) = options.custom_indicators {
            for (name, def) in &doc.custom_indicators {
                if json_depth(def) > MAX_NESTING * 2 {
                    continue; // reported by the validation below, unread
                }
                for (path, message) in check(def) {
                    let inner = path.strip_prefix('$').unwrap_or(&path);
                    problems.push(Problem {
                        path: format!("$.custom_indicators.{name}{inner}"),
                        message,
                    });
                }
            }
        }
        match Contract::from_doc(doc) {
            Ok(c) if problems.is_empty() => Ok(c),
            Ok(_) => Err(Error::Invalid { problems }),
            Err(Error::Invalid { problems: mut more }) => {
                problems.append(&mut more);
                Err(Error::Invalid { problems })
            }
            Err(e) => Err(e),
        }
    }

    /// Validates a document.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] with every problem found, each with its JSON path.
    pub fn from_doc(doc: ContractDoc) -> Result<Contract, Error> {
        let mut v = Validator {
            problems: Vec::new(),
        };
        let built = v.contract(&doc);
        match built {
            Some((term, max_term, schedules, observed)) if v.problems.is_empty() => Ok(Contract {
                doc,
                term,
                max_term,
                schedules,
                observed,
            }),
            _ => Err(Error::Invalid {
                problems: v.problems,
            }),
        }
    }

    /// The contract as JSON, in the same format it is read from.
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(&self.doc).unwrap_or_default()
    }

    /// The document.
    pub fn doc(&self) -> &ContractDoc {
        &self.doc
    }

    /// The current term: the initial term plus the extensions exercised.
    ///
    /// # Example: term, longest term, dimension values and facts
    ///
    /// ```
    /// use targets::model::Dimension;
    /// use targets::Contract;
    ///
    /// let c = Contract::from_json(samples::contracts::NOORDOOST_BRABANT)?;
    /// assert_eq!(c.term().to_string(), "2017-01-01 to 2020-12-31");
    /// assert_eq!(c.max_term(), c.term()); // no extension options
    /// assert_eq!(c.dimension_values(Dimension::PerRegion), ["noordoost-brabant"]);
    /// assert_eq!(c.dimension_values(Dimension::Overall), ["overall"]);
    /// assert_eq!(c.provider_facts("p-b")["contract_value"].to_string(), "200000.00");
    /// assert!(c.provider_facts("nobody").is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn term(&self) -> Period {
        self.term
    }

    /// The longest possible term: the initial term plus every extension option.
    pub fn max_term(&self) -> Period {
        self.max_term
    }

    /// Every result with its goal, in document order.
    ///
    /// # Example
    ///
    /// ```
    /// use targets::model::Scope;
    /// use targets::Contract;
    ///
    /// let c = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN)?;
    /// let out_of_scope: Vec<&str> =
    ///     c.targets().filter(|(g, _)| g.scope == Scope::OutOfScope).map(|(_, t)| t.id.as_str()).collect();
    /// assert_eq!(out_of_scope, ["5-agreement", "oos-driver", "oos-action-plan", "oos-inflow", "oos-bridging"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn targets(&self) -> impl Iterator<Item = (&Goal, &Target)> {
        self.doc
            .goals
            .iter()
            .flat_map(|g| g.results.iter().map(move |t| (g, t)))
    }

    /// The result with `id` and its goal.
    pub fn target(&self, id: &str) -> Option<(&Goal, &Target)> {
        self.targets().find(|(_, t)| t.id == id)
    }

    /// The periods of the observation with `id` (empty for an unknown id).
    pub fn observed_periods(&self, id: &str) -> &[Period] {
        self.observed.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The schedule of the result with `id` (empty for an unknown id).
    pub fn schedule(&self, id: &str) -> &[ScheduleItem] {
        self.schedules.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The dimension values a result is judged for: region, provider or segment ids, or
    /// [`OVERALL`].
    pub fn dimension_values(&self, dimension: Dimension) -> Vec<String> {
        dimension_values(&self.doc, dimension)
    }

    /// The facts of a provider (empty when the provider is not listed).
    pub fn provider_facts(&self, provider: &str) -> BTreeMap<String, Decimal> {
        self.doc
            .providers
            .iter()
            .find(|p| p.id == provider)
            .map(|p| p.facts.clone())
            .unwrap_or_default()
    }

    /// The baseline period of a result: its own computed period, or the contract's.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] when the period does not resolve (validation prevents it).
    pub fn baseline_period(&self, baseline: &Baseline) -> Result<Option<Period>, Error> {
        let spec = match baseline {
            Baseline::Computed { period: Some(p) } => Some(p),
            _ => self.doc.baseline_period.as_ref(),
        };
        spec.map(|s| s.resolve(self.doc.start)).transpose()
    }

    /// The ids selected by a result selection, in document order.
    ///
    /// # Example
    ///
    /// ```
    /// use targets::model::ResultSelection;
    /// use targets::Contract;
    ///
    /// let c = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN)?;
    /// let in_scope = c.select(&ResultSelection::AllInScope);
    /// assert_eq!(in_scope.len(), 10); // the out-of-scope goals' five results are left out
    /// assert_eq!(in_scope[0], "1-extensions");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn select(&self, selection: &ResultSelection) -> Vec<String> {
        match selection {
            ResultSelection::Ids(ids) => ids.clone(),
            ResultSelection::AllInScope => self
                .targets()
                .filter(|(g, _)| g.scope == Scope::InScope)
                .map(|(_, t)| t.id.clone())
                .collect(),
        }
    }
}

/// How deep conditions may nest (`all`, `any`, `not`), whether the contract is read from
/// JSON or built in code. JSON itself is refused by the parser beyond 128 levels.
pub const MAX_NESTING: usize = 32;

/// How many results a contract may have.
pub const MAX_RESULTS: usize = 10_000;

/// The nesting depth of a JSON value (a scalar is 0).
pub(super) fn json_depth(v: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            Value::Object(o) => stack.extend(o.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    deepest
}
