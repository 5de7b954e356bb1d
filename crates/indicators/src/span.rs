//! Half-open date ranges over which indicators are computed.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Error;

/// A half-open range of dates `[start, end)`, with `start < end`.
///
/// This crate needs nothing from `targets`, so it has its own small period type; the
/// `assess` crate converts between the two.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use indicators::Span;
///
/// let q = Span::quarter(2019, 3)?;
/// assert_eq!(q.start(), NaiveDate::from_ymd_opt(2019, 7, 1).unwrap());
/// assert_eq!(q.end(), NaiveDate::from_ymd_opt(2019, 10, 1).unwrap());
/// assert_eq!(Span::calendar_year(2019)?.to_string(), "2019");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    start: NaiveDate,
    end: NaiveDate,
}

impl Span {
    /// The range `[start, end)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSpan`] when `end <= start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Span, Error> {
        if end <= start {
            return Err(Error::InvalidSpan(format!("{end} is not after {start}")));
        }
        Ok(Span { start, end })
    }

    /// Calendar year `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSpan`] outside the calendar's range.
    pub fn calendar_year(year: i32) -> Result<Span, Error> {
        Span::new(ymd(year, 1, 1)?, ymd(year + 1, 1, 1)?)
    }

    /// Quarter `q` (1 to 4) of `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSpan`] for a quarter outside 1 to 4.
    pub fn quarter(year: i32, q: u32) -> Result<Span, Error> {
        if !(1..=4).contains(&q) {
            return Err(Error::InvalidSpan(format!(
                "quarter {q} is not between 1 and 4"
            )));
        }
        let start = ymd(year, 3 * q - 2, 1)?;
        Span::new(start, months_later(start, 3)?)
    }

    /// Month `month` (1 to 12) of `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSpan`] for a month outside 1 to 12.
    pub fn month(year: i32, month: u32) -> Result<Span, Error> {
        let start = ymd(year, month, 1)?;
        Span::new(start, months_later(start, 1)?)
    }

    /// Contract year `k` (from 1) of a contract starting on `start`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSpan`] when `k` is 0.
    pub fn contract_year(start: NaiveDate, k: u32) -> Result<Span, Error> {
        if k == 0 {
            return Err(Error::InvalidSpan("contract years count from 1".to_owned()));
        }
        let months = |years: u32| {
            years.checked_mul(12).ok_or_else(|| {
                Error::InvalidSpan(format!("contract year {k} is beyond the calendar"))
            })
        };
        Span::new(
            months_later(start, months(k - 1)?)?,
            months_later(start, months(k)?)?,
        )
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The first day after the range.
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Whether `date` lies in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    /// The months that overlap the range, each clipped to it.
    pub fn months(&self) -> Vec<Span> {
        let mut out = Vec::new();
        let mut cursor = self.start;
        while cursor < self.end {
            let Ok(m) = Span::month(cursor.year(), cursor.month()) else {
                break;
            };
            let end = m.end.min(self.end);
            out.push(Span { start: cursor, end });
            cursor = end;
        }
        out
    }

    pub(crate) fn days(&self) -> (i32, i32) {
        (day_number(self.start), day_number(self.end))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, e) = (self.start, self.end);
        if s.month() == 1
            && s.day() == 1
            && e.month() == 1
            && e.day() == 1
            && e.year() == s.year() + 1
        {
            write!(f, "{}", s.year())
        } else if s.day() == 1 && months_later(s, 1).ok() == Some(e) {
            write!(f, "{}-{:02}", s.year(), s.month())
        } else {
            write!(f, "{} to {}", s, e.pred_opt().unwrap_or(e))
        }
    }
}

/// Days since the start of the common era; day 1 is 0001-01-01.
pub(crate) fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

pub(crate) fn from_day_number(n: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(NaiveDate::MAX)
}

/// `date + months`, clamped to the end of the month.
pub(crate) fn months_later(date: NaiveDate, months: u32) -> Result<NaiveDate, Error> {
    date.checked_add_months(Months::new(months)).ok_or_else(|| {
        Error::InvalidSpan(format!(
            "{date} plus {months} months is outside the calendar"
        ))
    })
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, Error> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| Error::InvalidSpan(format!("{y:04}-{m:02}-{d:02} is not a date")))
}
