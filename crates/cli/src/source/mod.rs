//! The input formats, behind one trait: each reads an opened input into the engine, and
//! accounts for every record it read, taken or not.
//!
//! A record a source cannot turn into an event is pushed as unreadable
//! ([`indicators::Engine::push_unreadable`]), with its line and field, so that it shows in
//! the engine's accounting like a malformed JSON line. A record a source leaves out on
//! purpose (an iJw product of a category not asked for) is counted as skipped.

pub(crate) mod csv;
pub(crate) mod ijw;
pub(crate) mod jsonl;

use indicators::Engine;

use crate::failure::Failure;
use crate::input::Opened;

/// What a source read from one input beyond what the engine accounts for (records read,
/// taken, rejected): the records it left out on purpose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SourceSummary {
    /// Records left out on purpose.
    pub(crate) skipped: u64,
}

/// An input format.
pub(crate) trait Source {
    /// Reads all of `input` into `engine`.
    ///
    /// # Errors
    ///
    /// An I/O error, or an input whose structure is wrong as a whole (a CSV header
    /// without an `id` column); single bad records are not errors but unreadable records.
    fn read(&mut self, input: &mut Opened, engine: &mut Engine) -> Result<SourceSummary, Failure>;
}
