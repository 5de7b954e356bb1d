//! The facts of a stay or an event as of a date, as the filters and measures read them.

use super::*;

/// What is known of a stay as of a date.
pub(crate) struct StayFacts {
    pub(crate) admitted: i32,
    /// The discharge day, or [`NEVER`] while open as of the date.
    pub(crate) discharged: i32,
    pub(crate) net: i64,
    pub(crate) length: i64,
    pub(crate) bridging: i64,
    pub(crate) goals: bool,
    pub(crate) extended: bool,
    pub(crate) readmission: bool,
    pub(crate) region: Sym,
    pub(crate) provider: Sym,
    pub(crate) reason: Sym,
    pub(crate) destination: Sym,
    /// Why care ended, once discharged.
    pub(crate) end_reason: Sym,
    pub(crate) segment: Sym,
    pub(crate) approved: bool,
    /// Days from the referral to the admission, when the admission took one.
    pub(crate) waiting: Option<i64>,
    pub(crate) crisis: bool,
}

impl StayFacts {
    pub(super) fn open(&self) -> bool {
        self.discharged == NEVER
    }
}

/// What is known of an event.
pub(crate) struct EventFacts {
    pub(crate) kind: Kind,
    pub(crate) region: Sym,
    pub(crate) provider: Sym,
    pub(crate) reason: Sym,
    pub(crate) ext_reason: Option<&'static str>,
    pub(crate) destination: Sym,
    pub(crate) end_reason: Sym,
    pub(crate) segment: Sym,
    /// A referral's urgency.
    pub(crate) urgency: Option<crate::Urgency>,
    pub(crate) metric: Sym,
    pub(crate) name: Sym,
    pub(crate) unit: Sym,
    pub(crate) value: Option<Decimal>,
}

impl EventFacts {
    pub(crate) fn of_kind(kind: Kind) -> EventFacts {
        EventFacts {
            kind,
            region: NONE,
            provider: NONE,
            reason: NONE,
            ext_reason: None,
            destination: NONE,
            end_reason: NONE,
            segment: NONE,
            urgency: None,
            metric: NONE,
            name: NONE,
            unit: NONE,
            value: None,
        }
    }
}

/// The facts of a stay as of day `asof`: a discharge after it is not known yet, an open
/// stay and its open bridging period count through it.
pub(crate) fn facts(s: &Stay, bridges: &[(i32, i32)], asof: i32) -> StayFacts {
    let discharged = if s.discharged <= asof {
        s.discharged
    } else {
        NEVER
    };
    let end = if discharged == NEVER {
        asof.saturating_add(1)
    } else {
        discharged
    };
    let from = s.bridges_from as usize;
    let bridging: i64 = bridges[from..from + s.bridges_len as usize]
        .iter()
        .filter(|(start, _)| *start <= asof)
        .map(|&(start, stop)| i64::from(stop.min(end)) - i64::from(start))
        .filter(|d| *d > 0)
        .sum();
    let length = i64::from(end) - i64::from(s.admitted);
    StayFacts {
        admitted: s.admitted,
        discharged,
        net: length - bridging,
        length,
        bridging,
        goals: s.goals <= asof,
        extended: s.first_extension_gna <= asof,
        readmission: s.readmission,
        region: s.region,
        provider: s.provider,
        reason: s.reason,
        destination: if discharged == NEVER {
            NONE
        } else {
            s.destination
        },
        end_reason: if discharged == NEVER {
            NONE
        } else {
            s.end_reason
        },
        segment: s.segment,
        approved: s.approved,
        waiting: (s.referred != NEVER).then(|| i64::from(s.admitted) - i64::from(s.referred)),
        crisis: s.crisis,
    }
}
