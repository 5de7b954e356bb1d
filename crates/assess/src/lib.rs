//! Verdicts of outcome-based procurement contracts as of a date, with their numbers,
//! plain explanations in English and Dutch, and the consequences the contract attaches.
//!
//! This crate joins a [`targets::Contract`] and an [`indicators::View`]: for every result,
//! dimension value (region, provider, or overall) and period it gives a [`Verdict`] —
//! met, not met, pending, insufficient data or not applicable — with the measured value,
//! the required value, the baseline, the margin, what it rests on and an explanation.
//! Then it decides the contract's bonus tranches and escalations.
//!
//! ```
//! use chrono::NaiveDate;
//! use indicators::{Engine, ParseOptions};
//! use targets::Contract;
//!
//! let contract = Contract::from_json(targets::bundled::JEUGDZORGPLUS_NHN)?;
//! let mut engine = Engine::new();
//! engine.push_jsonl(assess::bundled::JEUGDZORGPLUS_SAMPLE.as_bytes(), ParseOptions::default());
//! let report = assess::assess(&contract, &engine.view(), NaiveDate::from_ymd_opt(2020, 12, 31).unwrap())?;
//!
//! // The cost-price analysis was delivered on time, in every reading.
//! let v = report.verdicts.iter().find(|v| v.result == "5-cost-price").unwrap();
//! assert_eq!(v.status, assess::Status::Met);
//! assert!(v.explanation.nl.starts_with("Oplevering cost price analysis: opgeleverd op"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`assess`]: the assessment; [`Report`] and its parts ([`Verdict`], [`Status`],
//!   [`ConsequenceOutcome`], [`Summary`]) are serde types with a format version.
//! - [`markdown`]: the report for people, in English or Dutch.
//! - [`bundled`]: the sample event stream that goes with the bundled contract.
//!
//! The rules (when a period is decided, early decisions, how consequences are judged,
//! how numbers are shown) are in `docs/assessment.md`, compiled into this crate as
//! [`guide::assessment`].
//!
//! # Crate features
//!
//! None. Pure: no files, no clock, no environment. The as-of date is an argument.

mod error;
mod judge;
pub mod markdown;
mod report;
mod samples;
mod text;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use indicators::View;
use rust_decimal::Decimal;
use targets::model::{Consequence, OVERALL, VerdictCondition};
use targets::{Contract, lint};

pub use error::Error;
pub use report::{
    Basis, Check, ConsequenceOutcome, ConsequenceStatus, ContractInfo, Counts, DataSummary,
    DimensionSummary, Evidence, GoalSummary, Margin, Number, PeriodOut, REPORT_VERSION, Report,
    Requirement, Status, Summary, Texts, Totals, Unit, Verdict,
};
pub use text::Lang;

/// Sample event streams that go with the bundled contracts of `targets::bundled`.
pub mod bundled {
    pub use crate::samples::*;
}

/// Long-form guides, compiled here so that their examples run as tests.
pub mod guide {
    #[doc = include_str!("../../../docs/assessment.md")]
    pub mod assessment {}
}

/// Assesses a contract against the events of `view`, as of the end of `as_of`.
///
/// To assess many contracts against one view, use an [`Assessor`]: it computes each
/// indicator value once for all of them.
///
/// # Errors
///
/// [`Error::InvalidCustomIndicator`] when a custom indicator of the contract is not a
/// valid definition. Missing data is never an error: it is a verdict.
pub fn assess(contract: &Contract, view: &View<'_>, as_of: NaiveDate) -> Result<Report, Error> {
    Assessor::new(view).assess(contract, as_of)
}

/// Assesses contracts against one view, computing each indicator value (per indicator,
/// period and as-of date) once, for every region in one pass, and sharing it between
/// contracts and between the assessments that decide bonus tranches.
///
/// Not `Sync`: it keeps its cache in a `RefCell`. Use one per thread.
///
/// # Example: many contracts, one pass per indicator
///
/// ```
/// use chrono::NaiveDate;
/// use indicators::{Engine, ParseOptions};
///
/// let contract = targets::Contract::from_json(targets::bundled::JEUGDZORGPLUS_NHN)?;
/// let mut engine = Engine::new();
/// engine.push_jsonl(assess::bundled::JEUGDZORGPLUS_SAMPLE.as_bytes(), ParseOptions::default());
/// let view = engine.view();
/// let assessor = assess::Assessor::new(&view);
/// let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
/// let first = assessor.assess(&contract, as_of)?;
/// let second = assessor.assess(&contract, as_of)?; // from the cache
/// assert_eq!(first, second);
/// assert_eq!(first, assess::assess(&contract, &view, as_of)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Assessor<'a, 'e> {
    view: &'a View<'e>,
    regions: HashMap<String, usize>,
    cache: judge::Cache,
    data: DataSummary,
}

impl<'a, 'e> Assessor<'a, 'e> {
    /// An assessor over `view`.
    pub fn new(view: &'a View<'e>) -> Assessor<'a, 'e> {
        let regions = view
            .regions()
            .into_iter()
            .enumerate()
            .map(|(i, r)| (r.to_owned(), i))
            .collect();
        let c = view.counts();
        Assessor {
            view,
            regions,
            cache: judge::Cache::default(),
            data: DataSummary {
                read: c.read,
                accepted: c.accepted,
                duplicates: c.duplicates,
                rejected: c.rejected,
                ignored: c.ignored,
            },
        }
    }

    /// Assesses a contract as of the end of `as_of`. See [`assess`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCustomIndicator`] when a custom indicator of the contract is not a
    /// valid definition.
    pub fn assess(&self, contract: &Contract, as_of: NaiveDate) -> Result<Report, Error> {
        let src = judge::Source {
            view: self.view,
            regions: &self.regions,
            cache: &self.cache,
        };
        let customs = judge::customs(contract)?;
        let verdicts = judge::verdicts(contract, &src, &customs, as_of);
        let mut consequences = Vec::new();
        let mut totals = Totals::default();
        for c in &contract.doc().consequences {
            let outcome = consequence(contract, &src, &customs, as_of, &verdicts, c);
            if let Some(amount) = outcome.amount {
                let slot = match outcome.status {
                    ConsequenceStatus::Released => &mut totals.released,
                    ConsequenceStatus::Withheld => &mut totals.withheld,
                    _ => &mut totals.pending,
                };
                *slot = slot.checked_add(amount).unwrap_or(*slot);
            }
            consequences.push(outcome);
        }
        Ok(Report {
            format_version: REPORT_VERSION,
            contract: ContractInfo {
                id: contract.doc().id.clone(),
                title: contract.doc().title.clone(),
                source: contract.doc().source.clone(),
            },
            as_of,
            data: self.data,
            summary: summary(contract, &verdicts),
            verdicts,
            consequences,
            totals,
            contract_findings: lint::lint(contract),
        })
    }
}

fn summary(contract: &Contract, verdicts: &[Verdict]) -> Summary {
    let mut all = Counts::default();
    let mut per_goal: Vec<GoalSummary> = contract
        .doc()
        .goals
        .iter()
        .map(|g| GoalSummary {
            goal: g.id.clone(),
            title: g.title.clone(),
            scope: g.scope,
            counts: Counts::default(),
        })
        .collect();
    let mut dims: Vec<String> = vec![OVERALL.to_owned()];
    dims.extend(contract.doc().regions.iter().map(|r| r.id.clone()));
    dims.extend(contract.doc().providers.iter().map(|p| p.id.clone()));
    let mut per_dim: BTreeMap<&str, Counts> = BTreeMap::new();
    for v in verdicts {
        all.add(v.status);
        if let Some(g) = per_goal.iter_mut().find(|g| g.goal == v.goal) {
            g.counts.add(v.status);
        }
        per_dim
            .entry(v.dimension.as_str())
            .or_default()
            .add(v.status);
    }
    let mut seen = std::collections::BTreeSet::new();
    let per_dimension = dims
        .iter()
        .filter(|d| seen.insert(d.as_str()))
        .filter_map(|d| {
            per_dim.get(d.as_str()).map(|c| DimensionSummary {
                dimension: d.clone(),
                counts: *c,
            })
        })
        .collect();
    Summary {
        all,
        per_goal,
        per_dimension,
    }
}

/// Whether a verdict's check is due by the end of `date`: its period has ended or its
/// deadline passed, or it was already decided as not met before its end.
fn due_by(v: &Verdict, date: NaiveDate) -> bool {
    let next = date.succ_opt().unwrap_or(date);
    match (&v.period, &v.required) {
        (Some(p), _) => p.end <= next || (v.early && v.status == Status::NotMet),
        (None, Some(r)) => r.due.is_some_and(|d| d <= date) || v.status == Status::Met,
        _ => false,
    }
}

/// The state of a result as of `date`, over its checks due by then; `None` when nothing
/// was due (or nothing applies).
fn result_state(verdicts: &[Verdict], result: &str, date: NaiveDate) -> Option<Evidence> {
    let rows: Vec<&Verdict> = verdicts
        .iter()
        .filter(|v| v.result == result && v.status != Status::NotApplicable && due_by(v, date))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let status = if rows.iter().any(|v| v.status == Status::NotMet) {
        Status::NotMet
    } else if rows.iter().any(|v| v.status == Status::InsufficientData) {
        Status::InsufficientData
    } else if rows.iter().any(|v| v.status == Status::Pending) {
        Status::Pending
    } else {
        Status::Met
    };
    Some(Evidence {
        result: result.to_owned(),
        status,
        verdicts: rows
            .iter()
            .map(|v| {
                let period = v
                    .period
                    .as_ref()
                    .map_or_else(String::new, |p| format!(" {}", p.label));
                format!("{}{period}: {}", v.dimension, v.status)
            })
            .collect(),
    })
}

fn consequence(
    contract: &Contract,
    src: &judge::Source<'_, '_>,
    customs: &judge::Customs,
    as_of: NaiveDate,
    now: &[Verdict],
    c: &Consequence,
) -> ConsequenceOutcome {
    let (kind, title, date, amount, action) = match c {
        Consequence::BonusTranche {
            title,
            amount,
            decided_on,
            ..
        } => ("bonus_tranche", title, *decided_on, Some(*amount), None),
        Consequence::Escalation {
            title,
            from,
            action,
            ..
        } => ("escalation", title, *from, None, Some(action.clone())),
    };
    let tranche = kind == "bonus_tranche";
    let mut outcome = ConsequenceOutcome {
        id: c.id().to_owned(),
        kind: kind.to_owned(),
        title: title.clone(),
        status: ConsequenceStatus::Pending,
        amount,
        date,
        action,
        evidence: Vec::new(),
        explanation: Texts {
            en: String::new(),
            nl: String::new(),
        },
    };
    let (date_en, date_nl) = (text_date(date, Lang::En), text_date(date, Lang::Nl));
    if as_of < date {
        outcome.explanation = if tranche {
            Texts {
                en: format!("Pending: decided on the verdicts as of {date_en}."),
                nl: format!("Nog niet bepaald: besloten op de uitkomsten per {date_nl}."),
            }
        } else {
            Texts {
                en: format!("Pending: can apply from {date_en}."),
                nl: format!("Nog niet bepaald: kan gelden vanaf {date_nl}."),
            }
        };
        return outcome;
    }
    // A tranche is decided on what was known at its date; an escalation on what is known now.
    let (verdicts, at) = if tranche {
        (judge::verdicts(contract, src, customs, date), date)
    } else {
        (now.to_vec(), as_of)
    };
    let ids = contract.select(c.condition().selection());
    let states: Vec<Evidence> = ids
        .iter()
        .filter_map(|id| result_state(&verdicts, id, at))
        .collect();
    let met = states.iter().filter(|e| e.status == Status::Met).count();
    let not_met = states.iter().filter(|e| e.status == Status::NotMet).count();
    let considered = states.len();
    let (holds, need_en, need_nl) = match c.condition() {
        VerdictCondition::AllMet { .. } => (
            considered > 0 && met == considered,
            "all".to_owned(),
            "alle".to_owned(),
        ),
        VerdictCondition::AnyNotMet { .. } => (
            not_met > 0,
            "any not met".to_owned(),
            "een niet gehaald".to_owned(),
        ),
        VerdictCondition::AtLeast { met: k, .. } => (
            met >= *k as usize,
            format!("at least {k}"),
            format!("ten minste {k}"),
        ),
        VerdictCondition::ShareMet { percent, .. } => {
            let p = percent.into_inner();
            let holds = considered > 0
                && Decimal::from(met as u64) * Decimal::ONE_HUNDRED
                    >= p * Decimal::from(considered as u64);
            (
                holds,
                format!("at least {}", percent),
                format!("ten minste {}", percent.to_string().replace('.', ",")),
            )
        }
    };
    outcome.status = match (tranche, holds) {
        (true, true) => ConsequenceStatus::Released,
        (true, false) => ConsequenceStatus::Withheld,
        (false, true) => ConsequenceStatus::Triggered,
        (false, false) => ConsequenceStatus::NotTriggered,
    };
    let not_due = ids.len() - considered;
    let (word_en, word_nl) = match outcome.status {
        ConsequenceStatus::Released => ("Released", "Uitgekeerd"),
        ConsequenceStatus::Withheld => ("Withheld", "Ingehouden"),
        ConsequenceStatus::Triggered => ("Triggered", "Van toepassing"),
        _ => ("Not triggered", "Niet van toepassing"),
    };
    let at_en = text_date(at, Lang::En);
    let at_nl = text_date(at, Lang::Nl);
    outcome.explanation = Texts {
        en: format!(
            "{word_en}: {met} of {considered} results met and {not_met} not met as of {at_en} (required: {need_en}){}.",
            if not_due > 0 {
                format!("; {not_due} result(s) had nothing due yet")
            } else {
                String::new()
            }
        ),
        nl: format!(
            "{word_nl}: {met} van {considered} resultaten gehaald en {not_met} niet gehaald per {at_nl} (vereist: {need_nl}){}.",
            if not_due > 0 {
                format!("; bij {not_due} resulta(a)t(en) was nog niets verschuldigd")
            } else {
                String::new()
            }
        ),
    };
    outcome.evidence = states;
    outcome
}

fn text_date(d: NaiveDate, lang: Lang) -> String {
    text::fmt_date(d, lang)
}
