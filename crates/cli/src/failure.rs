//! What can go wrong, and the exit code each failure gives.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A failure of the command, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// The command line is wrong in a way the parser cannot see (exit 2).
    #[error("{0}")]
    Usage(String),
    /// An input cannot be opened or read (exit 2).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An output cannot be written (exit 2).
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The contract or the data has errors (exit 1).
    #[error("{0}")]
    Data(String),
}

impl Failure {
    pub(crate) fn read(path: impl AsRef<Path>, source: std::io::Error) -> Failure {
        Failure::Read {
            path: path.as_ref().to_owned(),
            source,
        }
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Data(_) => ExitCode::from(1),
            Failure::Usage(_) | Failure::Read { .. } | Failure::Write { .. } => ExitCode::from(2),
        }
    }
}
