//! Reporting duties: what a provider reported for a period against who was in care.

use super::*;

/// A periodic report as known as of a date, against the clients in care in its period.
///
/// Built by [`View::report_coverage`]. The assessment turns it into a verdict: the report
/// is due some days after its period, and complete when it lists every client in care and
/// no one else.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ReportCoverage {
    /// The day of the first submission of the report for the period, if any is known.
    pub submitted: Option<NaiveDate>,
    /// The clients with a stay in the period (of the provider, when one is asked for),
    /// sorted.
    pub in_care: Vec<String>,
    /// The clients the report's lines name, sorted, each once.
    pub reported: Vec<String>,
}

impl ReportCoverage {
    /// Clients in care whom the report leaves out.
    #[must_use]
    pub fn missing(&self) -> Vec<&str> {
        difference(&self.in_care, &self.reported)
    }

    /// Clients the report names who had no stay in the period: the report does not agree
    /// with the events.
    #[must_use]
    pub fn unexpected(&self) -> Vec<&str> {
        difference(&self.reported, &self.in_care)
    }
}

/// The items of sorted `a` that are not in sorted `b`.
fn difference<'s>(a: &'s [String], b: &[String]) -> Vec<&'s str> {
    a.iter()
        .filter(|x| b.binary_search(x).is_err())
        .map(String::as_str)
        .collect()
}

impl<'a> View<'a> {
    /// The report `name` for `period` (of `provider`, or of anyone), as known as of a
    /// date: when it was first submitted (a `report_submitted` whose `period` is the
    /// period's first day), the clients its `reported_client` lines name, and the clients
    /// with a stay in the period.
    ///
    /// A stay is in the period when it has a night in it (admitted before the period
    /// ends, discharged after it starts), or when it starts and ends on one day inside
    /// it. Events dated after the as-of date are not known yet, and retractions count
    /// from their own date, as everywhere.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use indicators::{Engine, ParseOptions, Span};
    ///
    /// let mut e = Engine::new();
    /// let _ = e.push_jsonl(br#"
    /// {"id":"a1","kind":"admission","date":"2019-01-10","client":"c1","region":"r","provider":"p"}
    /// {"id":"a2","kind":"admission","date":"2019-02-01","client":"c2","region":"r","provider":"p"}
    /// {"id":"d2","kind":"discharge","date":"2019-03-01","client":"c2"}
    /// {"id":"s","kind":"report_submitted","date":"2019-04-20","provider":"p","name":"q","period":"2019-01-01"}
    /// {"id":"l1","kind":"reported_client","date":"2019-04-20","client":"c1","provider":"p","name":"q","period":"2019-01-01"}
    /// "#, ParseOptions::default());
    /// let q1 = Span::new(
    ///     NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(),
    ///     NaiveDate::from_ymd_opt(2019, 4, 1).unwrap(),
    /// )?;
    /// let view = e.view();
    /// let r = view.report_coverage("q", Some("p"), q1, NaiveDate::from_ymd_opt(2019, 4, 30).unwrap());
    /// assert_eq!(r.submitted, NaiveDate::from_ymd_opt(2019, 4, 20));
    /// assert_eq!(r.missing(), ["c2"]);
    /// assert!(r.unexpected().is_empty());
    /// # Ok::<(), indicators::Error>(())
    /// ```
    #[must_use]
    pub fn report_coverage(
        &self,
        name: &str,
        provider: Option<&str>,
        period: Span,
        as_of: impl Into<AsOf>,
    ) -> ReportCoverage {
        let known = self.known(as_of.into());
        let (submitted, reported) = self.lines(name, provider, period, &known);
        let (start, end) = period.days();
        ReportCoverage {
            submitted,
            in_care: self.in_care(provider, start, end, &known),
            reported,
        }
    }

    /// The report `name` for `period` (of `provider`, or of anyone) as known as of a
    /// date, without who was in care: the day of its first submission, and the clients
    /// its lines name (sorted, each once). [`View::report_coverage`] adds who was in care.
    #[must_use]
    pub fn report_lines(
        &self,
        name: &str,
        provider: Option<&str>,
        period: Span,
        as_of: impl Into<AsOf>,
    ) -> (Option<NaiveDate>, Vec<String>) {
        self.lines(name, provider, period, &self.known(as_of.into()))
    }

    fn lines(
        &self,
        name: &str,
        provider: Option<&str>,
        period: Span,
        known: &Known<'_>,
    ) -> (Option<NaiveDate>, Vec<String>) {
        let e = self.engine;
        let asof = known.asof;
        let (start, _) = period.days();
        // Nobody ever reported under this name.
        let Some(name) = e.find_string(name) else {
            return (None, Vec::new());
        };
        let provider_sym = provider.map(|p| e.find_string(p).unwrap_or(UNKNOWN));
        let of_provider = |p: Sym| provider_sym.is_none_or(|want| want == p);
        let slots = e.slots();
        let mut submitted: Option<i32> = None;
        let mut reported: Vec<String> = Vec::new();
        for &s in &e.others {
            if !e.is_live(s) || known.withdrawn(s) {
                continue;
            }
            let rec = slots.record(s);
            if rec.date > asof {
                continue;
            }
            match rec.fields() {
                Fields::ReportSubmitted {
                    provider,
                    name: n,
                    period,
                } if n == name && period == start && of_provider(provider) => {
                    submitted = Some(submitted.map_or(rec.date, |d| d.min(rec.date)));
                }
                Fields::ReportedClient {
                    client,
                    provider,
                    name: n,
                    period,
                } if n == name && period == start && of_provider(provider) => {
                    if let Some(c) = e.string(client) {
                        reported.push(c.to_owned());
                    }
                }
                _ => {}
            }
        }
        reported.sort_unstable();
        reported.dedup();
        (submitted.map(from_day_number), reported)
    }

    /// The clients with a stay in `[start, end)` as known, of `provider` if given, sorted.
    fn in_care(
        &self,
        provider: Option<&str>,
        start: i32,
        end: i32,
        known: &Known<'_>,
    ) -> Vec<String> {
        let e = self.engine;
        let provider = provider.map(|p| e.find_string(p).unwrap_or(UNKNOWN));
        let asof = known.asof;
        let mut out = Vec::new();
        for (client, (stays, _)) in e.stays_of_clients(&known.overlay.clients).enumerate() {
            let in_period = stays.iter().any(|s| {
                // A discharge after the as-of day is not known yet: the stay is open.
                let discharged = if s.discharged <= asof {
                    s.discharged
                } else {
                    NEVER
                };
                s.admitted <= asof
                    && provider.is_none_or(|p| p == s.provider)
                    && s.admitted < end
                    && (discharged > start || (discharged == s.admitted && s.admitted >= start))
            });
            if in_period {
                if let Some(name) = e.client_name(client as u32) {
                    out.push(name.to_owned());
                }
            }
        }
        out.sort_unstable();
        out
    }
}

/// A stay named by a query: its client and the day it started.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct StayRef {
    /// The client's pseudonym.
    pub client: String,
    /// The admission day.
    pub admitted: NaiveDate,
}

impl<'a> View<'a> {
    /// The stays a share counts against itself: those its definition selects over
    /// `period` (and `region`, if given) that do not pass its `of` filter, as known as of
    /// a date, sorted by client and day. Empty for a definition that is not a share over
    /// stays.
    ///
    /// This names the cases behind a rate: the starts in segment V without an approval,
    /// the discharges that ended early.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use indicators::{Engine, Indicator, ParseOptions, Span};
    ///
    /// let mut e = Engine::new();
    /// let _ = e.push_jsonl(br#"
    /// {"id":"a1","kind":"admission","date":"2019-01-10","client":"c1","region":"r"}
    /// {"id":"a2","kind":"admission","date":"2019-02-01","client":"c2","region":"r"}
    /// {"id":"x2","kind":"authorization_extension","date":"2019-05-01","client":"c2","reason":"goals_not_achieved"}
    /// "#, ParseOptions::default());
    /// let def = Indicator::ExtensionRate.definition().expect("a share");
    /// let y = Span::calendar_year(2019)?;
    /// // The extension rate counts stays that were extended: c1 was not.
    /// let misses = e.view().share_misses(&def, y, None, NaiveDate::from_ymd_opt(2019, 12, 31).unwrap());
    /// assert_eq!(misses.iter().map(|m| m.client.as_str()).collect::<Vec<_>>(), ["c1"]);
    /// # Ok::<(), indicators::Error>(())
    /// ```
    #[must_use]
    pub fn share_misses(
        &self,
        def: &CustomIndicator,
        period: Span,
        region: Option<&str>,
        as_of: impl Into<AsOf>,
    ) -> Vec<StayRef> {
        let (Over::Stays, Some(anchor), crate::custom::Measure::Share { .. }) =
            (def.over, def.date, &def.measure)
        else {
            return Vec::new();
        };
        let known = self.known(as_of.into());
        let e = self.engine;
        let asof = known.asof;
        let (start, end) = period.days();
        let leaf = Leaf::new(def, e);
        let region = region.map(|r| e.find_string(r).unwrap_or(UNKNOWN));
        let mut out = Vec::new();
        for (client, (stays, bridges)) in e.stays_of_clients(&known.overlay.clients).enumerate() {
            for s in stays.iter().filter(|s| s.admitted <= asof) {
                if region.is_some_and(|r| r != s.region) {
                    continue;
                }
                let f = facts(s, bridges, asof);
                let day = match anchor {
                    Anchor::Admission => f.admitted,
                    Anchor::Discharge => f.discharged,
                };
                if day == NEVER || day < start || day >= end {
                    continue;
                }
                let selected = leaf
                    .filter
                    .as_ref()
                    .is_none_or(|c| c.stay3(&f, false) == eval::Tri::Yes);
                let hit = leaf
                    .share
                    .as_ref()
                    .is_some_and(|c| c.stay3(&f, false) == eval::Tri::Yes);
                if selected && !hit {
                    if let Some(name) = e.client_name(client as u32) {
                        out.push(StayRef {
                            client: name.to_owned(),
                            admitted: from_day_number(s.admitted),
                        });
                    }
                }
            }
        }
        out.sort();
        out
    }
}
