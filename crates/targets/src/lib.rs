//! Outcome-based procurement contracts as validated, exact data.
//!
//! A contract for youth care says things like "the average stay falls at least 5 % in
//! year one and 5 % in year two against the 2017 baseline, per region" or "a cost-price
//! analysis on or before 1 July 2019". This crate turns such a contract into data a
//! program can check: it loads a contract from JSON (reporting every problem with its
//! JSON path), resolves the periods every result is judged over, computes required
//! levels and totals exactly with `rust_decimal`, and lints the arithmetic defects real
//! contracts contain.
//!
//! ```
//! use targets::{lint, Contract, Severity};
//!
//! // The bundled contract encodes the Jeugdzorgplus procurement of Noord-Holland Noord.
//! let contract = Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN)?;
//! assert_eq!(contract.targets().count(), 15);
//!
//! // Its text says "5 % and 5 % is a total fall of 9.25 %": the lint disagrees.
//! let findings = lint::lint(&contract);
//! let error = findings.iter().find(|f| f.severity == Severity::Error).expect("a defect");
//! assert_eq!(error.path, "$.goals[1].results[0].rule.stated_total");
//! assert!(error.message.contains("compound gives 9.75 %, additive gives 10 %"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`model`]: the document types of format version 1 (contracts, goals, results, rules,
//!   baselines, conditions, consequences). They are the file format.
//! - [`Contract`]: a validated document with the schedule of every result resolved.
//! - [`change`]: stepped changes; conventions `compound`, `additive`, `year_over_year`;
//!   units `relative` and `percentage_points`; required levels and totals.
//! - [`num`]: [`num::Percent`], [`num::Money`], [`num::Days`], [`num::Ratio`]; exact
//!   multiplication; the one display rounding rule.
//! - [`period`]: half-open periods, contract years, "within N months".
//! - [`lint`]: findings about arithmetic and consistency.
//!
//! This crate does no I/O: no files, no clock, no environment. It knows nothing about
//! events; the `indicators` crate computes values and the `assess` crate judges them.
//!
//! # Examples
//!
//! ## Required level of a stepped change, exactly
//!
//! ```
//! use rust_decimal::Decimal;
//! use targets::change::{required_level, Convention, Direction, StepUnit};
//! use targets::num::{Percent, Ratio};
//!
//! // Baseline 95.0 days, 5 % and 5 %, compounded: 95.0 × 0.95 × 0.95 = 85.7375.
//! let steps = [Percent::from_int(5), Percent::from_int(5)];
//! let base = Ratio::from_decimal(Decimal::new(950, 1));
//! let compound = required_level(base, Direction::Decrease, Convention::Compound, StepUnit::Relative, &steps, None)?;
//! let additive = required_level(base, Direction::Decrease, Convention::Additive, StepUnit::Relative, &steps, None)?;
//! assert_eq!(compound.to_exact_decimal(), Some(Decimal::new(857375, 4)));
//! assert_eq!(additive.to_exact_decimal(), Some(Decimal::new(855, 1)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## A ratio against a bound, by cross multiplication
//!
//! ```
//! use std::cmp::Ordering;
//! use rust_decimal::Decimal;
//! use targets::num::Ratio;
//!
//! // 3 readmissions on 30 discharges is exactly 10 %: "at most 10 %" is met.
//! let rate = Ratio::new(Decimal::from(3), Decimal::from(30))?;
//! let bound = Ratio::from_decimal(Decimal::new(10, 2));
//! assert_eq!(rate.cmp_exact(&bound)?, Ordering::Equal);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! None. The crate depends on `serde`, `serde_json`, `serde_path_to_error` (JSON paths
//! in load errors), `chrono`, `rust_decimal` and `thiserror`.

pub mod change;
mod contract;
mod error;
pub mod lint;
pub mod model;
pub mod num;
pub mod period;

/// The JSON Schema of a contract document (feature `schema`), for editors and for
/// checking a contract before it is loaded. Loading ([`Contract::from_json`]) checks more
/// than a schema can say: references between goals, arithmetic, dates.
///
/// ```
/// let schema = serde_json::to_value(targets::contract_schema())?;
/// assert_eq!(schema["title"], "ContractDoc");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[cfg(feature = "schema")]
pub fn contract_schema() -> schemars::Schema {
    schemars::schema_for!(model::ContractDoc)
}

pub use contract::{
    Contract, CustomIndicatorCheck, LoadOptions, MAX_NESTING, MAX_RESULTS, ScheduleItem,
};
pub use error::{Error, Problem};
pub use lint::{Finding, Severity};

/// Long-form guides, compiled here so that their examples run as tests.
pub mod guide {
    #[doc = include_str!("../guide/conventions.md")]
    pub mod conventions {}
}
