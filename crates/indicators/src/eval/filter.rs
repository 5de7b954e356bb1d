//! Filters compiled against the engine's strings, evaluated in three values for open stays (an extension or goals reached can still come), and the leaves of a definition.

use super::*;

/// A truth value that may not be settled yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    Open,
}

impl Tri {
    pub(super) fn of(b: bool) -> Tri {
        if b { Tri::Yes } else { Tri::No }
    }

    pub(super) fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Open => Tri::Open,
        }
    }
}

/// A filter with its strings resolved to symbols.
pub(crate) enum Compiled {
    All(Vec<Compiled>),
    Any(Vec<Compiled>),
    Not(Box<Compiled>),
    Kind(Vec<Kind>),
    Region(Vec<Sym>),
    Provider(Vec<Sym>),
    Reason(Vec<Sym>, Vec<String>),
    Destination(Vec<Sym>),
    EndReason(Vec<Sym>),
    Segment(Vec<Sym>),
    Approved(bool),
    Referred(bool),
    Urgency(Vec<crate::Urgency>),
    Waiting(Option<i64>, Option<i64>),
    Metric(Vec<Sym>),
    Name(Vec<Sym>),
    Unit(Vec<Sym>),
    Goals(bool),
    Extended(bool),
    Readmission(bool),
    Discharged(bool),
    Net(Option<i64>, Option<i64>),
    Length(Option<i64>, Option<i64>),
}

impl Compiled {
    pub(crate) fn new(f: &Filter, e: &Engine) -> Compiled {
        let syms = |v: &Vec<String>| {
            v.iter()
                .map(|s| e.find_string(s).unwrap_or(UNKNOWN))
                .collect()
        };
        match f {
            Filter::All { of } => Compiled::All(of.iter().map(|f| Compiled::new(f, e)).collect()),
            Filter::Any { of } => Compiled::Any(of.iter().map(|f| Compiled::new(f, e)).collect()),
            Filter::Not { of } => Compiled::Not(Box::new(Compiled::new(of, e))),
            Filter::EventKind { is } => Compiled::Kind(is.clone()),
            Filter::Region { is } => Compiled::Region(syms(is)),
            Filter::Provider { is } => Compiled::Provider(syms(is)),
            Filter::Reason { is } => Compiled::Reason(syms(is), is.clone()),
            Filter::Destination { is } => Compiled::Destination(syms(is)),
            Filter::EndReason { is } => Compiled::EndReason(syms(is)),
            Filter::Segment { is } => Compiled::Segment(syms(is)),
            Filter::Approved { is } => Compiled::Approved(*is),
            Filter::Referred { is } => Compiled::Referred(*is),
            Filter::Urgency { is } => Compiled::Urgency(is.clone()),
            Filter::WaitingDays { min, max } => Compiled::Waiting(*min, *max),
            Filter::Metric { is } => Compiled::Metric(syms(is)),
            Filter::Name { is } => Compiled::Name(syms(is)),
            Filter::Unit { is } => Compiled::Unit(syms(is)),
            Filter::GoalsReached { is } => Compiled::Goals(*is),
            Filter::ExtendedGoalsNotAchieved { is } => Compiled::Extended(*is),
            Filter::Readmission { is } => Compiled::Readmission(*is),
            Filter::Discharged { is } => Compiled::Discharged(*is),
            Filter::NetStayDays { min, max } => Compiled::Net(*min, *max),
            Filter::LengthDays { min, max } => Compiled::Length(*min, *max),
        }
    }

    /// Whether the filter holds for a stay, and whether that can still change. With
    /// `settle` false the answer is as of the date (never [`Tri::Open`]); with `settle`
    /// true an open stay answers [`Tri::Open`] wherever a later event inside it (a
    /// discharge, goals reached, an extension, more days) can still change the answer.
    pub(crate) fn stay3(&self, s: &StayFacts, settle: bool) -> Tri {
        let open = settle && s.open();
        // A flag that, once true, stays true (goals reached, extended, discharged).
        let flag = |now: bool, is: bool| {
            if now || !open {
                Tri::of(now == is)
            } else {
                Tri::Open
            }
        };
        // Days never shrink as time passes.
        let within = |v: i64, min: &Option<i64>, max: &Option<i64>| {
            let now = min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m);
            if !open || max.is_some_and(|m| v > m) || (now && max.is_none()) {
                Tri::of(now)
            } else {
                Tri::Open
            }
        };
        match self {
            Compiled::All(of) => {
                of.iter()
                    .fold(Tri::Yes, |acc, f| match (acc, f.stay3(s, settle)) {
                        (Tri::No, _) | (_, Tri::No) => Tri::No,
                        (Tri::Open, _) | (_, Tri::Open) => Tri::Open,
                        _ => Tri::Yes,
                    })
            }
            Compiled::Any(of) => {
                of.iter()
                    .fold(Tri::No, |acc, f| match (acc, f.stay3(s, settle)) {
                        (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
                        (Tri::Open, _) | (_, Tri::Open) => Tri::Open,
                        _ => Tri::No,
                    })
            }
            Compiled::Not(f) => f.stay3(s, settle).not(),
            Compiled::Region(v) => Tri::of(v.contains(&s.region)),
            Compiled::Provider(v) => Tri::of(v.contains(&s.provider)),
            Compiled::Reason(v, _) => Tri::of(v.contains(&s.reason)),
            Compiled::Destination(_) | Compiled::EndReason(_) if open => Tri::Open,
            Compiled::EndReason(v) => Tri::of(v.contains(&s.end_reason)),
            Compiled::Destination(v) => Tri::of(v.contains(&s.destination)),
            Compiled::Segment(v) => Tri::of(v.contains(&s.segment)),
            Compiled::Approved(b) => Tri::of(s.approved == *b),
            Compiled::Referred(b) => Tri::of(s.waiting.is_some() == *b),
            Compiled::Urgency(v) => {
                Tri::of(s.waiting.is_some() && v.contains(&crate::Urgency::of_crisis(s.crisis)))
            }
            // Waiting days are fixed at admission.
            Compiled::Waiting(min, max) => Tri::of(
                s.waiting
                    .is_some_and(|w| min.is_none_or(|m| w >= m) && max.is_none_or(|m| w <= m)),
            ),
            Compiled::Goals(b) => flag(s.goals, *b),
            Compiled::Extended(b) => flag(s.extended, *b),
            Compiled::Readmission(b) => Tri::of(s.readmission == *b),
            Compiled::Discharged(b) => flag(!s.open(), *b),
            Compiled::Net(min, max) => within(s.net, min, max),
            Compiled::Length(min, max) => within(s.length, min, max),
            // Validation keeps event filters away from stays.
            Compiled::Kind(_) | Compiled::Metric(_) | Compiled::Name(_) | Compiled::Unit(_) => {
                Tri::No
            }
        }
    }

    pub(crate) fn event(&self, e: &EventFacts) -> bool {
        match self {
            Compiled::All(of) => of.iter().all(|f| f.event(e)),
            Compiled::Any(of) => of.iter().any(|f| f.event(e)),
            Compiled::Not(f) => !f.event(e),
            Compiled::Kind(v) => v.contains(&e.kind),
            Compiled::Region(v) => v.contains(&e.region),
            Compiled::Provider(v) => v.contains(&e.provider),
            Compiled::Reason(v, names) => {
                v.contains(&e.reason) || e.ext_reason.is_some_and(|r| names.iter().any(|n| n == r))
            }
            Compiled::Destination(v) => v.contains(&e.destination),
            Compiled::EndReason(v) => v.contains(&e.end_reason),
            Compiled::Segment(v) => v.contains(&e.segment),
            Compiled::Urgency(v) => e.urgency.is_some_and(|u| v.contains(&u)),
            Compiled::Metric(v) => v.contains(&e.metric),
            Compiled::Name(v) => v.contains(&e.name),
            Compiled::Unit(v) => v.contains(&e.unit),
            _ => false,
        }
    }
}

/// A leaf indicator (no ratio) compiled for evaluation.
pub(crate) struct Leaf<'d> {
    pub(crate) def: &'d CustomIndicator,
    pub(crate) filter: Option<Compiled>,
    pub(crate) share: Option<Compiled>,
}

impl<'d> Leaf<'d> {
    pub(crate) fn new(def: &'d CustomIndicator, e: &Engine) -> Leaf<'d> {
        Leaf {
            def,
            filter: def.filter.as_ref().map(|f| Compiled::new(f, e)),
            share: match &def.measure {
                Measure::Share { of } => Some(Compiled::new(of, e)),
                _ => None,
            },
        }
    }
}
