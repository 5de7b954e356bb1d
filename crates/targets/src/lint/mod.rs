//! The lint: arithmetic and consistency defects that real contracts contain.
//!
//! A contract can be valid (every field well formed) and still be wrong: a stated total
//! that no reading of the steps gives, a step on a rate that does not say whether it
//! means percent or percentage points, a deadline after the contract has ended. The lint
//! finds these and reports them as data: a [`Finding`] with a code, a [`Severity`], the
//! JSON path and a message with the numbers.
//!
//! | code | severity | what |
//! |---|---|---|
//! | `stated_total_mismatch` | error | a stated total that matches no convention |
//! | `stated_total_other_convention` | warning | a stated total that matches another convention than the declared one |
//! | `rate_step_without_unit` | warning | a change of a rate without `relative` or `percentage_points` |
//! | `decrease_of_100_percent` | error | a required fall of 100 % or more |
//! | `date_outside_term` | warning | a deadline, milestone or step outside the longest possible term |
//! | `window_ends_before_start` | error | a validity window that ends before the contract starts |
//! | `step_periods_overlap` | error | two steps of one result over overlapping periods |
//! | `step_periods_gap` | warning | days between consecutive steps that no step covers |
//! | `steps_out_of_order` | warning | steps not listed in date order |
//! | `contradicting_targets` | error | two results on one indicator and dimension that cannot both be met |
//! | `baseline_missing_value` | warning | a declared baseline without a value for a dimension value |
//! | `milestones_not_cumulative` | warning | a later milestone that asks less than an earlier one |
//! | `consequence_on_out_of_scope` | warning | a bonus or escalation that depends on a result the provider is not responsible for |
//!
//! # Example: the defect of the Jeugdzorgplus contract
//!
//! ```
//! use targets::{lint, Contract, Severity};
//!
//! let c = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN)?;
//! let findings = lint::lint(&c);
//! let f = findings.iter().find(|f| f.code == "stated_total_mismatch").expect("found");
//! assert_eq!(f.severity, Severity::Error);
//! assert!(f.message.contains("compound gives 9.75 %, additive gives 10 %"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod contradictions;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::change::{Convention, Direction, StepTotals, StepUnit};
use crate::contract::{Contract, ScheduleItem};
use crate::model::{Baseline, BoundOp, Rule, Scope, Target};
use crate::num::Percent;
use crate::period::Period;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The contract says something impossible or self-contradictory; a person must decide.
    Error,
    /// The contract is ambiguous or unusual; the engine chose a reading and says which.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// A stable code, such as `stated_total_mismatch`.
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// The JSON path of the value concerned.
    pub path: String,
    /// What is wrong, with the numbers.
    pub message: String,
    /// The same in Dutch.
    #[serde(default)]
    pub message_nl: String,
    /// The id of the goal concerned, when the finding is inside one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    /// The id of the result concerned, when the finding is inside one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

impl Finding {
    /// The message in `dutch` or English.
    pub fn message_in(&self, dutch: bool) -> &str {
        if dutch && !self.message_nl.is_empty() {
            &self.message_nl
        } else {
            &self.message
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}: {}",
            self.severity, self.code, self.path, self.message
        )
    }
}

/// Lints a contract. Findings come in document order.
pub fn lint(contract: &Contract) -> Vec<Finding> {
    let mut out = Linter {
        c: contract,
        findings: Vec::new(),
    };
    out.run();
    out.locate();
    out.findings
}

/// Renders findings as text, one per line, with a closing count.
///
/// # Example
///
/// ```
/// use targets::{lint, Contract};
///
/// let c = Contract::from_json(samples::contracts::NOORDOOST_BRABANT)?;
/// let text = lint::render_text(&lint::lint(&c));
/// assert!(text.starts_with("warning [date_outside_term] $.goals[0].results[0].rule.on_or_before: deadline 2016-12-31"));
/// assert!(text.ends_with("0 error(s), 2 warning(s)\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_text(findings: &[Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        s.push_str(&f.to_string());
        s.push('\n');
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    s.push_str(&format!(
        "{errors} error(s), {} warning(s)\n",
        findings.len() - errors
    ));
    s
}

struct Linter<'a> {
    c: &'a Contract,
    findings: Vec<Finding>,
}

fn fmt_percent(p: Option<Percent>) -> String {
    p.map_or_else(|| "nothing".to_owned(), |p| p.to_string())
}

fn fmt_percent_nl(p: Option<Percent>) -> String {
    p.map_or_else(|| "niets".to_owned(), nl)
}

/// A percentage with a decimal comma.
fn nl(p: Percent) -> String {
    p.to_string().replace('.', ",")
}

impl Linter<'_> {
    fn push(&mut self, code: &str, severity: Severity, path: String, en: String, nl: String) {
        self.findings.push(Finding {
            code: code.to_owned(),
            severity,
            path,
            message: en,
            message_nl: nl,
            goal: None,
            result: None,
        });
    }

    /// Names the goal and result of each finding whose path is inside one.
    fn locate(&mut self) {
        let goals = &self.c.doc().goals;
        for f in &mut self.findings {
            let index = |key: &str| -> Option<usize> {
                let rest = f.path.split(key).nth(1)?;
                rest.split(']').next()?.parse().ok()
            };
            if let Some(g) = index("$.goals[").and_then(|i| goals.get(i)) {
                f.goal = Some(g.id.clone());
                if let Some(t) = index(".results[").and_then(|j| g.results.get(j)) {
                    f.result = Some(t.id.clone());
                }
            }
        }
    }

    fn run(&mut self) {
        let c = self.c;
        let mut paths = Vec::new();
        for (i, g) in c.doc().goals.iter().enumerate() {
            for (j, t) in g.results.iter().enumerate() {
                let path = format!("$.goals[{i}].results[{j}]");
                self.target(t, &path);
                paths.push((path, t));
            }
        }
        self.contradictions(&paths);
        self.consequences();
        self.term();
    }

    /// The dated entries of the term against the term: review dates inside it, contracts
    /// signed before the start.
    fn term(&mut self) {
        let c = self.c;
        let Some(term) = &c.doc().term else { return };
        let max_term = c.max_term();
        let start = c.doc().start;
        for (i, r) in term.review_dates.iter().enumerate() {
            if r.date <= max_term.start() || r.date >= max_term.end() {
                self.push(
                    "date_outside_term",
                    Severity::Warning,
                    format!("$.term.review_dates[{i}].date"),
                    format!(
                        "review date {} lies outside the longest possible term {max_term}",
                        r.date
                    ),
                    format!(
                        "herzieningsdatum {} valt buiten de langst mogelijke looptijd {}",
                        crate::period::date_nl(r.date),
                        max_term.to_string_nl()
                    ),
                );
            }
        }
        if let Some(sign_by) = term.sign_by {
            if sign_by >= start {
                self.push(
                    "signed_after_start",
                    Severity::Warning,
                    "$.term.sign_by".to_owned(),
                    format!("contracts may be signed as late as {sign_by}, on or after the start on {start}: care in between rests on no signed contract"),
                    format!("contracten mogen uiterlijk {} getekend worden, op of na de start op {}: de zorg daartussen rust op geen getekend contract", crate::period::date_nl(sign_by), crate::period::date_nl(start)),
                );
            }
        }
    }

    fn target(&mut self, t: &Target, path: &str) {
        let c = self.c;
        let rpath = format!("{path}.rule");
        let max_term = c.max_term();
        match &t.rule {
            Rule::SteppedChange {
                direction,
                convention,
                unit,
                steps,
                stated_total,
                baseline,
            } => {
                self.unit(t, *unit, &rpath);
                self.baseline(t, baseline, &rpath);
                let unit = unit.unwrap_or(StepUnit::Relative);
                let changes: Vec<Percent> = steps.iter().map(|s| s.change).collect();
                self.hundred(*direction, unit, &changes, &format!("{rpath}.steps"));
                if let Some(st) = stated_total {
                    self.stated_total(
                        *direction,
                        *convention,
                        unit,
                        &changes,
                        st.value,
                        &format!("{rpath}.stated_total"),
                    );
                }
                let schedule = c.schedule(&t.id);
                let periods: Vec<Period> =
                    schedule.iter().filter_map(ScheduleItem::period).collect();
                for (k, p) in periods.iter().enumerate() {
                    if !(max_term.start() <= p.start() && p.end() <= max_term.end()) {
                        self.push(
                            "date_outside_term",
                            Severity::Warning,
                            format!("{rpath}.steps[{k}].period"),
                            format!(
                                "step period {p} lies outside the longest possible term {max_term}"
                            ),
                            format!(
                                "stapperiode {} valt buiten de langst mogelijke looptijd {}",
                                p.to_string_nl(),
                                max_term.to_string_nl()
                            ),
                        );
                    }
                }
                self.step_order(&periods, &rpath);
            }
            Rule::Milestone {
                direction,
                unit,
                points,
                baseline,
                ..
            } => {
                self.unit(t, *unit, &rpath);
                self.baseline(t, baseline, &rpath);
                let unit = unit.unwrap_or(StepUnit::Relative);
                let mut sorted: Vec<(usize, _)> = points.iter().enumerate().collect();
                sorted.sort_by_key(|(_, p)| p.by);
                for (k, p) in points.iter().enumerate() {
                    self.hundred(
                        *direction,
                        unit,
                        &[p.change],
                        &format!("{rpath}.points[{k}].change"),
                    );
                    if p.by <= max_term.start() || p.by > max_term.end() {
                        self.push(
                            "date_outside_term",
                            Severity::Warning,
                            format!("{rpath}.points[{k}].by"),
                            format!("milestone date {} lies outside the longest possible term {max_term}", p.by),
                            format!("mijlpaaldatum {} valt buiten de langst mogelijke looptijd {}", crate::period::date_nl(p.by), max_term.to_string_nl()),
                        );
                    }
                }
                for w in sorted.windows(2) {
                    let ((_, a), (k, b)) = (w[0], w[1]);
                    if b.change < a.change {
                        self.push(
                            "milestones_not_cumulative",
                            Severity::Warning,
                            format!("{rpath}.points[{k}].change"),
                            format!(
                                "the milestone of {} asks {} but the earlier one of {} asked {}",
                                b.by, b.change, a.by, a.change
                            ),
                            format!(
                                "de mijlpaal van {} vraagt {} maar de eerdere van {} vroeg {}",
                                crate::period::date_nl(b.by),
                                nl(b.change),
                                crate::period::date_nl(a.by),
                                nl(a.change)
                            ),
                        );
                    }
                }
            }
            Rule::Deadline { on_or_before, .. } => {
                if *on_or_before < max_term.start() || *on_or_before >= max_term.end() {
                    self.push(
                        "date_outside_term",
                        Severity::Warning,
                        format!("{rpath}.on_or_before"),
                        format!("deadline {on_or_before} lies outside the longest possible term {max_term}"),
                        format!("termijn {} valt buiten de langst mogelijke looptijd {}", crate::period::date_nl(*on_or_before), max_term.to_string_nl()),
                    );
                }
            }
            Rule::Planned { on, .. } => {
                if *on < max_term.start() || *on >= max_term.end() {
                    self.push(
                        "date_outside_term",
                        Severity::Warning,
                        format!("{rpath}.on"),
                        format!(
                            "planned date {on} lies outside the longest possible term {max_term}"
                        ),
                        format!(
                            "geplande datum {} valt buiten de langst mogelijke looptijd {}",
                            crate::period::date_nl(*on),
                            max_term.to_string_nl()
                        ),
                    );
                }
            }
            Rule::Reporting {
                valid_from,
                valid_until,
                ..
            } => {
                let outside = valid_from.is_some_and(|d| d < max_term.start())
                    || valid_until.is_some_and(|d| d > max_term.end());
                if outside {
                    self.push(
                        "date_outside_term",
                        Severity::Warning,
                        rpath.clone(),
                        format!(
                            "the reporting duty runs outside the longest possible term {max_term}"
                        ),
                        format!(
                            "de rapportageplicht loopt buiten de langst mogelijke looptijd {}",
                            max_term.to_string_nl()
                        ),
                    );
                }
            }
            Rule::Bound {
                valid_until,
                valid_from,
                bounds,
                ..
            } => {
                let start = c.doc().start;
                // Periods a bound names itself must lie in the term: a bound over a period
                // before the contract starts is history, not a requirement.
                let schedule = c.schedule(&t.id);
                let named = !bounds.is_empty();
                for (k, p) in schedule.iter().filter_map(ScheduleItem::period).enumerate() {
                    let at = if named {
                        format!("{rpath}.bounds[{k}].period")
                    } else {
                        format!("{rpath}.periods")
                    };
                    if p.end() <= max_term.start() {
                        self.push(
                            "bound_before_start",
                            Severity::Warning,
                            at,
                            format!("the bound over {p} lies before the contract starts on {}: it is history, not a requirement; record it under `observations`", max_term.start()),
                            format!("de grens over {} ligt vóór de start van het contract op {}: dat is historie, geen eis; leg het vast onder `observations`", p.to_string_nl(), crate::period::date_nl(max_term.start())),
                        );
                    } else if !(max_term.start() <= p.start() && p.end() <= max_term.end()) {
                        self.push(
                            "date_outside_term",
                            Severity::Warning,
                            at,
                            format!(
                                "bound period {p} lies outside the longest possible term {max_term}"
                            ),
                            format!(
                                "grensperiode {} valt buiten de langst mogelijke looptijd {}",
                                p.to_string_nl(),
                                max_term.to_string_nl()
                            ),
                        );
                    }
                }
                if let Some(until) = valid_until {
                    if *until <= start {
                        self.push(
                            "window_ends_before_start",
                            Severity::Error,
                            format!("{rpath}.valid_until"),
                            format!("the bound holds until {until}, which is not after the contract start {start}; it never applies"),
                            format!("de grens geldt tot {}, niet na de start van het contract op {}; hij geldt dus nooit", crate::period::date_nl(*until), crate::period::date_nl(start)),
                        );
                    } else if valid_from.is_some_and(|f| f >= *until) {
                        self.push(
                            "window_ends_before_start",
                            Severity::Error,
                            format!("{rpath}.valid_until"),
                            format!("the bound holds until {until}, which is not after its own start; it never applies"),
                            format!("de grens geldt tot {}, niet na zijn eigen begin; hij geldt dus nooit", crate::period::date_nl(*until)),
                        );
                    }
                }
            }
        }
    }

    fn unit(&mut self, t: &Target, unit: Option<StepUnit>, rpath: &str) {
        if unit.is_none() && t.indicator.is_rate() {
            self.push(
                "rate_step_without_unit",
                Severity::Warning,
                rpath.to_owned(),
                format!(
                    "`{}` is a rate, but the change does not say `relative` or `percentage_points`; \
                     it is assessed as relative (a 5 % fall of 20 % is 19 %; 5 points would give 15 %)",
                    t.indicator.key()
                ),
                format!(
                    "`{}` is een percentage, maar de verandering zegt niet `relative` of `percentage_points`; \
                     ze wordt relatief beoordeeld (5 % daling van 20 % is 19 %; 5 procentpunt zou 15 % geven)",
                    t.indicator.key()
                ),
            );
        }
    }

    fn baseline(&mut self, t: &Target, b: &Baseline, rpath: &str) {
        if let Baseline::Declared { values, .. } = b {
            for v in self.c.dimension_values(t.dimension) {
                if !values.contains_key(&v) {
                    self.push(
                        "baseline_missing_value",
                        Severity::Warning,
                        format!("{rpath}.baseline.values"),
                        format!(
                            "no baseline value for `{v}`; its verdicts will be insufficient data"
                        ),
                        format!(
                            "geen waarde in het peiljaar voor `{v}`; de uitkomsten worden onvoldoende gegevens"
                        ),
                    );
                }
            }
        }
    }

    fn hundred(&mut self, direction: Direction, unit: StepUnit, changes: &[Percent], path: &str) {
        let totals = StepTotals::of(direction, unit, changes);
        if let Err(e) = &totals {
            self.arithmetic(path, e);
        }
        if direction != Direction::Decrease {
            return;
        }
        let total = totals.map(|t| t.additive).unwrap_or(Percent::ZERO);
        let worst = changes.iter().copied().max().unwrap_or(Percent::ZERO);
        let hundred = Percent::from_int(100);
        if worst >= hundred {
            self.push(
                "decrease_of_100_percent",
                Severity::Error,
                path.to_owned(),
                format!(
                    "a fall of {worst} leaves nothing; no value can meet it except zero or below"
                ),
                format!(
                    "een daling van {} laat niets over; alleen nul of minder voldoet",
                    nl(worst)
                ),
            );
        } else if total >= hundred {
            self.push(
                "decrease_of_100_percent",
                Severity::Error,
                path.to_owned(),
                format!(
                    "the steps add up to a fall of {total}; read additively they leave nothing"
                ),
                format!(
                    "de stappen tellen op tot een daling van {}; opgeteld gelezen laten ze niets over",
                    nl(total)
                ),
            );
        }
    }

    /// A computation the lint needs cannot be done exactly: an error, never a silence.
    fn arithmetic(&mut self, path: &str, e: &crate::Error) {
        self.push(
            "arithmetic_not_exact",
            Severity::Error,
            path.to_owned(),
            format!("the totals of these steps cannot be computed exactly: {e}"),
            format!("de totalen van deze stappen zijn niet exact te berekenen: {e}"),
        );
    }

    fn stated_total(
        &mut self,
        direction: Direction,
        convention: Convention,
        unit: StepUnit,
        changes: &[Percent],
        stated: Percent,
        path: &str,
    ) {
        // The steps' own arithmetic is reported by `hundred`; without totals the stated
        // one cannot be checked, and says so.
        let Ok(totals) = StepTotals::of(direction, unit, changes) else {
            self.push(
                "stated_total_unchecked",
                Severity::Warning,
                path.to_owned(),
                format!(
                    "the stated total {stated} cannot be checked: the steps' totals cannot be computed exactly"
                ),
                format!(
                    "het genoemde totaal {} is niet te controleren: de totalen van de stappen zijn niet exact te berekenen",
                    nl(stated)
                ),
            );
            return;
        };
        let declared = totals.under(convention);
        if declared == Some(stated) {
            return;
        }
        let (word, woord) = match direction {
            Direction::Decrease => ("fall", "daling"),
            Direction::Increase => ("rise", "stijging"),
        };
        let others: Vec<Convention> = [Convention::Compound, Convention::Additive]
            .into_iter()
            .filter(|c| *c != convention && totals.under(*c) == Some(stated))
            .collect();
        let listing = match totals.compound {
            Some(compound) => format!(
                "compound gives {compound}, additive gives {}",
                totals.additive
            ),
            None => format!("percentage points add up to {}", totals.additive),
        };
        let opsomming = match totals.compound {
            Some(compound) => format!(
                "samengesteld geeft {}, opgeteld {}",
                nl(compound),
                nl(totals.additive)
            ),
            None => format!("de procentpunten tellen op tot {}", nl(totals.additive)),
        };
        let naam = |c: Convention| match c {
            Convention::Compound => "samengesteld",
            Convention::Additive => "opgeteld",
            Convention::YearOverYear => "jaar-op-jaar",
        };
        if let Some(other) = others.first() {
            self.push(
                "stated_total_other_convention",
                Severity::Warning,
                path.to_owned(),
                format!(
                    "stated total {word} {stated} matches the {other} total, but the steps are declared {convention} \
                     (total {}); {listing}",
                    fmt_percent(declared)
                ),
                format!(
                    "het genoemde totaal ({woord} {}) klopt met het {} totaal, maar de stappen zijn als {} verklaard \
                     (totaal {}); {opsomming}",
                    nl(stated),
                    naam(*other),
                    naam(convention),
                    fmt_percent_nl(declared)
                ),
            );
        } else {
            self.push(
                "stated_total_mismatch",
                Severity::Error,
                path.to_owned(),
                format!(
                    "stated total {word} {stated} matches no convention: {listing}; \
                     the declared {convention} steps require a total {word} of {}",
                    fmt_percent(declared)
                ),
                format!(
                    "het genoemde totaal ({woord} {}) klopt met geen enkele lezing: {opsomming}; \
                     de als {} verklaarde stappen vragen een totale {woord} van {}",
                    nl(stated),
                    naam(convention),
                    fmt_percent_nl(declared)
                ),
            );
        }
    }

    fn step_order(&mut self, periods: &[Period], rpath: &str) {
        if periods.windows(2).any(|w| w[1].start() < w[0].start()) {
            self.push(
                "steps_out_of_order",
                Severity::Warning,
                format!("{rpath}.steps"),
                "the steps are not listed in date order; step k applies to the k-th listed period"
                    .to_owned(),
                "de stappen staan niet in datumvolgorde; stap k geldt voor de k-de genoemde periode"
                    .to_owned(),
            );
        }
        let mut sorted: Vec<(usize, &Period)> = periods.iter().enumerate().collect();
        sorted.sort_by_key(|(_, p)| (p.start(), p.end()));
        for w in sorted.windows(2) {
            let ((_, a), (k, b)) = (w[0], w[1]);
            if a.overlaps(b) {
                self.push(
                    "step_periods_overlap",
                    Severity::Error,
                    format!("{rpath}.steps[{k}].period"),
                    format!("step period {b} overlaps step period {a}"),
                    format!(
                        "stapperiode {} overlapt stapperiode {}",
                        b.to_string_nl(),
                        a.to_string_nl()
                    ),
                );
            } else if b.start() > a.end() {
                self.push(
                    "step_periods_gap",
                    Severity::Warning,
                    format!("{rpath}.steps[{k}].period"),
                    format!(
                        "no step covers {} to {} between {a} and {b}",
                        a.end(),
                        b.start().pred_opt().unwrap_or(b.start())
                    ),
                    format!(
                        "geen stap dekt {} t/m {} tussen {} en {}",
                        crate::period::date_nl(a.end()),
                        crate::period::date_nl(b.start().pred_opt().unwrap_or(b.start())),
                        a.to_string_nl(),
                        b.to_string_nl()
                    ),
                );
            }
        }
    }

    fn consequences(&mut self) {
        let c = self.c;
        for (i, cons) in c.doc().consequences.iter().enumerate() {
            for id in c.select(cons.condition().selection()) {
                if let Some((g, _)) = c.target(&id) {
                    if g.scope == Scope::OutOfScope {
                        self.push(
                            "consequence_on_out_of_scope",
                            Severity::Warning,
                            format!("$.consequences[{i}].condition"),
                            format!(
                                "`{}` depends on result `{id}` of out-of-scope goal `{}`, which the provider is not responsible for",
                                cons.id(),
                                g.id
                            ),
                            format!(
                                "`{}` hangt af van resultaat `{id}` van doel `{}` buiten de scope, waarvoor de aanbieder niet verantwoordelijk is",
                                cons.id(),
                                g.id
                            ),
                        );
                    }
                }
            }
        }
    }
}
