//! JSON Schema of one line of the event format (feature `schema`).
//!
//! The event parser (module `event`) is hand-written for speed, so the schema is described
//! here by a type that only exists to be described: one variant per kind, with the fields
//! the parser accepts. A test in the command's crate keeps the checked-in schema current,
//! and another checks that every bundled sample line is valid against the kinds and
//! fields listed here.

use chrono::NaiveDate;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A decimal written as a JSON string (`"423.00"`); numbers are refused so that no value
/// passes through a binary float.
struct DecimalString;

impl JsonSchema for DecimalString {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DecimalString".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
            "description": "A decimal as a string, such as \"423.00\"; JSON numbers are refused.",
        })
    }
}

/// A non-empty string. Optional fields are left out when absent: `null` is refused.
struct Text;

impl JsonSchema for Text {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "minLength": 1, "pattern": r"\S" })
    }
}

/// Why an authorisation was extended.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ExtensionReason {
    GoalsNotAchieved,
    Other,
}

/// One event of the stream: a JSON object on one line, with an `id`, a `kind`, a `date`
/// and the fields of its kind. Unknown fields are refused.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Urgency {
    Regular,
    Crisis,
}

#[derive(JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(transform = no_nulls)]
#[allow(dead_code)]
enum Event {
    /// A stay starts.
    Admission {
        id: Text,
        date: NaiveDate,
        client: Text,
        region: Text,
        provider: Option<Text>,
        reason: Option<Text>,
        segment: Option<Text>,
    },
    /// The open stay ends.
    Discharge {
        id: Text,
        date: NaiveDate,
        client: Text,
        destination: Option<Text>,
        /// Why care ended, such as an iJw JZ588 code.
        reason: Option<Text>,
    },
    /// The treatment goals of the open stay are reached.
    GoalsAchieved {
        id: Text,
        date: NaiveDate,
        client: Text,
    },
    /// The court authorisation of the open stay is extended.
    AuthorizationExtension {
        id: Text,
        date: NaiveDate,
        client: Text,
        reason: ExtensionReason,
    },
    /// A bridging period starts.
    BridgingStart {
        id: Text,
        date: NaiveDate,
        client: Text,
    },
    /// The open bridging period ends.
    BridgingEnd {
        id: Text,
        date: NaiveDate,
        client: Text,
    },
    /// A tariff in force from its date.
    Tariff {
        id: Text,
        date: NaiveDate,
        provider: Text,
        amount: DecimalString,
        unit: Text,
        segment: Option<Text>,
    },
    /// A document was delivered.
    Deliverable {
        id: Text,
        date: NaiveDate,
        provider: Text,
        name: Text,
        region: Option<Text>,
    },
    /// A value measured outside the stream.
    Measurement {
        id: Text,
        date: NaiveDate,
        metric: Text,
        value: DecimalString,
        region: Option<Text>,
        provider: Option<Text>,
    },
    /// The event `target` was reported in error, as of this event's date.
    Retraction {
        id: Text,
        date: NaiveDate,
        target: Text,
    },
    /// The start of care for a client was approved.
    Approval {
        id: Text,
        date: NaiveDate,
        client: Text,
        segment: Option<Text>,
    },
    /// A referral (aanmelding); the client's next admission waits from it.
    Referral {
        id: Text,
        date: NaiveDate,
        client: Text,
        urgency: Urgency,
    },
    /// A submitted periodic report; `period` is the first day of the period it covers.
    ReportSubmitted {
        id: Text,
        date: NaiveDate,
        provider: Text,
        name: Text,
        period: NaiveDate,
    },
    /// One client line of a submitted report.
    ReportedClient {
        id: Text,
        date: NaiveDate,
        client: Text,
        provider: Text,
        name: Text,
        period: NaiveDate,
    },
}

/// An absent optional field is left out; the parser refuses `null`, so the schema does
/// too: `anyOf [X, null]` becomes `X`.
fn no_nulls(schema: &mut Schema) {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::Array(any)) = m.get_mut("anyOf") {
                    any.retain(|x| x.get("type").and_then(|t| t.as_str()) != Some("null"));
                    if any.len() == 1 {
                        let only = any.remove(0);
                        m.remove("anyOf");
                        if let serde_json::Value::Object(o) = only {
                            m.extend(o);
                        }
                    }
                }
                m.values_mut().for_each(walk);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    if let Some(m) = schema.as_object_mut() {
        m.values_mut().for_each(walk);
    }
}

/// The JSON Schema of one event line.
///
/// ```
/// let schema = serde_json::to_value(indicators::schema::event_schema())?;
/// assert_eq!(schema["title"], "Event");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn event_schema() -> Schema {
    schemars::schema_for!(Event)
}
