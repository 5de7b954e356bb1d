//! Periods and calendar arithmetic.
//!
//! A [`Period`] is half-open, `[start, end)`: calendar year 2019 is
//! `[2019-01-01, 2020-01-01)`. A [`PeriodSpec`] is how a contract names a period
//! (a calendar year, a contract year, a quarter, a month, an explicit range); it is
//! resolved against the contract's start date.

use std::fmt;

use chrono::{Datelike, Days as ChronoDays, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Error;

/// A half-open range of dates, `[start, end)`, with `start < end`.
///
/// # Example: calendar year, contains and completeness
///
/// ```
/// use chrono::NaiveDate;
/// use targets::period::Period;
///
/// let y = Period::calendar_year(2019)?;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert!(y.contains(d(2019, 12, 31)));
/// assert!(!y.contains(d(2020, 1, 1)));
/// // As of the end of 31 December the year is complete, as of 30 December it is not.
/// assert!(y.is_complete(d(2019, 12, 31)));
/// assert!(!y.is_complete(d(2019, 12, 30)));
/// assert_eq!(y.days(), 365);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Period {
    start: NaiveDate,
    end: NaiveDate,
}

impl Period {
    /// A period `[start, end)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] when `end <= start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Period, Error> {
        if end <= start {
            return Err(Error::InvalidPeriod {
                reason: format!("the end {end} is not after the start {start}"),
            });
        }
        Ok(Period { start, end })
    }

    /// Calendar year `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] for a year outside the calendar's range.
    pub fn calendar_year(year: i32) -> Result<Period, Error> {
        Period::new(ymd(year, 1, 1)?, ymd(year.saturating_add(1), 1, 1)?)
    }

    /// Quarter `quarter` (1 to 4) of `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] for a quarter outside 1 to 4.
    pub fn quarter(year: i32, quarter: u32) -> Result<Period, Error> {
        if !(1..=4).contains(&quarter) {
            return Err(Error::InvalidPeriod {
                reason: format!("quarter {quarter} is not between 1 and 4"),
            });
        }
        let start = ymd(year, 3 * (quarter - 1) + 1, 1)?;
        Period::new(start, add_months(start, 3)?)
    }

    /// Month `month` (1 to 12) of `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] for a month outside 1 to 12.
    pub fn month(year: i32, month: u32) -> Result<Period, Error> {
        let start = ymd(year, month, 1)?;
        Period::new(start, add_months(start, 1)?)
    }

    /// Contract year `k` (from 1) of a contract that starts on `contract_start`:
    /// `[start + (k-1) years, start + k years)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] when `k` is 0 or the dates overflow.
    pub fn contract_year(contract_start: NaiveDate, k: u32) -> Result<Period, Error> {
        if k == 0 {
            return Err(Error::InvalidPeriod {
                reason: "contract years count from 1".to_owned(),
            });
        }
        let months = |years: u32| {
            years.checked_mul(12).ok_or_else(|| Error::InvalidPeriod {
                reason: format!("contract year {k} is beyond the calendar"),
            })
        };
        let start = add_months(contract_start, months(k - 1)?)?;
        Period::new(start, add_months(contract_start, months(k)?)?)
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The first day after the period.
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The last day of the period (`end - 1 day`).
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }

    /// The number of days in the period.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// Whether `date` lies in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    /// Whether the period has ended as of the end of day `as_of`: `end <= as_of + 1 day`.
    pub fn is_complete(&self, as_of: NaiveDate) -> bool {
        self.end <= next_day(as_of)
    }

    /// Whether the two periods share at least one day.
    pub fn overlaps(&self, other: &Period) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The days the two periods share, if any.
    pub fn intersect(&self, other: &Period) -> Option<Period> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(Period { start, end })
    }

    /// The window of "within `months` calendar months after `x`": the dates in
    /// `(x, x + months]`, as the half-open `[x + 1 day, x + months + 1 day)`. Adding months
    /// clamps to the end of the month.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] when `months` is 0 or the dates overflow.
    ///
    /// # Example: 31 August plus six months is the end of February
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use targets::period::Period;
    ///
    /// let x = NaiveDate::from_ymd_opt(2019, 8, 31).unwrap();
    /// let w = Period::within_months_after(x, 6)?;
    /// assert_eq!(w.last_day(), NaiveDate::from_ymd_opt(2020, 2, 29).unwrap());
    /// assert!(!w.contains(x));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn within_months_after(x: NaiveDate, months: u32) -> Result<Period, Error> {
        if months == 0 {
            return Err(Error::InvalidPeriod {
                reason: "a window of 0 months is empty".to_owned(),
            });
        }
        Period::new(next_day(x), next_day(add_months(x, months)?))
    }

    /// Splits the period into consecutive periods of `unit`, each clipped to `self`.
    /// Contract years count from `contract_start`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] when the dates overflow.
    pub fn split(&self, unit: PeriodUnit, contract_start: NaiveDate) -> Result<Vec<Period>, Error> {
        let mut out = Vec::new();
        let mut cursor = self.start;
        while cursor < self.end {
            let whole = unit.containing(cursor, contract_start)?;
            let clipped = whole.intersect(self).ok_or_else(|| Error::InvalidPeriod {
                reason: format!("{unit:?} period around {cursor} misses the window"),
            })?;
            out.push(clipped);
            cursor = clipped.end;
        }
        Ok(out)
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// A date as Dutch writes it: `1 juli 2019`.
///
/// ```
/// let d = chrono::NaiveDate::from_ymd_opt(2019, 7, 1).unwrap();
/// assert_eq!(targets::period::date_nl(d), "1 juli 2019");
/// ```
pub fn date_nl(d: NaiveDate) -> String {
    // Without the general formatter: reports write thousands of dates.
    let mut out = String::with_capacity(20);
    out.push_str(itoa::Buffer::new().format(d.day()));
    out.push(' ');
    out.push_str(MONTHS_NL[d.month0() as usize]);
    out.push(' ');
    out.push_str(itoa::Buffer::new().format(d.year()));
    out
}

impl Period {
    /// The period as Dutch writes it: `2019`, or `1 juli 2019 t/m 30 juni 2020`.
    pub fn to_string_nl(&self) -> String {
        let (s, e) = (self.start, self.end);
        if s.month() == 1 && s.day() == 1 && e == ymd(s.year() + 1, 1, 1).unwrap_or(e) {
            s.year().to_string()
        } else {
            format!("{} t/m {}", date_nl(s), date_nl(self.last_day()))
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, e) = (self.start, self.end);
        // Without the general formatter where it can: every verdict has a period label.
        if s.month() == 1 && s.day() == 1 && e == ymd(s.year() + 1, 1, 1).unwrap_or(e) {
            f.write_str(itoa::Buffer::new().format(s.year()))
        } else {
            match (iso_date(s), iso_date(self.last_day())) {
                (Some(a), Some(b)) => {
                    f.write_str(&a)?;
                    f.write_str(" to ")?;
                    f.write_str(&b)
                }
                _ => write!(f, "{} to {}", s, self.last_day()),
            }
        }
    }
}

/// `YYYY-MM-DD`, as `NaiveDate`'s `Display` writes a date of the years 0 to 9999; `None`
/// for other years, which it writes with a sign.
fn iso_date(d: NaiveDate) -> Option<String> {
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let mut out = String::with_capacity(10);
    for (n, width) in [(year, 4), (d.month(), 2), (d.day(), 2)] {
        if width == 2 {
            out.push('-');
        }
        let mut digits = itoa::Buffer::new();
        let text = digits.format(n);
        for _ in text.len()..width {
            out.push('0');
        }
        out.push_str(text);
    }
    Some(out)
}

/// A unit that splits a window into periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    /// January to December.
    CalendarYear,
    /// Twelve months from the contract start or an anniversary of it.
    ContractYear,
    /// Calendar quarters.
    Quarter,
    /// Calendar months.
    Month,
}

impl PeriodUnit {
    /// The whole period of this unit that contains `date`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] when the dates overflow.
    pub fn containing(self, date: NaiveDate, contract_start: NaiveDate) -> Result<Period, Error> {
        match self {
            PeriodUnit::CalendarYear => Period::calendar_year(date.year()),
            PeriodUnit::Quarter => Period::quarter(date.year(), date.month0() / 3 + 1),
            PeriodUnit::Month => Period::month(date.year(), date.month()),
            PeriodUnit::ContractYear => {
                // Find k with start + (k-1)y <= date < start + k y; dates before the start
                // belong to no contract year, so use whole years before it.
                if date < contract_start {
                    let mut end = contract_start;
                    loop {
                        let start = sub_months(end, 12)?;
                        if start <= date {
                            return Period::new(start, end);
                        }
                        end = start;
                    }
                }
                let months = (date.year() - contract_start.year()) * 12 + date.month() as i32
                    - contract_start.month() as i32;
                let mut k = (months / 12).max(0) as u32 + 1;
                loop {
                    let p = Period::contract_year(contract_start, k)?;
                    if p.contains(date) {
                        return Ok(p);
                    }
                    if date < p.start {
                        k -= 1;
                    } else {
                        k += 1;
                    }
                }
            }
        }
    }
}

/// How a contract names a period.
///
/// # Example: the JSON forms
///
/// ```
/// use chrono::NaiveDate;
/// use targets::period::{Period, PeriodSpec};
///
/// let start = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
/// let spec: PeriodSpec = serde_json::from_str(r#"{"kind": "contract_year", "year": 2}"#)?;
/// assert_eq!(spec.resolve(start)?, Period::calendar_year(2020)?);
/// let spec: PeriodSpec = serde_json::from_str(r#"{"kind": "quarter", "year": 2019, "quarter": 3}"#)?;
/// assert_eq!(spec.resolve(start)?.to_string(), "2019-07-01 to 2019-09-30");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PeriodSpec {
    /// A calendar year.
    CalendarYear {
        /// The year.
        year: i32,
    },
    /// Contract year `year`, counted from 1 at the contract start.
    ContractYear {
        /// The contract year, from 1.
        year: u32,
    },
    /// A calendar quarter.
    Quarter {
        /// The year.
        year: i32,
        /// 1 to 4.
        quarter: u32,
    },
    /// A calendar month.
    Month {
        /// The year.
        year: i32,
        /// 1 to 12.
        month: u32,
    },
    /// An explicit half-open range `[start, end)`.
    Range {
        /// The first day.
        start: NaiveDate,
        /// The first day after the range.
        end: NaiveDate,
    },
}

impl PeriodSpec {
    /// The concrete period for a contract starting on `contract_start`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriod`] when the spec names no valid period.
    pub fn resolve(&self, contract_start: NaiveDate) -> Result<Period, Error> {
        match *self {
            PeriodSpec::CalendarYear { year } => Period::calendar_year(year),
            PeriodSpec::ContractYear { year } => Period::contract_year(contract_start, year),
            PeriodSpec::Quarter { year, quarter } => Period::quarter(year, quarter),
            PeriodSpec::Month { year, month } => Period::month(year, month),
            PeriodSpec::Range { start, end } => Period::new(start, end),
        }
    }
}

/// `date + months` calendar months, clamped to the end of the month
/// (2019-08-31 + 6 months = 2020-02-29).
///
/// # Errors
///
/// [`Error::InvalidPeriod`] when the date overflows the calendar.
pub fn add_months(date: NaiveDate, months: u32) -> Result<NaiveDate, Error> {
    date.checked_add_months(Months::new(months))
        .ok_or_else(|| Error::InvalidPeriod {
            reason: format!("{date} plus {months} months is outside the calendar"),
        })
}

fn sub_months(date: NaiveDate, months: u32) -> Result<NaiveDate, Error> {
    date.checked_sub_months(Months::new(months))
        .ok_or_else(|| Error::InvalidPeriod {
            reason: format!("{date} minus {months} months is outside the calendar"),
        })
}

/// The day after `date` (saturating at the end of the calendar).
pub fn next_day(date: NaiveDate) -> NaiveDate {
    date.checked_add_days(ChronoDays::new(1)).unwrap_or(date)
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, Error> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| Error::InvalidPeriod {
        reason: format!("{year:04}-{month:02}-{day:02} is not a date"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    /// The hand-written date and label are chrono's, from year -2 to 10002: every 37th
    /// day, and the first and last day of every year.
    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let mut day = d(-2, 1, 1);
        while day < d(10003, 1, 1) {
            let iso = iso_date(day);
            if (0..=9999).contains(&day.year()) {
                assert_eq!(iso.as_deref(), Some(day.to_string().as_str()));
            } else {
                assert_eq!(iso, None);
            }
            let quarter = Period::new(day, day + chrono::Days::new(91)).expect("period");
            assert_eq!(
                quarter.to_string(),
                format!("{} to {}", day, quarter.last_day())
            );
            let year = Period::new(d(day.year(), 1, 1), d(day.year() + 1, 1, 1)).expect("year");
            assert_eq!(year.to_string(), day.year().to_string());
            assert_eq!(
                date_nl(day),
                format!(
                    "{} {} {}",
                    day.day(),
                    MONTHS_NL[day.month0() as usize],
                    day.year()
                )
            );
            day = day + chrono::Days::new(37);
        }
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(add_months(d(2019, 8, 31), 6).ok(), Some(d(2020, 2, 29)));
        assert_eq!(add_months(d(2018, 8, 31), 6).ok(), Some(d(2019, 2, 28)));
        assert_eq!(add_months(d(2019, 1, 15), 6).ok(), Some(d(2019, 7, 15)));
    }

    #[test]
    fn contract_years_from_a_mid_year_start() {
        let s = d(2018, 10, 1);
        let y2 = Period::contract_year(s, 2).expect("valid");
        assert_eq!((y2.start(), y2.end()), (d(2019, 10, 1), d(2020, 10, 1)));
        assert_eq!(
            PeriodUnit::ContractYear.containing(d(2020, 9, 30), s).ok(),
            Some(y2)
        );
        assert_eq!(
            PeriodUnit::ContractYear
                .containing(d(2018, 9, 30), s)
                .map(|p| p.start())
                .ok(),
            Some(d(2017, 10, 1))
        );
    }

    #[test]
    fn split_clips_to_the_window() {
        let w = Period::new(d(2019, 1, 1), d(2021, 1, 1)).expect("valid");
        let parts = w
            .split(PeriodUnit::CalendarYear, d(2019, 1, 1))
            .expect("valid");
        assert_eq!(parts.len(), 2);
        let w = Period::new(d(2019, 3, 15), d(2019, 8, 2)).expect("valid");
        let q = w.split(PeriodUnit::Quarter, d(2019, 1, 1)).expect("valid");
        let bounds: Vec<_> = q.iter().map(|p| (p.start(), p.end())).collect();
        assert_eq!(
            bounds,
            vec![
                (d(2019, 3, 15), d(2019, 4, 1)),
                (d(2019, 4, 1), d(2019, 7, 1)),
                (d(2019, 7, 1), d(2019, 8, 2))
            ]
        );
    }

    #[test]
    fn invalid_specs_are_errors() {
        let s = d(2019, 1, 1);
        assert!(
            PeriodSpec::Quarter {
                year: 2019,
                quarter: 5
            }
            .resolve(s)
            .is_err()
        );
        assert!(
            PeriodSpec::Month {
                year: 2019,
                month: 13
            }
            .resolve(s)
            .is_err()
        );
        assert!(PeriodSpec::ContractYear { year: 0 }.resolve(s).is_err());
        assert!(PeriodSpec::Range { start: s, end: s }.resolve(s).is_err());
    }
}
