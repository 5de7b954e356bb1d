//! Opening event inputs: files or standard input, gzip or not, with a progress bar when a
//! person is watching, and reading them into the engine through the [`Source`] of their
//! format.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use indicators::Engine;

use crate::args::{InputArgs, InputFormat};
use crate::failure::Failure;
use crate::pseudonym::{KEY_VARIABLE, Pseudonymiser};
use crate::source::{self, Source};

/// Large reads: fewer system calls, and a chunk of many lines for the JSON Lines parser.
const BUFFER: usize = 1 << 20;

/// An opened input: its name for messages, its format, and a reader of its bytes
/// (already decompressed).
pub(crate) struct Opened {
    pub(crate) name: String,
    pub(crate) format: InputFormat,
    pub(crate) reader: Box<dyn BufRead>,
    /// The size of the file when it is one and not compressed, to size the engine once.
    pub(crate) plain_len: Option<u64>,
    bar: Option<ProgressBar>,
}

/// Opens `name` (`-` for standard input). The format is `forced`, or taken from the file's
/// extension: `.csv` is CSV, `.xml` is iJw, anything else JSON Lines; a `.gz` at the end is
/// looked through. Gzip is recognised by its first bytes, whatever the name.
pub(crate) fn open(
    name: &str,
    forced: Option<InputFormat>,
    quiet: bool,
) -> Result<Opened, Failure> {
    let show = !quiet && std::io::stderr().is_terminal();
    let (raw, len): (Box<dyn Read>, Option<u64>) = if name == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let f = File::open(name).map_err(|e| Failure::read(name, e))?;
        let meta = f.metadata().map_err(|e| Failure::read(name, e))?;
        if meta.is_dir() {
            return Err(Failure::Usage(format!(
                "{name} is a directory; give the event files in it"
            )));
        }
        (Box::new(f), Some(meta.len()))
    };
    // The bar counts compressed bytes read, which is what the file's size measures.
    let bar = show.then(|| {
        let bar = match len {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::new_spinner(),
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(name.to_owned());
        bar
    });
    let raw: Box<dyn Read> = match &bar {
        Some(b) => Box::new(b.wrap_read(raw)),
        None => raw,
    };
    let mut buffered = BufReader::with_capacity(BUFFER, raw);
    let gzip = buffered
        .fill_buf()
        .map_err(|e| Failure::read(name, e))?
        .starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead> = if gzip {
        Box::new(BufReader::with_capacity(
            BUFFER,
            flate2::bufread::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    let format = forced.unwrap_or_else(|| format_of(name));
    Ok(Opened {
        name: name.to_owned(),
        format,
        reader,
        plain_len: len.filter(|_| !gzip),
        bar,
    })
}

/// The format a file name says.
pub(crate) fn format_of(name: &str) -> InputFormat {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix(".gz").unwrap_or(&lower);
    match Path::new(base).extension().and_then(|e| e.to_str()) {
        Some("csv") => InputFormat::Csv,
        Some("xml") => InputFormat::Ijw,
        _ => InputFormat::Jsonl,
    }
}

/// What reading all inputs gave, beyond what the engine accounts for.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// Records skipped on purpose (filtered out), over all inputs.
    pub(crate) skipped: u64,
}

/// Reads every input into `engine`, each through the source of its format.
pub(crate) fn load(
    engine: &mut Engine,
    names: &[String],
    args: &InputArgs,
) -> Result<Loaded, Failure> {
    let options = args.parse_options();
    if names.iter().filter(|n| *n == "-").count() > 1 {
        return Err(Failure::Usage(
            "standard input can be read only once".into(),
        ));
    }
    let mut ijw: Option<source::ijw::Ijw> = None;
    let mut loaded = Loaded::default();
    for name in names {
        let mut opened = open(name, args.input_format, args.quiet)?;
        engine.set_input_name(Some(if name == "-" { "standard input" } else { name }));
        let summary = match opened.format {
            InputFormat::Jsonl => source::jsonl::Jsonl { options }.read(&mut opened, engine)?,
            InputFormat::Csv => source::csv::Csv { options }.read(&mut opened, engine)?,
            InputFormat::Ijw => {
                let source = match &mut ijw {
                    Some(s) => s,
                    None => ijw.insert(source::ijw::Ijw::new(
                        pseudonymiser(args)?,
                        regions(args)?,
                        args.product_category.clone(),
                    )),
                };
                source.read(&mut opened, engine)?
            }
        };
        if let Some(bar) = opened.bar.take() {
            bar.finish_and_clear();
        }
        loaded.skipped += summary.skipped;
    }
    engine.set_input_name(None);
    Ok(loaded)
}

/// The pseudonymiser of the key the user supplied; refuses to go on without one.
fn pseudonymiser(args: &InputArgs) -> Result<Pseudonymiser, Failure> {
    let key = match (&args.pseudonym_key_file, std::env::var_os(KEY_VARIABLE)) {
        (Some(path), _) => std::fs::read(path).map_err(|e| Failure::read(path, e))?,
        (None, Some(v)) => v.into_encoded_bytes(),
        (None, None) => {
            return Err(Failure::Usage(format!(
                "iJw messages carry citizen service numbers (BSN), which are replaced by keyed \
                 pseudonyms before anything else reads them; give the key with \
                 --pseudonym-key-file FILE or in {KEY_VARIABLE}"
            )));
        }
    };
    Pseudonymiser::new(&key).map_err(Failure::Usage)
}

/// The municipality → region map of `--regions`, if given.
fn regions(args: &InputArgs) -> Result<Option<source::ijw::Regions>, Failure> {
    let Some(path) = &args.regions else {
        return Ok(None);
    };
    let file = File::open(path).map_err(|e| Failure::read(path, e))?;
    source::ijw::Regions::from_csv(BufReader::new(file))
        .map(Some)
        .map_err(|e| Failure::Data(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_names_the_format() {
        assert_eq!(format_of("events.jsonl"), InputFormat::Jsonl);
        assert_eq!(format_of("events.JSONL.gz"), InputFormat::Jsonl);
        assert_eq!(format_of("export.csv"), InputFormat::Csv);
        assert_eq!(format_of("export.csv.gz"), InputFormat::Csv);
        assert_eq!(format_of("jw305_0363.XML"), InputFormat::Ijw);
        assert_eq!(format_of("-"), InputFormat::Jsonl);
    }
}
