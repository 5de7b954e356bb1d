//! Shared inputs of the benchmarks: generated streams at scale.

use chrono::NaiveDate;
use indicators::{Event, Span};
use samples::synth::{SynthConfig, generate};

/// About `events` events from the synthetic generator (about 3.6 events per client
/// including tariffs and readmissions), dirty: duplicates, retractions, conflicts and
/// events that must be rejected.
pub fn stream(events: usize) -> Vec<Event> {
    let clients = (events as f64 / 3.6) as usize;
    generate(&SynthConfig {
        clients,
        dirty: true,
        from: NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default(),
        ..SynthConfig::default()
    })
}

/// The stream as JSON Lines bytes.
pub fn jsonl(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::with_capacity(events.len() * 110);
    for e in events {
        out.extend_from_slice(e.to_json().as_bytes());
        out.push(b'\n');
    }
    out
}

/// Calendar years `from..=to`.
pub fn years(from: i32, to: i32) -> Vec<Span> {
    (from..=to)
        .filter_map(|y| Span::calendar_year(y).ok())
        .collect()
}

/// The peak resident memory of this process so far, in bytes (Linux), if known.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// `n` contracts of 20 results each over the regions of the generated streams: bounds,
/// stepped changes under each convention, milestones and deadlines on every built-in
/// indicator, with bounds and steps that differ per contract.
pub fn contracts(n: usize) -> Vec<targets::Contract> {
    use serde_json::json;
    let indicators = [
        json!({ "name": "inflow" }),
        json!({ "name": "outflow" }),
        json!({ "name": "successful_outflow" }),
        json!({ "name": "mean_stay_days" }),
        json!({ "name": "share_stays_over_30_weeks" }),
        json!({ "name": "bridging_days" }),
        json!({ "name": "extension_rate" }),
        json!({ "name": "recidivism_rate" }),
        json!({ "name": "max_tariff", "unit": "day" }),
    ];
    let conventions = ["compound", "additive", "year_over_year"];
    (0..n)
        .filter_map(|k| {
            let results: Vec<serde_json::Value> = (0..20)
                .map(|r| {
                    let indicator = indicators[(k + r) % indicators.len()].clone();
                    let rate = ["share_stays_over_30_weeks", "extension_rate", "recidivism_rate"]
                        .contains(&indicator["name"].as_str().unwrap_or(""));
                    let rule = match r % 4 {
                        0 | 1 if indicator["name"] == "max_tariff" => {
                            json!({ "kind": "bound", "op": "<=", "bound": format!("{}", 410 + k % 20) })
                        }
                        0 => json!({ "kind": "bound", "op": if r % 8 == 0 { "<=" } else { ">=" }, "bound": format!("{}.{}", 5 + k % 40, r) }),
                        1 if indicator["name"] != "max_tariff" => json!({
                            "kind": "stepped_change", "direction": "decrease", "convention": conventions[(k + r) % 3],
                            "unit": "relative", "baseline": { "kind": "computed" },
                            "steps": [ { "period": { "kind": "contract_year", "year": 1 }, "change": format!("{}", 1 + k % 9) },
                                       { "period": { "kind": "contract_year", "year": 2 }, "change": format!("{}.5", r % 7) } ] }),
                        2 if indicator["name"] != "max_tariff" => json!({
                            "kind": "milestone", "direction": "decrease", "unit": if rate { "percentage_points" } else { "relative" },
                            "baseline": { "kind": "computed" },
                            "points": [ { "by": "2020-01-01", "change": format!("{}", k % 30) }, { "by": "2021-01-01", "change": format!("{}", 30 + k % 30) } ] }),
                        _ => json!({ "kind": "bound", "op": "<=", "bound": format!("{}", 100 + k), "periods": { "each": "quarter" } }),
                    };
                    json!({ "id": format!("r{r}"), "title": "Result", "indicator": indicator,
                            "dimension": if r % 3 == 0 { "overall" } else { "per_region" }, "rule": rule })
                })
                .collect();
            let doc = json!({
                "format_version": 1, "id": format!("contract-{k}"), "title": "Generated", "client": "region",
                "contractor": "jzp", "start": "2019-01-01", "initial_term_years": 2,
                "regions": [ { "id": "kop", "name": "Kop" }, { "id": "wf", "name": "West-Friesland" }, { "id": "nk", "name": "Noord-Kennemerland" } ],
                "baseline_period": { "kind": "calendar_year", "year": 2017 },
                "goals": [ { "id": "g", "title": "Goal", "scope": "in_scope", "results": results } ]
            });
            targets::Contract::from_json(&doc.to_string()).ok()
        })
        .collect()
}

/// Assesses every contract with one assessor over `view` and counts the verdicts.
pub fn assess_all(
    view: &indicators::View<'_>,
    contracts: &[targets::Contract],
    as_of: NaiveDate,
) -> usize {
    assess_each(&assess::Assessor::new(view), contracts, as_of)
}

/// Assesses every contract with `assessor` (which threads may share) and counts the
/// verdicts.
pub fn assess_each(
    assessor: &assess::Assessor<'_>,
    contracts: &[targets::Contract],
    as_of: NaiveDate,
) -> usize {
    contracts
        .iter()
        .map(|c| {
            assessor
                .assess(c, as_of)
                .map(|r| r.verdicts.len())
                .unwrap_or(0)
        })
        .sum()
}
