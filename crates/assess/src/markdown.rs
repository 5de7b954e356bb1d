//! The report as Markdown, for people, in English or Dutch.

use std::fmt::Write;

use targets::model::Scope;

use crate::report::{Counts, Report, Verdict};
use crate::text::{Lang, fmt_date};

/// A comparison as people write it.
fn op_sign(op: &str) -> &str {
    match op {
        "<=" => "≤",
        ">=" => "≥",
        "!=" => "≠",
        other => other,
    }
}

fn counts_row(c: &Counts) -> String {
    format!(
        "{} | {} | {} | {} | {}",
        c.met, c.not_met, c.pending, c.insufficient_data, c.not_applicable
    )
}

fn num(s: &str, lang: Lang) -> String {
    crate::text::localised(s, lang)
}

/// Text from a contract or the events (titles, names, explanations that quote them) as
/// Markdown that shows it as written: characters Markdown or HTML would read are
/// escaped, and line breaks become spaces, so that a title cannot break a table or a list,
/// start a heading or inject markup.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A lint message, which quotes ids in code spans on purpose: only HTML and line breaks
/// are neutralised.
fn markup_free(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

/// [`text`] for a table cell.
fn cell(s: &str) -> String {
    text(s)
}

/// Renders a report as Markdown in `lang`.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use indicators::{Engine, ParseOptions};
///
/// let contract = targets::Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN)?;
/// let mut engine = Engine::new();
/// let _ = engine.push_jsonl(samples::streams::JEUGDZORGPLUS_SAMPLE.as_bytes(), ParseOptions::default());
/// let report = assess::assess(&contract, &engine.view(), NaiveDate::from_ymd_opt(2019, 12, 31).unwrap())?;
/// let text = assess::markdown::render(&report, assess::Lang::Nl);
/// assert!(text.starts_with("# Beoordeling: Jeugdzorgplus Noord-Holland Noord"));
/// assert!(text.contains("## Gevolgen"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(report: &Report, lang: Lang) -> String {
    let w = crate::text::words(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: {}\n",
        w.assessment,
        text(&report.contract.title)
    );
    let _ = writeln!(
        out,
        "{} {} · `{}`",
        w.as_of,
        fmt_date(report.as_of, lang),
        report.contract.id.replace('`', "'")
    );
    if let Some(src) = &report.contract.source {
        let _ = writeln!(out, "\n{}", text(src));
    }
    let d = &report.data;
    let events = crate::text::data_line(d, lang);
    let _ = writeln!(out, "\n{events}\n");
    if !report.samples.is_empty() {
        let [notice, marked] = w.samples_notice;
        let _ = writeln!(out, "**{notice}** {marked}\n");
    }

    let _ = writeln!(out, "## {}\n", w.summary);
    let header = w.cols.join(" | ");
    let _ = writeln!(
        out,
        "| {} | {header} |\n|---|---:|---:|---:|---:|---:|",
        w.goal
    );
    for g in &report.summary.per_goal {
        let scope = if g.scope == Scope::InScope { "" } else { " *" };
        let _ = writeln!(
            out,
            "| {} {}{scope} | {} |",
            cell(&g.goal),
            cell(&g.title),
            counts_row(&g.counts)
        );
    }
    let _ = writeln!(out, "| **∑** | {} |\n", counts_row(&report.summary.all));
    let _ = writeln!(
        out,
        "| {} | {header} |\n|---|---:|---:|---:|---:|---:|",
        w.region
    );
    for r in &report.summary.per_dimension {
        let _ = writeln!(
            out,
            "| {} | {} |",
            cell(&report.contract.dimension_name(&r.dimension, lang)),
            counts_row(&r.counts)
        );
    }
    let _ = writeln!(out, "\n\\* {}\n", w.scope_out);
    if report
        .summary
        .per_dimension
        .iter()
        .any(|d| d.dimension == targets::model::OVERALL)
    {
        let _ = writeln!(out, "{}\n", w.overall);
    }

    let mut goal = "";
    let mut result = "";
    for v in &report.verdicts {
        if v.goal != goal {
            goal = &v.goal;
            result = "";
            let title = report
                .summary
                .per_goal
                .iter()
                .find(|g| g.goal == v.goal)
                .map_or("", |g| g.title.as_str());
            let scope = if v.scope == Scope::InScope {
                w.scope_in
            } else {
                w.scope_out
            };
            let _ = writeln!(
                out,
                "## {} {}: {}\n\n*{scope}*\n",
                w.goal,
                text(&v.goal),
                text(title)
            );
        }
        if v.result != result {
            result = &v.result;
            let _ = writeln!(
                out,
                "### {} (`{}`)\n",
                text(&v.result),
                v.indicator.replace('`', "'")
            );
            let t = &w.table;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |\n|---|---|---|---:|---:|---:|",
                t[0], t[1], t[2], t[3], t[4], t[5]
            );
            for row in report.verdicts.iter().filter(|x| x.result == v.result) {
                let _ = writeln!(out, "{}", table_row(row, &report.contract, lang));
            }
            let _ = writeln!(out);
            for row in report.verdicts.iter().filter(|x| x.result == v.result) {
                let explanation = row.explanation.get(lang);
                let _ = writeln!(out, "- {}", text(explanation));
            }
            let _ = writeln!(out);
        }
    }

    if !report.monitoring.is_empty() {
        let _ = writeln!(out, "## {}\n", w.monitoring);
        for m in &report.monitoring {
            let (title, period) = crate::text::monitoring_heads(m.table, lang);
            let _ = writeln!(out, "### {title}\n");
            let (keys, rows) = crate::text::monitoring_grid(m, lang);
            if keys.is_empty() {
                let _ = writeln!(out, "–\n");
                continue;
            }
            let head: Vec<String> = keys.iter().map(|k| cell(k)).collect();
            let _ = writeln!(
                out,
                "| {period} | {} |\n|---|{}",
                head.join(" | "),
                "---:|".repeat(keys.len())
            );
            for (label, counts) in rows {
                let cells: Vec<String> = counts.iter().map(u64::to_string).collect();
                let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
            }
            let _ = writeln!(out);
        }
    }

    if !report.observations.is_empty() {
        let _ = writeln!(out, "## {}\n", w.observations);
        for o in &report.observations {
            let _ = writeln!(
                out,
                "### {}: {} (`{}`)\n",
                text(&o.id),
                text(&o.title),
                o.indicator.replace('`', "'")
            );
            let c = &w.obs_cols;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |\n|---|---|---:|---:|",
                c[0], c[1], c[2], c[3]
            );
            for r in &o.rows {
                let (measured, stated) = crate::text::observed_values(r, lang);
                let dash = || "–".to_owned();
                let (measured, stated) =
                    (measured.unwrap_or_else(dash), stated.unwrap_or_else(dash));
                let _ = writeln!(
                    out,
                    "| {} | {} | {measured} | {stated} |",
                    cell(&report.contract.dimension_name(&r.dimension, lang)),
                    r.period.label
                );
            }
            let _ = writeln!(out);
            for r in &o.rows {
                let _ = writeln!(out, "- {}", text(r.explanation.get(lang)));
            }
            let _ = writeln!(out);
        }
    }

    let _ = writeln!(out, "## {}\n", w.consequences);
    if !report.consequences.is_empty() {
        let c = &w.cons_cols;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |\n|---|---:|---|---|",
            c[0], c[1], c[2], c[3]
        );
        for c in &report.consequences {
            let amount = c
                .amount
                .map(|a| crate::text::fmt_money(a, lang))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {}{} | {amount} | {} | {} |",
                cell(&c.title),
                if c.samples.is_empty() { "" } else { " †" },
                fmt_date(c.date, lang),
                crate::text::outcome_word(c.status, lang)
            );
        }
        let _ = writeln!(out);
        for c in &report.consequences {
            let explanation = c.explanation.get(lang);
            let _ = writeln!(out, "- **{}**: {}", text(&c.id), text(explanation));
            // A persistent failure names the verdicts it rests on.
            if c.status == crate::ConsequenceStatus::Triggered {
                for e in &c.evidence {
                    for v in &e.verdicts {
                        let _ = writeln!(out, "  - {}: {}", text(&e.result), text(v));
                    }
                }
            }
        }
        let totals = crate::text::totals_line(&report.totals, lang);
        let _ = writeln!(out, "\n{totals}\n");
    }

    let _ = writeln!(out, "## {}\n", w.findings);
    if report.contract_findings.is_empty() {
        let _ = writeln!(out, "{}", w.no_findings);
    }
    for f in &report.contract_findings {
        let path = format!("`{}`", f.path.replace('`', "'"));
        let (severity, place, message) = crate::text::finding_parts(f, lang);
        let place = place.map_or_else(|| path.clone(), |p| format!("{} ({path})", text(&p)));
        let _ = writeln!(
            out,
            "- **{severity}** `{}`, {place}: {}",
            f.code,
            markup_free(message)
        );
    }
    if !report.samples.is_empty() {
        let _ = writeln!(out, "\n## {}\n", w.samples);
        for m in &report.samples {
            let _ = writeln!(out, "- `{}`: {}", m.at.replace('`', "'"), text(&m.note));
        }
    }
    if !report.rejections.is_empty() {
        let _ = writeln!(out, "\n## {}\n", w.rejected);
        for r in &report.rejections {
            let t = r.text.get(lang);
            let _ = writeln!(out, "- {}", text(t));
        }
        if (report.rejections.len() as u64) < report.data.rejected {
            let more = w
                .rejected_more
                .replace("{shown}", &report.rejections.len().to_string())
                .replace("{total}", &report.data.rejected.to_string());
            let _ = writeln!(out, "\n{more}");
        }
    }
    out
}

fn table_row(v: &Verdict, info: &crate::ContractInfo, lang: Lang) -> String {
    let period = v.period.as_ref().map_or_else(
        || {
            v.required
                .as_ref()
                .and_then(|r| r.due.map(|d| (r.op == "on", d)))
                .map(|(on, d)| match (on, v.basis.planned_until) {
                    (true, Some(until)) => {
                        format!("{} – {}", fmt_date(d, lang), fmt_date(until, lang))
                    }
                    (true, None) => format!("= {}", fmt_date(d, lang)),
                    (false, _) => format!("≤ {}", fmt_date(d, lang)),
                })
                .unwrap_or_default()
        },
        |p| p.label.clone(),
    );
    let measured = v
        .measured
        .as_ref()
        .map(|n| num(&n.display, lang))
        .unwrap_or_else(|| {
            v.basis
                .delivered_on
                .or(v.basis.report.as_ref().and_then(|r| r.submitted_on))
                .map(|d| fmt_date(d, lang))
                .unwrap_or_else(|| "–".to_owned())
        });
    let required = v
        .required
        .as_ref()
        .and_then(|r| {
            r.value
                .as_ref()
                .map(|n| format!("{} {}", op_sign(&r.op), num(&n.display, lang)))
        })
        .unwrap_or_else(|| "–".to_owned());
    let baseline = v
        .baseline
        .as_ref()
        .map(|n| num(&n.display, lang))
        .unwrap_or_else(|| "–".to_owned());
    let early = match (v.early, lang) {
        (false, _) => "",
        (true, Lang::En) => " (early)",
        (true, Lang::Nl) => " (vroegtijdig)",
    };
    let sample = if v.samples.is_empty() { "" } else { " †" };
    format!(
        "| {} | {} | {}{early}{sample} | {} | {} | {} |",
        cell(&info.dimension_name(&v.dimension, lang)),
        period,
        crate::text::status_word(v.status, lang),
        measured,
        required,
        baseline
    )
}
