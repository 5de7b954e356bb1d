//! The validated contract: loading, validation and the schedule of every result.

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
}

impl ScheduleItem {
    /// The period judged, if the item has one.
    pub fn period(&self) -> Option<Period> {
        match self {
            ScheduleItem::Bound { period, .. }
            | ScheduleItem::Step { period, .. }
            | ScheduleItem::Milestone { period, .. } => Some(*period),
            ScheduleItem::Deadline { .. } => None,
        }
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
            Some((term, max_term, schedules)) if v.problems.is_empty() => Ok(Contract {
                doc,
                term,
                max_term,
                schedules,
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
    /// assert_eq!(out_of_scope, ["oos-driver", "oos-action-plan", "oos-inflow", "oos-bridging"]);
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

    /// The schedule of the result with `id` (empty for an unknown id).
    pub fn schedule(&self, id: &str) -> &[ScheduleItem] {
        self.schedules.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The dimension values a result is judged for: region ids, provider ids, or
    /// [`OVERALL`].
    pub fn dimension_values(&self, dimension: Dimension) -> Vec<String> {
        match dimension {
            Dimension::Overall => vec![OVERALL.to_owned()],
            Dimension::PerRegion => self.doc.regions.iter().map(|r| r.id.clone()).collect(),
            Dimension::PerProvider => self.doc.providers.iter().map(|p| p.id.clone()).collect(),
        }
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
    /// assert_eq!(in_scope.len(), 7); // the out-of-scope goal's four results are left out
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
fn json_depth(v: &Value) -> usize {
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

/// Deserializes the document piece by piece, so that every goal, result and consequence
/// reports its own first problem.
fn decode(mut value: Value) -> Result<ContractDoc, Vec<Problem>> {
    let mut problems = Vec::new();
    let Value::Object(map) = &mut value else {
        return Err(vec![Problem {
            path: "$".to_owned(),
            message: "a contract is a JSON object".to_owned(),
        }]);
    };
    match map.get("format_version") {
        Some(v) if v.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
        Some(v) => problems.push(Problem {
            path: "$.format_version".to_owned(),
            message: format!("unsupported format version {v}; this crate reads {FORMAT_VERSION}"),
        }),
        None => problems.push(Problem {
            path: "$".to_owned(),
            message: "missing field `format_version`".to_owned(),
        }),
    }
    // Keep the version readable by the header pass even when it is wrong.
    map.insert("format_version".to_owned(), Value::from(FORMAT_VERSION));
    let goals = map.insert("goals".to_owned(), Value::Array(Vec::new()));
    let consequences = map.insert("consequences".to_owned(), Value::Array(Vec::new()));
    if goals.is_none() {
        problems.push(Problem {
            path: "$".to_owned(),
            message: "missing field `goals`".to_owned(),
        });
    }
    let header: Option<ContractDoc> = piece(value, "$", &mut problems);

    let mut decoded_goals = Vec::new();
    for (i, mut g) in array(goals, "$.goals", &mut problems)
        .into_iter()
        .enumerate()
    {
        let path = format!("$.goals[{i}]");
        let results = match &mut g {
            Value::Object(m) => m.insert("results".to_owned(), Value::Array(Vec::new())),
            _ => None,
        };
        let goal: Option<Goal> = piece(g, &path, &mut problems);
        let mut decoded = Vec::new();
        for (j, r) in array(results, &format!("{path}.results"), &mut problems)
            .into_iter()
            .enumerate()
        {
            if let Some(t) = piece::<Target>(r, &format!("{path}.results[{j}]"), &mut problems) {
                decoded.push(t);
            }
        }
        if let Some(mut goal) = goal {
            goal.results = decoded;
            decoded_goals.push(goal);
        }
    }
    let mut decoded_consequences = Vec::new();
    for (i, c) in array(consequences, "$.consequences", &mut problems)
        .into_iter()
        .enumerate()
    {
        if let Some(c) = piece::<Consequence>(c, &format!("$.consequences[{i}]"), &mut problems) {
            decoded_consequences.push(c);
        }
    }
    match header {
        Some(mut doc) if problems.is_empty() => {
            doc.goals = decoded_goals;
            doc.consequences = decoded_consequences;
            Ok(doc)
        }
        _ => Err(problems),
    }
}

fn array(v: Option<Value>, path: &str, problems: &mut Vec<Problem>) -> Vec<Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(other) => {
            problems.push(Problem {
                path: path.to_owned(),
                message: format!("expected an array, found {}", kind_of(&other)),
            });
            Vec::new()
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn piece<T: serde::de::DeserializeOwned>(
    mut v: Value,
    base: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    // An unknown field is reported, removed, and the piece decoded again, so that one
    // typo does not hide the next problem. Other errors end the piece.
    for _ in 0..32 {
        match piece_once::<T>(&v, base) {
            Ok(t) => return (!problems.iter().any(|p| p.path.starts_with(base))).then_some(t),
            Err((problem, unknown)) => {
                problems.push(problem);
                match unknown.and_then(|pointer| remove_pointer(&mut v, &pointer)) {
                    Some(()) => continue,
                    None => return None,
                }
            }
        }
    }
    None
}

fn remove_pointer(v: &mut Value, pointer: &str) -> Option<()> {
    let (parent, key) = pointer.rsplit_once('/')?;
    v.pointer_mut(parent)?
        .as_object_mut()?
        .remove(key)
        .map(|_| ())
}

/// One attempt; on error the problem and, for an unknown field, its JSON pointer.
fn piece_once<T: serde::de::DeserializeOwned>(
    v: &Value,
    base: &str,
) -> Result<T, (Problem, Option<String>)> {
    // Keep a copy to point into: serde cannot follow a path inside an internally tagged
    // enum, so the path it reports may stop at the tagged object.
    let copy = v;
    match serde_path_to_error::deserialize::<_, T>(v.clone()) {
        Ok(t) => Ok(t),
        Err(e) => {
            let mut pointer = String::new();
            let mut path = base.to_owned();
            let mut node = Some(copy);
            for seg in e.path().iter() {
                node = match (node, seg) {
                    (Some(Value::Array(a)), serde_path_to_error::Segment::Seq { index }) => {
                        pointer.push_str(&format!("/{index}"));
                        a.get(*index)
                    }
                    (Some(Value::Object(m)), serde_path_to_error::Segment::Map { key }) => {
                        pointer
                            .push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1")));
                        m.get(key)
                    }
                    _ => None,
                };
                match seg {
                    serde_path_to_error::Segment::Seq { index } => {
                        path.push_str(&format!("[{index}]"))
                    }
                    serde_path_to_error::Segment::Map { key } => {
                        path.push('.');
                        path.push_str(key);
                    }
                    serde_path_to_error::Segment::Enum { variant } => {
                        path.push('.');
                        path.push_str(variant);
                    }
                    serde_path_to_error::Segment::Unknown => {}
                }
            }
            let message = e.into_inner().to_string();
            if let Some(rest) = node.and_then(|n| locate(n, &message)) {
                path.push_str(&rest);
            }
            // serde reports an unknown field at the field itself, except inside tagged
            // enums, where `locate` found it; either way the path ends in the key.
            let unknown = message.starts_with("unknown field").then(|| {
                let key = path.rsplit('.').next().unwrap_or_default().to_owned();
                if pointer.ends_with(&format!("/{key}")) {
                    pointer.clone()
                } else {
                    format!("{pointer}/{key}")
                }
            });
            Err((Problem { path, message }, unknown))
        }
    }
}

/// Finds, inside a tagged object, the value or key that a serde message names, and
/// returns its path relative to the object (document order, first match).
fn locate(node: &Value, message: &str) -> Option<String> {
    if !matches!(node, Value::Object(m) if m.contains_key("kind") || m.contains_key("name")) {
        return None;
    }
    let between = |open: &str, close: char| -> Option<String> {
        let start = message.find(open)? + open.len();
        let len = message[start..].find(close)?;
        Some(message[start..start + len].to_owned())
    };
    if message.starts_with("unknown field") {
        let key = between("`", '`')?;
        return find(node, &mut |k, _| k == Some(key.as_str()));
    }
    if message.starts_with("missing field") {
        return None;
    }
    let token = between("`", '`').or_else(|| between("\"", '"'))?;
    find(node, &mut |k, v| {
        k != Some("kind")
            && k != Some("name")
            && match v {
                Value::String(s) => *s == token,
                Value::Number(n) => n.to_string() == token,
                Value::Bool(b) => b.to_string() == token,
                _ => false,
            }
    })
}

fn find(node: &Value, hit: &mut dyn FnMut(Option<&str>, &Value) -> bool) -> Option<String> {
    match node {
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            if hit(Some(k), v) {
                Some(format!(".{k}"))
            } else {
                find(v, hit).map(|rest| format!(".{k}{rest}"))
            }
        }),
        Value::Array(a) => a.iter().enumerate().find_map(|(i, v)| {
            if hit(None, v) {
                Some(format!("[{i}]"))
            } else {
                find(v, hit).map(|rest| format!("[{i}]{rest}"))
            }
        }),
        _ => None,
    }
}

type Built = (Period, Period, BTreeMap<String, Vec<ScheduleItem>>);

struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn unique<'a>(&mut self, what: &str, items: impl Iterator<Item = (String, &'a str)>) {
        let mut seen = BTreeSet::new();
        for (path, id) in items {
            if id.trim().is_empty() {
                self.problem(path, format!("{what} id is empty"));
            } else if !seen.insert(id) {
                self.problem(path, format!("duplicate {what} id `{id}`"));
            }
        }
    }

    fn contract(&mut self, doc: &ContractDoc) -> Option<Built> {
        let results: usize = doc.goals.iter().map(|g| g.results.len()).sum();
        if results > MAX_RESULTS {
            self.problem(
                "$.goals",
                format!("the contract has {results} results; at most {MAX_RESULTS} are allowed"),
            );
        }
        for (name, def) in &doc.custom_indicators {
            let depth = json_depth(def);
            if depth > MAX_NESTING * 2 {
                self.problem(
                    format!("$.custom_indicators.{name}"),
                    format!(
                        "the definition nests {depth} levels deep; at most {} are allowed",
                        MAX_NESTING * 2
                    ),
                );
            }
        }
        if doc.format_version != FORMAT_VERSION {
            self.problem(
                "$.format_version",
                format!(
                    "unsupported format version {}; this crate reads {FORMAT_VERSION}",
                    doc.format_version
                ),
            );
        }
        if doc.initial_term_years == 0 {
            self.problem(
                "$.initial_term_years",
                "the initial term must be at least one year",
            );
        }
        let ext = doc.extension.unwrap_or(crate::model::Extension {
            times: 0,
            years_each: 0,
            exercised: 0,
        });
        if ext.exercised > ext.times {
            self.problem(
                "$.extension.exercised",
                format!(
                    "{} extensions exercised but only {} allowed",
                    ext.exercised, ext.times
                ),
            );
        }
        let years = |n: u32| -> Option<NaiveDate> {
            doc.start
                .checked_add_months(Months::new(n.checked_mul(12)?))
        };
        let term_years = doc
            .initial_term_years
            .saturating_add(ext.exercised.min(ext.times).saturating_mul(ext.years_each));
        let max_years = doc
            .initial_term_years
            .saturating_add(ext.times.saturating_mul(ext.years_each));
        let term = years(term_years).and_then(|e| Period::new(doc.start, e).ok());
        let max_term = years(max_years).and_then(|e| Period::new(doc.start, e).ok());
        if term.is_none() || max_term.is_none() {
            self.problem(
                "$.initial_term_years",
                "the term does not fit in the calendar",
            );
        }

        self.unique(
            "region",
            doc.regions
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("$.regions[{i}].id"), r.id.as_str())),
        );
        self.unique(
            "provider",
            doc.providers
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("$.providers[{i}].id"), p.id.as_str())),
        );
        self.unique(
            "goal",
            doc.goals
                .iter()
                .enumerate()
                .map(|(i, g)| (format!("$.goals[{i}].id"), g.id.as_str())),
        );
        self.unique(
            "result",
            doc.goals.iter().enumerate().flat_map(|(i, g)| {
                g.results
                    .iter()
                    .enumerate()
                    .map(move |(j, t)| (format!("$.goals[{i}].results[{j}].id"), t.id.as_str()))
            }),
        );
        self.unique(
            "consequence",
            doc.consequences
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("$.consequences[{i}].id"), c.id())),
        );
        if let Some(b) = &doc.baseline_period {
            if let Err(e) = b.resolve(doc.start) {
                self.problem("$.baseline_period", e.to_string());
            }
        }

        let (term, max_term) = (term?, max_term?);
        let mut schedules = BTreeMap::new();
        for (i, g) in doc.goals.iter().enumerate() {
            for (j, t) in g.results.iter().enumerate() {
                let path = format!("$.goals[{i}].results[{j}]");
                let s = self.target(doc, term, t, &path);
                schedules.insert(t.id.clone(), s);
            }
        }
        let result_ids: BTreeSet<&str> = doc
            .goals
            .iter()
            .flat_map(|g| g.results.iter().map(|t| t.id.as_str()))
            .collect();
        for (i, c) in doc.consequences.iter().enumerate() {
            let path = format!("$.consequences[{i}].condition");
            let cond = c.condition();
            let selected = match cond.selection() {
                ResultSelection::Ids(ids) => {
                    for (k, id) in ids.iter().enumerate() {
                        if !result_ids.contains(id.as_str()) {
                            self.problem(
                                format!("{path}.results.ids[{k}]"),
                                format!("no result has id `{id}`"),
                            );
                        }
                    }
                    ids.len()
                }
                ResultSelection::AllInScope => doc
                    .goals
                    .iter()
                    .filter(|g| g.scope == Scope::InScope)
                    .map(|g| g.results.len())
                    .sum(),
            };
            match cond {
                VerdictCondition::AtLeast { met, .. } if *met as usize > selected => self.problem(
                    format!("{path}.met"),
                    format!("asks {met} results met out of {selected} selected"),
                ),
                VerdictCondition::PersistentNotMet { months: 0, .. } => self.problem(
                    format!("{path}.months"),
                    "a failure that persists lasts at least one month",
                ),
                VerdictCondition::ShareMet { percent, .. }
                    if percent.into_inner() < Decimal::ZERO
                        || percent.into_inner() > Decimal::ONE_HUNDRED =>
                {
                    self.problem(
                        format!("{path}.percent"),
                        format!("{percent} is not between 0 % and 100 %"),
                    )
                }
                _ => {}
            }
            if let Consequence::BonusTranche { amount, .. } = c {
                if matches!(cond, VerdictCondition::PersistentNotMet { .. }) {
                    self.problem(
                        format!("{path}.kind"),
                        "a tranche is paid on results met; a persistent failure is a condition for an escalation",
                    );
                }
                if amount.into_inner() < Decimal::ZERO {
                    self.problem(
                        format!("$.consequences[{i}].amount"),
                        "a tranche amount cannot be negative",
                    );
                }
            }
        }
        Some((term, max_term, schedules))
    }

    fn target(
        &mut self,
        doc: &ContractDoc,
        term: Period,
        t: &Target,
        path: &str,
    ) -> Vec<ScheduleItem> {
        let start = doc.start;
        match t.dimension {
            Dimension::PerRegion if doc.regions.is_empty() => self.problem(
                format!("{path}.dimension"),
                "judged per region but the contract lists no regions",
            ),
            Dimension::PerProvider if doc.providers.is_empty() => self.problem(
                format!("{path}.dimension"),
                "judged per provider but the contract lists no providers",
            ),
            _ => {}
        }
        if let Some(depth) = t.applies_to.as_ref().map(crate::model::Condition::depth) {
            if depth > MAX_NESTING {
                self.problem(
                    format!("{path}.applies_to"),
                    format!(
                        "the condition nests {depth} levels deep; at most {MAX_NESTING} are allowed"
                    ),
                );
            }
        }
        if t.applies_to.is_some()
            && t.dimension != Dimension::PerProvider
            && !doc.providers.iter().any(|p| p.id == doc.contractor)
        {
            self.problem(
                format!("{path}.applies_to"),
                format!("the condition needs the facts of the contractor `{}`, which is not in `providers`", doc.contractor),
            );
        }
        if let IndicatorRef::Custom { indicator, .. } = &t.indicator {
            if !doc.custom_indicators.contains_key(indicator) {
                self.problem(
                    format!("{path}.indicator.indicator"),
                    format!("no custom indicator `{indicator}` is defined"),
                );
            }
        }
        let rpath = format!("{path}.rule");
        let mut out = Vec::new();
        match &t.rule {
            Rule::Bound {
                bound,
                bounds,
                periods,
                valid_from,
                valid_until,
                ..
            } => {
                self.not_a_date_indicator(t, path);
                let from = valid_from.unwrap_or(start);
                let until = valid_until.unwrap_or(term.end());
                let window = Period::new(from, until).ok();
                match (bound, bounds.is_empty()) {
                    (Some(_), false) => {
                        self.problem(&rpath, "give either `bound` or `bounds`, not both")
                    }
                    (None, true) => self.problem(&rpath, "give `bound` or `bounds`"),
                    (Some(b), true) => {
                        let ps = match periods
                            .as_ref()
                            .unwrap_or(&Periods::Each(PeriodUnit::CalendarYear))
                        {
                            Periods::Each(unit) => match window {
                                Some(w) => w.split(*unit, start).unwrap_or_else(|e| {
                                    self.problem(format!("{rpath}.periods"), e.to_string());
                                    Vec::new()
                                }),
                                None => Vec::new(),
                            },
                            Periods::Window => window.into_iter().collect(),
                            Periods::List(list) => list
                                .iter()
                                .enumerate()
                                .filter_map(|(k, s)| match s.resolve(start) {
                                    Ok(p) => Some(p),
                                    Err(e) => {
                                        self.problem(
                                            format!("{rpath}.periods.list[{k}]"),
                                            e.to_string(),
                                        );
                                        None
                                    }
                                })
                                .collect(),
                        };
                        out.extend(
                            ps.into_iter()
                                .map(|period| ScheduleItem::Bound { period, bound: *b }),
                        );
                    }
                    (None, false) => {
                        if periods.is_some() {
                            self.problem(
                                format!("{rpath}.periods"),
                                "`bounds` name their own periods; leave out `periods`",
                            );
                        }
                        for (k, pb) in bounds.iter().enumerate() {
                            match pb.period.resolve(start) {
                                Ok(period) => out.push(ScheduleItem::Bound {
                                    period,
                                    bound: pb.value,
                                }),
                                Err(e) => self
                                    .problem(format!("{rpath}.bounds[{k}].period"), e.to_string()),
                            }
                        }
                    }
                }
            }
            Rule::SteppedChange {
                convention,
                unit,
                baseline,
                steps,
                stated_total,
                ..
            } => {
                self.not_a_date_indicator(t, path);
                self.unit(t, *unit, Some(*convention), &rpath);
                self.baseline(doc, t, baseline, &rpath);
                if steps.is_empty() {
                    self.problem(
                        format!("{rpath}.steps"),
                        "a stepped change needs at least one step",
                    );
                }
                for (k, s) in steps.iter().enumerate() {
                    if s.change.into_inner() < Decimal::ZERO {
                        self.problem(
                            format!("{rpath}.steps[{k}].change"),
                            "a step is a magnitude; give the direction in `direction`",
                        );
                    }
                    match s.period.resolve(start) {
                        Ok(period) => out.push(ScheduleItem::Step { period, index: k }),
                        Err(e) => self.problem(format!("{rpath}.steps[{k}].period"), e.to_string()),
                    }
                }
                if let Some(st) = stated_total {
                    if st.value.into_inner() < Decimal::ZERO {
                        self.problem(
                            format!("{rpath}.stated_total.value"),
                            "a total is a magnitude",
                        );
                    }
                }
            }
            Rule::Milestone {
                unit,
                baseline,
                window_months,
                points,
                ..
            } => {
                self.not_a_date_indicator(t, path);
                self.unit(t, *unit, None, &rpath);
                self.baseline(doc, t, baseline, &rpath);
                let months = window_months.unwrap_or(12);
                if months == 0 {
                    self.problem(
                        format!("{rpath}.window_months"),
                        "the window must be at least one month",
                    );
                }
                if points.is_empty() {
                    self.problem(
                        format!("{rpath}.points"),
                        "a milestone needs at least one point",
                    );
                }
                for (k, p) in points.iter().enumerate() {
                    if p.change.into_inner() < Decimal::ZERO {
                        self.problem(
                            format!("{rpath}.points[{k}].change"),
                            "a change is a magnitude",
                        );
                    }
                    let from = p.by.checked_sub_months(Months::new(months.max(1)));
                    match from.map(|f| Period::new(f, p.by)) {
                        Some(Ok(period)) => out.push(ScheduleItem::Milestone { period, index: k }),
                        _ => self.problem(
                            format!("{rpath}.points[{k}].by"),
                            "the window does not fit in the calendar",
                        ),
                    }
                }
            }
            Rule::Deadline {
                deliverable,
                on_or_before,
            } => {
                match &t.indicator {
                    IndicatorRef::DeliveredOn { deliverable: d } if d == deliverable => {}
                    _ => self.problem(
                        format!("{path}.indicator"),
                        format!("a deadline judges `delivered_on` of `{deliverable}`"),
                    ),
                }
                if deliverable.trim().is_empty() {
                    self.problem(
                        format!("{rpath}.deliverable"),
                        "the deliverable has no name",
                    );
                }
                out.push(ScheduleItem::Deadline { due: *on_or_before });
            }
        }
        out
    }

    fn not_a_date_indicator(&mut self, t: &Target, path: &str) {
        if matches!(t.indicator, IndicatorRef::DeliveredOn { .. }) {
            self.problem(
                format!("{path}.indicator"),
                "`delivered_on` is a date; judge it with a `deadline` rule",
            );
        }
    }

    fn unit(
        &mut self,
        t: &Target,
        unit: Option<StepUnit>,
        convention: Option<Convention>,
        rpath: &str,
    ) {
        if unit == Some(StepUnit::PercentagePoints) {
            if !t.indicator.is_rate() {
                self.problem(
                    format!("{rpath}.unit"),
                    format!(
                        "percentage points apply to rates; `{}` is not a rate",
                        t.indicator.key()
                    ),
                );
            }
            if convention == Some(Convention::Compound) {
                self.problem(
                    format!("{rpath}.unit"),
                    "percentage points add up; they cannot be compounded",
                );
            }
        }
    }

    fn baseline(&mut self, doc: &ContractDoc, t: &Target, b: &Baseline, rpath: &str) {
        match b {
            Baseline::Declared { values, .. } => {
                let allowed: BTreeSet<String> = match t.dimension {
                    Dimension::Overall => BTreeSet::from([OVERALL.to_owned()]),
                    Dimension::PerRegion => doc.regions.iter().map(|r| r.id.clone()).collect(),
                    Dimension::PerProvider => doc.providers.iter().map(|p| p.id.clone()).collect(),
                };
                for key in values.keys() {
                    if !allowed.contains(key) {
                        self.problem(
                            format!("{rpath}.baseline.values.{key}"),
                            format!("`{key}` is not a value of the dimension (expected one of: {})", join(&allowed)),
                        );
                    }
                }
                for (key, v) in values {
                    if *v < Decimal::ZERO {
                        self.problem(format!("{rpath}.baseline.values.{key}"), "a baseline cannot be negative");
                    }
                }
            }
            Baseline::Computed { period } => match period {
                Some(p) => {
                    if let Err(e) = p.resolve(doc.start) {
                        self.problem(format!("{rpath}.baseline.period"), e.to_string());
                    }
                }
                None if doc.baseline_period.is_none() => self.problem(
                    format!("{rpath}.baseline"),
                    "a computed baseline needs a period here or in the contract's `baseline_period`",
                ),
                None => {}
            },
        }
    }
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
