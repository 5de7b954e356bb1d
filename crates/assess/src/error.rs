//! The crate's error type.

/// Misuse or an invalid definition. Missing data is never an error: it is the verdict
/// `insufficient_data`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A custom indicator of the contract is not a valid `indicators` definition.
    #[error("custom indicator `{name}` is invalid: {reason}")]
    InvalidCustomIndicator {
        /// Its key in the contract's `custom_indicators`.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A total does not fit in a decimal.
    #[error("{what} does not fit in a decimal")]
    Overflow {
        /// What was being added up.
        what: &'static str,
    },
    /// A period of the contract cannot be used by the indicators.
    #[error("period {period} cannot be computed: {reason}")]
    Period {
        /// The period.
        period: String,
        /// Why.
        reason: String,
    },
}
