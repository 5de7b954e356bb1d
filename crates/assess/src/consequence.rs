//! The consequences a contract attaches to verdicts: bonus tranches (decided as of their
//! own date, with what later corrections would have changed) and escalations (decided
//! on the assessment date, including failures that persist).

use chrono::NaiveDate;
use indicators::AsOf;
use rust_decimal::Decimal;
use targets::Contract;
use targets::model::{Consequence, VerdictCondition};
use targets::num::{Money, Ratio};

use crate::Options;
use crate::judge::{self, Customs, Source};
use crate::report::{
    ConsequenceOutcome, ConsequenceStatus, CorrectionOut, Evidence, Status, Texts,
    TrancheRestatement, Verdict,
};
use crate::sentences::{fill, sentences};
use crate::text::{Lang, fmt_date};

/// The last day a verdict's check is about: the period's last day, or the due date.
pub(crate) fn due_date(v: &Verdict) -> Option<NaiveDate> {
    match (&v.period, &v.required) {
        // A report is decided on its due date, after its period.
        (Some(_), Some(r)) if v.check == crate::Check::Report => r.due,
        (Some(p), _) => p.end.pred_opt(),
        (None, Some(r)) => r.due,
        _ => None,
    }
}

/// Whether a verdict's check is due by the end of `date`: its period has ended or its
/// deadline passed, or it was already decided as not met before its end.
fn due_by(v: &Verdict, date: NaiveDate) -> bool {
    let next = date.succ_opt().unwrap_or(date);
    match (&v.period, &v.required) {
        (Some(_), Some(r)) if v.check == crate::Check::Report => {
            r.due.is_some_and(|d| d <= date) || (v.early && v.status == Status::Met)
        }
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
        verdicts: rows.iter().map(|v| verdict_ref(v)).collect(),
    })
}

/// `dimension period: status`.
fn verdict_ref(v: &Verdict) -> String {
    let period = v
        .period
        .as_ref()
        .map_or_else(String::new, |p| format!(" {}", p.label));
    format!("{}{period}: {}", v.dimension, v.status)
}

/// A failure of one result and dimension value that lasted at least `months`, as
/// `from → to`: the check not met it started with and the check at least `months` later
/// that found it still there, with no check met in between (`nk 2019 → nk 2020`). For a
/// deadline: not delivered by the due date and still not delivered `months` later
/// (`overall 2019-07-01 → 2020-07-01`).
fn persistent_failure(
    verdicts: &[Verdict],
    result: &str,
    dimension: &str,
    months: u32,
    at: NaiveDate,
) -> Option<String> {
    let mut rows: Vec<(NaiveDate, &Verdict)> = verdicts
        .iter()
        .filter(|v| v.result == result && v.dimension == dimension)
        .filter(|v| v.status != Status::NotApplicable)
        .filter_map(|v| due_date(v).map(|d| (d, v)))
        .filter(|(d, _)| *d <= at)
        .collect();
    rows.sort_by_key(|(d, _)| *d);
    let label = |v: &Verdict, d: NaiveDate| {
        let when = v
            .period
            .as_ref()
            .map_or_else(|| d.to_string(), |p| p.label.clone());
        format!("{} {when}", v.dimension)
    };
    for (i, (start, first)) in rows.iter().enumerate() {
        if first.status != Status::NotMet {
            continue;
        }
        let Ok(review) = targets::period::add_months(*start, months) else {
            continue;
        };
        if first.period.is_none() {
            // A deadline: the failure lasts until the delivery.
            let cured = first.basis.delivered_on.is_some_and(|d| d <= review);
            if review <= at && !cured {
                return Some(format!("{} → {review}", label(first, *start)));
            }
            continue;
        }
        for (d, v) in &rows[i + 1..] {
            if v.status == Status::Met {
                break;
            }
            if *d >= review && v.status == Status::NotMet {
                return Some(format!("{} → {}", label(first, *start), label(v, *d)));
            }
        }
    }
    None
}

/// What a condition says of a set of verdicts as of `at`.
struct Judgement {
    holds: bool,
    evidence: Vec<Evidence>,
    met: usize,
    not_met: usize,
    considered: usize,
    not_due: usize,
}

fn judge_condition(
    contract: &Contract,
    condition: &VerdictCondition,
    verdicts: &[Verdict],
    at: NaiveDate,
) -> Judgement {
    let ids = contract.select(condition.selection());
    if let VerdictCondition::PersistentNotMet { months, .. } = condition {
        let mut evidence = Vec::new();
        let mut considered = 0;
        for id in &ids {
            let mut dims: Vec<&str> = verdicts
                .iter()
                .filter(|v| &v.result == id)
                .map(|v| v.dimension.as_str())
                .collect();
            dims.dedup();
            if verdicts.iter().any(|v| &v.result == id && due_by(v, at)) {
                considered += 1;
            }
            let lines: Vec<String> = dims
                .iter()
                .filter_map(|dim| persistent_failure(verdicts, id, dim, *months, at))
                .collect();
            if !lines.is_empty() {
                evidence.push(Evidence {
                    result: id.clone(),
                    status: Status::NotMet,
                    verdicts: lines,
                });
            }
        }
        let not_met = evidence.len();
        return Judgement {
            holds: not_met > 0,
            evidence,
            met: 0,
            not_met,
            considered,
            not_due: ids.len() - considered,
        };
    }
    let states: Vec<Evidence> = ids
        .iter()
        .filter_map(|id| result_state(verdicts, id, at))
        .collect();
    let met = states.iter().filter(|e| e.status == Status::Met).count();
    let not_met = states.iter().filter(|e| e.status == Status::NotMet).count();
    let considered = states.len();
    let holds = match condition {
        VerdictCondition::AllMet { .. } => considered > 0 && met == considered,
        VerdictCondition::AnyNotMet { .. } => not_met > 0,
        VerdictCondition::AtLeast { met: k, .. } => met >= *k as usize,
        // 100 · met / considered >= p, compared exactly: never on a rounded product.
        VerdictCondition::ShareMet { percent, .. } => {
            let share = Ratio::new(
                Decimal::from(met as u64) * Decimal::ONE_HUNDRED,
                Decimal::from(considered as u64),
            );
            share.is_ok_and(|s| {
                s.cmp_exact(&Ratio::from_decimal(percent.into_inner()))
                    .is_ok_and(|o| o != std::cmp::Ordering::Less)
            })
        }
        _ => false,
    };
    Judgement {
        holds,
        evidence: states,
        met,
        not_met,
        considered,
        not_due: ids.len() - considered,
    }
}

fn need(condition: &VerdictCondition, lang: Lang) -> String {
    let w = sentences(lang);
    match condition {
        VerdictCondition::AllMet { .. } => w.need_all.to_owned(),
        VerdictCondition::AnyNotMet { .. } => w.need_any_not_met.to_owned(),
        VerdictCondition::AtLeast { met, .. } => fill(w.need_at_least, &[("n", &met.to_string())]),
        VerdictCondition::ShareMet { percent, .. } => {
            let p = percent.to_string();
            let p = if lang == Lang::Nl {
                p.replace('.', ",")
            } else {
                p
            };
            fill(w.need_at_least, &[("n", &p)])
        }
        VerdictCondition::PersistentNotMet { months, .. } => {
            fill(w.need_persistent, &[("months", &months.to_string())])
        }
    }
}

fn status_of(tranche: bool, holds: bool) -> ConsequenceStatus {
    match (tranche, holds) {
        (true, true) => ConsequenceStatus::Released,
        (true, false) => ConsequenceStatus::Withheld,
        (false, true) => ConsequenceStatus::Triggered,
        (false, false) => ConsequenceStatus::NotTriggered,
    }
}

/// The outcome in words, capitalised to open a sentence.
fn word(status: ConsequenceStatus, lang: Lang) -> String {
    let w = crate::text::outcome_word(status, lang);
    let mut chars = w.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn explain(
    condition: &VerdictCondition,
    status: ConsequenceStatus,
    j: &Judgement,
    at: NaiveDate,
    lang: Lang,
) -> String {
    let (w, date, need) = (
        word(status, lang),
        fmt_date(at, lang),
        need(condition, lang),
    );
    let (met, not_met, considered, not_due) = (j.met, j.not_met, j.considered, j.not_due);
    let s = sentences(lang);
    let (met, not_met, considered) = (met.to_string(), not_met.to_string(), considered.to_string());
    if let VerdictCondition::PersistentNotMet { months, .. } = condition {
        return fill(
            s.persistent,
            &[
                ("outcome", &w),
                ("not_met", &not_met),
                ("considered", &considered),
                ("months", &months.to_string()),
                ("date", &date),
                ("need", &need),
            ],
        );
    }
    let nothing_due = if not_due > 0 {
        fill(s.nothing_due, &[("n", &not_due.to_string())])
    } else {
        String::new()
    };
    fill(
        s.consequence,
        &[
            ("outcome", &w),
            ("met", &met),
            ("not_met", &not_met),
            ("considered", &considered),
            ("date", &date),
            ("need", &need),
            ("nothing_due", &nothing_due),
        ],
    )
}

/// The first [`crate::report::CORRECTIONS_LISTED`] corrections of `list`, as a report shows them.
pub(crate) fn corrections_out<'c>(
    list: impl IntoIterator<Item = &'c indicators::Correction>,
) -> Vec<CorrectionOut> {
    list.into_iter()
        .take(crate::report::CORRECTIONS_LISTED)
        .map(|c| CorrectionOut {
            id: c.id.clone(),
            date: c.date,
            target: c.target.clone(),
            target_kind: c.target_kind.to_string(),
            target_date: c.target_date,
        })
        .collect()
}

/// What one consequence comes to as of `as_of`; `now` are the verdicts as of `as_of`.
pub(crate) fn consequence(
    contract: &Contract,
    src: &Source<'_, '_>,
    customs: &Customs,
    options: &Options,
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
        samples: Vec::new(),
        restatement: None,
        explanation: Texts {
            en: String::new(),
            nl: String::new(),
        },
    };
    if as_of < date {
        let pending = |lang: Lang| {
            let w = sentences(lang);
            let template = if tranche {
                w.pending_tranche
            } else {
                w.pending_escalation
            };
            fill(template, &[("date", &fmt_date(date, lang))])
        };
        outcome.explanation = Texts {
            en: pending(Lang::En),
            nl: pending(Lang::Nl),
        };
        return outcome;
    }
    let condition = c.condition();
    // A tranche is decided on what was known at its date; an escalation on what is known now.
    let (verdicts, at) = if tranche {
        let at = AsOf::new(date);
        (
            judge::verdicts(contract, src, customs, at, options, judge::Want::BARE),
            date,
        )
    } else {
        (now.to_vec(), as_of)
    };
    let j = judge_condition(contract, condition, &verdicts, at);
    outcome.status = status_of(tranche, j.holds);
    outcome.explanation = Texts {
        en: explain(condition, outcome.status, &j, at, Lang::En),
        nl: explain(condition, outcome.status, &j, at, Lang::Nl),
    };
    if tranche && as_of > date {
        // The corrections known now, of events the decision could see.
        let corrections: Vec<&indicators::Correction> = src
            .view
            .corrections(date, as_of)
            .iter()
            .filter(|c| c.target_date <= date)
            .collect();
        if !corrections.is_empty() {
            let known = AsOf::new(date).with_corrections_through(as_of);
            let restated =
                judge::verdicts(contract, src, customs, known, options, judge::Want::BARE);
            let r = judge_condition(contract, condition, &restated, date);
            let status = status_of(true, r.holds);
            let amount = amount.unwrap_or(Money::ZERO);
            let difference = match (outcome.status, status) {
                (ConsequenceStatus::Withheld, ConsequenceStatus::Released) => amount,
                (ConsequenceStatus::Released, ConsequenceStatus::Withheld) => {
                    Money::ZERO.checked_sub(amount).unwrap_or(Money::ZERO)
                }
                _ => Money::ZERO,
            };
            let changed = status != outcome.status;
            let n = corrections.len().to_string();
            let restate = |lang: Lang| {
                let w = sentences(lang);
                let date = fmt_date(as_of, lang);
                if changed {
                    fill(
                        w.tranche_would_change,
                        &[
                            ("n", &n),
                            ("date", &date),
                            ("outcome", &word(status, lang).to_lowercase()),
                            ("difference", &crate::text::fmt_money(difference, lang)),
                        ],
                    )
                } else {
                    fill(w.tranche_would_stay, &[("n", &n), ("date", &date)])
                }
            };
            let (en, nl) = (restate(Lang::En), restate(Lang::Nl));
            outcome.explanation.en.push_str(&en);
            outcome.explanation.nl.push_str(&nl);
            outcome.restatement = Some(TrancheRestatement {
                corrections_through: as_of,
                status,
                changed,
                difference,
                corrections_count: corrections.len(),
                corrections: corrections_out(corrections.iter().copied()),
            });
        }
    }
    outcome.evidence = j.evidence;
    outcome
}
