//! Building streams by hand.

use chrono::NaiveDate;
use indicators::{Engine, Event, EventBody, ExtensionReason, Indicator, Span, Value};
use rust_decimal::Decimal;

pub(crate) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

pub(crate) fn ev(id: &str, date: &str, body: EventBody) -> Event {
    Event {
        id: id.to_owned(),
        date: d(date),
        body,
    }
}

pub(crate) fn adm(id: &str, date: &str, client: &str, region: &str) -> Event {
    ev(
        id,
        date,
        EventBody::Admission {
            client: client.into(),
            region: region.into(),
            provider: None,
            reason: None,
            segment: None,
        },
    )
}

pub(crate) fn dis(id: &str, date: &str, client: &str) -> Event {
    ev(
        id,
        date,
        EventBody::Discharge {
            client: client.into(),
            destination: None,
            reason: None,
        },
    )
}

pub(crate) fn goals(id: &str, date: &str, client: &str) -> Event {
    ev(
        id,
        date,
        EventBody::GoalsAchieved {
            client: client.into(),
        },
    )
}

pub(crate) fn ext(id: &str, date: &str, client: &str, gna: bool) -> Event {
    let reason = if gna {
        ExtensionReason::GoalsNotAchieved
    } else {
        ExtensionReason::Other
    };
    ev(
        id,
        date,
        EventBody::AuthorizationExtension {
            client: client.into(),
            reason,
        },
    )
}

pub(crate) fn bstart(id: &str, date: &str, client: &str) -> Event {
    ev(
        id,
        date,
        EventBody::BridgingStart {
            client: client.into(),
        },
    )
}

pub(crate) fn bend(id: &str, date: &str, client: &str) -> Event {
    ev(
        id,
        date,
        EventBody::BridgingEnd {
            client: client.into(),
        },
    )
}

pub(crate) fn retract(id: &str, date: &str, target: &str) -> Event {
    ev(
        id,
        date,
        EventBody::Retraction {
            target: target.into(),
        },
    )
}

pub(crate) fn tariff(id: &str, date: &str, amount: &str, unit: &str) -> Event {
    let amount = Decimal::from_str_exact(amount).expect("decimal");
    ev(
        id,
        date,
        EventBody::Tariff {
            provider: "jzp".into(),
            amount,
            unit: unit.into(),
            segment: None,
        },
    )
}

pub(crate) fn engine(events: &[Event]) -> Engine {
    let mut e = Engine::new();
    e.extend(events);
    e
}

pub(crate) fn year(y: i32) -> Span {
    Span::calendar_year(y).expect("a year")
}

/// The value of an indicator in calendar year `y`, for a region or overall, as of `as_of`.
pub(crate) fn value(
    events: &[Event],
    ind: Indicator,
    y: i32,
    region: Option<&str>,
    as_of: &str,
) -> Value {
    engine(events).view().value(&ind, year(y), region, d(as_of))
}

pub(crate) fn share(n: u64, den: u64) -> Value {
    Value::Share {
        numerator: n,
        denominator: den,
    }
}

pub(crate) fn mean(sum: i64, count: u64) -> Value {
    Value::Mean {
        sum: Decimal::from(sum),
        count,
    }
}
