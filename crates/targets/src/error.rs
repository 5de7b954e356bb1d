//! The crate's error type.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::num::ArithmeticError;

/// One problem in a contract document: where (a JSON path such as
/// `$.goals[1].results[0].rule.steps[0].change`) and what.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Problem {
    /// The JSON path of the offending value; `$` is the document.
    pub path: String,
    /// What is wrong, in lowercase words.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A contract document has problems; all of them are listed.
    #[error("invalid contract: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// Every problem found, in document order.
        problems: Vec<Problem>,
    },
    /// An exact computation could not be carried out.
    #[error(transparent)]
    Arithmetic(#[from] ArithmeticError),
    /// A period that does not exist.
    #[error("invalid period: {reason}")]
    InvalidPeriod {
        /// Why.
        reason: String,
    },
    /// A convention or unit that does not apply to the requested computation.
    #[error("not applicable: {reason}")]
    ConventionNotApplicable {
        /// Why.
        reason: String,
    },
    /// A value that does not parse.
    #[error("cannot parse {what} from {input:?}: {reason}")]
    Parse {
        /// What was parsed.
        what: &'static str,
        /// The input.
        input: String,
        /// Why it failed.
        reason: String,
    },
}

impl Error {
    /// The problems of an [`Error::Invalid`], or none.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid { problems } => problems,
            _ => &[],
        }
    }
}
