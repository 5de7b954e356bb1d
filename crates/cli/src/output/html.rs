//! One self-contained HTML file: the report with a chart per result (no scripts, no
//! fonts or styles from elsewhere; it opens from a mail attachment or a file share).
//!
//! A chart shows, per period on the horizontal axis and per region in its own colour,
//! the measured value as a marker and the required level as a dashed step over the
//! period, so a stepped reduction shows as a staircase and a cap as a flat line. The
//! marker says the verdict: a filled dot met, a cross not met, an open dot pending, a
//! small square insufficient data. The numbers are plotted from the report's exact
//! fractions converted for drawing only; the tables beside the chart give the values as
//! the report states them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use assess::text::{fmt_date, fmt_money, status_word, words};
use assess::{Lang, Number, Report, Status, Verdict};

/// The series colours (colour-blind safe, Okabe–Ito).
const COLOURS: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

/// Words only the HTML report uses.
struct Html {
    lang: &'static str,
    measured: &'static str,
    required: &'static str,
    legend: &'static str,
    rejected_more: &'static str,
    generated: &'static str,
}

const EN: Html = Html {
    lang: "en",
    measured: "measured",
    required: "required (dashed)",
    legend: "● met  ✕ not met  ○ pending  ▪ insufficient data",
    rejected_more: "{shown} of {total} shown; write all with --rejects FILE.",
    generated: "Written by outcome-targets",
};

const NL: Html = Html {
    lang: "nl",
    measured: "gemeten",
    required: "vereist (gestreept)",
    legend: "● gehaald  ✕ niet gehaald  ○ nog niet bepaald  ▪ onvoldoende gegevens",
    rejected_more: "{shown} van {total} getoond; schrijf ze allemaal met --rejects BESTAND.",
    generated: "Geschreven door outcome-targets",
};

/// Escapes text for HTML.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number for drawing only (never for a decision).
fn plot(n: &Number) -> Option<f64> {
    let r = targets::num::Ratio::new(n.numerator, n.denominator).ok()?;
    r.to_display(6).to_string().parse::<f64>().ok()
}

/// An axis label: up to two decimals, the language's decimal sign.
fn label(x: f64, lang: Lang) -> String {
    let s = if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    };
    if lang == Lang::Nl {
        s.replace('.', ",")
    } else {
        s
    }
}

/// Opens a table with a row of column heads.
fn table_head(o: &mut String, cols: &[&str]) {
    o.push_str("<table><tr>");
    for c in cols {
        let _ = write!(o, "<th>{}</th>", esc(c));
    }
    o.push_str("</tr>\n");
}

/// The display text of a number in the report's language.
fn shown(n: &Number, lang: Lang) -> String {
    assess::text::localised(&n.display, lang)
}

/// The chart of one result's verdicts, as inline SVG; `None` when nothing has a value.
fn chart(verdicts: &[&Verdict], report: &Report, lang: Lang, h: &Html) -> Option<String> {
    // The periods in order, and per region its points.
    let mut periods: Vec<(chrono::NaiveDate, String)> = Vec::new();
    for v in verdicts {
        if let Some(p) = &v.period {
            if !periods.iter().any(|(s, _)| *s == p.start) {
                periods.push((p.start, p.label.clone()));
            }
        }
    }
    periods.sort();
    let slot = |v: &Verdict| -> Option<usize> {
        let start = v.period.as_ref()?.start;
        periods.iter().position(|(s, _)| *s == start)
    };
    let mut regions: Vec<&str> = Vec::new();
    for v in verdicts {
        if !regions.contains(&v.dimension.as_str()) {
            regions.push(&v.dimension);
        }
    }
    let values: Vec<f64> = verdicts
        .iter()
        .flat_map(|v| {
            let m = v.measured.as_ref().and_then(plot);
            let r = v
                .required
                .as_ref()
                .and_then(|r| r.value.as_ref())
                .and_then(plot);
            [m, r]
        })
        .flatten()
        .collect();
    if periods.is_empty() || values.is_empty() {
        return None;
    }
    let lo = values.iter().copied().fold(0.0_f64, f64::min);
    let hi = values.iter().copied().fold(f64::MIN, f64::max);
    let hi = if hi <= lo {
        lo + 1.0
    } else {
        hi + (hi - lo) * 0.1
    };
    let (w, ht, left, right, top, bottom) = (640.0, 260.0, 56.0, 16.0, 12.0, 44.0);
    let pw = (w - left - right) / periods.len() as f64;
    let y = |v: f64| top + (ht - top - bottom) * (1.0 - (v - lo) / (hi - lo));
    let x0 = |i: usize| left + pw * i as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {ht}" width="{w}" height="{ht}" role="img">"#
    );
    // Grid and axis labels.
    for k in 0..=4 {
        let v = lo + (hi - lo) * f64::from(k) / 4.0;
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">{}</text>"##,
            w - right,
            left - 6.0,
            yy + 4.0,
            esc(&label(v, lang))
        );
    }
    for (i, (_, l)) in periods.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#333">{}</text>"##,
            x0(i) + pw / 2.0,
            ht - bottom + 16.0,
            esc(l)
        );
    }
    // Per region: the required step, then the measured markers joined by a line.
    let mut lx = left;
    for (ri, region) in regions.iter().enumerate() {
        let colour = COLOURS[ri % COLOURS.len()];
        let offset = (ri as f64 + 1.0) / (regions.len() as f64 + 1.0);
        let mut line = Vec::new();
        for v in verdicts.iter().filter(|v| v.dimension == *region) {
            let Some(i) = slot(v) else { continue };
            if let Some(req) = v
                .required
                .as_ref()
                .and_then(|r| r.value.as_ref())
                .and_then(plot)
            {
                let _ = write!(
                    s,
                    r#"<line x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="6 4"/>"#,
                    x0(i) + 2.0,
                    x0(i) + pw - 2.0,
                    y(req),
                    y(req)
                );
            }
            if let Some(m) = v.measured.as_ref().and_then(plot) {
                let (cx, cy) = (x0(i) + pw * offset, y(m));
                line.push((cx, cy));
                let title = esc(v.explanation.get(lang));
                let mark = match v.status {
                    Status::Met => format!(
                        r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="{colour}"><title>{title}</title></circle>"#
                    ),
                    Status::NotMet => format!(
                        r#"<path d="M{:.1} {:.1}l10 10m0 -10l-10 10" stroke="{colour}" stroke-width="3"><title>{title}</title></path>"#,
                        cx - 5.0,
                        cy - 5.0
                    ),
                    Status::Pending => format!(
                        r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="#fff" stroke="{colour}" stroke-width="2"><title>{title}</title></circle>"##
                    ),
                    _ => format!(
                        r#"<rect x="{:.1}" y="{:.1}" width="6" height="6" fill="{colour}"><title>{title}</title></rect>"#,
                        cx - 3.0,
                        cy - 3.0
                    ),
                };
                s.push_str(&mark);
            }
        }
        if line.len() > 1 {
            let pts: Vec<String> = line.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
            let _ = write!(
                s,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="1" opacity="0.6"/>"#,
                pts.join(" ")
            );
        }
        // The legend entry, after the previous one (about 6.5 units a character).
        let name = report.contract.dimension_name(region, lang);
        let _ = write!(
            s,
            r##"<rect x="{lx:.1}" y="{:.1}" width="10" height="10" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#333">{}</text>"##,
            ht - 16.0,
            lx + 14.0,
            ht - 7.0,
            esc(&name)
        );
        lx += 30.0 + 6.5 * name.chars().count() as f64;
    }
    s.push_str("</svg>");
    let _ = write!(
        s,
        r#"<p class="legend">{} · {} · {}</p>"#,
        esc(h.measured),
        esc(h.required),
        esc(h.legend)
    );
    Some(s)
}

/// The HTML report.
pub(crate) fn render(report: &Report, lang: Lang) -> String {
    let w = words(lang);
    let h = if lang == Lang::En { &EN } else { &NL };
    let mut o = String::new();
    let title = format!("{}: {}", w.assessment, report.contract.title);
    let _ = write!(
        o,
        r#"<!DOCTYPE html>
<html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}}
table{{border-collapse:collapse;margin:.5em 0 1em}}td,th{{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}}
td.n{{text-align:right;white-space:nowrap}}th{{background:#f3f3f3}}
.met{{color:#1a7f37}}.not_met{{color:#b42318;font-weight:600}}.pending{{color:#6b6b6b}}.insufficient_data,.not_applicable{{color:#8a6d00}}
.legend{{font-size:.85em;color:#555;margin-top:0}}.note{{color:#555}}svg{{max-width:100%;height:auto}}
</style></head><body>
<h1>{}</h1>
"#,
        h.lang,
        esc(&title),
        esc(&title)
    );
    let _ = writeln!(
        o,
        "<p>{} {} · <code>{}</code></p>",
        esc(w.as_of),
        esc(&fmt_date(report.as_of, lang)),
        esc(&report.contract.id)
    );
    if let Some(src) = &report.contract.source {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(src));
    }
    let d = &report.data;
    let events = assess::text::data_line(d, lang);
    let _ = writeln!(o, "<p>{}</p>", esc(&events));
    if !report.samples.is_empty() {
        let [notice, marked] = w.samples_notice;
        let _ = writeln!(o, "<p><b>{}</b> {}</p>", esc(notice), esc(marked));
    }

    // Summary per goal.
    let _ = writeln!(o, "<h2>{}</h2>", esc(w.summary));
    let mut head = vec![w.goal];
    head.extend(w.cols);
    table_head(&mut o, &head);
    for g in &report.summary.per_goal {
        let c = &g.counts;
        let _ = writeln!(
            o,
            "<tr><td>{} {}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&g.goal),
            esc(&g.title),
            c.met,
            c.not_met,
            c.pending,
            c.insufficient_data,
            c.not_applicable
        );
    }
    let _ = writeln!(o, "</table>");
    if report
        .verdicts
        .iter()
        .any(|v| v.dimension == targets::model::OVERALL)
    {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(w.overall));
    }

    // Per goal, per result: the chart and the table.
    for g in &report.summary.per_goal {
        let _ = writeln!(o, "<h2>{} {}</h2>", esc(&g.goal), esc(&g.title));
        let scope = if g.scope == targets::model::Scope::InScope {
            w.scope_in
        } else {
            w.scope_out
        };
        let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(scope));
        let mut results: BTreeMap<usize, (&str, Vec<&Verdict>)> = BTreeMap::new();
        let mut order: Vec<&str> = Vec::new();
        for v in report.verdicts.iter().filter(|v| v.goal == g.goal) {
            let i = match order.iter().position(|r| *r == v.result) {
                Some(i) => i,
                None => {
                    order.push(&v.result);
                    order.len() - 1
                }
            };
            results
                .entry(i)
                .or_insert((&v.result, Vec::new()))
                .1
                .push(v);
        }
        for (result, verdicts) in results.values() {
            let _ = writeln!(
                o,
                "<h3>{} <code>{}</code></h3>",
                esc(result),
                esc(&verdicts[0].indicator)
            );
            if let Some(svg) = chart(verdicts, report, lang, h) {
                o.push_str(&svg);
                o.push('\n');
            }
            table_head(&mut o, &w.table);
            for v in verdicts {
                let class = crate::output::csv::status_code(v.status);
                let period = v.period.as_ref().map_or_else(
                    || {
                        v.required
                            .as_ref()
                            .and_then(|r| r.due)
                            .map(|d| fmt_date(d, lang))
                            .unwrap_or_default()
                    },
                    |p| p.label.clone(),
                );
                let required = v
                    .required
                    .as_ref()
                    .map(|r| {
                        let op = match r.op.as_str() {
                            "<=" => "≤",
                            ">=" => "≥",
                            other => other,
                        };
                        match &r.value {
                            Some(n) => format!("{op} {}", shown(n, lang)),
                            None => r.due.map(|d| fmt_date(d, lang)).unwrap_or_default(),
                        }
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "<tr title=\"{}\"><td>{}</td><td>{}</td><td class=\"{class}\">{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                    esc(v.explanation.get(lang)),
                    esc(&report.contract.dimension_name(&v.dimension, lang)),
                    esc(&period),
                    esc(&format!(
                        "{}{}",
                        status_word(v.status, lang),
                        if v.samples.is_empty() { "" } else { " †" }
                    )),
                    esc(&v
                        .measured
                        .as_ref()
                        .map(|n| shown(n, lang))
                        .unwrap_or_default()),
                    esc(&required),
                    esc(&v
                        .baseline
                        .as_ref()
                        .map(|n| shown(n, lang))
                        .unwrap_or_default()),
                );
            }
            let _ = writeln!(o, "</table>\n<ul>");
            for v in verdicts {
                let _ = writeln!(o, "<li>{}</li>", esc(v.explanation.get(lang)));
            }
            let _ = writeln!(o, "</ul>");
        }
    }

    // Monitoring data.
    if !report.monitoring.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>", esc(w.monitoring));
        for m in &report.monitoring {
            let (title, period) = assess::text::monitoring_heads(m.table, lang);
            let _ = writeln!(o, "<h3>{}</h3>", esc(title));
            let (keys, rows) = assess::text::monitoring_grid(m, lang);
            let mut head = vec![period];
            head.extend(keys.iter().map(String::as_str));
            table_head(&mut o, &head);
            for (label, counts) in rows {
                let _ = write!(o, "<tr><td>{}</td>", esc(&label));
                for c in counts {
                    let _ = write!(o, "<td class=n>{c}</td>");
                }
                let _ = writeln!(o, "</tr>");
            }
            let _ = writeln!(o, "</table>");
        }
    }

    // Observations.
    if !report.observations.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>", esc(w.observations));
        for ob in &report.observations {
            let _ = writeln!(
                o,
                "<h3>{}: {} <code>{}</code></h3>",
                esc(&ob.id),
                esc(&ob.title),
                esc(&ob.indicator)
            );
            table_head(&mut o, &w.obs_cols);
            for r in &ob.rows {
                let (measured, stated) = assess::text::observed_values(r, lang);
                let (measured, stated) = (measured.unwrap_or_default(), stated.unwrap_or_default());
                let _ = writeln!(
                    o,
                    "<tr title=\"{}\"><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                    esc(r.explanation.get(lang)),
                    esc(&report.contract.dimension_name(&r.dimension, lang)),
                    esc(&r.period.label),
                    esc(&measured),
                    esc(&stated)
                );
            }
            let _ = writeln!(o, "</table>");
        }
    }

    // Consequences.
    let _ = writeln!(o, "<h2>{}</h2>", esc(w.consequences));
    if !report.consequences.is_empty() {
        table_head(&mut o, &w.cons_cols);
        for c in &report.consequences {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&format!(
                    "{}{}",
                    c.title,
                    if c.samples.is_empty() { "" } else { " †" }
                )),
                esc(&c.amount.map(|a| fmt_money(a, lang)).unwrap_or_default()),
                esc(&fmt_date(c.date, lang)),
                esc(assess::text::outcome_word(c.status, lang))
            );
        }
        let _ = writeln!(o, "</table>\n<ul>");
        for c in &report.consequences {
            let e = c.explanation.get(lang);
            let _ = writeln!(o, "<li><b>{}</b>: {}</li>", esc(&c.id), esc(e));
        }
        let totals = assess::text::totals_line(&report.totals, lang);
        let _ = writeln!(o, "</ul>\n<p>{}</p>", esc(&totals));
    }

    // The contract's own defects.
    let _ = writeln!(o, "<h2>{}</h2>", esc(w.findings));
    if report.contract_findings.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(w.no_findings));
    } else {
        let _ = writeln!(o, "<ul>");
        for f in &report.contract_findings {
            let (severity, place, message) = assess::text::finding_parts(f, lang);
            let place = place.map_or_else(String::new, |p| format!("{}, ", esc(&p)));
            let _ = writeln!(
                o,
                "<li><b>{}</b> <code>{}</code>, {place}<code>{}</code>: {}</li>",
                esc(severity),
                esc(&f.code),
                esc(&f.path),
                esc(message)
            );
        }
        let _ = writeln!(o, "</ul>");
    }

    // Sample values.
    if !report.samples.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>\n<ul>", esc(w.samples));
        for m in &report.samples {
            let _ = writeln!(o, "<li><code>{}</code>: {}</li>", esc(&m.at), esc(&m.note));
        }
        let _ = writeln!(o, "</ul>");
    }

    // Rejected records.
    if !report.rejections.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>\n<ul>", esc(w.rejected));
        for r in &report.rejections {
            let t = r.text.get(lang);
            let _ = writeln!(o, "<li>{}</li>", esc(t));
        }
        let _ = writeln!(o, "</ul>");
        if (report.rejections.len() as u64) < report.data.rejected {
            let more = h
                .rejected_more
                .replace("{shown}", &report.rejections.len().to_string())
                .replace("{total}", &report.data.rejected.to_string());
            let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(&more));
        }
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">{} {}</p>\n</body></html>",
        esc(h.generated),
        env!("CARGO_PKG_VERSION")
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc(r#"<b>"A" & 'B'</b>"#),
            "&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn axis_labels_use_the_languages_decimal_sign() {
        assert_eq!(label(2.5, Lang::Nl), "2,50");
        assert_eq!(label(2.5, Lang::En), "2.50");
        assert_eq!(label(40.0, Lang::Nl), "40");
    }
}
