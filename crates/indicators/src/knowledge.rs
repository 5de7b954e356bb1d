//! Time of knowledge: which events and which corrections a query speaks for.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::event::Kind;

/// The moment a query speaks for: events dated on or before [`AsOf::date`] count, and a
/// retraction (a correction) counts when it is dated on or before
/// [`AsOf::corrections_through`].
///
/// An ordinary query uses one date for both ([`AsOf::new`], or a `NaiveDate` converted
/// with `into()`): what the events known at the end of that day said. Splitting the two
/// answers two questions an auditor asks later:
///
/// - "what would this period have looked like without the corrections that came after
///   it was decided?" (corrections through the decision date, events through today);
/// - "would the payment decided on 31 December have been different had we known the
///   corrections we know today?" (events through 31 December, corrections through today).
///
/// # Example: a retraction counts from its own date on
///
/// ```
/// use chrono::NaiveDate;
/// use indicators::{AsOf, Engine, Indicator, ParseOptions, Span, Value};
///
/// let mut engine = Engine::new();
/// let _ = engine.push_jsonl(br#"{"id":"a","kind":"admission","date":"2019-03-01","client":"c","region":"r"}
/// {"id":"x","kind":"retraction","date":"2019-09-01","target":"a"}
/// "#, ParseOptions::default());
/// let view = engine.view();
/// let year = Span::calendar_year(2019)?;
/// let d = |m, d| NaiveDate::from_ymd_opt(2019, m, d).unwrap();
/// // As of 1 June nothing was known of the retraction.
/// assert_eq!(view.value(&Indicator::Inflow, year, None, d(6, 1)), Value::Count { value: 1 });
/// assert_eq!(view.value(&Indicator::Inflow, year, None, d(9, 1)), Value::Count { value: 0 });
/// // The same events, with the corrections known on 1 September.
/// let later = AsOf::new(d(6, 1)).with_corrections_through(d(9, 1));
/// assert_eq!(view.value(&Indicator::Inflow, year, None, later), Value::Count { value: 0 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AsOf {
    date: NaiveDate,
    corrections_through: NaiveDate,
}

impl AsOf {
    /// Events and corrections known at the end of `date`.
    #[must_use]
    pub fn new(date: NaiveDate) -> AsOf {
        AsOf {
            date,
            corrections_through: date,
        }
    }

    /// The same events, with the corrections dated on or before `date` instead.
    #[must_use]
    pub fn with_corrections_through(self, date: NaiveDate) -> AsOf {
        AsOf {
            corrections_through: date,
            ..self
        }
    }

    /// Events dated on or before this day count.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Retractions dated on or before this day count.
    pub fn corrections_through(&self) -> NaiveDate {
        self.corrections_through
    }
}

impl From<NaiveDate> for AsOf {
    fn from(date: NaiveDate) -> AsOf {
        AsOf::new(date)
    }
}

/// A valid retraction: the correction of an event reported in error.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Correction {
    /// The retraction's id.
    pub id: String,
    /// The retraction's date: from this day on the target no longer counts.
    pub date: NaiveDate,
    /// The retracted event's id.
    pub target: String,
    /// The retracted event's kind.
    pub target_kind: Kind,
    /// The retracted event's date.
    pub target_date: NaiveDate,
    /// The region the retracted event concerns, when it concerns one: an admission's
    /// region, a deliverable's or measurement's, or for other client events the region
    /// of the client's latest admission on or before the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}
