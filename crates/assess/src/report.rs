//! The report: a versioned, serde-serializable structure with a stable order.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use targets::model::Scope;
use targets::num::Money;

/// The format version of [`Report`].
pub const REPORT_VERSION: u32 = 1;

/// The state of a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The requirement is met.
    Met,
    /// The requirement is not met.
    NotMet,
    /// The period or deadline has not ended and the outcome can still change.
    Pending,
    /// A baseline, a denominator or a fact is missing.
    InsufficientData,
    /// The result's applicability condition is false.
    NotApplicable,
}

impl Status {
    /// Whether the outcome is decided (met or not met).
    pub fn is_decided(self) -> bool {
        matches!(self, Status::Met | Status::NotMet)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Met => "met",
            Status::NotMet => "not met",
            Status::Pending => "pending",
            Status::InsufficientData => "insufficient data",
            Status::NotApplicable => "not applicable",
        })
    }
}

/// The unit of a number in a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A count.
    Count,
    /// Days.
    Days,
    /// Percent (rates).
    Percent,
    /// Euros.
    Euro,
    /// Millions of euros.
    MillionEuro,
    /// A plain number (measured or custom values).
    Number,
}

/// An exact number `numerator / denominator` with its display (two decimals, half away
/// from zero; counts without decimals when whole).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Number {
    /// The numerator.
    pub numerator: Decimal,
    /// The denominator (positive; 1 for a whole value).
    pub denominator: Decimal,
    /// The value as shown to people (English notation).
    pub display: String,
}

/// What a check requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Requirement {
    /// The comparison: `<=`, `<`, `>=`, `>`, or `on_or_before` for a deadline.
    pub op: String,
    /// The required level, or the due date's display for a deadline.
    pub value: Option<Number>,
    /// For a deadline: the last day in time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

/// How far the measured value is from the required level: `measured − required`, and that
/// difference relative to the required level.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Margin {
    /// `measured − required`.
    pub absolute: Number,
    /// `(measured − required) / required`, in percent; none when the required level is 0.
    pub relative_percent: Option<Number>,
}

/// Which requirement of a result a verdict judges.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    /// A cap or floor over a period.
    Bound,
    /// Step `index` (from 1) of a stepped change.
    Step {
        /// The step, from 1.
        index: usize,
    },
    /// A binding stated total, judged as an extra requirement on the last step's period.
    StatedTotal,
    /// Point `index` (from 1) of a milestone.
    Milestone {
        /// The point, from 1.
        index: usize,
    },
    /// A deliverable due on or before a date.
    Deadline,
    /// A step planned for a date, on plan within its tolerance either way.
    Planned,
    /// The report of a reporting duty over a period.
    Report,
}

/// A period in a report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PeriodOut {
    /// The first day.
    pub start: NaiveDate,
    /// The first day after.
    pub end: NaiveDate,
    /// A label such as `2019` or `2019-01-01 to 2019-06-30`.
    pub label: String,
}

/// An indicator's value exactly as the events give it, as the report states it: the
/// report's own type, so that the report format stays what it is whatever the engine's
/// types become (`From<indicators::Value>` converts).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExactValue {
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
    /// A mean: `sum / count`.
    Mean {
        /// The sum.
        sum: Decimal,
        /// How many.
        count: u64,
    },
    /// A share of counts, as a fraction (not percent).
    Share {
        /// The numerator.
        numerator: u64,
        /// The denominator.
        denominator: u64,
    },
    /// A ratio of decimals.
    Ratio {
        /// The numerator.
        numerator: Decimal,
        /// The denominator.
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
    /// An amount.
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
        /// Why: `zero_denominator`, `no_data` or `overflow`.
        reason: String,
    },
}

impl From<&indicators::Value> for ExactValue {
    fn from(v: &indicators::Value) -> ExactValue {
        use indicators::Value as V;
        match v {
            V::Count { value } => ExactValue::Count { value: *value },
            V::Days { value } => ExactValue::Days { value: *value },
            V::Mean { sum, count } => ExactValue::Mean {
                sum: *sum,
                count: *count,
            },
            V::Share {
                numerator,
                denominator,
            } => ExactValue::Share {
                numerator: *numerator,
                denominator: *denominator,
            },
            V::Ratio {
                numerator,
                denominator,
            } => ExactValue::Ratio {
                numerator: *numerator,
                denominator: *denominator,
            },
            V::Bands {
                under_6_weeks,
                weeks_6_to_30,
                over_30_weeks,
            } => ExactValue::Bands {
                under_6_weeks: *under_6_weeks,
                weeks_6_to_30: *weeks_6_to_30,
                over_30_weeks: *over_30_weeks,
            },
            V::Amount { value } => ExactValue::Amount { value: *value },
            V::Date { value } => ExactValue::Date { value: *value },
            V::None { reason } => ExactValue::None {
                reason: match reason {
                    indicators::NoValue::ZeroDenominator => "zero_denominator",
                    indicators::NoValue::NoData => "no_data",
                    indicators::NoValue::Overflow => "overflow",
                }
                .to_owned(),
            },
        }
    }
}

/// What a verdict rests on: counts and periods.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Basis {
    /// The measured value exactly as the indicator gives it (count, mean, share, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured_value: Option<ExactValue>,
    /// The baseline as the indicator gives it, when computed from events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_value: Option<ExactValue>,
    /// The baseline period, for stepped changes and milestones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_period: Option<PeriodOut>,
    /// Whether the baseline is declared in the contract (`declared`, `declared_sample`) or
    /// computed from events (`computed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_source: Option<String>,
    /// For a year-over-year step: the previous period whose realised value is used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_period: Option<PeriodOut>,
    /// The steps (or change) applied, as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// The date a deliverable was delivered, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_on: Option<NaiveDate>,
    /// For a running total: the first day it runs from (the measured value and the
    /// requirement are sums over the periods from then on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cumulative_since: Option<NaiveDate>,
    /// For a step planned over a span of days: its last day (the requirement's `due` is
    /// its first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_until: Option<NaiveDate>,
    /// For a result that names its cases: the first [`CLIENTS_LISTED`] stays that count
    /// against the rate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub against: Vec<StayOut>,
    /// How many stays count against the rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against_count: Option<u64>,
    /// For a reporting duty: the report against the clients in care.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportBasis>,
}

/// A table of monitoring data, counted from the events over the term up to the report's
/// date, for the whole contract area.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MonitoringOut {
    /// Which table.
    pub table: targets::model::MonitoringTable,
    /// One row per period and key; periods or keys without any event are left out.
    pub rows: Vec<MonitoringRow>,
}

/// A count of a monitoring table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MonitoringRow {
    /// The month or year.
    pub period: PeriodOut,
    /// The reason, destination or band; none when the events did not report one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// How many.
    pub count: u64,
}

/// A number the contract monitors without judging it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObservationOut {
    /// The observation's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The indicator's key.
    pub indicator: String,
    /// The unit of the numbers.
    pub unit: Unit,
    /// What the stated numbers are (a budget, a status), if the contract says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated_as: Option<String>,
    /// One row per dimension value and period.
    pub rows: Vec<ObservedRow>,
}

/// One observed value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObservedRow {
    /// The dimension value.
    pub dimension: String,
    /// The period.
    pub period: PeriodOut,
    /// Whether the period has ended as of the report's date (else the value is so far).
    pub complete: bool,
    /// The measured value, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<Number>,
    /// For an observed date (a delivery), the date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// What the document states for the period, never compared with the measured value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated: Option<Number>,
    /// A plain sentence with the numbers.
    pub explanation: Texts,
}

/// A stay a verdict names: its client and the day it started.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StayOut {
    /// The client's pseudonym.
    pub client: String,
    /// The admission day.
    pub admitted: NaiveDate,
}

/// A report of a reporting duty as a verdict rests on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReportBasis {
    /// The last day the report is in time.
    pub due: NaiveDate,
    /// The first submission known, in time or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_on: Option<NaiveDate>,
    /// Whether the duty asks the report to cover exactly the clients in care.
    pub complete_required: bool,
    /// Clients with a stay in the period.
    pub in_care: u64,
    /// Of those, the clients the report (its lines sent by the due date) names.
    pub covered: u64,
    /// Clients in care the report leaves out: how many, and the first
    /// [`CLIENTS_LISTED`] pseudonyms.
    pub missing_count: u64,
    /// The first missing clients, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Clients the report names who had no stay in the period: how many.
    pub unexpected_count: u64,
    /// The first of them, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unexpected: Vec<String>,
}

/// How many client pseudonyms a report basis lists; it always gives their number.
pub const CLIENTS_LISTED: usize = 10;

/// Texts in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Texts {
    /// English.
    pub en: String,
    /// Dutch.
    pub nl: String,
}

impl Texts {
    /// The text in `lang`.
    pub fn get(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::En => &self.en,
            crate::Lang::Nl => &self.nl,
        }
    }
}

/// The judgement of one check of one result, for one dimension value and period.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Verdict {
    /// The goal's id.
    pub goal: String,
    /// The result's id.
    pub result: String,
    /// In or out of the provider's scope.
    pub scope: Scope,
    /// The dimension value: a region id, a provider id, or `overall`.
    pub dimension: String,
    /// Which requirement.
    pub check: Check,
    /// The period judged (none for a deadline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodOut>,
    /// The state.
    pub status: Status,
    /// Whether the state was decided before the period ended, because it can no longer
    /// change.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub early: bool,
    /// The indicator's key.
    pub indicator: String,
    /// The unit of `measured`, `required`, `baseline` and `margin`.
    pub unit: Unit,
    /// The measured value (so far, when pending).
    pub measured: Option<Number>,
    /// What is required.
    pub required: Option<Requirement>,
    /// The baseline, for stepped changes and milestones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Number>,
    /// How far the measured value is from the requirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin: Option<Margin>,
    /// The convention of a stepped change (`compound`, `additive`, `year_over_year`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub convention: Option<String>,
    /// The unit of the steps (`relative`, `percentage_points`), and whether it was assumed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_unit: Option<String>,
    /// What the verdict rests on.
    pub basis: Basis,
    /// For a complete period whose cohort still has open stays: the range the measured
    /// value can still take. The verdict is decided when the comparison gives the same
    /// answer at both ends, and pending otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maturing: Option<MaturingOut>,
    /// Why the verdict is not decided, where the reason has numbers of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Whether disclosure control left this verdict's numbers out of the report: the
    /// group it is about is smaller than the disclosure threshold.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
    /// What the verdict was on its decision date, when corrections dated after that date
    /// changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restated: Option<Restatement>,
    /// The sample or assumed values of the contract this verdict rests on, as JSON
    /// Pointers into the contract (see [`Report::samples`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<String>,
    /// A plain explanation with the numbers.
    pub explanation: Texts,
}

/// A value of the contract that is a sample or an assumption, not the document's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SampleOut {
    /// A JSON Pointer into the contract.
    pub at: String,
    /// Why it is a sample.
    pub note: String,
}

/// The range a maturing value can still take, in the verdict's unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MaturingOut {
    /// Stays of the cohort still open whose part in the value is not settled (left out
    /// under disclosure control when fewer than the threshold).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<u64>,
    /// The lowest value still possible; none when there is no bound.
    pub low: Option<Number>,
    /// The highest value still possible; none when there is no bound.
    pub high: Option<Number>,
}

/// Why a verdict is not decided, with its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// The rate or mean is over fewer cases than the contract's minimum group size.
    SmallGroup {
        /// The cases (left out under disclosure control when fewer than the threshold).
        #[serde(skip_serializing_if = "Option::is_none")]
        count: Option<u64>,
        /// The minimum.
        minimum: u32,
    },
}

/// A verdict as it was decided, before corrections dated later changed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Restatement {
    /// The decision date: the last day of the period, or the due date.
    pub decided_on: NaiveDate,
    /// The status without the corrections dated after the decision date.
    pub status: Status,
    /// The measured value without them.
    pub measured: Option<Number>,
    /// How many corrections dated after the decision date concern the verdict's
    /// dimension value.
    pub corrections_count: usize,
    /// The first of them, oldest first, at most [`CORRECTIONS_LISTED`];
    /// `indicators::View::corrections` lists them all.
    pub corrections: Vec<CorrectionOut>,
}

/// How many corrections a restatement lists; it always gives their number.
pub const CORRECTIONS_LISTED: usize = 10;

/// A correction (a valid retraction) as a report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CorrectionOut {
    /// The retraction's id.
    pub id: String,
    /// Its date.
    pub date: NaiveDate,
    /// The retracted event's id.
    pub target: String,
    /// The retracted event's kind.
    pub target_kind: String,
    /// The retracted event's date.
    pub target_date: NaiveDate,
}

/// Whether a tranche decided earlier would have come out otherwise with the corrections
/// known on the assessment date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TrancheRestatement {
    /// The corrections counted: those dated on or before this day.
    pub corrections_through: NaiveDate,
    /// The outcome with them.
    pub status: ConsequenceStatus,
    /// Whether that differs from the outcome decided.
    pub changed: bool,
    /// The money that would have moved otherwise: positive when more would have been
    /// released, negative when less.
    pub difference: Money,
    /// How many corrections are dated after the decision date.
    pub corrections_count: usize,
    /// The first of them, oldest first, at most [`CORRECTIONS_LISTED`].
    pub corrections: Vec<CorrectionOut>,
}

/// Counts of verdict states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Counts {
    /// Met.
    pub met: u32,
    /// Not met.
    pub not_met: u32,
    /// Pending.
    pub pending: u32,
    /// Insufficient data.
    pub insufficient_data: u32,
    /// Not applicable.
    pub not_applicable: u32,
}

impl Counts {
    /// Adds one verdict's state.
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Met => self.met += 1,
            Status::NotMet => self.not_met += 1,
            Status::Pending => self.pending += 1,
            Status::InsufficientData => self.insufficient_data += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }
}

/// Counts per goal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GoalSummary {
    /// The goal's id.
    pub goal: String,
    /// The goal's title.
    pub title: String,
    /// In or out of scope.
    pub scope: Scope,
    /// The counts.
    pub counts: Counts,
}

/// Counts per dimension value (regions, providers, `overall`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DimensionSummary {
    /// The dimension value.
    pub dimension: String,
    /// The counts.
    pub counts: Counts,
}

/// Summary counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Summary {
    /// Every verdict.
    pub all: Counts,
    /// Per goal, in contract order.
    pub per_goal: Vec<GoalSummary>,
    /// Per dimension value, in contract order (`overall` first).
    pub per_dimension: Vec<DimensionSummary>,
}

/// A reference to a verdict that decided a consequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    /// The result's id.
    pub result: String,
    /// The result's state as of the decision date, over its checks due by then.
    pub status: Status,
    /// The checks that decided the state, as `dimension period: status`; for a
    /// persistent failure, as `dimension period → dimension period` (the check not met
    /// and the one at least the stated time later still not met), or for a deadline
    /// `dimension due date → review date`.
    pub verdicts: Vec<String>,
}

/// The outcome of a consequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsequenceStatus {
    /// A tranche whose condition holds.
    Released,
    /// A tranche whose condition does not hold.
    Withheld,
    /// A tranche or escalation whose date has not come.
    Pending,
    /// An escalation whose condition holds.
    Triggered,
    /// An escalation whose condition does not hold.
    NotTriggered,
}

/// One consequence and what followed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConsequenceOutcome {
    /// The consequence's id.
    pub id: String,
    /// `bonus_tranche` or `escalation`.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// The outcome.
    pub status: ConsequenceStatus,
    /// The tranche amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// The date it is decided on (tranche) or can trigger from (escalation).
    pub date: NaiveDate,
    /// For an escalation: what the client may do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The results that decided it.
    pub evidence: Vec<Evidence>,
    /// For a tranche decided before the assessment date, when corrections dated after its
    /// decision date are known: whether they would have changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restatement: Option<TrancheRestatement>,
    /// The sample or assumed values it rests on: its own (an amount, a date) and those
    /// of the verdicts it reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<String>,
    /// Why, in both languages.
    pub explanation: Texts,
}

/// Money by outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Totals {
    /// Released.
    pub released: Money,
    /// Withheld.
    pub withheld: Money,
    /// Not decided yet.
    pub pending: Money,
}

/// How the event stream was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct DataSummary {
    /// Records read.
    pub read: u64,
    /// Events accepted.
    pub accepted: u64,
    /// Exact duplicates.
    pub duplicates: u64,
    /// Rejected records.
    pub rejected: u64,
    /// Ignored records.
    pub ignored: u64,
}

/// How many rejected records a report lists; the engine's accounting has them all.
pub const REJECTIONS_LISTED: usize = 20;

/// A rejected record as a report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RejectionOut {
    /// The input it was read from, when the reader named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// Its line, for a record that was not an event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The event id, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where and why, in words.
    pub text: Texts,
}

/// The contract a report is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContractInfo {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// The source document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The regions' names by id, as the contract gives them, so that a report can name
    /// regions instead of showing their codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<RegionName>,
    /// The segments' names by id, likewise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<RegionName>,
    /// The provider categories' names by id, likewise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_categories: Vec<RegionName>,
}

impl ContractInfo {
    /// The name of a dimension value: a region's or segment's name, the whole contract
    /// area for `overall` and the stays outside the declared segments for `undeclared`
    /// (in `lang`), otherwise the value itself.
    pub fn dimension_name(&self, dimension: &str, lang: crate::Lang) -> String {
        let w = crate::text::words(lang);
        if dimension == targets::model::OVERALL {
            return w.overall_name.to_owned();
        }
        if dimension == crate::judge::UNDECLARED {
            return w.undeclared_name.to_owned();
        }
        self.regions
            .iter()
            .chain(&self.segments)
            .chain(&self.provider_categories)
            .find(|r| r.id == dimension)
            .map_or_else(|| dimension.to_owned(), |r| r.name.clone())
    }
}

/// A region's id and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegionName {
    /// The id used in events.
    pub id: String,
    /// The name.
    pub name: String,
}

/// An assessment of a contract as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// Always [`REPORT_VERSION`].
    pub format_version: u32,
    /// The contract.
    pub contract: ContractInfo,
    /// The as-of date (end of day).
    pub as_of: NaiveDate,
    /// The disclosure control applied to the numbers, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<crate::Disclosure>,
    /// How the events were read.
    pub data: DataSummary,
    /// The first [`REJECTIONS_LISTED`] records that were rejected, in the accounting's
    /// order, each with where it was and why, in both languages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejections: Vec<RejectionOut>,
    /// Summary counts.
    pub summary: Summary,
    /// Every verdict, ordered by goal, result, dimension, period and check.
    pub verdicts: Vec<Verdict>,
    /// The monitoring data the contract asks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitoring: Vec<MonitoringOut>,
    /// Numbers monitored without a judgement, per period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<ObservationOut>,
    /// Bonus tranches and escalations.
    pub consequences: Vec<ConsequenceOutcome>,
    /// Money by outcome.
    pub totals: Totals,
    /// Every value of the contract marked as a sample or an assumption; each verdict and
    /// consequence that rests on one lists it in its own `samples`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<SampleOut>,
    /// The contract's own defects, from the lint.
    pub contract_findings: Vec<targets::Finding>,
}
