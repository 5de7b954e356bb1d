//! The report in the formats the command writes besides Markdown and JSON (which the
//! `assess` crate writes itself): CSV for spreadsheets and DuckDB, and one HTML file.

pub(crate) mod csv;
pub(crate) mod html;

use assess::Report;

/// The goal's title, from the report's summary.
pub(crate) fn goal_title<'a>(report: &'a Report, goal: &str) -> &'a str {
    report
        .summary
        .per_goal
        .iter()
        .find(|g| g.goal == goal)
        .map_or("", |g| g.title.as_str())
}
