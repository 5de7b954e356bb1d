//! A deterministic generator of realistic event streams, for tests, benches and examples.
//!
//! The same [`SynthConfig`] always gives the same events, on every machine: the generator
//! uses its own SplitMix64 sequence, not a library whose output may change between
//! versions. Stays have realistic lengths (a quarter short, most between six and thirty
//! weeks, some longer), bridging periods before discharge, extensions of the court
//! authorisation, treatment goals reached, and readmissions, some within six months.
//! Stay lengths shorten a little each year, so that stepped reductions have something to
//! find. The dirty mode adds exact duplicates, retractions, conflicting duplicates and
//! events that must be rejected.
//!
//! # Example
//!
//! ```
//! use samples::synth::{generate, SynthConfig};
//!
//! let config = SynthConfig { clients: 50, ..SynthConfig::default() };
//! let a = generate(&config);
//! assert_eq!(a, generate(&config));
//! assert!(a.len() > 150);
//! ```

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use indicators::{Event, EventBody, ExtensionReason};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// The seed.
    pub seed: u64,
    /// How many clients (each has one or more stays).
    pub clients: usize,
    /// The regions, chosen per client.
    pub regions: Vec<String>,
    /// The provider named on admissions and tariffs.
    pub provider: String,
    /// First admissions fall on or after this day.
    pub from: NaiveDate,
    /// No event falls on or after this day; stays still open then have no discharge.
    pub until: NaiveDate,
    /// Add duplicates, retractions, conflicts and events that must be rejected.
    pub dirty: bool,
    /// Prefix of event ids (so that streams from several generators do not collide).
    pub id_prefix: String,
    /// Give admissions a segment (B, C or V) and have most starts in V approved by the
    /// contract manager beforehand (some on the day itself, some not at all).
    pub approvals: bool,
}

impl Default for SynthConfig {
    fn default() -> SynthConfig {
        SynthConfig {
            seed: 2018,
            clients: 1000,
            regions: vec!["kop".to_owned(), "wf".to_owned(), "nk".to_owned()],
            provider: "jzp".to_owned(),
            from: NaiveDate::from_ymd_opt(2017, 1, 1).unwrap_or_default(),
            until: NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or_default(),
            dirty: false,
            id_prefix: "e".to_owned(),
            approvals: false,
        }
    }
}

/// SplitMix64: small, fast, and the same everywhere.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}

const REASONS: [&str; 3] = ["court_order", "crisis", "transfer"];
const DESTINATIONS: [&str; 5] = [
    "home",
    "foster_care",
    "family_home",
    "residential",
    "independent",
];

struct Out<'c> {
    config: &'c SynthConfig,
    events: Vec<Event>,
    next: u64,
}

impl Out<'_> {
    fn id(&mut self) -> String {
        self.next += 1;
        format!("{}{:09}", self.config.id_prefix, self.next)
    }

    fn push(&mut self, date: NaiveDate, body: EventBody) {
        let id = self.id();
        self.events.push(Event { id, date, body });
    }
}

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap_or(d)
}

/// Generates the stream.
pub fn generate(config: &SynthConfig) -> Vec<Event> {
    let mut rng = Rng(config.seed);
    let mut out = Out {
        config,
        events: Vec::with_capacity(config.clients * 8),
        next: 0,
    };
    let span_days = (config.until - config.from).num_days().max(60) as u64;
    let region_count = config.regions.len().max(1) as u64;
    for c in 0..config.clients {
        let client = format!("c{c:07}");
        let region_index = rng.below(region_count) as usize;
        let region = config
            .regions
            .get(region_index)
            .cloned()
            .unwrap_or_else(|| "r".to_owned());
        let mut admit = plus(config.from, rng.below(span_days - 30));
        loop {
            if admit >= config.until {
                break;
            }
            // Stay length: shorter each year after the first, and per region.
            let years = u64::try_from(admit.year() - config.from.year()).unwrap_or(0);
            let band = rng.below(100);
            let mut length = match band {
                0..=24 => rng.range(5, 41),
                25..=84 => rng.range(42, 210),
                _ => rng.range(211, 420),
            };
            length = length * (100 - (years * 4).min(30) - region_index as u64 * 2) / 100;
            length = length.max(1);
            let discharge = plus(admit, length);
            let segment = if config.approvals {
                let seg = ["B", "C", "V"][rng.below(3) as usize];
                if seg == "V" && rng.chance(900) {
                    let before = rng.below(4);
                    let at = admit.checked_sub_days(Days::new(before)).unwrap_or(admit);
                    out.push(
                        at,
                        EventBody::Approval {
                            client: client.clone(),
                            segment: Some("V".to_owned()),
                        },
                    );
                }
                Some(seg.to_owned())
            } else {
                None
            };
            out.push(
                admit,
                EventBody::Admission {
                    client: client.clone(),
                    region: region.clone(),
                    provider: Some(config.provider.clone()),
                    reason: Some(REASONS[rng.below(3) as usize].to_owned()),
                    segment,
                },
            );
            if rng.chance(60 + region_index as u64 * 25) {
                let at = plus(admit, rng.below(length.max(1)));
                let reason = if rng.chance(700) {
                    ExtensionReason::GoalsNotAchieved
                } else {
                    ExtensionReason::Other
                };
                if at < config.until {
                    out.push(
                        at,
                        EventBody::AuthorizationExtension {
                            client: client.clone(),
                            reason,
                        },
                    );
                }
            }
            let goals = rng.chance(780);
            let goals_day = plus(admit, length.saturating_sub(rng.below(10)));
            if goals && goals_day < config.until {
                out.push(
                    goals_day,
                    EventBody::GoalsAchieved {
                        client: client.clone(),
                    },
                );
            }
            if length > 20 && rng.chance(300) {
                let start = plus(admit, length - rng.range(3, length.min(60) - 1));
                if start < config.until {
                    out.push(
                        start,
                        EventBody::BridgingStart {
                            client: client.clone(),
                        },
                    );
                    // Most bridging ends at discharge by the discharge itself; some end earlier.
                    if rng.chance(400) {
                        let end = plus(
                            start,
                            rng.below((discharge - start).num_days().max(1) as u64),
                        );
                        if end < config.until && end < discharge {
                            out.push(
                                end,
                                EventBody::BridgingEnd {
                                    client: client.clone(),
                                },
                            );
                        }
                    }
                }
            }
            if discharge >= config.until {
                break;
            }
            out.push(
                discharge,
                EventBody::Discharge {
                    client: client.clone(),
                    destination: Some(DESTINATIONS[rng.below(5) as usize].to_owned()),
                    reason: None,
                },
            );
            // Readmission: some soon after, some much later.
            if rng.chance(if goals { 110 } else { 160 }) {
                admit = plus(
                    discharge,
                    if rng.chance(600) {
                        rng.range(1, 170)
                    } else {
                        rng.range(190, 700)
                    },
                );
            } else {
                break;
            }
        }
    }
    let tariff = |amount: i64| EventBody::Tariff {
        provider: config.provider.clone(),
        amount: Decimal::new(amount, 2),
        unit: "day".to_owned(),
        segment: None,
    };
    out.push(config.from, tariff(41000));
    for (y, amount) in [(2019, 41850), (2020, 42175)] {
        if let Some(d) = NaiveDate::from_ymd_opt(y, if y == 2019 { 1 } else { 7 }, 1) {
            if d >= config.from && d < config.until {
                out.push(d, tariff(amount));
            }
        }
    }
    if config.dirty {
        dirty(&mut out, &mut rng);
    }
    out.events
}

fn dirty(out: &mut Out<'_>, rng: &mut Rng) {
    let n = out.events.len() as u64;
    if n == 0 {
        return;
    }
    let mut extra = Vec::new();
    for _ in 0..n / 20 {
        // Exact duplicates.
        extra.push(out.events[rng.below(n) as usize].clone());
    }
    for _ in 0..n / 100 {
        // Retractions of events reported in error.
        let target = out.events[rng.below(n) as usize].id.clone();
        let date = out.events[rng.below(n) as usize].date;
        let id = out.id();
        extra.push(Event {
            id,
            date,
            body: EventBody::Retraction { target },
        });
    }
    for _ in 0..n / 500 + 1 {
        // A different event under an existing id: a conflict.
        let mut e = out.events[rng.below(n) as usize].clone();
        e.date = plus(e.date, 1);
        extra.push(e);
    }
    for k in 0..n / 300 + 1 {
        // Events that cannot apply.
        let date = out.events[rng.below(n) as usize].date;
        let ghost = format!("ghost{k}");
        let id = out.id();
        extra.push(Event {
            id,
            date,
            body: EventBody::Discharge {
                client: ghost.clone(),
                destination: None,
                reason: None,
            },
        });
        let id = out.id();
        extra.push(Event {
            id,
            date,
            body: EventBody::BridgingEnd { client: ghost },
        });
        let id = out.id();
        extra.push(Event {
            id,
            date,
            body: EventBody::Retraction {
                target: format!("missing{k}"),
            },
        });
    }
    out.events.extend(extra);
}
