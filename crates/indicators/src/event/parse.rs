//! Reading events from JSON Lines: the line's fields are collected raw (borrowed where the
//! text has no escapes), then checked against the kind's rules; `scan` is a fast path for
//! lines of the common shape, and agrees with the serde visitor on every input (a
//! property test).

use super::*;

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawSeed {
            options: ParseOptions::default(),
        }
        .deserialize(d)?;
        match raw.into_event() {
            Ok(Some(e)) => Ok(e.to_owned_event()),
            Ok(None) => Err(de::Error::custom("unknown kind")),
            Err(e) => Err(de::Error::custom(e)),
        }
    }
}

/// The longest line read as an event, in bytes (1 MiB); a longer line is rejected with
/// its line number, unread. Real events are a few hundred bytes.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How to parse events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Skip unknown fields, and events of unknown kinds, instead of rejecting them. The
    /// skipped events are counted in [`crate::Accounting::ignored`].
    pub ignore_unknown: bool,
}

/// A problem with one event: where (line, id, field) and what.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[error("{}{}{}{}", line.map(|l| format!("line {l}: ")).unwrap_or_default(),
    id.as_ref().map(|i| format!("event {i:?}: ")).unwrap_or_default(),
    field.as_ref().map(|f| format!("field `{f}`: ")).unwrap_or_default(), message)]
pub struct EventError {
    /// The line number in a JSON Lines input (from 1).
    pub line: Option<usize>,
    /// The event id, when it could be read.
    pub id: Option<String>,
    /// The field concerned.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl EventError {
    pub(super) fn new(
        id: Option<&str>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> EventError {
        EventError {
            line: None,
            id: id.map(str::to_owned),
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// A string that borrows from the input when it has no escapes.
struct CowStr<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The fields of an event line, in the format's order: every key a line may have.
pub const FIELDS: [&str; N_FIELDS] = [
    "id",
    "kind",
    "date",
    "client",
    "region",
    "provider",
    "reason",
    "destination",
    "amount",
    "unit",
    "name",
    "metric",
    "value",
    "target",
    "segment",
    "urgency",
    "period",
];
const F_ID: usize = 0;
const F_KIND: usize = 1;
const F_DATE: usize = 2;
const F_CLIENT: usize = 3;
const F_REGION: usize = 4;
const F_PROVIDER: usize = 5;
const F_REASON: usize = 6;
const F_DESTINATION: usize = 7;
const F_AMOUNT: usize = 8;
const F_UNIT: usize = 9;
const F_NAME: usize = 10;
const F_METRIC: usize = 11;
const F_VALUE: usize = 12;
const F_TARGET: usize = 13;
const F_SEGMENT: usize = 14;
const F_URGENCY: usize = 15;
const F_PERIOD: usize = 16;
const N_FIELDS: usize = 17;

/// The position of a key in [`FIELDS`]; a `match` compiles to a switch on the length and
/// a compare or two, where a walk of the list compared every key in turn.
fn field_index(key: &str) -> Option<usize> {
    Some(match key {
        "id" => F_ID,
        "kind" => F_KIND,
        "date" => F_DATE,
        "client" => F_CLIENT,
        "region" => F_REGION,
        "provider" => F_PROVIDER,
        "reason" => F_REASON,
        "destination" => F_DESTINATION,
        "amount" => F_AMOUNT,
        "unit" => F_UNIT,
        "name" => F_NAME,
        "metric" => F_METRIC,
        "value" => F_VALUE,
        "target" => F_TARGET,
        "segment" => F_SEGMENT,
        "urgency" => F_URGENCY,
        "period" => F_PERIOD,
        _ => return None,
    })
}

/// The fields as read, before the kind's rules are checked.
struct Raw<'de> {
    fields: [Option<Cow<'de, str>>; N_FIELDS],
    options: ParseOptions,
}

struct RawSeed {
    options: ParseOptions,
}

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = Raw<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Raw<'de>, D::Error> {
        d.deserialize_map(RawVisitor {
            options: self.options,
        })
    }
}

struct RawVisitor {
    options: ParseOptions,
}

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
        let mut fields: [Option<Cow<'de, str>>; N_FIELDS] = Default::default();
        while let Some(CowStr(key)) = map.next_key::<CowStr<'de>>()? {
            match field_index(&key) {
                Some(i) => {
                    if fields[i].is_some() {
                        return Err(de::Error::custom(format_args!(
                            "field `{key}`: appears twice"
                        )));
                    }
                    let CowStr(v) = map
                        .next_value::<CowStr<'de>>()
                        .map_err(|e| de::Error::custom(format_args!("field `{key}`: {e}")))?;
                    fields[i] = Some(v);
                }
                None if self.options.ignore_unknown => {
                    map.next_value::<IgnoredAny>()?;
                }
                None => {
                    return Err(de::Error::custom(format_args!(
                        "field `{key}`: unknown field"
                    )));
                }
            }
        }
        Ok(Raw {
            fields,
            options: self.options,
        })
    }
}

impl<'de> Raw<'de> {
    /// Checks the kind's rules. `Ok(None)`: an unknown kind, skipped by request.
    fn into_event(mut self) -> Result<Option<Event<Cow<'de, str>>>, EventError> {
        check(&mut self.fields, self.options)
    }
}

/// Whether `s` is empty or only white space: one byte settles a value that starts with
/// a visible ASCII character, as nearly every value does.
fn blank(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b) if b.is_ascii_graphic() => false,
        _ => s.trim().is_empty(),
    }
}

/// Checks the kind's rules on the fields as read, taking them out. `Ok(None)`: an unknown
/// kind, skipped by request. The fields are borrowed rather than moved: they are a few
/// hundred bytes, and copying them showed in profiles.
fn check<'de>(
    f: &mut [Option<Cow<'de, str>>; N_FIELDS],
    options: ParseOptions,
) -> Result<Option<Event<Cow<'de, str>>>, EventError> {
    let id = f[F_ID]
        .take()
        .ok_or_else(|| EventError::new(None, Some("id"), "missing"))?;
    if blank(&id) {
        return Err(EventError::new(None, Some("id"), "is empty"));
    }
    let err = |field: usize, msg: String| EventError::new(Some(&id), Some(FIELDS[field]), msg);
    let kind_text = f[F_KIND]
        .take()
        .ok_or_else(|| err(F_KIND, "missing".to_owned()))?;
    let Some(kind) = Kind::parse(&kind_text) else {
        if options.ignore_unknown {
            return Ok(None);
        }
        return Err(err(F_KIND, format!("unknown kind {kind_text:?}")));
    };
    let date_text = f[F_DATE]
        .take()
        .ok_or_else(|| err(F_DATE, "missing".to_owned()))?;
    let date = parse_date(&date_text)
        .ok_or_else(|| err(F_DATE, format!("{date_text:?} is not a date YYYY-MM-DD")))?;

    let mut take = |i: usize, required: bool| -> Result<Option<Cow<'de, str>>, EventError> {
        match f[i].take() {
            Some(v) if blank(&v) => Err(err(i, "is empty".to_owned())),
            Some(v) => Ok(Some(v)),
            None if required => Err(err(i, format!("missing, required for kind {kind}"))),
            None => Ok(None),
        }
    };
    let decimal = |i: usize, v: Cow<'de, str>| -> Result<Decimal, EventError> {
        parse_decimal(&v).map_err(|e| err(i, format!("{v:?} is not a decimal: {e}")))
    };
    let req = |v: Option<Cow<'de, str>>| v.unwrap_or_default();
    let body = match kind {
        Kind::Admission => EventBody::Admission {
            client: req(take(F_CLIENT, true)?),
            region: req(take(F_REGION, true)?),
            provider: take(F_PROVIDER, false)?,
            reason: take(F_REASON, false)?,
            segment: take(F_SEGMENT, false)?,
        },
        Kind::Discharge => EventBody::Discharge {
            client: req(take(F_CLIENT, true)?),
            destination: take(F_DESTINATION, false)?,
            reason: take(F_REASON, false)?,
        },
        Kind::GoalsAchieved => EventBody::GoalsAchieved {
            client: req(take(F_CLIENT, true)?),
        },
        Kind::AuthorizationExtension => {
            let client = req(take(F_CLIENT, true)?);
            let r = req(take(F_REASON, true)?);
            let reason = match &*r {
                "goals_not_achieved" => ExtensionReason::GoalsNotAchieved,
                "other" => ExtensionReason::Other,
                other => {
                    return Err(err(
                        F_REASON,
                        format!("{other:?} is not `goals_not_achieved` or `other`"),
                    ));
                }
            };
            EventBody::AuthorizationExtension { client, reason }
        }
        Kind::BridgingStart => EventBody::BridgingStart {
            client: req(take(F_CLIENT, true)?),
        },
        Kind::BridgingEnd => EventBody::BridgingEnd {
            client: req(take(F_CLIENT, true)?),
        },
        Kind::Tariff => {
            let provider = req(take(F_PROVIDER, true)?);
            let amount = decimal(F_AMOUNT, req(take(F_AMOUNT, true)?))?;
            EventBody::Tariff {
                provider,
                amount,
                unit: req(take(F_UNIT, true)?),
                segment: take(F_SEGMENT, false)?,
            }
        }
        Kind::Deliverable => EventBody::Deliverable {
            provider: req(take(F_PROVIDER, true)?),
            name: req(take(F_NAME, true)?),
            region: take(F_REGION, false)?,
        },
        Kind::Measurement => {
            let metric = req(take(F_METRIC, true)?);
            let value = decimal(F_VALUE, req(take(F_VALUE, true)?))?;
            EventBody::Measurement {
                metric,
                value,
                region: take(F_REGION, false)?,
                provider: take(F_PROVIDER, false)?,
            }
        }
        Kind::Retraction => EventBody::Retraction {
            target: req(take(F_TARGET, true)?),
        },
        Kind::Approval => EventBody::Approval {
            client: req(take(F_CLIENT, true)?),
            segment: take(F_SEGMENT, false)?,
        },
        Kind::Referral => {
            let client = req(take(F_CLIENT, true)?);
            let u = req(take(F_URGENCY, true)?);
            let urgency = match &*u {
                "regular" => Urgency::Regular,
                "crisis" => Urgency::Crisis,
                other => {
                    return Err(err(
                        F_URGENCY,
                        format!("{other:?} is not `regular` or `crisis`"),
                    ));
                }
            };
            EventBody::Referral { client, urgency }
        }
        Kind::ReportSubmitted | Kind::ReportedClient => {
            let client = if kind == Kind::ReportedClient {
                Some(req(take(F_CLIENT, true)?))
            } else {
                None
            };
            let provider = req(take(F_PROVIDER, true)?);
            let name = req(take(F_NAME, true)?);
            let text = req(take(F_PERIOD, true)?);
            let period = parse_date(&text).ok_or_else(|| {
                err(
                    F_PERIOD,
                    format!("{text:?} is not a date YYYY-MM-DD (the period's first day)"),
                )
            })?;
            match client {
                Some(client) => EventBody::ReportedClient {
                    client,
                    provider,
                    name,
                    period,
                },
                None => EventBody::ReportSubmitted {
                    provider,
                    name,
                    period,
                },
            }
        }
    };
    // Whatever is left does not belong to this kind.
    if let Some(i) = f.iter().position(Option::is_some) {
        if !options.ignore_unknown {
            return Err(err(i, format!("does not belong to a `{kind}` event")));
        }
    }
    Ok(Some(Event { id, date, body }))
}

/// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day): what an event
/// line's dates must be. Sources that read other formats use it to agree with the line.
///
/// ```
/// use indicators::parse_date;
///
/// assert_eq!(parse_date("2019-02-28").map(|d| d.to_string()).as_deref(), Some("2019-02-28"));
/// assert_eq!(parse_date("2019-02-29"), None);
/// assert_eq!(parse_date("2019-2-28"), None);
/// ```
#[must_use]
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// Parses one line of JSON into an event that borrows from it where it can.
/// `Ok(None)` is an event of an unknown kind skipped by request.
///
/// # Errors
///
/// [`EventError`] naming the field and the problem (the line number is left to the
/// caller).
pub fn parse_line(
    line: &[u8],
    options: ParseOptions,
) -> Result<Option<Event<Cow<'_, str>>>, EventError> {
    match std::str::from_utf8(line) {
        Ok(text) => parse_text(text, options),
        // serde_json says where the bad byte is.
        Err(_) if line.len() <= MAX_LINE_BYTES => parse_line_with_serde(line, options),
        Err(_) => Err(too_long()),
    }
}

/// [`parse_line`] for a line known to be UTF-8 (a reader that checked its whole chunk
/// at once checks no line again).
pub(crate) fn parse_text(
    line: &str,
    options: ParseOptions,
) -> Result<Option<Event<Cow<'_, str>>>, EventError> {
    if line.len() > MAX_LINE_BYTES {
        return Err(too_long());
    }
    let mut fields: [Option<Cow<'_, str>>; N_FIELDS] = Default::default();
    if scan(line, &mut fields).is_some() {
        check(&mut fields, options)
    } else {
        parse_line_with_serde(line.as_bytes(), options)
    }
}

fn too_long() -> EventError {
    EventError {
        line: None,
        id: None,
        field: None,
        // The same words whether the line was read whole or skipped unread, so that
        // the accounting does not depend on how the input was cut.
        message: format!("the line is longer than {MAX_LINE_BYTES} bytes"),
    }
}

/// A decimal string as the format defines it: an optional minus sign, digits, and
/// optionally a point followed by digits (`"423.00"`, `"-0.5"`). Signs, exponents,
/// underscores, spaces and a point without digits on either side are refused, and so is
/// a value that does not fit a decimal exactly.
fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err("a decimal is digits with an optional minus sign and decimal point".to_owned());
    }
    Decimal::from_str_exact(text).map_err(|e| e.to_string())
}

/// The general parser; [`scan`] is a fast path for the common shape of a line.
fn parse_line_with_serde(
    line: &[u8],
    options: ParseOptions,
) -> Result<Option<Event<Cow<'_, str>>>, EventError> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let raw = RawSeed { options }
        .deserialize(&mut de)
        .map_err(|e| json_error(&e))?;
    de.end().map_err(|e| json_error(&e))?;
    raw.into_event()
}

/// The position of the first quote, backslash or control character in `b`: where a
/// JSON string without escapes ends, or where the fast path gives up. Eight bytes at a
/// time (a word compared bytewise): the lowest byte a test flags is always a true match,
/// since a false flag needs a borrow from a true match below it.
#[inline(always)]
fn string_stop(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let mut words = b.chunks_exact(8);
    for (k, w) in words.by_ref().enumerate() {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let hits = (zero_byte(x ^ (ONES * u64::from(b'"')))
            | zero_byte(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x))
            & HIGH;
        if hits != 0 {
            return Some(k * 8 + (hits.trailing_zeros() / 8) as usize);
        }
    }
    let rest = words.remainder();
    rest.iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|p| b.len() - rest.len() + p)
}

/// A fast path for the common shape of a line: one flat object whose keys are known
/// fields and whose values are strings without escapes, read into `fields`. Anything
/// else (escapes, numbers, nesting, a repeated or unknown key, a syntax error) gives
/// `None`, and the line goes to serde_json, which accepts or rejects it with the precise
/// message. Tests check that both paths agree on every line the scanner accepts.
fn scan<'a>(text: &'a str, fields: &mut [Option<Cow<'a, str>>; N_FIELDS]) -> Option<()> {
    // Quotes are ASCII, so every slice between them is a `str` too.
    let line = text.as_bytes();
    let mut i = skip_space(line, 0);
    if line.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_space(line, i + 1);
    if line.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            let (key, next) = plain_string(text, i)?;
            i = skip_space(line, next);
            if line.get(i) != Some(&b':') {
                return None;
            }
            let (value, next) = plain_string(text, skip_space(line, i + 1))?;
            let f = field_index(key)?;
            if fields[f].is_some() {
                return None;
            }
            fields[f] = Some(Cow::Borrowed(value));
            i = skip_space(line, next);
            match line.get(i) {
                Some(b',') => i = skip_space(line, i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_space(line, i) == line.len()).then_some(())
}

/// The first position from `i` on that is not JSON white space. Compact lines have none,
/// so one comparison settles the usual case.
#[inline(always)]
fn skip_space(line: &[u8], mut i: usize) -> usize {
    while let Some(&b) = line.get(i) {
        if b > b' ' || !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            break;
        }
        i += 1;
    }
    i
}

/// The string without escapes or control characters whose opening quote is at `i`, and
/// the position after its closing quote.
#[inline(always)]
fn plain_string(text: &str, i: usize) -> Option<(&str, usize)> {
    let line = text.as_bytes();
    if line.get(i) != Some(&b'"') {
        return None;
    }
    let start = i + 1;
    let len = string_stop(line.get(start..)?)?;
    if line.get(start + len) != Some(&b'"') {
        return None;
    }
    Some((text.get(start..start + len)?, start + len + 1))
}

fn json_error(e: &serde_json::Error) -> EventError {
    // Each line is parsed on its own, so serde_json's "at line 1 column N" only needs
    // its column.
    let mut text = e.to_string();
    if let Some(at) = text.rfind(" at line ") {
        if let Some((_, column)) = text[at..].split_once(" column ") {
            text = format!("{} (column {column})", &text[..at]);
        }
    }
    // Messages of the form "field `x`: …" name their field.
    if let Some(rest) = text.strip_prefix("field `") {
        if let Some((field, msg)) = rest.split_once("`: ") {
            return EventError::new(None, Some(field), msg.to_owned());
        }
    }
    EventError::new(None, None, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Option<Event>, EventError> {
        parse_line(s.as_bytes(), ParseOptions::default()).map(|o| o.map(|e| e.to_owned_event()))
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2019-02-28").is_some());
        assert!(parse_date("2019-02-29").is_none());
        assert!(parse_date("2019-2-28").is_none());
        assert!(parse_date("+2019-02-28").is_none());
        assert!(parse_date("2019-02-2x").is_none());
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse(r#"{"id":"a","kind":"admission","date":"2019-01-01","client":"c"}"#)
            .expect_err("no region");
        assert_eq!(e.field.as_deref(), Some("region"));
        assert_eq!(e.message, "missing, required for kind admission");
        let e =
            parse(r#"{"id":"a","kind":"discharge","date":"2019-01-01","client":"c","amount":"5"}"#)
                .expect_err("stray field");
        assert_eq!(
            e.to_string(),
            "event \"a\": field `amount`: does not belong to a `discharge` event"
        );
        let e = parse(r#"{"id":"a","kind":"tariff","date":"2019-01-01","provider":"p","amount":423,"unit":"day"}"#)
            .expect_err("number");
        assert_eq!(e.field.as_deref(), Some("amount"));
        let e = parse(r#"{"id":"a","kind":"tariff","date":"2019-01-01","provider":"p","amount":"4x","unit":"day"}"#)
            .expect_err("not decimal");
        assert!(e.message.starts_with("\"4x\" is not a decimal"), "{e}");
        let e = parse(r#"{"id":"a","kind":"walk","date":"2019-01-01"}"#).expect_err("unknown kind");
        assert_eq!(e.message, "unknown kind \"walk\"");
        let e = parse(
            r#"{"id":"a","kind":"discharge","date":"2019-01-01","client":"c","colour":"red"}"#,
        )
        .expect_err("unknown field");
        assert_eq!(
            (e.field.as_deref(), e.message.as_str()),
            (Some("colour"), "unknown field (column 70)")
        );
        let e = parse(r#"{"id":"a","id":"b"}"#).expect_err("twice");
        assert_eq!(e.message, "appears twice (column 14)");
    }

    #[test]
    fn unknown_things_can_be_ignored_on_request() {
        let o = ParseOptions {
            ignore_unknown: true,
        };
        let walk =
            parse_line(br#"{"id":"a","kind":"walk","date":"2019-01-01"}"#, o).expect("skipped");
        assert!(walk.is_none());
        let e = parse_line(
            br#"{"id":"a","kind":"discharge","date":"2019-01-01","client":"c","colour":"red"}"#,
            o,
        )
        .expect("ok")
        .expect("known kind");
        assert_eq!(e.client(), Some("c"));
    }

    fn same(line: &str) {
        let o = ParseOptions::default();
        let mut fields = Default::default();
        if scan(line, &mut fields).is_some() {
            let slow = parse_line_with_serde(line.as_bytes(), o);
            assert_eq!(check(&mut fields, o), slow, "{line}");
        }
    }

    #[test]
    fn the_fast_path_agrees_with_serde() {
        for line in [
            r#"{"id":"a","kind":"admission","date":"2019-01-01","client":"c","region":"r"}"#,
            r#" { "id" : "a" , "kind":"discharge","date":"2019-01-01","client":"c"}  "#,
            r#"{"id":"a","kind":"discharge","date":"2019-01-01"}"#,
            r#"{"id":"a","kind":"tariff","date":"2019-01-01","provider":"p","amount":"4x","unit":"day"}"#,
            r#"{"id":"é","kind":"goals_achieved","date":"2019-01-01","client":"ü"}"#,
            r#"{}"#,
            r#"{"id":""}"#,
        ] {
            assert!(scan(line, &mut Default::default()).is_some(), "{line}");
            same(line);
        }
        for line in [
            r#"{"id":"a\u0041"}"#,
            r#"{"id":5}"#,
            r#"{"id":"a","id":"b"}"#,
            r#"{"colour":"red"}"#,
            r#"{"id":"a"} x"#,
            r#"{"id":"a",}"#,
            "{\"id\":\"a\u{c}\"}",
        ] {
            assert!(scan(line, &mut Default::default()).is_none(), "{line}");
        }
    }

    proptest::proptest! {
        /// The word-at-a-time search finds what a byte-at-a-time one finds.
        #[test]
        fn a_string_stops_where_a_byte_search_says(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::num::u8::ANY,
                    proptest::strategy::Just(b'"'),
                    proptest::strategy::Just(b'\\'),
                    0x1fu8..0x23,
                    0x5bu8..0x5e,
                ],
                0..40,
            )
        ) {
            let slow = bytes.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
            proptest::prop_assert_eq!(string_stop(&bytes), slow);
        }

        #[test]
        fn blank_is_trimmed_empty(s in "[ \t\r\n\u{a0}\u{2003}a!~\u{e9}]{0,6}") {
            proptest::prop_assert_eq!(blank(&s), s.trim().is_empty());
        }

        #[test]
        fn the_fast_path_agrees_with_serde_on_anything(line in r#"[{}":, a-z0-9_\-]{0,60}"#) {
            same(&line);
        }

        #[test]
        fn the_fast_path_agrees_on_mutated_events(pos in 0usize..120, byte in proptest::prelude::any::<u8>()) {
            let mut line = br#"{"id":"e1","kind":"measurement","date":"2019-05-01","metric":"beds","value":"12.5","region":"r"}"#.to_vec();
            let p = pos % line.len();
            line[p] = byte;
            if let Ok(text) = std::str::from_utf8(&line) {
                same(text);
            }
        }
    }

    #[test]
    fn escaped_strings_are_decoded() {
        let e = parse(
            r#"{"id":"a\u0041","kind":"goals_achieved","date":"2019-01-01","client":"c\"1"}"#,
        )
        .expect("ok")
        .expect("known");
        assert_eq!((e.id.as_str(), e.client()), ("aA", Some("c\"1")));
    }
}
