//! The contract document: the serde types of format version 1.
//!
//! These types are the public file format. They are plain data with public fields;
//! [`crate::Contract`] is the validated form that the rest of the project works with.
//! All names are snake_case, enums are internally tagged with `kind` (indicators with
//! `name`), decimals are strings, and unknown fields are rejected.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::change::{Convention, Direction, StepUnit};
use crate::num::{Money, Percent};
use crate::period::{PeriodSpec, PeriodUnit};

/// The format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A contract: parties, term, regions, providers, goals and consequences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContractDoc {
    /// Where the JSON Schema of this format is, for editors that validate as you type;
    /// not used by the crate, kept when the contract is written again.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Always [`FORMAT_VERSION`].
    pub format_version: u32,
    /// A stable identifier.
    pub id: String,
    /// A human title.
    pub title: String,
    /// Where the contract comes from (a document reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The buying party (opdrachtgever), usually a region of municipalities.
    pub client: String,
    /// The provider id of the contractor (opdrachtnemer).
    pub contractor: String,
    /// A reserve provider that may take over, if the contract names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_provider: Option<String>,
    /// The first day of the contract.
    pub start: NaiveDate,
    /// The initial term in whole years.
    pub initial_term_years: u32,
    /// Options to extend the term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Extension>,
    /// The regions per which results are judged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// The baseline period (peiljaar) that results refer to unless they name their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_period: Option<PeriodSpec>,
    /// The providers the contract concerns, with facts used by applicability conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<Provider>,
    /// Custom indicator definitions, by name. This crate keeps them as JSON; the
    /// `indicators` crate defines and checks their format.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_indicators: BTreeMap<String, serde_json::Value>,
    /// How reports name deliverables, metrics and custom indicators, per language: the
    /// key is the name used in the contract (`cost_price_analysis`), the value the words
    /// people read. Without a label a report writes the name with spaces.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, Label>,
    /// The fewest cases (the denominator of a rate, the count of a mean) a result is
    /// judged on, for every result that does not set its own: over fewer, a verdict is
    /// `insufficient_data` for a small group, never met or not met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_group_size: Option<u32>,
    /// The goals.
    pub goals: Vec<Goal>,
    /// What follows from the verdicts: bonus tranches and escalations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consequences: Vec<Consequence>,
    /// Numbers the contract monitors without judging them: history before the contract
    /// starts, a status the document reports, spending without a ceiling.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<Observation>,
    /// Tables of monitoring data the contract asks the provider for (000 §7: inflow per
    /// month with reason, outflow per month with destination, stay lengths in three
    /// bands), shown in reports beside the verdicts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitoring: Vec<Monitoring>,
    /// The contract segments (A, B, C, V …) that results judged `per_segment` are judged
    /// per: the declared values of the admissions' `segment`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<Segment>,
    /// The categories of providers (Rijnmond's A system providers, B performance
    /// providers, C flex providers) that results judged `per_provider_category` are
    /// judged per: each provider names its `category`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_categories: Vec<Segment>,
    /// More about the term than its length: lots with terms of their own, review dates,
    /// the date contracts must be signed by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<Term>,
    /// Numbers and dates in this contract that are samples or assumptions, not the
    /// document's: each a JSON Pointer into this document (`/goals/0/results/1/rule/bound`)
    /// with why. Every verdict and consequence that rests on one is marked in reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<SampleMark>,
    /// Free remarks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A number monitored, not judged: its value per period, beside what the document states
/// for the period, if anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// A stable identifier, unique among results and observations.
    pub id: String,
    /// A human title.
    pub title: String,
    /// What is observed.
    pub indicator: IndicatorRef,
    /// Per which dimension (default overall).
    #[serde(default = "overall_dimension", skip_serializing_if = "is_overall")]
    pub dimension: Dimension,
    /// The periods observed.
    pub periods: Vec<PeriodSpec>,
    /// What the document states for some of the periods (a budget, a status), shown
    /// beside the measured value and never compared with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stated: Vec<PeriodBound>,
    /// What the stated numbers are, such as `budget (begroting)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated_as: Option<String>,
    /// The source text, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Remarks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn overall_dimension() -> Dimension {
    Dimension::Overall
}

fn is_overall(d: &Dimension) -> bool {
    *d == Dimension::Overall
}

/// A table of monitoring data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    /// Which table.
    pub table: MonitoringTable,
    /// The source text, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// The tables of monitoring data a report can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MonitoringTable {
    /// Admissions per month by admission reason.
    InflowByReason,
    /// Discharges per month by destination.
    OutflowByDestination,
    /// Stays discharged per calendar year in three bands of net stay days: under 6
    /// weeks, 6 to 30 weeks, over 30 weeks.
    StayLengthBands,
}

/// A contract segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// The value admissions carry in `segment`.
    pub id: String,
    /// A human name.
    pub name: String,
}

/// The term in detail.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Lots (percelen) whose term differs from the contract's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<Lot>,
    /// Dates on which the parties review or may end the contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review_dates: Vec<ReviewDate>,
    /// The day by which contracts must be signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_by: Option<NaiveDate>,
    /// Remarks: continuity when signing slips, rights to end the contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A lot (perceel) or a later phase with a term of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Lot {
    /// A stable identifier.
    pub id: String,
    /// A human title.
    pub title: String,
    /// Its first day (default: the contract start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// The lot's initial term in whole years.
    pub initial_term_years: u32,
    /// The lot's options to extend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Extension>,
}

/// A dated moment in the term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewDate {
    /// The day.
    pub date: NaiveDate,
    /// What happens then.
    pub what: String,
}

/// A number or date of the contract that is a sample or an assumption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SampleMark {
    /// A JSON Pointer (RFC 6901) into the contract document: the number, date or the
    /// object holding them (`/consequences/0/amount`, `/goals/1/results/0/rule/baseline`).
    pub at: String,
    /// Why it is a sample, or what it assumes.
    pub note: String,
}

/// The words for a name, per language; a language without words falls back to the other,
/// then to the name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// English, such as `cost-price analysis`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    /// Dutch, such as `kostprijsanalyse`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nl: Option<String>,
}

/// Options to extend a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// How many times the term may be extended.
    pub times: u32,
    /// Years added by each extension.
    pub years_each: u32,
    /// How many extensions have been exercised so far.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub exercised: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// The id used in events and baselines.
    pub id: String,
    /// A human name.
    pub name: String,
}

/// A provider and the facts conditions may refer to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// The id used in events.
    pub id: String,
    /// A human name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Named decimal facts, such as `contract_value` in euros.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, Decimal>,
    /// The provider's category, one of the contract's `provider_categories`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// Whether a goal is the provider's contractual duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The provider's duty: enforceable.
    InScope,
    /// The client's own goal: monitored, not enforceable against the provider.
    OutOfScope,
}

/// A goal (doel) with its results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// A stable identifier, unique in the contract.
    pub id: String,
    /// A human title.
    pub title: String,
    /// In or out of the provider's scope.
    pub scope: Scope,
    /// The measurable results.
    pub results: Vec<Target>,
    /// Free remarks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A measurable result (resultaat) under a goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// A stable identifier, unique in the contract.
    pub id: String,
    /// A human title.
    pub title: String,
    /// The indicator it judges.
    pub indicator: IndicatorRef,
    /// Per which dimension it is judged.
    pub dimension: Dimension,
    /// Only providers whose facts satisfy this condition are bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Condition>,
    /// The fewest cases this result's rates and means are judged on; the contract's
    /// `min_group_size` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_group_size: Option<u32>,
    /// How it is judged.
    pub rule: Rule,
    /// For a rate over stays: name in each verdict the stays that count against it (the
    /// starts without an approval), so that a contract manager can act on each one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub name_cases: bool,
    /// The contract's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Free remarks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The indicator a result judges, with its parameters.
///
/// Rates (`share_stays_over_30_weeks`, `extension_rate`, `recidivism_rate`, and custom or
/// measured indicators marked `rate`) are expressed in percent throughout a contract:
/// bounds, baselines and steps.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "name", rename_all = "snake_case", deny_unknown_fields)]
pub enum IndicatorRef {
    /// Admissions dated in the period.
    Inflow,
    /// Discharges dated in the period.
    Outflow,
    /// Discharges in the period whose stay reached its treatment goals.
    SuccessfulOutflow,
    /// Mean net stay days of the stays discharged in the period.
    MeanStayDays,
    /// Share of stays discharged in the period with more than 210 net stay days (a rate).
    #[serde(rename = "share_stays_over_30_weeks")]
    ShareStaysOver30Weeks,
    /// Bridging days inside the period.
    BridgingDays,
    /// Share of stays admitted in the period extended because goals were not reached (a rate).
    ExtensionRate,
    /// Readmissions within six months after reaching the goals, per discharge (a rate).
    RecidivismRate,
    /// Drop-out: of the discharges in the period with an iJw reason for ending (JZ588),
    /// the share that ended early (a rate).
    DropOutRate,
    /// Goal realisation: of the discharges in the period, the share whose treatment goals
    /// were reached (a rate).
    GoalRealisationRate,
    /// Mean waiting days from referral (aanmelding) to admission, over the admissions in
    /// the period that took a referral.
    MeanWaitingDays {
        /// Only referrals of this urgency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        urgency: Option<Urgency>,
    },
    /// Of the admissions in the period that took a referral, the share that started
    /// within `days` days of it (a rate). Crisis help within 24 hours: `days` 1,
    /// `urgency` crisis.
    ShareStartedWithin {
        /// The most waiting days that count as in time.
        days: u32,
        /// Only referrals of this urgency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        urgency: Option<Urgency>,
    },
    /// Waiting days at a percentile (nearest rank, 1 to 100) of the admissions in the
    /// period that took a referral.
    WaitingDaysPercentile {
        /// 1 to 100.
        percentile: u32,
        /// Only referrals of this urgency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        urgency: Option<Urgency>,
    },
    /// The highest tariff in force on any day of the period.
    MaxTariff {
        /// Only tariffs in this unit (`day`, `hour`, `month`, …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// The earliest delivery date of a named deliverable.
    DeliveredOn {
        /// The deliverable's name, such as `cost_price_analysis`.
        deliverable: String,
    },
    /// The latest measurement of a metric in the period.
    Measured {
        /// The metric's name.
        metric: String,
        /// Whether the metric is a rate in percent.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        rate: bool,
        /// What the measured values count in, so that reports show them as such: euros
        /// (`eur`, `million_eur`), `days`, `weeks`, a `count` or a `score`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<MetricUnit>,
        /// For a score: the top of its scale (a satisfaction score out of 10). Bounds must
        /// lie on the scale.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<Decimal>,
    },
    /// A periodic report a provider owes (a reporting duty): judged with a `reporting`
    /// rule from `report_submitted` and `reported_client` events.
    Report {
        /// The report's name, as the events name it.
        report: String,
    },
    /// A custom indicator defined in the contract's `custom_indicators`.
    Custom {
        /// The key in `custom_indicators`.
        indicator: String,
        /// Whether the indicator is a rate (its value is shown and judged in percent).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        rate: bool,
    },
}

impl IndicatorRef {
    /// Whether the indicator is a rate, so that a step on it needs an explicit unit.
    ///
    /// # Example
    ///
    /// ```
    /// use targets::model::IndicatorRef;
    ///
    /// assert!(IndicatorRef::RecidivismRate.is_rate());
    /// assert!(!IndicatorRef::MeanStayDays.is_rate());
    /// let custom = IndicatorRef::Custom { indicator: "drop_out".into(), rate: true };
    /// assert!(custom.is_rate());
    /// assert_eq!(custom.key(), "custom(drop_out)");
    /// ```
    pub fn is_rate(&self) -> bool {
        match self {
            IndicatorRef::ShareStaysOver30Weeks
            | IndicatorRef::ExtensionRate
            | IndicatorRef::RecidivismRate
            | IndicatorRef::DropOutRate
            | IndicatorRef::GoalRealisationRate
            | IndicatorRef::ShareStartedWithin { .. } => true,
            IndicatorRef::Measured { rate, .. } | IndicatorRef::Custom { rate, .. } => *rate,
            _ => false,
        }
    }

    /// A stable key naming the indicator and its parameters, as used in reports.
    pub fn key(&self) -> String {
        match self {
            IndicatorRef::Inflow => "inflow".to_owned(),
            IndicatorRef::Outflow => "outflow".to_owned(),
            IndicatorRef::SuccessfulOutflow => "successful_outflow".to_owned(),
            IndicatorRef::MeanStayDays => "mean_stay_days".to_owned(),
            IndicatorRef::ShareStaysOver30Weeks => "share_stays_over_30_weeks".to_owned(),
            IndicatorRef::BridgingDays => "bridging_days".to_owned(),
            IndicatorRef::ExtensionRate => "extension_rate".to_owned(),
            IndicatorRef::RecidivismRate => "recidivism_rate".to_owned(),
            IndicatorRef::DropOutRate => "drop_out_rate".to_owned(),
            IndicatorRef::GoalRealisationRate => "goal_realisation_rate".to_owned(),
            IndicatorRef::MeanWaitingDays { urgency } => {
                with_urgency("mean_waiting_days".to_owned(), *urgency)
            }
            IndicatorRef::ShareStartedWithin { days, urgency } => {
                with_urgency(format!("share_started_within({days}"), *urgency) + ")"
            }
            IndicatorRef::WaitingDaysPercentile {
                percentile,
                urgency,
            } => with_urgency(format!("waiting_days_percentile({percentile}"), *urgency) + ")",
            IndicatorRef::MaxTariff { unit: None } => "max_tariff".to_owned(),
            IndicatorRef::MaxTariff { unit: Some(u) } => format!("max_tariff({u})"),
            IndicatorRef::DeliveredOn { deliverable } => format!("delivered_on({deliverable})"),
            IndicatorRef::Measured { metric, .. } => format!("measured({metric})"),
            IndicatorRef::Report { report } => format!("report({report})"),
            IndicatorRef::Custom { indicator, .. } => format!("custom({indicator})"),
        }
    }
}

/// The unit of a measured metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MetricUnit {
    /// Euros.
    Eur,
    /// Millions of euros.
    MillionEur,
    /// Days.
    Days,
    /// Weeks.
    Weeks,
    /// A number of things or people.
    Count,
    /// A score on a scale (see `scale`).
    Score,
}

/// How urgent a referral is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// A regular referral.
    Regular,
    /// A crisis.
    Crisis,
}

impl Urgency {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Regular => "regular",
            Urgency::Crisis => "crisis",
        }
    }
}

/// `name` with the urgency as a parameter: `name(crisis)`, or `name(7, crisis)` when
/// `name` already opened its parameters.
fn with_urgency(name: String, urgency: Option<Urgency>) -> String {
    match (urgency, name.ends_with(')') || !name.contains('(')) {
        (None, _) => name,
        (Some(u), true) => format!("{name}({})", u.as_str()),
        (Some(u), false) => format!("{name}, {}", u.as_str()),
    }
}

/// Per which dimension a result is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Once, over everything.
    Overall,
    /// Once per region of the contract.
    PerRegion,
    /// Once per provider of the contract.
    PerProvider,
    /// Once per segment of the contract (`segments`), from the admissions' `segment`.
    PerSegment,
    /// Once per provider category of the contract (`provider_categories`), from the
    /// provider of each stay and the category the contract gives it.
    PerProviderCategory,
}

/// The dimension value of [`Dimension::Overall`] in baselines and reports.
pub const OVERALL: &str = "overall";

/// A comparison of a value with a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum BoundOp {
    /// At most (niet hoger dan).
    #[serde(rename = "<=")]
    AtMost,
    /// Below.
    #[serde(rename = "<")]
    Below,
    /// At least (minimaal).
    #[serde(rename = ">=")]
    AtLeast,
    /// Above.
    #[serde(rename = ">")]
    Above,
}

impl BoundOp {
    /// Whether `ord` (value compared with bound) satisfies the comparison.
    ///
    /// # Example: exactly at the bound
    ///
    /// ```
    /// use std::cmp::Ordering;
    /// use targets::model::BoundOp;
    ///
    /// assert!(BoundOp::AtMost.holds(Ordering::Equal));
    /// assert!(BoundOp::AtLeast.holds(Ordering::Equal));
    /// assert!(!BoundOp::Below.holds(Ordering::Equal));
    /// assert!(!BoundOp::AtMost.holds(Ordering::Greater));
    /// ```
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            BoundOp::AtMost => ord != Greater,
            BoundOp::Below => ord == Less,
            BoundOp::AtLeast => ord != Less,
            BoundOp::Above => ord == Greater,
        }
    }

    /// Whether this is an upper bound.
    pub fn is_upper(self) -> bool {
        matches!(self, BoundOp::AtMost | BoundOp::Below)
    }

    /// The symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            BoundOp::AtMost => "<=",
            BoundOp::Below => "<",
            BoundOp::AtLeast => ">=",
            BoundOp::Above => ">",
        }
    }
}

/// A comparison in an applicability condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum FactOp {
    /// Less than.
    #[serde(rename = "<")]
    Lt,
    /// Less than or equal.
    #[serde(rename = "<=")]
    Le,
    /// Greater than.
    #[serde(rename = ">")]
    Gt,
    /// Greater than or equal.
    #[serde(rename = ">=")]
    Ge,
    /// Equal.
    #[serde(rename = "=")]
    Eq,
    /// Not equal.
    #[serde(rename = "!=")]
    Ne,
}

/// An applicability condition over provider facts.
///
/// # Example: "a contract value above €200,000"
///
/// ```
/// use std::collections::BTreeMap;
/// use rust_decimal::Decimal;
/// use targets::model::Condition;
///
/// let c: Condition = serde_json::from_str(
///     r#"{"kind": "fact", "fact": "contract_value", "op": ">", "value": "200000"}"#)?;
/// let facts = |v: &str| BTreeMap::from([("contract_value".to_owned(), v.parse::<Decimal>().unwrap())]);
/// assert_eq!(c.eval(&facts("200000.00")), Some(false));
/// assert_eq!(c.eval(&facts("200000.01")), Some(true));
/// assert_eq!(c.eval(&BTreeMap::new()), None); // unknown: the fact is missing
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// A provider fact compared with a value.
    Fact {
        /// The fact's name.
        fact: String,
        /// The comparison.
        op: FactOp,
        /// The value compared with.
        value: Decimal,
    },
    /// All must hold.
    All {
        /// The conditions.
        of: Vec<Condition>,
    },
    /// At least one must hold.
    Any {
        /// The conditions.
        of: Vec<Condition>,
    },
    /// Must not hold.
    Not {
        /// The condition.
        of: Box<Condition>,
    },
}

impl Condition {
    /// How deep the condition nests: a fact is 1, `not` of a fact 2, and so on. Counted
    /// without recursion, so any depth built in code can be measured.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((c, d)) = stack.pop() {
            deepest = deepest.max(d);
            match c {
                Condition::All { of } | Condition::Any { of } => {
                    stack.extend(of.iter().map(|x| (x, d + 1)));
                }
                Condition::Not { of } => stack.push((of, d + 1)),
                Condition::Fact { .. } => {}
            }
        }
        deepest
    }

    /// Evaluates the condition over `facts` in three-valued logic: `None` when a fact it
    /// needs is missing and the answer depends on it.
    pub fn eval(&self, facts: &BTreeMap<String, Decimal>) -> Option<bool> {
        match self {
            Condition::Fact { fact, op, value } => {
                let v = facts.get(fact)?;
                Some(match op {
                    FactOp::Lt => v < value,
                    FactOp::Le => v <= value,
                    FactOp::Gt => v > value,
                    FactOp::Ge => v >= value,
                    FactOp::Eq => v == value,
                    FactOp::Ne => v != value,
                })
            }
            Condition::All { of } => {
                let mut unknown = false;
                for c in of {
                    match c.eval(facts) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Condition::Any { of } => {
                let mut unknown = false;
                for c in of {
                    match c.eval(facts) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            Condition::Not { of } => of.eval(facts).map(|b| !b),
        }
    }
}

/// Which periods a bound is judged over.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Periods {
    /// Each period of a unit, clipped to the validity window.
    Each(PeriodUnit),
    /// The listed periods.
    List(Vec<PeriodSpec>),
    /// The whole validity window as one period.
    Window,
}

/// A bound that differs per period.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PeriodBound {
    /// The period.
    pub period: PeriodSpec,
    /// The bound in that period.
    pub value: Decimal,
}

/// One step of a stepped change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The period in which the step must be reached.
    pub period: PeriodSpec,
    /// The change required in that period.
    pub change: Percent,
}

/// A total as the contract states it ("a total fall of at least 9.25 %").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StatedTotal {
    /// The total as written.
    pub value: Percent,
    /// Whether the total is an extra requirement on the last step's period (`true`) or
    /// only a summary sentence (`false`).
    pub binding: bool,
}

/// One point of a cumulative milestone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MilestonePoint {
    /// The indicator over the window ending on this date (exclusive) is judged.
    pub by: NaiveDate,
    /// The change against the baseline required by then.
    pub change: Percent,
}

/// Where a baseline comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Baseline {
    /// Values declared in the contract (for example from an annual report), per
    /// dimension value (region id, provider id, or `overall`).
    Declared {
        /// The values.
        values: BTreeMap<String, Decimal>,
        /// Whether the values are samples rather than real figures.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        sample: bool,
        /// Where the values come from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// Computed from events over a period (default: the contract's baseline period).
    Computed {
        /// The period.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        period: Option<PeriodSpec>,
    },
}

/// How a result is judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// A cap or a floor in every period of a validity window.
    Bound {
        /// The comparison.
        op: BoundOp,
        /// One bound for every period (give this or `bounds`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bound: Option<Decimal>,
        /// A bound per period (give this or `bound`); the periods are these.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        bounds: Vec<PeriodBound>,
        /// The periods judged (with `bound`); default: each calendar year.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        periods: Option<Periods>,
        /// The first day the bound holds (default: the contract start).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        valid_from: Option<NaiveDate>,
        /// The bound holds on days before this one (tot); default: the end of the term.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        valid_until: Option<NaiveDate>,
        /// Judge running totals: in each period, the indicator summed over this and every
        /// earlier period of the result against the bounds summed likewise (a budget per
        /// year against spending, cumulative), or against the one `bound` as a total
        /// for the whole window. Only for indicators that add up (counts, days, amounts).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        cumulative: bool,
    },
    /// Stepped change against a baseline.
    SteppedChange {
        /// Fall or rise.
        direction: Direction,
        /// How the steps combine.
        convention: Convention,
        /// The unit of the steps; required in spirit for rates (the lint warns), and
        /// `relative` when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<StepUnit>,
        /// The baseline.
        baseline: Baseline,
        /// The steps, one per consecutive period.
        steps: Vec<Step>,
        /// A total as stated in the contract.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stated_total: Option<StatedTotal>,
    },
    /// Cumulative milestones: by each date, the indicator over the window ending then has
    /// changed by at least the given amount against the baseline.
    Milestone {
        /// Fall or rise.
        direction: Direction,
        /// The unit of the changes (`relative` when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<StepUnit>,
        /// The baseline.
        baseline: Baseline,
        /// The length of the measured window before each date, in months (default 12).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window_months: Option<u32>,
        /// The points.
        points: Vec<MilestonePoint>,
    },
    /// A deliverable due on or before a date (uiterlijk).
    Deadline {
        /// The deliverable's name, as in `deliverable` events.
        deliverable: String,
        /// The last day on which delivery is in time.
        on_or_before: NaiveDate,
    },
    /// A step planned for a date or a span of days (a meeting, a decision, "June 2018"):
    /// on plan when it happens from `on` to `until` (or on `on`), give or take
    /// `tolerance_days`. Unlike a deadline, early is off plan too.
    Planned {
        /// The step's name, as in `deliverable` events.
        deliverable: String,
        /// The planned day, or the first day of the planned span.
        on: NaiveDate,
        /// The last day of the planned span, if the plan names a span.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<NaiveDate>,
        /// Days the step may be early or late and still be on plan (default 0).
        #[serde(default, skip_serializing_if = "is_zero")]
        tolerance_days: u32,
    },
    /// A reporting duty: the report for each period is due `due_days` days after the
    /// period's last day; with `complete`, it must list every client with a stay in the
    /// period and nobody else.
    Reporting {
        /// The periods reported on.
        every: PeriodUnit,
        /// Days after the period's last day by which the report is due (0: on the last
        /// day itself).
        due_days: u32,
        /// Whether the report must cover exactly the clients in care in the period.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        complete: bool,
        /// The first day the duty holds (default: the contract start).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        valid_from: Option<NaiveDate>,
        /// The duty holds on days before this one; default: the end of the term.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        valid_until: Option<NaiveDate>,
    },
}

/// What a contract attaches to verdicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Consequence {
    /// Part of a budget paid when a condition over verdicts holds.
    BonusTranche {
        /// A stable identifier.
        id: String,
        /// A human title.
        title: String,
        /// The phase it belongs to.
        phase: String,
        /// The amount.
        amount: Money,
        /// The tranche is decided on the verdicts as of the end of this day.
        decided_on: NaiveDate,
        /// When it is released.
        condition: VerdictCondition,
    },
    /// An escalation that may follow from verdicts.
    Escalation {
        /// A stable identifier.
        id: String,
        /// A human title.
        title: String,
        /// The escalation can trigger on or after this day.
        from: NaiveDate,
        /// When it triggers.
        condition: VerdictCondition,
        /// What the client may then do.
        action: String,
    },
}

impl Consequence {
    /// The consequence's id.
    pub fn id(&self) -> &str {
        match self {
            Consequence::BonusTranche { id, .. } | Consequence::Escalation { id, .. } => id,
        }
    }

    /// The condition.
    pub fn condition(&self) -> &VerdictCondition {
        match self {
            Consequence::BonusTranche { condition, .. }
            | Consequence::Escalation { condition, .. } => condition,
        }
    }
}

/// Which results a verdict condition looks at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ResultSelection {
    /// The results with these ids.
    Ids(Vec<String>),
    /// Every result of every in-scope goal.
    AllInScope,
}

/// A condition over the verdicts of results.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum VerdictCondition {
    /// Every selected result is met.
    AllMet {
        /// The results.
        results: ResultSelection,
    },
    /// At least one selected result is not met.
    AnyNotMet {
        /// The results.
        results: ResultSelection,
    },
    /// At least `met` of the selected results are met.
    AtLeast {
        /// How many must be met.
        met: u32,
        /// The results.
        results: ResultSelection,
    },
    /// A failure that persists: for one selected result and one dimension value, a
    /// check not met, and a later check of the same result and dimension value, due at
    /// least `months` after it, still not met, with no check met in between (a met check
    /// cures the failure). For a deadline: still not delivered `months` after the due
    /// date. Evaluated on the assessment date.
    PersistentNotMet {
        /// How long the failure must last, in calendar months.
        months: u32,
        /// The results.
        results: ResultSelection,
    },
    /// At least `percent` of the selected results are met.
    ShareMet {
        /// The share that must be met.
        percent: Percent,
        /// The results.
        results: ResultSelection,
    },
}

impl VerdictCondition {
    /// The selection the condition looks at.
    pub fn selection(&self) -> &ResultSelection {
        match self {
            VerdictCondition::AllMet { results }
            | VerdictCondition::AnyNotMet { results }
            | VerdictCondition::AtLeast { results, .. }
            | VerdictCondition::PersistentNotMet { results, .. }
            | VerdictCondition::ShareMet { results, .. } => results,
        }
    }
}
