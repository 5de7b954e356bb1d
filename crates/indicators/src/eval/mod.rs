//! The evaluator's parts: filters compiled against the engine's strings, the facts of a
//! stay or an event as of a date, and the accumulators that turn selected stays and
//! events into values, with the range a maturing cohort can still take.
//!
//! `facts` what a stay or an event is as of a date; `filter` the filters compiled to
//! symbols, three-valued for open stays; `acc` the accumulators and the values they give.

mod acc;
mod facts;
mod filter;

pub(crate) use acc::*;
pub(crate) use facts::*;
pub(crate) use filter::*;

use rust_decimal::Decimal;

use crate::custom::{CustomIndicator, Field, Filter, Measure, Over};
use crate::engine::Engine;
use crate::event::Kind;
use crate::indicator::{Maturing, NoValue, Value};
use crate::intern::{NONE, Sym};
use crate::stays::{NEVER, Stay};

/// A symbol no string has.
pub(crate) const UNKNOWN: Sym = u32::MAX - 1;
