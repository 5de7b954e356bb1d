//! JSON Lines, the project's own format: the engine reads it in chunks itself.

use indicators::{Engine, ParseOptions};

use super::{Source, SourceSummary};
use crate::failure::Failure;
use crate::input::Opened;

/// One JSON event per line.
pub(crate) struct Jsonl {
    pub(crate) options: ParseOptions,
}

impl Source for Jsonl {
    fn read(&mut self, input: &mut Opened, engine: &mut Engine) -> Result<SourceSummary, Failure> {
        if let Some(len) = input.plain_len {
            engine.reserve(usize::try_from(len / 100).unwrap_or(0));
        }
        let s = engine
            .push_reader(&mut input.reader, self.options)
            .map_err(|e| Failure::read(&input.name, e))?;
        Ok(SourceSummary { skipped: s.ignored })
    }
}
