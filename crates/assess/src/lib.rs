//! Verdicts of outcome-based procurement contracts as of a date, with their numbers,
//! plain explanations in English and Dutch, and the consequences the contract attaches.
//!
//! This crate joins a [`targets::Contract`] and an [`indicators::View`]: for every result,
//! dimension value (region, provider, or overall) and period it gives a [`Verdict`] —
//! met, not met, pending, insufficient data or not applicable — with the measured value,
//! the required value, the baseline, the margin, what it rests on and an explanation.
//! Then it decides the contract's bonus tranches and escalations.
//!
//! The whole job, from files to a printed report (the command `outcome-targets report`
//! does the same with more formats and inputs):
//!
//! ```no_run
//! use std::{fs, io::BufReader};
//! use assess::{Contract, Engine, Lang, NaiveDate, ParseOptions};
//!
//! let contract = Contract::from_json(&fs::read_to_string("contract.json")?)?;
//! let mut engine = Engine::new();
//! engine.push_reader(BufReader::new(fs::File::open("events.jsonl")?), ParseOptions::default())?;
//! let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).expect("a date");
//! let report = assess::assess(&contract, &engine.view(), as_of)?;
//! print!("{}", assess::markdown::render(&report, Lang::En));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The same on the Jeugdzorgplus contract and its sample stream (from the workspace's
//! `samples` crate), with a look at one verdict:
//!
//! ```
//! use assess::{Contract, Engine, Lang, NaiveDate, ParseOptions};
//!
//! let contract = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN)?;
//! let mut engine = Engine::new();
//! let events = std::io::Cursor::new(samples::streams::JEUGDZORGPLUS_SAMPLE);
//! engine.push_reader(events, ParseOptions::default())?;
//! let report = assess::assess(&contract, &engine.view(), NaiveDate::from_ymd_opt(2020, 12, 31).unwrap())?;
//! let text = assess::markdown::render(&report, Lang::En);
//!
//! // The cost-price analysis was delivered on time, in every reading.
//! let v = report.verdicts.iter().find(|v| v.result == "5-cost-price").unwrap();
//! assert_eq!(v.status, assess::Status::Met);
//! assert!(text.contains("delivered on"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`assess`]: the assessment; [`Report`] and its parts ([`Verdict`], [`Status`],
//!   [`ConsequenceOutcome`], [`Summary`]) are serde types with a format version.
//! - [`markdown`]: the report for people, in English or Dutch.
//! - [`text`]: the words, numbers, money and dates of reports in English and Dutch, for
//!   renderers of other formats.
//!
//! The rules (when a period is decided, early decisions, how consequences are judged,
//! how numbers are shown) are in `docs/assessment.md`, compiled into this crate as
//! [`guide::assessment`].
//!
//! # Crate features
//!
//! None. Pure: no files, no clock, no environment. The as-of date is an argument.

mod consequence;
mod error;
mod judge;
pub mod markdown;
mod options;
mod report;
mod samples;
mod sentences;
pub mod text;

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
pub use chrono::NaiveDate;
pub use indicators::{AsOf, Engine, ParseOptions, View};
pub use targets::Contract;

use targets::lint;
use targets::model::OVERALL;

pub use error::Error;
pub use options::{Disclosure, Options};
pub use report::{
    Basis, CLIENTS_LISTED, CORRECTIONS_LISTED, Check, ConsequenceOutcome, ConsequenceStatus,
    ContractInfo, CorrectionOut, Counts, DataSummary, DimensionSummary, Evidence, ExactValue,
    GoalSummary, Margin, MaturingOut, MonitoringOut, MonitoringRow, Number, ObservationOut,
    ObservedRow, PeriodOut, REJECTIONS_LISTED, REPORT_VERSION, Reason, RegionName, RejectionOut,
    Report, ReportBasis, Requirement, Restatement, SampleOut, Status, StayOut, Summary, Texts,
    Totals, TrancheRestatement, Unit, Verdict,
};
pub use text::Lang;

/// Long-form guides, compiled here so that their examples run as tests.
pub mod guide {
    #[doc = include_str!("../guide/assessment.md")]
    pub mod assessment {}
    #[doc = include_str!("../guide/time.md")]
    pub mod time {}
    #[doc = include_str!("../guide/obligations.md")]
    pub mod obligations {}
}

/// Loads a contract from JSON text and checks it in full: everything
/// [`Contract::from_json`] checks, and its custom indicators as definitions of the
/// `indicators` crate, each problem with its JSON path
/// (`$.custom_indicators.drop_out.measure.field`). A contract loaded so never fails to
/// assess for a bad custom indicator.
///
/// # Errors
///
/// [`targets::Error::Invalid`] with every problem found.
///
/// ```
/// let mut doc: serde_json::Value = serde_json::from_str(samples::contracts::RIJNMOND)?;
/// doc["custom_indicators"] = serde_json::json!({
///     "drop_out": { "over": "stays", "date": "discharge", "measure": { "kind": "sum", "field": "value" } }
/// });
/// let err = assess::load_contract(&doc.to_string()).unwrap_err();
/// assert_eq!(err.problems()[0].path, "$.custom_indicators.drop_out.measure.field");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_contract(text: &str) -> Result<Contract, targets::Error> {
    let check = |def: &serde_json::Value| -> Vec<(String, String)> {
        match indicators::custom::CustomIndicator::from_json_value(def) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.into_iter().map(|p| (p.path, p.message)).collect(),
        }
    };
    Contract::from_json_with(
        text,
        &targets::LoadOptions {
            custom_indicators: Some(&check),
        },
    )
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
/// `Sync`: threads that assess contracts against one view share one assessor, and so its
/// cache; a value one thread is computing, another waits for instead of computing it
/// again. (The pass that computes it runs on the view's threads, see
/// `indicators::Engine::with_threads`.)
///
/// # Example: many contracts, one pass per indicator
///
/// ```
/// use chrono::NaiveDate;
/// use indicators::{Engine, ParseOptions};
///
/// let contract = targets::Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN)?;
/// let mut engine = Engine::new();
/// let _ = engine.push_jsonl(samples::streams::JEUGDZORGPLUS_SAMPLE.as_bytes(), ParseOptions::default());
/// let view = engine.view();
/// let assessor = assess::Assessor::new(&view);
/// let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
/// let first = assessor.assess(&contract, as_of)?;
/// let second = assessor.assess(&contract, as_of)?; // from the cache
/// assert_eq!(first, second);
/// assert_eq!(first, assess::assess(&contract, &view, as_of)?);
///
/// // One assessor for several threads.
/// let reports = std::thread::scope(|s| {
///     let a = s.spawn(|| assessor.assess(&contract, as_of));
///     let b = s.spawn(|| assessor.assess(&contract, as_of));
///     [a.join(), b.join()]
/// });
/// for report in reports {
///     assert_eq!(report.expect("no panic")?, first);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Assessor<'a> {
    view: &'a View<'a>,
    cache: judge::Cache,
    data: DataSummary,
    /// The rejections a report lists, read from the accounting once.
    rejections: std::sync::OnceLock<Vec<RejectionOut>>,
    /// Corrections per region, per (decision date, as-of date), grouped once for every
    /// contract assessed.
    corrections: CorrectionGroups<'a>,
    options: Options,
}

/// The corrections a restatement can list: those of events dated by the as-of day, and
/// the same per region (`None`: those without a region, which concern every region).
type Grouped<'a> = (
    Vec<&'a indicators::Correction>,
    BTreeMap<Option<&'a str>, Vec<&'a indicators::Correction>>,
);

type CorrectionGroups<'a> =
    std::sync::Mutex<HashMap<(NaiveDate, NaiveDate), std::sync::Arc<Grouped<'a>>>>;

impl<'a> Assessor<'a> {
    /// An assessor over `view` with the default [`Options`].
    pub fn new(view: &'a View<'a>) -> Assessor<'a> {
        Assessor::with_options(view, Options::default())
    }

    /// An assessor over `view` with `options`.
    pub fn with_options(view: &'a View<'a>, options: Options) -> Assessor<'a> {
        let c = view.counts();
        Assessor {
            view,
            cache: judge::Cache::default(),
            data: DataSummary {
                read: c.read,
                accepted: c.accepted,
                duplicates: c.duplicates,
                rejected: c.rejected,
                ignored: c.ignored,
            },
            rejections: std::sync::OnceLock::new(),
            corrections: CorrectionGroups::default(),
            options,
        }
    }

    /// The corrections dated after `due` and by `as_of`, grouped per region.
    fn grouped(&self, due: NaiveDate, as_of: NaiveDate) -> std::sync::Arc<Grouped<'a>> {
        let view: &'a View<'a> = self.view;
        self.corrections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry((due, as_of))
            .or_insert_with(|| {
                let all: Vec<&indicators::Correction> = view
                    .corrections(due, as_of)
                    .iter()
                    .filter(|c| c.target_date <= as_of)
                    .collect();
                let mut by_region: BTreeMap<Option<&str>, Vec<&indicators::Correction>> =
                    BTreeMap::new();
                for c in &all {
                    by_region.entry(c.region.as_deref()).or_default().push(c);
                }
                std::sync::Arc::new((all, by_region))
            })
            .clone()
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
            cache: &self.cache,
        };
        let customs = judge::customs(contract)?;
        let mut verdicts = judge::verdicts(
            contract,
            &src,
            &customs,
            AsOf::new(as_of),
            &self.options,
            judge::Want::REPORT,
        );
        restate(
            contract,
            &src,
            &customs,
            &self.options,
            as_of,
            &mut verdicts,
            &|due| self.grouped(due, as_of),
        );
        let marks = samples::Samples::of(contract);
        for v in &mut verdicts {
            v.samples = marks.of_verdict(contract, &v.result, &v.dimension);
            if !v.samples.is_empty() {
                for lang in [Lang::En, Lang::Nl] {
                    let text = match lang {
                        Lang::En => &mut v.explanation.en,
                        Lang::Nl => &mut v.explanation.nl,
                    };
                    if !text.is_empty() {
                        text.push_str(sentences::sentences(lang).rests_on_sample);
                    }
                }
            }
        }
        let mut consequences = Vec::new();
        let mut totals = Totals::default();
        for c in &contract.doc().consequences {
            let outcome = consequence::consequence(
                contract,
                &src,
                &customs,
                &self.options,
                as_of,
                &verdicts,
                c,
            );
            if let Some(amount) = outcome.amount {
                let slot = match outcome.status {
                    ConsequenceStatus::Released => &mut totals.released,
                    ConsequenceStatus::Withheld => &mut totals.withheld,
                    _ => &mut totals.pending,
                };
                // Tranche amounts are validated not negative; their sum overflowing a
                // decimal is beyond any contract, and is refused rather than clamped.
                *slot = slot.checked_add(amount).ok_or(Error::Overflow {
                    what: "the sum of the tranche amounts",
                })?;
            }
            let read: Vec<&[String]> = verdicts
                .iter()
                .filter(|v| outcome.evidence.iter().any(|e| e.result == v.result))
                .map(|v| v.samples.as_slice())
                .collect();
            let mut outcome = outcome;
            outcome.samples = marks.of_consequence(&outcome.id, &read);
            consequences.push(outcome);
        }
        Ok(Report {
            format_version: REPORT_VERSION,
            contract: ContractInfo {
                id: contract.doc().id.clone(),
                title: contract.doc().title.clone(),
                source: contract.doc().source.clone(),
                regions: contract
                    .doc()
                    .regions
                    .iter()
                    .map(|r| RegionName {
                        id: r.id.clone(),
                        name: r.name.clone(),
                    })
                    .collect(),
                segments: names(&contract.doc().segments),
                provider_categories: names(&contract.doc().provider_categories),
            },
            as_of,
            disclosure: self.options.disclosure,
            data: self.data,
            rejections: self
                .rejections
                .get_or_init(|| {
                    let acc = if self.data.rejected == 0 {
                        return Vec::new();
                    } else {
                        self.view.accounting()
                    };
                    acc.rejections
                        .iter()
                        .take(REJECTIONS_LISTED)
                        .map(|r| RejectionOut {
                            input: r.input.clone(),
                            line: r.line,
                            id: r.id.clone(),
                            text: Texts {
                                en: text::rejection(r, Lang::En),
                                nl: text::rejection(r, Lang::Nl),
                            },
                        })
                        .collect()
                })
                .clone(),
            summary: summary(contract, &verdicts),
            verdicts,
            monitoring: monitoring(contract, self.view, as_of),
            observations: judge::observations(
                contract,
                &src,
                &customs,
                AsOf::new(as_of),
                &self.options,
            ),
            consequences,
            totals,
            contract_findings: lint::lint(contract),
            samples: marks.all,
        })
    }
}

/// Ids and names, as a report lists them.
fn names(list: &[targets::model::Segment]) -> Vec<RegionName> {
    list.iter()
        .map(|s| RegionName {
            id: s.id.clone(),
            name: s.name.clone(),
        })
        .collect()
}

/// The monitoring tables of a contract, over its term up to `as_of`.
fn monitoring(contract: &Contract, view: &View<'_>, as_of: NaiveDate) -> Vec<MonitoringOut> {
    use targets::model::MonitoringTable;
    let term = contract.term();
    let end = term.end().min(as_of.succ_opt().unwrap_or(as_of));
    let Ok(span) = indicators::Span::new(term.start(), end) else {
        return contract
            .doc()
            .monitoring
            .iter()
            .map(|m| MonitoringOut {
                table: m.table,
                rows: Vec::new(),
            })
            .collect();
    };
    let out = |p: indicators::Span| PeriodOut {
        start: p.start(),
        end: p.end(),
        label: p.to_string(),
    };
    contract
        .doc()
        .monitoring
        .iter()
        .map(|m| {
            let rows = match m.table {
                MonitoringTable::InflowByReason | MonitoringTable::OutflowByDestination => {
                    let rows = if m.table == MonitoringTable::InflowByReason {
                        view.inflow_by_reason(span, None, as_of)
                    } else {
                        view.outflow_by_destination(span, None, as_of)
                    };
                    rows.into_iter()
                        .map(|r| MonitoringRow {
                            period: out(r.month),
                            key: r.key,
                            count: r.count,
                        })
                        .collect()
                }
                MonitoringTable::StayLengthBands => {
                    let mut rows = Vec::new();
                    for year in span.start().year()..=span.end().pred_opt().unwrap_or(end).year() {
                        let Ok(y) = indicators::Span::calendar_year(year) else {
                            continue;
                        };
                        let (from, until) = (y.start().max(span.start()), y.end().min(span.end()));
                        let Ok(p) = indicators::Span::new(from, until) else {
                            continue;
                        };
                        if let indicators::Value::Bands {
                            under_6_weeks,
                            weeks_6_to_30,
                            over_30_weeks,
                        } = view.value(&indicators::Indicator::StayLengthBands, p, None, as_of)
                        {
                            for (key, count) in [
                                ("under_6_weeks", under_6_weeks),
                                ("6_to_30_weeks", weeks_6_to_30),
                                ("over_30_weeks", over_30_weeks),
                            ] {
                                rows.push(MonitoringRow {
                                    period: out(p),
                                    key: Some(key.to_owned()),
                                    count,
                                });
                            }
                        }
                    }
                    rows
                }
            };
            MonitoringOut {
                table: m.table,
                rows,
            }
        })
        .collect()
}

/// The first `n` of two lists sorted by (date, id), merged.
fn merge_first<'c>(
    a: &[&'c indicators::Correction],
    b: &[&'c indicators::Correction],
    n: usize,
) -> Vec<&'c indicators::Correction> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.min(a.len() + b.len()));
    while out.len() < n && (i < a.len() || j < b.len()) {
        let take_a = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => (x.date, &x.id) <= (y.date, &y.id),
            (Some(_), None) => true,
            _ => false,
        };
        if take_a {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out
}

/// `a, b, c` with `and N more` when the list was cut.
fn list(ids: &[&str], more: Option<&str>, and: &str) -> String {
    match more {
        Some(m) => format!("{} {and} {m}", ids.join(", ")),
        None => ids.join(", "),
    }
}

/// Marks the verdicts that corrections dated after their decision date changed: each is
/// compared with the same assessment counting only the corrections dated on or before
/// its decision date (the last day of its period, or its due date).
fn restate<'c>(
    contract: &Contract,
    src: &judge::Source<'_, '_>,
    customs: &judge::Customs,
    options: &Options,
    as_of: NaiveDate,
    verdicts: &mut [Verdict],
    grouped: &dyn Fn(NaiveDate) -> std::sync::Arc<Grouped<'c>>,
) {
    let mut by_due: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for (i, v) in verdicts.iter().enumerate() {
        if let Some(due) = consequence::due_date(v).filter(|d| *d < as_of) {
            by_due.entry(due).or_default().push(i);
        }
    }
    let regions: Vec<&str> = contract
        .doc()
        .regions
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    for (due, rows) in by_due {
        let corrections = src.view.corrections(due, as_of);
        if corrections.is_empty() {
            continue;
        }
        let frozen = judge::verdicts(
            contract,
            src,
            customs,
            AsOf::new(as_of).with_corrections_through(due),
            options,
            judge::Want::due(due),
        );
        // The frozen run judges exactly the checks due that day, in report order.
        if frozen.len() != rows.len() {
            continue;
        }
        for (i, f) in rows.into_iter().zip(&frozen) {
            let same = |v: &Verdict| {
                v.result == f.result && v.dimension == f.dimension && v.check == f.check
            };
            if !same(&verdicts[i]) {
                continue;
            }
            let v = &verdicts[i];
            let value = |n: &Option<Number>| n.as_ref().map(|n| (n.numerator, n.denominator));
            if !f.status.is_decided()
                || (f.status == v.status && value(&f.measured) == value(&v.measured))
            {
                continue;
            }
            // The corrections that concern the verdict's region (all of them for a
            // verdict over all regions or per provider), oldest first.
            let groups = grouped(due);
            let (all, by_region) = &*groups;
            let (count, listed): (usize, Vec<&indicators::Correction>) =
                if regions.contains(&v.dimension.as_str()) {
                    let none = by_region.get(&None).map_or(&[][..], Vec::as_slice);
                    let own = by_region
                        .get(&Some(v.dimension.as_str()))
                        .map_or(&[][..], Vec::as_slice);
                    (
                        none.len() + own.len(),
                        merge_first(none, own, CORRECTIONS_LISTED),
                    )
                } else {
                    (
                        all.len(),
                        all.iter().take(CORRECTIONS_LISTED).copied().collect(),
                    )
                };
            let restated = Restatement {
                decided_on: due,
                status: f.status,
                measured: f
                    .measured
                    .as_ref()
                    .and_then(|m| targets::num::Ratio::new(m.numerator, m.denominator).ok())
                    .map(|r| text::number(r, v.unit)),
                corrections_count: count,
                corrections: consequence::corrections_out(listed),
            };
            let v = &mut verdicts[i];
            let ids: Vec<&str> = restated.corrections.iter().map(|c| c.id.as_str()).collect();
            let more = restated.corrections_count - ids.len();
            let unit = v.unit;
            let was = |lang: Lang| {
                let w = sentences::sentences(lang);
                let value = restated
                    .measured
                    .as_ref()
                    .and_then(|m| targets::num::Ratio::new(m.numerator, m.denominator).ok())
                    .map(|r| text::cat(&[" (", &text::fmt_value(&r, unit, lang), ")"]))
                    .unwrap_or_default();
                let more = (more > 0).then(|| sentences::fill(w.more, &[("n", &more.to_string())]));
                sentences::fill(
                    w.restated,
                    &[
                        ("date", &text::fmt_date(due, lang)),
                        ("status", text::status_word(restated.status, lang)),
                        ("value", &value),
                        ("ids", &list(&ids, more.as_deref(), w.and)),
                    ],
                )
            };
            v.explanation.en.push_str(&was(Lang::En));
            v.explanation.nl.push_str(&was(Lang::Nl));
            v.restated = Some(restated);
        }
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
