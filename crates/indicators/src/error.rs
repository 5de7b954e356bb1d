//! The crate's error type.

/// Misuse of the API or an invalid definition. Bad events are not errors: they are
/// rejected, counted and listed in the [`crate::Accounting`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A date range that does not exist.
    #[error("invalid span: {0}")]
    InvalidSpan(String),
    /// A custom indicator whose fields or filters do not fit what it ranges over.
    #[error("invalid custom indicator: {0}")]
    InvalidIndicator(String),
}
