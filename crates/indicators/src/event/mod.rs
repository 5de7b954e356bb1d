//! Events of the interchange format, version 1, and their JSON Lines parsing.
//!
//! One JSON object per line. Every event has `id`, `kind` and `date`; the other fields
//! depend on the kind. Decimals (`amount`, `value`) are strings. Unknown kinds and unknown
//! fields are errors unless [`ParseOptions::ignore_unknown`] is set.
//!
//! [`Event`] is generic over its string type: `Event<String>` (the default) owns its
//! text, `Event<&str>` and `Event<Cow<str>>` borrow it, so that JSON Lines can be ingested
//! without allocating per field.
//!
//! This module has the types and their JSON writing; `parse` reads JSON Lines, with a fast
//! path for the common shape of a line in front of a serde visitor that borrows every
//! field it can.

mod parse;

pub(crate) use parse::parse_text;
pub use parse::{EventError, FIELDS, MAX_LINE_BYTES, ParseOptions, parse_date, parse_line};

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kind of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    /// A stay starts (instroom).
    Admission,
    /// The open stay ends (uitstroom).
    Discharge,
    /// The treatment goals of the open stay are reached.
    GoalsAchieved,
    /// The court authorisation of the open stay is extended.
    AuthorizationExtension,
    /// A bridging period inside the open stay starts.
    BridgingStart,
    /// The open bridging period ends.
    BridgingEnd,
    /// A tariff in force from the event's date.
    Tariff,
    /// A document was delivered.
    Deliverable,
    /// A value measured outside the event stream.
    Measurement,
    /// Another event was reported in error.
    Retraction,
    /// The contract manager approved the start of (expensive) care for a client. An
    /// addition to format version 1: older streams simply have none.
    Approval,
    /// A client was referred for care (aanmelding), regular or crisis; the client's next
    /// admission is the start it waited for. An addition to format version 1.
    Referral,
    /// A provider submitted a periodic report (a reporting duty of the contract). An
    /// addition to format version 1.
    ReportSubmitted,
    /// One client covered by a submitted report. An addition to format version 1.
    ReportedClient,
}

impl Kind {
    /// Every kind, in the order of the format's table.
    pub const ALL: [Kind; 14] = [
        Kind::Admission,
        Kind::Discharge,
        Kind::GoalsAchieved,
        Kind::AuthorizationExtension,
        Kind::BridgingStart,
        Kind::BridgingEnd,
        Kind::Tariff,
        Kind::Deliverable,
        Kind::Measurement,
        Kind::Retraction,
        Kind::Approval,
        Kind::Referral,
        Kind::ReportSubmitted,
        Kind::ReportedClient,
    ];

    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Admission => "admission",
            Kind::Discharge => "discharge",
            Kind::GoalsAchieved => "goals_achieved",
            Kind::AuthorizationExtension => "authorization_extension",
            Kind::BridgingStart => "bridging_start",
            Kind::BridgingEnd => "bridging_end",
            Kind::Tariff => "tariff",
            Kind::Deliverable => "deliverable",
            Kind::Measurement => "measurement",
            Kind::Retraction => "retraction",
            Kind::Approval => "approval",
            Kind::Referral => "referral",
            Kind::ReportSubmitted => "report_submitted",
            Kind::ReportedClient => "reported_client",
        }
    }

    /// The kind with this JSON name.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether events of this kind belong to a client's stay.
    pub fn is_client_event(self) -> bool {
        matches!(
            self,
            Kind::Admission
                | Kind::Discharge
                | Kind::GoalsAchieved
                | Kind::AuthorizationExtension
                | Kind::BridgingStart
                | Kind::BridgingEnd
                | Kind::Approval
                | Kind::Referral
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a court authorisation was extended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionReason {
    /// The treatment goals were not reached in time.
    GoalsNotAchieved,
    /// Any other reason.
    Other,
}

impl ExtensionReason {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionReason::GoalsNotAchieved => "goals_not_achieved",
            ExtensionReason::Other => "other",
        }
    }
}

/// How urgent a referral is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// A regular referral.
    Regular,
    /// A crisis (help needed within 24 hours).
    Crisis,
}

impl Urgency {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Regular => "regular",
            Urgency::Crisis => "crisis",
        }
    }

    /// The urgency a stored crisis flag stands for.
    pub(crate) fn of_crisis(crisis: bool) -> Urgency {
        if crisis {
            Urgency::Crisis
        } else {
            Urgency::Regular
        }
    }
}

/// What happened, with the fields of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventBody<S = String> {
    /// A stay starts.
    Admission {
        /// The pseudonymous client id.
        client: S,
        /// The region; the stay belongs to it.
        region: S,
        /// The provider, if reported.
        provider: Option<S>,
        /// The reason for the admission, if reported.
        reason: Option<S>,
        /// The contract segment of the care (such as `A`, `B`, `C`, `V`), if reported. An
        /// addition to format version 1.
        segment: Option<S>,
    },
    /// The open stay ends.
    Discharge {
        /// The client.
        client: S,
        /// Where the youth went, if reported.
        destination: Option<S>,
        /// Why the care ended, if reported: a code such as the iJw reason for ending care
        /// (JZ588: `31` to plan, `32` to `35` ended early), as the source gives it. An
        /// addition to format version 1.
        reason: Option<S>,
    },
    /// The treatment goals of the open stay are reached.
    GoalsAchieved {
        /// The client.
        client: S,
    },
    /// The court authorisation of the open stay is extended.
    AuthorizationExtension {
        /// The client.
        client: S,
        /// Why.
        reason: ExtensionReason,
    },
    /// A bridging period starts.
    BridgingStart {
        /// The client.
        client: S,
    },
    /// The open bridging period ends.
    BridgingEnd {
        /// The client.
        client: S,
    },
    /// A tariff in force from the event's date until the next tariff of the same provider
    /// and unit.
    Tariff {
        /// The provider.
        provider: S,
        /// The amount in euros.
        amount: Decimal,
        /// The unit (`day`, `hour`, `month`, …).
        unit: S,
        /// The contract segment the tariff is for, if any (an addition to format version
        /// 1): a contract can pay one segment per day and another per month.
        segment: Option<S>,
    },
    /// A document was delivered.
    Deliverable {
        /// The provider (or party) that delivered it.
        provider: S,
        /// The deliverable's name, such as `cost_price_analysis`.
        name: S,
        /// The region it concerns, if any (an extension of format version 1: optional,
        /// so older streams stay valid).
        region: Option<S>,
    },
    /// A value measured outside the event stream.
    Measurement {
        /// The metric's name.
        metric: S,
        /// The value.
        value: Decimal,
        /// The region, if any.
        region: Option<S>,
        /// The provider, if any.
        provider: Option<S>,
    },
    /// The event with id `target` was reported in error.
    Retraction {
        /// The id of the retracted event.
        target: S,
    },
    /// The contract manager approved the start of care for a client; one approval covers
    /// the client's next admission (in the segment, if it names one).
    Approval {
        /// The client.
        client: S,
        /// The segment approved, if any.
        segment: Option<S>,
    },
    /// The client was referred for care (aanmelding). Referrals are taken by the client's
    /// admissions in the order they were made: an admission takes the earliest referral
    /// not yet taken, and waits from its date.
    Referral {
        /// The client.
        client: S,
        /// Regular or crisis.
        urgency: Urgency,
    },
    /// A provider submitted the report `name` covering the period that starts on `period`
    /// (the period's length is the contract's reporting duty's).
    ReportSubmitted {
        /// The provider.
        provider: S,
        /// The report's name, as the contract's duty names it.
        name: S,
        /// The first day of the period the report covers.
        period: NaiveDate,
    },
    /// One client covered by the report `name` of `provider` for the period starting on
    /// `period`: one event per client line of the report.
    ReportedClient {
        /// The client.
        client: S,
        /// The provider.
        provider: S,
        /// The report's name.
        name: S,
        /// The first day of the period the report covers.
        period: NaiveDate,
    },
}

/// One event: an id, a date and a body.
///
/// # Example: parse, serialize, compare
///
/// ```
/// use indicators::{Event, EventBody, Kind};
///
/// let e = Event::from_json(r#"{"id": "e1", "kind": "discharge", "date": "2019-03-01", "client": "c7"}"#)?;
/// assert_eq!(e.kind(), Kind::Discharge);
/// assert_eq!(e.client(), Some("c7"));
/// assert!(matches!(e.body, EventBody::Discharge { destination: None, .. }));
/// assert_eq!(e.to_json(), r#"{"id":"e1","kind":"discharge","date":"2019-03-01","client":"c7"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event<S = String> {
    /// The unique id.
    pub id: S,
    /// The day it happened.
    pub date: NaiveDate,
    /// What happened.
    pub body: EventBody<S>,
}

impl<S> Event<S> {
    /// The event with every string field, as stored, passed through `f`.
    pub(crate) fn map_ref<'s, T>(&'s self, f: impl Fn(&'s S) -> T) -> Event<T> {
        let s = |x: &'s S| f(x);
        let o = |x: &'s Option<S>| x.as_ref().map(&f);
        let body = match &self.body {
            EventBody::Admission {
                client,
                region,
                provider,
                reason,
                segment,
            } => EventBody::Admission {
                client: s(client),
                region: s(region),
                provider: o(provider),
                reason: o(reason),
                segment: o(segment),
            },
            EventBody::Discharge {
                client,
                destination,
                reason,
            } => EventBody::Discharge {
                client: s(client),
                destination: o(destination),
                reason: o(reason),
            },
            EventBody::GoalsAchieved { client } => EventBody::GoalsAchieved { client: s(client) },
            EventBody::AuthorizationExtension { client, reason } => {
                EventBody::AuthorizationExtension {
                    client: s(client),
                    reason: *reason,
                }
            }
            EventBody::BridgingStart { client } => EventBody::BridgingStart { client: s(client) },
            EventBody::BridgingEnd { client } => EventBody::BridgingEnd { client: s(client) },
            EventBody::Tariff {
                provider,
                amount,
                unit,
                segment,
            } => EventBody::Tariff {
                provider: s(provider),
                amount: *amount,
                unit: s(unit),
                segment: o(segment),
            },
            EventBody::Deliverable {
                provider,
                name,
                region,
            } => EventBody::Deliverable {
                provider: s(provider),
                name: s(name),
                region: o(region),
            },
            EventBody::Measurement {
                metric,
                value,
                region,
                provider,
            } => EventBody::Measurement {
                metric: s(metric),
                value: *value,
                region: o(region),
                provider: o(provider),
            },
            EventBody::Retraction { target } => EventBody::Retraction { target: s(target) },
            EventBody::Approval { client, segment } => EventBody::Approval {
                client: s(client),
                segment: o(segment),
            },
            EventBody::Referral { client, urgency } => EventBody::Referral {
                client: s(client),
                urgency: *urgency,
            },
            EventBody::ReportSubmitted {
                provider,
                name,
                period,
            } => EventBody::ReportSubmitted {
                provider: s(provider),
                name: s(name),
                period: *period,
            },
            EventBody::ReportedClient {
                client,
                provider,
                name,
                period,
            } => EventBody::ReportedClient {
                client: s(client),
                provider: s(provider),
                name: s(name),
                period: *period,
            },
        };
        Event {
            id: f(&self.id),
            date: self.date,
            body,
        }
    }
}

impl<S: AsRef<str>> Event<S> {
    /// The kind.
    pub fn kind(&self) -> Kind {
        match &self.body {
            EventBody::Admission { .. } => Kind::Admission,
            EventBody::Discharge { .. } => Kind::Discharge,
            EventBody::GoalsAchieved { .. } => Kind::GoalsAchieved,
            EventBody::AuthorizationExtension { .. } => Kind::AuthorizationExtension,
            EventBody::BridgingStart { .. } => Kind::BridgingStart,
            EventBody::BridgingEnd { .. } => Kind::BridgingEnd,
            EventBody::Tariff { .. } => Kind::Tariff,
            EventBody::Deliverable { .. } => Kind::Deliverable,
            EventBody::Measurement { .. } => Kind::Measurement,
            EventBody::Retraction { .. } => Kind::Retraction,
            EventBody::Approval { .. } => Kind::Approval,
            EventBody::Referral { .. } => Kind::Referral,
            EventBody::ReportSubmitted { .. } => Kind::ReportSubmitted,
            EventBody::ReportedClient { .. } => Kind::ReportedClient,
        }
    }

    /// The client of a client event.
    pub fn client(&self) -> Option<&str> {
        match &self.body {
            EventBody::Admission { client, .. }
            | EventBody::Discharge { client, .. }
            | EventBody::GoalsAchieved { client }
            | EventBody::AuthorizationExtension { client, .. }
            | EventBody::BridgingStart { client }
            | EventBody::BridgingEnd { client }
            | EventBody::Approval { client, .. }
            | EventBody::Referral { client, .. } => Some(client.as_ref()),
            _ => None,
        }
    }

    /// A borrowed view of the event.
    pub fn as_borrowed(&self) -> Event<&str> {
        self.map(|s| s)
    }

    /// An owned copy of the event.
    pub fn to_owned_event(&self) -> Event {
        self.map(str::to_owned)
    }

    /// The event with every string field passed through `f`.
    pub fn map<'s, T>(&'s self, f: impl Fn(&'s str) -> T) -> Event<T> {
        self.map_ref(|x| f(x.as_ref()))
    }

    /// The event as one line of JSON (no trailing newline), fields in a fixed order.
    pub fn to_json(&self) -> String {
        // Serializing strings, dates and decimals into a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Event {
    /// Parses one event from JSON, strictly (unknown kinds and fields are errors).
    ///
    /// # Errors
    ///
    /// [`EventError`] naming the field and what is wrong.
    pub fn from_json(text: &str) -> Result<Event, EventError> {
        parse_line(text.as_bytes(), ParseOptions::default())
            .and_then(|p| p.ok_or_else(|| EventError::new(None, None, "unknown kind ignored")))
            .map(|e| e.to_owned_event())
    }
}

impl<S: AsRef<str>> Serialize for Event<S> {
    fn serialize<Z: Serializer>(&self, ser: Z) -> Result<Z::Ok, Z::Error> {
        let e = self.as_borrowed();
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("id", e.id)?;
        m.serialize_entry("kind", e.kind().as_str())?;
        m.serialize_entry("date", &e.date.format("%Y-%m-%d").to_string())?;
        let opt = |m: &mut Z::SerializeMap, k: &str, v: Option<&str>| -> Result<(), Z::Error> {
            match v {
                Some(v) => m.serialize_entry(k, v),
                None => Ok(()),
            }
        };
        match e.body {
            EventBody::Admission {
                client,
                region,
                provider,
                reason,
                segment,
            } => {
                m.serialize_entry("client", client)?;
                m.serialize_entry("region", region)?;
                opt(&mut m, "provider", provider)?;
                opt(&mut m, "reason", reason)?;
                opt(&mut m, "segment", segment)?;
            }
            EventBody::Discharge {
                client,
                destination,
                reason,
            } => {
                m.serialize_entry("client", client)?;
                opt(&mut m, "destination", destination)?;
                opt(&mut m, "reason", reason)?;
            }
            EventBody::GoalsAchieved { client }
            | EventBody::BridgingStart { client }
            | EventBody::BridgingEnd { client } => {
                m.serialize_entry("client", client)?;
            }
            EventBody::AuthorizationExtension { client, reason } => {
                m.serialize_entry("client", client)?;
                m.serialize_entry("reason", reason.as_str())?;
            }
            EventBody::Tariff {
                provider,
                amount,
                unit,
                segment,
            } => {
                m.serialize_entry("provider", provider)?;
                m.serialize_entry("amount", &amount.to_string())?;
                m.serialize_entry("unit", unit)?;
                opt(&mut m, "segment", segment)?;
            }
            EventBody::Deliverable {
                provider,
                name,
                region,
            } => {
                m.serialize_entry("provider", provider)?;
                m.serialize_entry("name", name)?;
                opt(&mut m, "region", region)?;
            }
            EventBody::Measurement {
                metric,
                value,
                region,
                provider,
            } => {
                m.serialize_entry("metric", metric)?;
                m.serialize_entry("value", &value.to_string())?;
                opt(&mut m, "region", region)?;
                opt(&mut m, "provider", provider)?;
            }
            EventBody::Retraction { target } => {
                m.serialize_entry("target", target)?;
            }
            EventBody::Approval { client, segment } => {
                m.serialize_entry("client", client)?;
                opt(&mut m, "segment", segment)?;
            }
            EventBody::Referral { client, urgency } => {
                m.serialize_entry("client", client)?;
                m.serialize_entry("urgency", urgency.as_str())?;
            }
            EventBody::ReportSubmitted {
                provider,
                name,
                period,
            } => {
                m.serialize_entry("provider", provider)?;
                m.serialize_entry("name", name)?;
                m.serialize_entry("period", &period.format("%Y-%m-%d").to_string())?;
            }
            EventBody::ReportedClient {
                client,
                provider,
                name,
                period,
            } => {
                m.serialize_entry("client", client)?;
                m.serialize_entry("provider", provider)?;
                m.serialize_entry("name", name)?;
                m.serialize_entry("period", &period.format("%Y-%m-%d").to_string())?;
            }
        }
        m.end()
    }
}
