//! Monitoring indicators of youth-care contracts, computed from event streams.
//!
//! Providers report events: admissions, discharges, treatment goals reached, extensions
//! of the court authorisation, bridging periods, tariffs, deliverables, measurements and
//! retractions. This crate turns them into the indicators contracts are judged on (inflow,
//! outflow, mean net stay, share of long stays, bridging days, extension and recidivism
//! rates, tariffs, deliveries), exactly, for any period, per region or overall, as of a
//! date. It accounts for every record it read: accepted, duplicate, rejected with a reason,
//! or ignored on request.
//!
//! ```
//! use chrono::NaiveDate;
//! use indicators::{Engine, Indicator, ParseOptions, Span, Value};
//!
//! let stream = br#"
//! {"id":"a1","kind":"admission","date":"2019-01-01","client":"c1","region":"north"}
//! {"id":"b1","kind":"bridging_start","date":"2019-03-01","client":"c1"}
//! {"id":"d1","kind":"discharge","date":"2019-04-11","client":"c1"}
//! {"id":"a2","kind":"admission","date":"2019-02-01","client":"c2","region":"north"}
//! {"id":"g2","kind":"goals_achieved","date":"2019-05-01","client":"c2"}
//! {"id":"d2","kind":"discharge","date":"2019-05-02","client":"c2"}
//! "#;
//! let mut engine = Engine::new();
//! let _ = engine.push_jsonl(stream, ParseOptions::default());
//! let view = engine.view();
//! let (y2019, as_of) = (Span::calendar_year(2019)?, NaiveDate::from_ymd_opt(2019, 12, 31).unwrap());
//!
//! // Stay 1: 100 nights, of which 41 bridging (open at discharge, so it ends there): 59 net.
//! // Stay 2: 90 nights, no bridging. Mean net stay: (59 + 90) / 2.
//! let mean = view.value(&Indicator::MeanStayDays, y2019, Some("north"), as_of);
//! assert_eq!(mean, Value::Mean { sum: 149.into(), count: 2 });
//! let ok = view.value(&Indicator::SuccessfulOutflow, y2019, None, as_of);
//! assert_eq!(ok, Value::Count { value: 1 });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`Event`]: the interchange format, version 1 (JSON Lines), and [`ParseOptions`].
//! - [`Engine`]: the set of events. Push events one at a time or as JSON Lines, merge
//!   engines that saw different parts of the input, then take a [`View`].
//! - [`View`]: indicator values ([`View::value`], [`View::table`]), monthly breakdowns,
//!   and the [`Accounting`] of everything read.
//! - [`Indicator`] and [`Value`]: the built-ins and custom indicators
//!   ([`custom::CustomIndicator`]), and exact values (counts, means and shares as
//!   numerator and denominator).
//!
//! The rules (what a stay is, the canonical order of one client's events on one day, how
//! each indicator is defined) are in the guide `docs/indicators.md`, compiled into this
//! crate as [`guide::indicators`] so that its examples run.
//!
//! # Guarantees
//!
//! - **Order independence**: values depend only on the set of events pushed.
//! - **Duplicate safety**: an exact copy of an event changes nothing but the duplicate
//!   count; a different event under the same id is a conflict and every version is
//!   rejected.
//! - **Incremental and mergeable**: pushing in many batches, querying in between, or
//!   merging engines gives the values of one batch of the union.
//! - **Nothing lost silently**: `read = accepted + duplicates + rejected + ignored`.
//! - **Pure**: no files, clock, environment or network; the as-of date is an argument.
//!
//! # Crate features
//!
//! None. `foldhash` hashes the strings of the engine's string tables (a fast, good-quality
//! hash for short keys; the tables themselves are the crate's own).

mod bits;
pub mod custom;
mod engine;
mod error;
mod eval;
mod event;
mod ids;
mod indicator;
mod intern;
mod knowledge;
#[cfg(feature = "schema")]
pub mod schema;
mod span;
mod stays;
mod store;
mod view;

pub use engine::{Accounting, Counts, Engine, JsonlSummary, Limits, Rejected};
pub use error::Error;
pub use event::{
    Event, EventBody, EventError, ExtensionReason, FIELDS, Kind, MAX_LINE_BYTES, ParseOptions,
    Urgency, parse_date, parse_line,
};
pub use indicator::{
    BreakdownRow, EARLY_END_REASONS, END_REASONS, Indicator, Maturing, NoValue, Row, Table, Value,
};
pub use knowledge::{AsOf, Correction};
pub use span::Span;
pub use stays::RejectReason;
pub use view::{ReportCoverage, StayRef, View};

/// Long-form guides, compiled here so that their examples run as tests.
pub mod guide {
    #[doc = include_str!("../guide/indicators.md")]
    pub mod indicators {}
}
