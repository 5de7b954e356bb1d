//! The record format: one event kept compactly (strings as symbols, decimals by index),
//! and the only place that knows which packed field means what. Everything else reads a
//! record through its typed view, [`Record::fields`].

use rust_decimal::Decimal;

use crate::event::Kind;
use crate::intern::{NONE, Sym};

/// What an event holds, per kind: strings as symbols ([`NONE`] when absent), decimals as
/// indexes into the engine's decimals, a retraction's target as its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fields {
    Admission {
        client: Sym,
        region: Sym,
        provider: Sym,
        reason: Sym,
        segment: Sym,
    },
    Discharge {
        client: Sym,
        destination: Sym,
        reason: Sym,
    },
    GoalsAchieved {
        client: Sym,
    },
    Extension {
        client: Sym,
        goals_not_achieved: bool,
    },
    BridgingStart {
        client: Sym,
    },
    BridgingEnd {
        client: Sym,
    },
    Tariff {
        provider: Sym,
        unit: Sym,
        amount: Sym,
        segment: Sym,
    },
    Deliverable {
        provider: Sym,
        name: Sym,
        region: Sym,
    },
    Measurement {
        metric: Sym,
        region: Sym,
        provider: Sym,
        value: Sym,
    },
    Retraction {
        target: Sym,
    },
    Approval {
        client: Sym,
        segment: Sym,
    },
    Referral {
        client: Sym,
        crisis: bool,
    },
    /// `period`: the day number of the period's first day.
    ReportSubmitted {
        provider: Sym,
        name: Sym,
        period: i32,
    },
    ReportedClient {
        client: Sym,
        provider: Sym,
        name: Sym,
        period: i32,
    },
}

/// The state of a slot; not part of the event's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Named by a retraction, never sent itself.
    Placeholder,
    Live,
    /// Another version of the id has different content.
    Conflict,
}

/// One event, compactly: 28 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) date: i32,
    pub(crate) kind: Kind,
    pub(crate) status: Status,
    a: Sym,
    b: Sym,
    c: Sym,
    d: Sym,
    e: Sym,
}

// The size the docs and the memory figures count on.
const _: () = assert!(std::mem::size_of::<Record>() == 28);

impl Record {
    /// A live record of `fields` on day `date`.
    pub(crate) fn new(date: i32, fields: Fields) -> Record {
        let (kind, [a, b, c, d, e]) = match fields {
            Fields::Admission {
                client,
                region,
                provider,
                reason,
                segment,
            } => (Kind::Admission, [client, region, provider, reason, segment]),
            Fields::Discharge {
                client,
                destination,
                reason,
            } => (Kind::Discharge, [client, destination, reason, NONE, NONE]),
            Fields::GoalsAchieved { client } => {
                (Kind::GoalsAchieved, [client, NONE, NONE, NONE, NONE])
            }
            Fields::Extension {
                client,
                goals_not_achieved,
            } => (
                Kind::AuthorizationExtension,
                [client, Sym::from(!goals_not_achieved), NONE, NONE, NONE],
            ),
            Fields::BridgingStart { client } => {
                (Kind::BridgingStart, [client, NONE, NONE, NONE, NONE])
            }
            Fields::BridgingEnd { client } => (Kind::BridgingEnd, [client, NONE, NONE, NONE, NONE]),
            Fields::Tariff {
                provider,
                unit,
                amount,
                segment,
            } => (Kind::Tariff, [provider, unit, amount, segment, NONE]),
            Fields::Deliverable {
                provider,
                name,
                region,
            } => (Kind::Deliverable, [provider, name, region, NONE, NONE]),
            Fields::Measurement {
                metric,
                region,
                provider,
                value,
            } => (Kind::Measurement, [metric, region, provider, value, NONE]),
            Fields::Retraction { target } => (Kind::Retraction, [target, NONE, NONE, NONE, NONE]),
            Fields::Approval { client, segment } => {
                (Kind::Approval, [client, segment, NONE, NONE, NONE])
            }
            Fields::Referral { client, crisis } => (
                Kind::Referral,
                [client, Sym::from(crisis), NONE, NONE, NONE],
            ),
            Fields::ReportSubmitted {
                provider,
                name,
                period,
            } => (
                Kind::ReportSubmitted,
                [provider, name, period as Sym, NONE, NONE],
            ),
            Fields::ReportedClient {
                client,
                provider,
                name,
                period,
            } => (
                Kind::ReportedClient,
                [provider, name, period as Sym, client, NONE],
            ),
        };
        Record {
            date,
            kind,
            status: Status::Live,
            a,
            b,
            c,
            d,
            e,
        }
    }

    /// The record of an id named only by a retraction so far.
    pub(crate) fn placeholder() -> Record {
        Record {
            status: Status::Placeholder,
            ..Record::new(0, Fields::Retraction { target: NONE })
        }
    }

    /// What the record holds.
    pub(crate) fn fields(&self) -> Fields {
        let (a, b, c, d, e) = (self.a, self.b, self.c, self.d, self.e);
        match self.kind {
            Kind::Admission => Fields::Admission {
                client: a,
                region: b,
                provider: c,
                reason: d,
                segment: e,
            },
            Kind::Discharge => Fields::Discharge {
                client: a,
                destination: b,
                reason: c,
            },
            Kind::GoalsAchieved => Fields::GoalsAchieved { client: a },
            Kind::AuthorizationExtension => Fields::Extension {
                client: a,
                goals_not_achieved: b == 0,
            },
            Kind::BridgingStart => Fields::BridgingStart { client: a },
            Kind::BridgingEnd => Fields::BridgingEnd { client: a },
            Kind::Tariff => Fields::Tariff {
                provider: a,
                unit: b,
                amount: c,
                segment: d,
            },
            Kind::Deliverable => Fields::Deliverable {
                provider: a,
                name: b,
                region: c,
            },
            Kind::Measurement => Fields::Measurement {
                metric: a,
                region: b,
                provider: c,
                value: d,
            },
            Kind::Retraction => Fields::Retraction { target: a },
            Kind::Approval => Fields::Approval {
                client: a,
                segment: b,
            },
            Kind::Referral => Fields::Referral {
                client: a,
                crisis: b == 1,
            },
            Kind::ReportSubmitted => Fields::ReportSubmitted {
                provider: a,
                name: b,
                period: c as i32,
            },
            Kind::ReportedClient => Fields::ReportedClient {
                provider: a,
                name: b,
                period: c as i32,
                client: d,
            },
        }
    }

    /// The client of a client event.
    pub(crate) fn client(&self) -> Option<Sym> {
        self.kind.is_client_event().then_some(self.a)
    }

    /// The slot a retraction names.
    pub(crate) fn target(&self) -> Option<Sym> {
        (self.kind == Kind::Retraction).then_some(self.a)
    }

    /// The index of the decimal a tariff or measurement holds.
    pub(crate) fn decimal_index(&self) -> Option<Sym> {
        match self.fields() {
            Fields::Tariff { amount, .. } => Some(amount),
            Fields::Measurement { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The record's content as a key: strings by symbol, a decimal by its normalized
    /// value (so that "423.00" and "423.0" are one amount).
    pub(crate) fn content(&self, slot: Sym, decimal: impl Fn(Sym) -> Decimal) -> Content {
        let (syms, amount) = match self.fields() {
            Fields::Tariff {
                provider,
                unit,
                amount,
                segment,
            } => (
                [provider, unit, segment, NONE, NONE],
                Some(decimal(amount).normalize()),
            ),
            Fields::Measurement {
                metric,
                region,
                provider,
                value,
            } => (
                [metric, region, provider, NONE, NONE],
                Some(decimal(value).normalize()),
            ),
            _ => ([self.a, self.b, self.c, self.d, self.e], None),
        };
        Content {
            slot,
            date: self.date,
            kind: self.kind,
            syms,
            amount,
        }
    }
}

/// A version of an event, as a key (see [`Record::content`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Content {
    slot: Sym,
    date: i32,
    kind: Kind,
    syms: [Sym; 5],
    amount: Option<Decimal>,
}

/// Read access to records and ids, separate from the clients so that clients can be
/// derived while it is borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slots<'a> {
    pub(crate) slots: &'a [Record],
    pub(crate) ids: &'a crate::ids::IdTable,
}

impl Slots<'_> {
    pub(crate) fn record(&self, slot: Sym) -> Record {
        self.slots[slot as usize]
    }

    pub(crate) fn id(&self, slot: Sym) -> &str {
        self.ids.resolve(slot)
    }
}
