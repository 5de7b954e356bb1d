//! One row per verdict, for spreadsheets and DuckDB.
//!
//! Columns: `contract`, `as_of`, `goal`, `goal_title`, `scope`, `result`, `indicator`,
//! `dimension`, `dimension_name`, `period`, `period_start`, `period_end` (exclusive),
//! `check`, `status` (the stable code: `met`, `not_met`, `pending`, `insufficient_data`,
//! `not_applicable`), `status_text` (in the report's language), `measured` and
//! `required` (exact decimals where the value is one, rounded for display to 10 places
//! otherwise, with `measured_exact` as `numerator/denominator`), `op`, `due`, `baseline`,
//! `margin`, `unit`, `early`, `restated_from`, `explanation`. Dates are ISO, decimals
//! use a point, so that a spreadsheet in any locale and DuckDB's `read_csv` take them.

use assess::{Lang, Number, Report, Status};

use super::goal_title;

const COLUMNS: [&str; 27] = [
    "contract",
    "as_of",
    "goal",
    "goal_title",
    "scope",
    "result",
    "indicator",
    "dimension",
    "dimension_name",
    "period",
    "period_start",
    "period_end",
    "check",
    "status",
    "status_text",
    "measured",
    "measured_exact",
    "op",
    "required",
    "due",
    "baseline",
    "margin",
    "unit",
    "early",
    "restated_from",
    "samples",
    "explanation",
];

/// The stable code of a status, as in the JSON report.
pub(crate) fn status_code(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::NotMet => "not_met",
        Status::Pending => "pending",
        Status::InsufficientData => "insufficient_data",
        Status::NotApplicable => "not_applicable",
    }
}

/// A number as a plain decimal: exact when it is one, else rounded half away from zero to
/// ten places (the exact fraction is in its own column).
fn decimal(n: &Number) -> String {
    let r = targets::num::Ratio::new(n.numerator, n.denominator);
    match r {
        Ok(r) => r
            .to_exact_decimal()
            .unwrap_or_else(|| r.to_display(10))
            .normalize()
            .to_string(),
        Err(_) => String::new(),
    }
}

fn exact(n: &Number) -> String {
    format!("{}/{}", n.numerator.normalize(), n.denominator.normalize())
}

/// The verdicts as CSV.
pub(crate) fn render(report: &Report, lang: Lang) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(|e| e.to_string())?;
    for v in &report.verdicts {
        let check = match &v.check {
            assess::Check::Bound => "bound".to_owned(),
            assess::Check::Step { index } => format!("step {}", index + 1),
            assess::Check::StatedTotal => "stated_total".to_owned(),
            assess::Check::Milestone { index } => format!("milestone {}", index + 1),
            assess::Check::Deadline => "deadline".to_owned(),
            assess::Check::Planned => "planned".to_owned(),
            assess::Check::Report => "report".to_owned(),
        };
        let row = [
            report.contract.id.clone(),
            report.as_of.to_string(),
            v.goal.clone(),
            goal_title(report, &v.goal).to_owned(),
            match v.scope {
                targets::model::Scope::InScope => "in_scope".to_owned(),
                targets::model::Scope::OutOfScope => "out_of_scope".to_owned(),
            },
            v.result.clone(),
            v.indicator.clone(),
            v.dimension.clone(),
            report.contract.dimension_name(&v.dimension, lang),
            v.period
                .as_ref()
                .map(|p| p.label.clone())
                .unwrap_or_default(),
            v.period
                .as_ref()
                .map(|p| p.start.to_string())
                .unwrap_or_default(),
            v.period
                .as_ref()
                .map(|p| p.end.to_string())
                .unwrap_or_default(),
            check,
            status_code(v.status).to_owned(),
            assess::text::status_word(v.status, lang).to_owned(),
            v.measured.as_ref().map(decimal).unwrap_or_default(),
            v.measured.as_ref().map(exact).unwrap_or_default(),
            v.required
                .as_ref()
                .map(|r| r.op.clone())
                .unwrap_or_default(),
            v.required
                .as_ref()
                .and_then(|r| r.value.as_ref())
                .map(decimal)
                .unwrap_or_default(),
            v.required
                .as_ref()
                .and_then(|r| r.due)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            v.baseline.as_ref().map(decimal).unwrap_or_default(),
            v.margin
                .as_ref()
                .map(|m| decimal(&m.absolute))
                .unwrap_or_default(),
            format!("{:?}", v.unit).to_lowercase(),
            v.early.to_string(),
            v.restated
                .as_ref()
                .map(|r| status_code(r.status).to_owned())
                .unwrap_or_default(),
            v.samples.join(" "),
            v.explanation.get(lang).to_owned(),
        ];
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}
