//! Where every record read went: accepted, duplicate, rejected (with the reason) or
//! ignored, and the lists behind the counts.

use super::*;

/// A rejected event: what it was (when it could be read) and why it was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// The event id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The input the record was read from, when the reader named it
    /// ([`Engine::set_input_name`]), for records that were not events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The line in the input, for records that were not events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The event as read, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// Why.
    #[serde(flatten)]
    pub reason: RejectReason,
}

/// Where every record read went. `read = accepted + duplicates + rejected + ignored`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accounting {
    /// Records read (events pushed and JSON Lines lines that were not blank).
    pub read: u64,
    /// Distinct events taken into the set, retracted ones and accepted retractions included.
    pub accepted: u64,
    /// Exact copies of an event already read.
    pub duplicates: u64,
    /// Records rejected, each listed in `rejections`.
    pub rejected: u64,
    /// Events of unknown kinds skipped on request ([`ParseOptions::ignore_unknown`]).
    pub ignored: u64,
    /// Every rejection with its reason, sorted by id.
    pub rejections: Vec<Rejected>,
    /// The ids of accepted events that a retraction withdrew, sorted.
    pub retracted: Vec<String>,
}

/// The counts of an [`Accounting`], without its lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Records read.
    pub read: u64,
    /// Distinct events accepted.
    pub accepted: u64,
    /// Exact duplicates.
    pub duplicates: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Records ignored on request.
    pub ignored: u64,
}

/// What one call of [`Engine::push_jsonl`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct JsonlSummary {
    /// Non-blank lines read.
    pub lines: u64,
    /// Lines that were events (pushed).
    pub events: u64,
    /// Lines that were not valid events (listed as rejected).
    pub malformed: u64,
    /// Events of unknown kinds skipped on request.
    pub ignored: u64,
}

impl Engine {
    /// The accounting of everything read so far; `retracted` is the map from a refresh.
    pub(crate) fn accounting(&self, retracted: &Retracted) -> Accounting {
        self.account(retracted, true)
    }

    /// What became of every record read, as counts: [`crate::View::counts`] without
    /// building a view (the list of rejections comes from [`crate::View::accounting`]).
    ///
    /// ```
    /// use indicators::{Engine, ParseOptions};
    ///
    /// let mut engine = Engine::new();
    /// let _ = engine.push_jsonl(b"{\"id\":\"1\",\"kind\":\"discharge\",\"date\":\"2019-01-10\",\"client\":\"c\"}\nnot json\n", ParseOptions::default());
    /// let c = engine.counts();
    /// assert_eq!((c.read, c.accepted, c.rejected), (2, 0, 2));
    /// assert_eq!(c, engine.view().counts());
    /// ```
    #[must_use]
    pub fn counts(&self) -> Counts {
        self.counts_with(&self.retracted)
    }

    /// The counts of the accounting under `retracted`, without building the lists.
    pub(crate) fn counts_with(&self, retracted: &Retracted) -> Counts {
        let a = self.account(retracted, false);
        Counts {
            read: a.read,
            accepted: a.accepted,
            duplicates: a.duplicates,
            rejected: a.rejected,
            ignored: a.ignored,
        }
    }

    pub(super) fn account(&self, retracted: &Retracted, list: bool) -> Accounting {
        let mut rejected: u64 = 0;
        let mut rejections: Vec<Rejected> = Vec::new();
        let mut reject = |r: &dyn Fn() -> Rejected| {
            rejected += 1;
            if list {
                rejections.push(r());
            }
        };
        for r in self.malformed.iter().chain(&self.full) {
            reject(&|| r.clone());
        }
        let mut live = 0u64;
        for (slot, rec) in self.slots.iter().enumerate() {
            match rec.status {
                Status::Live => live += 1,
                Status::Conflict => {
                    reject(&|| self.rejected(slot as Sym, *rec, RejectReason::Conflict))
                }
                Status::Placeholder => {}
            }
        }
        for v in &self.variants {
            reject(&|| self.rejected(v.slot, v.rec, RejectReason::Conflict));
        }
        let mut not_applied = 0u64;
        for &r in &self.retractions {
            let s = self.slots[r as usize];
            let Some(named) = s.target().filter(|_| s.status == Status::Live) else {
                continue;
            };
            let target = &self.slots[named as usize];
            let reason = match (target.status, target.kind) {
                (Status::Placeholder, _) => Some(RejectReason::UnknownTarget {
                    target: self.ids.resolve(named).to_owned(),
                }),
                (_, Kind::Retraction) => Some(RejectReason::RetractsRetraction {
                    target: self.ids.resolve(named).to_owned(),
                }),
                _ => None,
            };
            if let Some(reason) = reason {
                not_applied += 1;
                reject(&|| self.rejected(r, s, reason.clone()));
            }
        }
        for per_client in self.rejected.values() {
            for (slot, reason) in per_client {
                not_applied += 1;
                reject(&|| self.rejected(*slot, self.slots[*slot as usize], reason.clone()));
            }
        }
        // By line, id, date, reason, and the event's content last, so that versions of one
        // id with the same date are listed in the same order whatever their arrival.
        rejections.sort_by_cached_key(|r| {
            (
                r.input.clone(),
                r.line,
                r.id.clone(),
                r.event.as_ref().map(|e| e.date),
                r.reason.to_string(),
                r.event.as_ref().map(Event::to_json),
            )
        });
        let mut retracted: Vec<String> = if !list {
            Vec::new()
        } else {
            retracted
                .iter()
                .map(|(s, _)| self.ids.resolve(s).to_owned())
                .collect()
        };
        retracted.sort();
        Accounting {
            read: self.read,
            accepted: live - not_applied,
            duplicates: self.duplicates,
            rejected,
            ignored: self.ignored,
            rejections,
            retracted,
        }
    }

    pub(super) fn rejected(&self, slot: Sym, rec: Record, reason: RejectReason) -> Rejected {
        Rejected {
            id: Some(self.ids.resolve(slot).to_owned()),
            input: None,
            line: None,
            event: Some(self.event_of(slot, rec).to_owned_event()),
            reason,
        }
    }
}
