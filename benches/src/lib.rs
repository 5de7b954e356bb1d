//! Shared inputs of the benchmarks: generated streams at scale.

use chrono::NaiveDate;
use indicators::synth::{SynthConfig, generate};
use indicators::{Event, Span};

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
