//! Deriving stays from one client's events in the canonical order.
//!
//! Events of one client are applied in date order. Within one date the order depends on
//! what can apply: the engine repeatedly applies the first event, in the priority order
//! below (ties broken by event id), that can apply in the current state, and rejects
//! what is left when nothing can:
//!
//! 1. `approval`, `referral` and `bridging_end`, 2. `goals_achieved`, 3. `authorization_extension`,
//! 4. `bridging_start`, 5. `discharge`, 6. `admission`.
//!
//! A client without an open stay who is admitted and discharged on one day: only the
//! admission can apply first, then the discharge (a same-day stay). A client with an
//! open stay who is discharged and readmitted on one day: the admission cannot apply
//! while the stay is open, so the discharge goes first. Goals reached or an extension on
//! such a day belong to the stay that was open in the morning.

use serde::{Deserialize, Serialize};

use crate::event::Kind;
use crate::intern::{NONE, Sym};
use crate::span::{from_day_number, months_later};
use crate::store::{Fields, Record, Slots};

/// A day that never comes: an open stay's discharge, a stay without goals reached.
pub(crate) const NEVER: i32 = i32::MAX;

/// A stay that stands for none, to write room in an arena before its stays are known.
pub(crate) const FILLER: Stay = Stay {
    admitted: NEVER,
    discharged: NEVER,
    region: NONE,
    provider: NONE,
    reason: NONE,
    destination: NONE,
    end_reason: NONE,
    goals: NEVER,
    first_extension_gna: NEVER,
    bridges_from: 0,
    bridges_len: 0,
    readmission: false,
    segment: NONE,
    approved: false,
    referred: NEVER,
    crisis: false,
};

/// One stay, derived. Dates are day numbers (days from the common era).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stay {
    pub(crate) admitted: i32,
    /// The discharge day, or [`NEVER`] while open.
    pub(crate) discharged: i32,
    pub(crate) region: Sym,
    pub(crate) provider: Sym,
    pub(crate) reason: Sym,
    pub(crate) destination: Sym,
    /// Why care ended (the discharge's reason), or [`NONE`].
    pub(crate) end_reason: Sym,
    /// The first day the treatment goals were reached, or [`NEVER`].
    pub(crate) goals: i32,
    /// The first extension because goals were not reached, or [`NEVER`].
    pub(crate) first_extension_gna: i32,
    /// Where this stay's bridging periods start in its client's bridging range.
    pub(crate) bridges_from: u32,
    pub(crate) bridges_len: u32,
    /// The admission falls within six months after goals reached in an earlier stay.
    pub(crate) readmission: bool,
    /// The segment of the admission, or [`NONE`].
    pub(crate) segment: Sym,
    /// An approval covered the admission (see [`Kind::Approval`]).
    pub(crate) approved: bool,
    /// The day of the referral this admission took ([`NEVER`] when it took none).
    pub(crate) referred: i32,
    /// That referral was a crisis.
    pub(crate) crisis: bool,
}

/// Why an event could not apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectReason {
    /// The line is not a valid event.
    Malformed {
        /// What is wrong.
        message: String,
        /// The field concerned, if known.
        #[serde(skip_serializing_if = "Option::is_none")]
        field: Option<String>,
    },
    /// Another event with the same id has different content; every version is rejected.
    Conflict,
    /// A client event without an open stay.
    NoOpenStay,
    /// An admission for a client whose stay is open.
    StayAlreadyOpen {
        /// The day the open stay started.
        since: chrono::NaiveDate,
        /// The admission event of the open stay.
        admission: String,
    },
    /// A bridging end without an open bridging period.
    NoOpenBridging,
    /// A bridging start while a bridging period is open.
    BridgingAlreadyOpen {
        /// The day the open period started.
        since: chrono::NaiveDate,
    },
    /// A retraction of an id that was never sent.
    UnknownTarget {
        /// The id.
        target: String,
    },
    /// A retraction of a retraction.
    RetractsRetraction {
        /// The id.
        target: String,
    },
    /// The engine's string arena is full (more than 4 GiB of text).
    CapacityExceeded,
    /// The client has as many events as one client may have ([`crate::Limits`]).
    ClientLimit {
        /// The limit.
        limit: u32,
    },
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectReason::Malformed {
                message,
                field: Some(field),
            } => write!(f, "field `{field}`: {message}"),
            RejectReason::Malformed {
                message,
                field: None,
            } => f.write_str(message),
            RejectReason::Conflict => {
                f.write_str("another event with this id has different content")
            }
            RejectReason::NoOpenStay => f.write_str("the client has no open stay"),
            RejectReason::StayAlreadyOpen { since, admission } => {
                write!(
                    f,
                    "the client has an open stay since {since} (admission {admission})"
                )
            }
            RejectReason::NoOpenBridging => f.write_str("no bridging period is open"),
            RejectReason::BridgingAlreadyOpen { since } => {
                write!(f, "a bridging period is open since {since}")
            }
            RejectReason::UnknownTarget { target } => write!(f, "no event has id {target:?}"),
            RejectReason::RetractsRetraction { target } => {
                write!(f, "{target:?} is itself a retraction")
            }
            RejectReason::CapacityExceeded => f.write_str("the engine's string arena is full"),
            RejectReason::ClientLimit { limit } => write!(
                f,
                "the client has {limit} events already, the most one client may have"
            ),
        }
    }
}

/// Where [`derive`] writes one client's stays, bridging periods and rejections.
#[derive(Debug)]
pub(crate) struct Out<'a> {
    /// Stays are appended here.
    pub(crate) stays: &'a mut Vec<Stay>,
    /// Bridging periods `[start, end)`, appended; `end` is [`NEVER`] while open.
    pub(crate) bridges: &'a mut Vec<(i32, i32)>,
    /// Events that could not apply, with the reason.
    pub(crate) rejected: &'a mut Vec<(Sym, RejectReason)>,
}

fn priority(kind: Kind) -> u8 {
    match kind {
        // An approval on the day of an admission covers it.
        Kind::Approval | Kind::Referral => 0,
        Kind::BridgingEnd => 0,
        Kind::GoalsAchieved => 1,
        Kind::AuthorizationExtension => 2,
        Kind::BridgingStart => 3,
        Kind::Discharge => 4,
        Kind::Admission => 5,
        _ => 6,
    }
}

/// The working lists of a derivation, kept from one client to the next so that deriving
/// many clients does not allocate for each (see [`derive`]).
#[derive(Default)]
pub(crate) struct Scratch {
    admissions: Vec<Sym>,
    approvals: Approvals,
    referrals: std::collections::VecDeque<(i32, bool)>,
    goals: Vec<i32>,
    /// The events of one day, a queue per kind, each in canonical order.
    queues: [std::collections::VecDeque<usize>; Kind::ALL.len()],
    /// The client's events with their sort keys (see [`sort_canonically`]).
    keyed: Vec<(u64, Sym)>,
}

/// Sorts `events` (the client's slots) into the canonical order and derives its stays.
/// `active(slot)` tells whether a slot takes part (live, not retracted). `scratch` holds
/// working lists; it may come from the previous client, whatever it held.
pub(crate) fn derive(
    slots: &Slots<'_>,
    events: &mut [Sym],
    active: &dyn Fn(Sym) -> bool,
    out: Out<'_>,
    scratch: &mut Scratch,
) {
    sort_canonically(slots, events, &mut scratch.keyed);
    let stays_base = out.stays.len();
    let bridges_base = out.bridges.len();
    let Scratch {
        admissions,
        approvals,
        referrals,
        goals,
        queues,
        keyed: _,
    } = scratch;
    admissions.clear();
    approvals.clear();
    referrals.clear();
    goals.clear();
    for q in queues.iter_mut() {
        q.clear();
    }
    let mut c = Client {
        stays: out.stays,
        bridges: out.bridges,
        stays_base,
        bridges_base,
        admissions,
        approvals,
        referrals,
        goals,
        open: None,
        bridge: None,
    };
    let mut i = 0;
    while i < events.len() {
        let date = slots.record(events[i]).date;
        let mut j = i;
        while j < events.len() && slots.record(events[j]).date == date {
            j += 1;
        }
        // Most days hold one event of the client: it applies or is rejected at once.
        if j == i + 1 {
            let (slot, rec) = (events[i], slots.record(events[i]));
            if active(slot) {
                if can_apply(rec.kind, c.open, c.bridge) {
                    c.apply(rec, slot);
                } else {
                    out.rejected
                        .push((slot, c.rejection(slots, rec.kind, date)));
                }
            }
            i = j;
            continue;
        }
        for k in (i..j).filter(|&k| active(events[k])) {
            queues[slots.record(events[k]).kind as usize].push_back(k);
        }
        // Apply the first event, in priority order then canonical order, that can apply.
        // Whether an event can apply depends only on its kind, so each step looks at the
        // front of each kind's queue: a day of n events takes O(n) steps.
        loop {
            let (open, bridge) = (c.open, c.bridge);
            let can = |k: usize| can_apply(slots.record(events[k]).kind, open, bridge);
            // Events are sorted by date, priority and id, so among the fronts that can
            // apply the one with the smallest position comes first.
            let next = queues
                .iter()
                .enumerate()
                .filter_map(|(kind, q)| q.front().map(|&k| (k, kind)))
                .filter(|&(k, _)| can(k))
                .min();
            match next {
                Some((k, kind)) => {
                    queues[kind].pop_front();
                    c.apply(slots.record(events[k]), events[k]);
                }
                None => break,
            }
        }
        // Nothing left can apply: reject the rest, in canonical order.
        let mut rest: Vec<usize> = queues.iter_mut().flat_map(|q| q.drain(..)).collect();
        rest.sort_unstable();
        for k in rest {
            let slot = events[k];
            let reason = c.rejection(slots, slots.record(slot).kind, date);
            out.rejected.push((slot, reason));
        }
        i = j;
    }
}

/// Whether an event of `kind` can apply to a client with an open stay (`open`) and an open
/// bridging period (`bridge`).
fn can_apply(kind: Kind, open: Option<usize>, bridge: Option<usize>) -> bool {
    match kind {
        Kind::Approval | Kind::Referral => true,
        Kind::Admission => open.is_none(),
        Kind::BridgingStart => open.is_some() && bridge.is_none(),
        Kind::BridgingEnd => open.is_some() && bridge.is_some(),
        _ => open.is_some(),
    }
}

/// Sorts one client's slots by date, then priority, then id.
pub(crate) fn sort_canonically(slots: &Slots<'_>, events: &mut [Sym], keyed: &mut Vec<(u64, Sym)>) {
    // The date and the priority packed in one number, so that most comparisons are one
    // integer comparison; ids are compared only between events of one day and priority.
    let key = |s: Sym| {
        let r = slots.record(s);
        (u64::from(r.date as u32 ^ 0x8000_0000) << 8) | u64::from(priority(r.kind))
    };
    let order = |x: &(u64, Sym), y: &(u64, Sym)| {
        x.0.cmp(&y.0).then_with(|| slots.id(x.1).cmp(slots.id(y.1)))
    };
    keyed.clear();
    keyed.extend(events.iter().map(|&s| (key(s), s)));
    // A client's list comes newest first: events that arrived in date order are then in
    // exactly the reverse order, and are turned round instead of sorted.
    if keyed.is_sorted_by(|x, y| order(x, y).is_ge()) {
        keyed.reverse();
    } else if !keyed.is_sorted_by(|x, y| order(x, y).is_le()) {
        keyed.sort_unstable_by(order);
    }
    for (e, (_, s)) in events.iter_mut().zip(keyed.iter()) {
        *e = *s;
    }
}

/// Approvals not yet used by an admission, in the order they were given: those for any
/// segment, and those for one segment.
#[derive(Default)]
struct Approvals {
    /// (day, order given) of each approval for any segment.
    any: std::collections::VecDeque<(i32, u64)>,
    by_segment: crate::engine::FastMap<Sym, std::collections::VecDeque<(i32, u64)>>,
    given: u64,
}

impl Approvals {
    fn clear(&mut self) {
        self.any.clear();
        self.by_segment.clear();
        self.given = 0;
    }

    fn push(&mut self, day: i32, segment: Sym) {
        self.given += 1;
        let a = (day, self.given);
        match segment {
            NONE => self.any.push_back(a),
            s => self.by_segment.entry(s).or_default().push_back(a),
        }
    }

    /// Uses the earliest approval that covers an admission in `segment`.
    fn take(&mut self, segment: Sym) -> bool {
        let own = self
            .by_segment
            .get_mut(&segment)
            .filter(|_| segment != NONE);
        match (self.any.front().copied(), own) {
            (Some(a), Some(q)) if q.front().is_some_and(|&s| s < a) => q.pop_front().is_some(),
            (Some(_), _) => self.any.pop_front().is_some(),
            (None, Some(q)) => q.pop_front().is_some(),
            (None, None) => false,
        }
    }
}

/// The state of one client while its events are applied.
struct Client<'a> {
    stays: &'a mut Vec<Stay>,
    bridges: &'a mut Vec<(i32, i32)>,
    stays_base: usize,
    bridges_base: usize,
    /// The admission slot of each stay of this client, for rejection messages.
    admissions: &'a mut Vec<Sym>,
    /// Approvals not yet used by an admission.
    approvals: &'a mut Approvals,
    /// Referrals (day, crisis) not yet taken by an admission, oldest first.
    referrals: &'a mut std::collections::VecDeque<(i32, bool)>,
    /// The days the goals of this client's closed stays were reached, in order.
    goals: &'a mut Vec<i32>,
    open: Option<usize>,
    bridge: Option<usize>,
}

impl Client<'_> {
    /// Why an event of `kind` on `date` cannot apply in the client's state.
    fn rejection(&self, slots: &Slots<'_>, kind: Kind, date: i32) -> RejectReason {
        match kind {
            Kind::Admission => {
                let (since, admission) = self.open.map_or((date, NONE), |o| {
                    (self.stays[o].admitted, self.admissions[o - self.stays_base])
                });
                RejectReason::StayAlreadyOpen {
                    since: from_day_number(since),
                    admission: if admission == NONE {
                        String::new()
                    } else {
                        slots.id(admission).to_owned()
                    },
                }
            }
            Kind::BridgingStart if self.open.is_some() => RejectReason::BridgingAlreadyOpen {
                since: from_day_number(self.bridge.map_or(date, |b| self.bridges[b].0)),
            },
            Kind::BridgingEnd if self.open.is_some() => RejectReason::NoOpenBridging,
            _ => RejectReason::NoOpenStay,
        }
    }

    fn apply(&mut self, rec: Record, slot: Sym) {
        let d = rec.date;
        match rec.fields() {
            Fields::Admission {
                region,
                provider,
                reason,
                segment,
                ..
            } => {
                // Goals of earlier stays are reached in order, one stay after another:
                // the latest one before this day is the one that can make it a
                // readmission.
                let before = self.goals.partition_point(|&g| g < d);
                let readmission = before > 0
                    && months_later(from_day_number(self.goals[before - 1]), 6)
                        .is_ok_and(|limit| d <= crate::span::day_number(limit));
                // The earliest unused approval that fits covers this admission.
                let approved = self.approvals.take(segment);
                // The oldest referral not yet taken is the one this start answers.
                let (referred, crisis) = self.referrals.pop_front().unwrap_or((NEVER, false));
                self.stays.push(Stay {
                    admitted: d,
                    discharged: NEVER,
                    region,
                    provider,
                    reason,
                    destination: NONE,
                    end_reason: NONE,
                    goals: NEVER,
                    first_extension_gna: NEVER,
                    bridges_from: (self.bridges.len() - self.bridges_base) as u32,
                    bridges_len: 0,
                    readmission,
                    segment,
                    approved,
                    referred,
                    crisis,
                });
                self.admissions.push(slot);
                self.open = Some(self.stays.len() - 1);
            }
            Fields::Discharge {
                destination,
                reason,
                ..
            } => {
                if let Some(o) = self.open.take() {
                    self.stays[o].discharged = d;
                    self.stays[o].destination = destination;
                    self.stays[o].end_reason = reason;
                    if self.stays[o].goals != NEVER {
                        self.goals.push(self.stays[o].goals);
                    }
                }
                if let Some(b) = self.bridge.take() {
                    self.bridges[b].1 = d;
                }
            }
            Fields::GoalsAchieved { .. } => {
                if let Some(o) = self.open {
                    self.stays[o].goals = self.stays[o].goals.min(d);
                }
            }
            Fields::Extension {
                goals_not_achieved, ..
            } => {
                if let Some(o) = self.open {
                    if goals_not_achieved {
                        self.stays[o].first_extension_gna =
                            self.stays[o].first_extension_gna.min(d);
                    }
                }
            }
            Fields::BridgingStart { .. } => {
                if let Some(o) = self.open {
                    self.bridges.push((d, NEVER));
                    self.stays[o].bridges_len += 1;
                    self.bridge = Some(self.bridges.len() - 1);
                }
            }
            Fields::BridgingEnd { .. } => {
                if let Some(b) = self.bridge.take() {
                    self.bridges[b].1 = d;
                }
            }
            Fields::Approval { segment, .. } => self.approvals.push(d, segment),
            Fields::Referral { crisis, .. } => self.referrals.push_back((d, crisis)),
            _ => {}
        }
    }
}
