//! The report in the formats the command writes besides Markdown and JSON (which the
//! `assess` crate writes itself): CSV for spreadsheets and DuckDB, and one HTML file.

pub(crate) mod csv;
pub(crate) mod html;

use assess::{Lang, Report};

/// The explanation of a verdict in `lang`.
pub(crate) fn explanation(v: &assess::Verdict, lang: Lang) -> &str {
    match lang {
        Lang::En => &v.explanation.en,
        Lang::Nl => &v.explanation.nl,
    }
}

/// The goal's title, from the report's summary.
pub(crate) fn goal_title<'a>(report: &'a Report, goal: &str) -> &'a str {
    report
        .summary
        .per_goal
        .iter()
        .find(|g| g.goal == goal)
        .map_or("", |g| g.title.as_str())
}
