//! Which verdicts and consequences rest on values the contract marks as samples or
//! assumptions (`samples`, and declared baselines marked `sample`).

use std::collections::BTreeMap;

use targets::Contract;
use targets::model::{Baseline, Dimension, Rule};

use crate::report::SampleOut;

/// The contract's sample marks, indexed by what they bear on.
#[derive(Debug, Default)]
pub(crate) struct Samples {
    /// Every mark, in document order, declared baselines marked `sample` included.
    pub(crate) all: Vec<SampleOut>,
    /// Marks inside a result, by result id.
    by_result: BTreeMap<String, Vec<String>>,
    /// Marks inside a consequence, by consequence id.
    by_consequence: BTreeMap<String, Vec<String>>,
    /// Marks on provider facts, by provider id.
    by_provider: BTreeMap<String, Vec<String>>,
    /// Marks that bear on every dated entry (the start, the term).
    global: Vec<String>,
}

impl Samples {
    pub(crate) fn of(contract: &Contract) -> Samples {
        let doc = contract.doc();
        let mut s = Samples::default();
        let mut marks: Vec<SampleOut> = doc
            .samples
            .iter()
            .map(|m| SampleOut {
                at: m.at.clone(),
                note: m.note.clone(),
            })
            .collect();
        for (g, goal) in doc.goals.iter().enumerate() {
            for (r, t) in goal.results.iter().enumerate() {
                let baseline = match &t.rule {
                    Rule::SteppedChange { baseline, .. } | Rule::Milestone { baseline, .. } => {
                        Some(baseline)
                    }
                    _ => None,
                };
                if let Some(Baseline::Declared {
                    sample: true,
                    source,
                    ..
                }) = baseline
                {
                    let at = format!("/goals/{g}/results/{r}/rule/baseline");
                    if !marks.iter().any(|m| m.at == at) {
                        marks.push(SampleOut {
                            at,
                            note: source
                                .clone()
                                .unwrap_or_else(|| "declared baseline marked sample".to_owned()),
                        });
                    }
                }
            }
        }
        for m in &marks {
            let parts: Vec<&str> = m.at.trim_start_matches('/').split('/').collect();
            let index = |i: usize| parts.get(i).and_then(|p| p.parse::<usize>().ok());
            match parts.first().copied() {
                Some("goals") => {
                    let result = index(1).and_then(|g| doc.goals.get(g)).and_then(|goal| {
                        match index(3) {
                            Some(r) if parts.get(2) == Some(&"results") => goal.results.get(r),
                            // A mark on a whole goal bears on each of its results.
                            _ => None,
                        }
                    });
                    match result {
                        Some(t) => s.push_result(&t.id, &m.at),
                        None => {
                            if let Some(goal) = index(1).and_then(|g| doc.goals.get(g)) {
                                for t in &goal.results {
                                    s.push_result(&t.id, &m.at);
                                }
                            }
                        }
                    }
                }
                Some("consequences") => {
                    if let Some(c) = index(1).and_then(|i| doc.consequences.get(i)) {
                        s.by_consequence
                            .entry(c.id().to_owned())
                            .or_default()
                            .push(m.at.clone());
                    }
                }
                Some("providers") => {
                    // One provider, or (the whole list) every provider.
                    let which: Vec<&targets::model::Provider> = match index(1) {
                        Some(i) => doc.providers.get(i).into_iter().collect(),
                        None => doc.providers.iter().collect(),
                    };
                    for p in which {
                        s.by_provider
                            .entry(p.id.clone())
                            .or_default()
                            .push(m.at.clone());
                    }
                }
                Some("start" | "initial_term_years" | "extension" | "baseline_period") => {
                    s.global.push(m.at.clone());
                }
                _ => {}
            }
        }
        s.all = marks;
        s
    }

    fn push_result(&mut self, id: &str, at: &str) {
        self.by_result
            .entry(id.to_owned())
            .or_default()
            .push(at.to_owned());
    }

    /// The marks a verdict of result `result` for dimension value `dim` rests on.
    pub(crate) fn of_verdict(&self, contract: &Contract, result: &str, dim: &str) -> Vec<String> {
        // Most contracts mark nothing: no lookups per verdict then.
        if self.all.is_empty() {
            return Vec::new();
        }
        let mut out = self.global.clone();
        out.extend(self.by_result.get(result).into_iter().flatten().cloned());
        if let Some((_, t)) = contract.target(result) {
            // A result per provider rests on the provider; a condition reads the facts of
            // the provider judged, or of the contractor.
            if t.dimension == Dimension::PerProvider || t.applies_to.is_some() {
                let whose = if t.dimension == Dimension::PerProvider {
                    dim
                } else {
                    contract.doc().contractor.as_str()
                };
                out.extend(self.by_provider.get(whose).into_iter().flatten().cloned());
            }
        }
        out
    }

    /// The marks a consequence rests on: its own, and those of the verdicts it reads.
    pub(crate) fn of_consequence(&self, id: &str, verdict_marks: &[&[String]]) -> Vec<String> {
        let mut out: Vec<String> = self
            .by_consequence
            .get(id)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for marks in verdict_marks {
            for m in *marks {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
        }
        out
    }
}
