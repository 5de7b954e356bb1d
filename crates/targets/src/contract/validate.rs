//! What the document types cannot say: unique ids, references between goals, results and
//! consequences, dates inside the term, the arithmetic of steps; and every result's
//! schedule, resolved once.

use super::*;

type Built = (
    Period,
    Period,
    BTreeMap<String, Vec<ScheduleItem>>,
    BTreeMap<String, Vec<Period>>,
);

pub(super) struct Validator {
    pub(super) problems: Vec<Problem>,
}

impl Validator {
    pub(super) fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    pub(super) fn unique<'a>(
        &mut self,
        what: &str,
        items: impl Iterator<Item = (String, &'a str)>,
    ) {
        let mut seen = BTreeSet::new();
        for (path, id) in items {
            if id.trim().is_empty() {
                self.problem(path, format!("{what} id is empty"));
            } else if !seen.insert(id) {
                self.problem(path, format!("duplicate {what} id `{id}`"));
            }
        }
    }

    pub(super) fn contract(&mut self, doc: &ContractDoc) -> Option<Built> {
        let results: usize = doc.goals.iter().map(|g| g.results.len()).sum();
        if results > MAX_RESULTS {
            self.problem(
                "$.goals",
                format!("the contract has {results} results; at most {MAX_RESULTS} are allowed"),
            );
        }
        for (name, def) in &doc.custom_indicators {
            let depth = json_depth(def);
            if depth > MAX_NESTING * 2 {
                self.problem(
                    format!("$.custom_indicators.{name}"),
                    format!(
                        "the definition nests {depth} levels deep; at most {} are allowed",
                        MAX_NESTING * 2
                    ),
                );
            }
        }
        if doc.format_version != FORMAT_VERSION {
            self.problem(
                "$.format_version",
                format!(
                    "unsupported format version {}; this crate reads {FORMAT_VERSION}",
                    doc.format_version
                ),
            );
        }
        if doc.initial_term_years == 0 {
            self.problem(
                "$.initial_term_years",
                "the initial term must be at least one year",
            );
        }
        let ext = doc.extension.unwrap_or(crate::model::Extension {
            times: 0,
            years_each: 0,
            exercised: 0,
        });
        if ext.exercised > ext.times {
            self.problem(
                "$.extension.exercised",
                format!(
                    "{} extensions exercised but only {} allowed",
                    ext.exercised, ext.times
                ),
            );
        }
        let years = |n: u32| -> Option<NaiveDate> {
            doc.start
                .checked_add_months(Months::new(n.checked_mul(12)?))
        };
        let term_years = doc
            .initial_term_years
            .saturating_add(ext.exercised.min(ext.times).saturating_mul(ext.years_each));
        let max_years = doc
            .initial_term_years
            .saturating_add(ext.times.saturating_mul(ext.years_each));
        let term = years(term_years).and_then(|e| Period::new(doc.start, e).ok());
        // The longest possible term reaches the end of the longest lot or phase.
        let lot_end = |l: &crate::model::Lot| -> Option<NaiveDate> {
            let ext = l
                .extension
                .map_or(0, |e| e.times.saturating_mul(e.years_each));
            let years = l.initial_term_years.saturating_add(ext);
            l.start
                .unwrap_or(doc.start)
                .checked_add_months(Months::new(years.checked_mul(12)?))
        };
        let max_end = doc
            .term
            .iter()
            .flat_map(|t| t.lots.iter())
            .filter_map(lot_end)
            .chain(years(max_years))
            .max();
        let max_term = max_end.and_then(|e| Period::new(doc.start, e).ok());
        if term.is_none() || max_term.is_none() {
            self.problem(
                "$.initial_term_years",
                "the term does not fit in the calendar",
            );
        }

        self.unique(
            "region",
            doc.regions
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("$.regions[{i}].id"), r.id.as_str())),
        );
        self.unique(
            "provider",
            doc.providers
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("$.providers[{i}].id"), p.id.as_str())),
        );
        self.unique(
            "goal",
            doc.goals
                .iter()
                .enumerate()
                .map(|(i, g)| (format!("$.goals[{i}].id"), g.id.as_str())),
        );
        self.unique(
            "result",
            doc.goals.iter().enumerate().flat_map(|(i, g)| {
                g.results
                    .iter()
                    .enumerate()
                    .map(move |(j, t)| (format!("$.goals[{i}].results[{j}].id"), t.id.as_str()))
            }),
        );
        // Observation ids are unique among themselves and the results' ids.
        let mut taken: BTreeSet<&str> = doc
            .goals
            .iter()
            .flat_map(|g| g.results.iter().map(|t| t.id.as_str()))
            .collect();
        for (i, o) in doc.observations.iter().enumerate() {
            if !taken.insert(o.id.as_str()) {
                self.problem(
                    format!("$.observations[{i}].id"),
                    format!("duplicate result or observation id `{}`", o.id),
                );
            }
        }
        for (i, p) in doc.providers.iter().enumerate() {
            if let Some(c) = &p.category {
                if !doc.provider_categories.iter().any(|k| &k.id == c) {
                    self.problem(
                        format!("$.providers[{i}].category"),
                        format!("`{c}` is not one of the contract's provider_categories"),
                    );
                }
            }
        }
        self.unique(
            "provider category",
            doc.provider_categories
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("$.provider_categories[{i}].id"), s.id.as_str())),
        );
        self.unique(
            "segment",
            doc.segments
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("$.segments[{i}].id"), s.id.as_str())),
        );
        if let Some(term) = &doc.term {
            self.unique(
                "lot",
                term.lots
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (format!("$.term.lots[{i}].id"), l.id.as_str())),
            );
            for (i, l) in term.lots.iter().enumerate() {
                if l.initial_term_years == 0 {
                    self.problem(
                        format!("$.term.lots[{i}].initial_term_years"),
                        "a lot's initial term must be at least one year",
                    );
                }
                if l.start.is_some_and(|s| s < doc.start) {
                    self.problem(
                        format!("$.term.lots[{i}].start"),
                        format!("a lot cannot start before the contract on {}", doc.start),
                    );
                }
            }
        }
        self.samples(doc);
        self.unique(
            "consequence",
            doc.consequences
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("$.consequences[{i}].id"), c.id())),
        );
        if let Some(b) = &doc.baseline_period {
            if let Err(e) = b.resolve(doc.start) {
                self.problem("$.baseline_period", e.to_string());
            }
        }

        let (term, max_term) = (term?, max_term?);
        let mut schedules = BTreeMap::new();
        for (i, g) in doc.goals.iter().enumerate() {
            for (j, t) in g.results.iter().enumerate() {
                let path = format!("$.goals[{i}].results[{j}]");
                let s = self.target(doc, term, t, &path);
                schedules.insert(t.id.clone(), s);
            }
        }
        let result_ids: BTreeSet<&str> = doc
            .goals
            .iter()
            .flat_map(|g| g.results.iter().map(|t| t.id.as_str()))
            .collect();
        for (i, c) in doc.consequences.iter().enumerate() {
            let path = format!("$.consequences[{i}].condition");
            let cond = c.condition();
            let selected = match cond.selection() {
                ResultSelection::Ids(ids) => {
                    for (k, id) in ids.iter().enumerate() {
                        if !result_ids.contains(id.as_str()) {
                            self.problem(
                                format!("{path}.results.ids[{k}]"),
                                format!("no result has id `{id}`"),
                            );
                        }
                    }
                    ids.len()
                }
                ResultSelection::AllInScope => doc
                    .goals
                    .iter()
                    .filter(|g| g.scope == Scope::InScope)
                    .map(|g| g.results.len())
                    .sum(),
            };
            match cond {
                VerdictCondition::AtLeast { met, .. } if *met as usize > selected => self.problem(
                    format!("{path}.met"),
                    format!("asks {met} results met out of {selected} selected"),
                ),
                VerdictCondition::PersistentNotMet { months: 0, .. } => self.problem(
                    format!("{path}.months"),
                    "a failure that persists lasts at least one month",
                ),
                VerdictCondition::ShareMet { percent, .. }
                    if percent.into_inner() < Decimal::ZERO
                        || percent.into_inner() > Decimal::ONE_HUNDRED =>
                {
                    self.problem(
                        format!("{path}.percent"),
                        format!("{percent} is not between 0 % and 100 %"),
                    )
                }
                _ => {}
            }
            if let Consequence::BonusTranche { amount, .. } = c {
                if matches!(cond, VerdictCondition::PersistentNotMet { .. }) {
                    self.problem(
                        format!("{path}.kind"),
                        "a tranche is paid on results met; a persistent failure is a condition for an escalation",
                    );
                }
                if amount.into_inner() < Decimal::ZERO {
                    self.problem(
                        format!("$.consequences[{i}].amount"),
                        "a tranche amount cannot be negative",
                    );
                }
            }
        }
        let mut observed = BTreeMap::new();
        for (i, o) in doc.observations.iter().enumerate() {
            let path = format!("$.observations[{i}]");
            observed.insert(o.id.clone(), self.observation(doc, o, &path));
        }
        Some((term, max_term, schedules, observed))
    }

    /// An observation's periods, resolved; the document's statements must name one of
    /// them.
    fn observation(
        &mut self,
        doc: &ContractDoc,
        o: &crate::model::Observation,
        path: &str,
    ) -> Vec<Period> {
        if o.id.trim().is_empty() {
            self.problem(format!("{path}.id"), "observation id is empty");
        }
        match &o.indicator {
            IndicatorRef::Report { .. } => self.problem(
                format!("{path}.indicator"),
                "a report is judged with a reporting duty, not observed",
            ),
            IndicatorRef::Custom { indicator, .. }
                if !doc.custom_indicators.contains_key(indicator) =>
            {
                self.problem(
                    format!("{path}.indicator.indicator"),
                    format!("no custom indicator `{indicator}` is defined"),
                );
            }
            _ => {}
        }
        if o.periods.is_empty() {
            self.problem(format!("{path}.periods"), "observe at least one period");
        }
        let periods: Vec<Period> = o
            .periods
            .iter()
            .enumerate()
            .filter_map(|(k, spec)| match spec.resolve(doc.start) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.problem(format!("{path}.periods[{k}]"), e.to_string());
                    None
                }
            })
            .collect();
        for (k, st) in o.stated.iter().enumerate() {
            match st.period.resolve(doc.start) {
                Ok(p) if periods.contains(&p) => {}
                Ok(p) => self.problem(
                    format!("{path}.stated[{k}].period"),
                    format!("{p} is not one of the observed periods"),
                ),
                Err(e) => self.problem(format!("{path}.stated[{k}].period"), e.to_string()),
            }
        }
        periods
    }

    /// Every sample mark points at something in the document.
    fn samples(&mut self, doc: &ContractDoc) {
        // Serializing recurses as deep as the document nests: a document with a condition
        // nested beyond the limit is refused for that, unwritten.
        let too_deep = doc
            .goals
            .iter()
            .flat_map(|g| &g.results)
            .filter_map(|t| t.applies_to.as_ref())
            .any(|c| c.depth() > MAX_NESTING);
        if doc.samples.is_empty() || too_deep {
            return;
        }
        let Ok(json) = serde_json::to_value(doc) else {
            return;
        };
        for (i, m) in doc.samples.iter().enumerate() {
            if !m.at.starts_with('/') || json.pointer(&m.at).is_none() {
                self.problem(
                    format!("$.samples[{i}].at"),
                    format!(
                        "`{}` is not a JSON Pointer to a part of this contract (such as `/goals/0/results/0/rule/bound`)",
                        m.at
                    ),
                );
            }
            if m.note.trim().is_empty() {
                self.problem(
                    format!("$.samples[{i}].note"),
                    "say why the value is a sample",
                );
            }
        }
    }

    pub(super) fn target(
        &mut self,
        doc: &ContractDoc,
        term: Period,
        t: &Target,
        path: &str,
    ) -> Vec<ScheduleItem> {
        let start = doc.start;
        match t.dimension {
            Dimension::PerRegion if doc.regions.is_empty() => self.problem(
                format!("{path}.dimension"),
                "judged per region but the contract lists no regions",
            ),
            Dimension::PerProvider if doc.providers.is_empty() => self.problem(
                format!("{path}.dimension"),
                "judged per provider but the contract lists no providers",
            ),
            Dimension::PerSegment if doc.segments.is_empty() => self.problem(
                format!("{path}.dimension"),
                "judged per segment but the contract lists no segments",
            ),
            Dimension::PerProviderCategory if doc.provider_categories.is_empty() => self.problem(
                format!("{path}.dimension"),
                "judged per provider category but the contract lists no provider categories",
            ),
            _ => {}
        }
        if let Some(depth) = t.applies_to.as_ref().map(crate::model::Condition::depth) {
            if depth > MAX_NESTING {
                self.problem(
                    format!("{path}.applies_to"),
                    format!(
                        "the condition nests {depth} levels deep; at most {MAX_NESTING} are allowed"
                    ),
                );
            }
        }
        if t.applies_to.is_some()
            && t.dimension != Dimension::PerProvider
            && !doc.providers.iter().any(|p| p.id == doc.contractor)
        {
            self.problem(
                format!("{path}.applies_to"),
                format!("the condition needs the facts of the contractor `{}`, which is not in `providers`", doc.contractor),
            );
        }
        if let IndicatorRef::Custom { indicator, .. } = &t.indicator {
            if !doc.custom_indicators.contains_key(indicator) {
                self.problem(
                    format!("{path}.indicator.indicator"),
                    format!("no custom indicator `{indicator}` is defined"),
                );
            }
        }
        if matches!(
            t.dimension,
            Dimension::PerSegment | Dimension::PerProviderCategory
        ) && matches!(
            t.indicator,
            IndicatorRef::BridgingDays
                | IndicatorRef::WaitingDaysPercentile { .. }
                | IndicatorRef::MaxTariff { .. }
                | IndicatorRef::DeliveredOn { .. }
                | IndicatorRef::Measured { .. }
                | IndicatorRef::Report { .. }
        ) {
            self.problem(
                format!("{path}.dimension"),
                format!(
                    "`{}` is not counted over stays, so it cannot be judged per segment or provider category",
                    t.indicator.key()
                ),
            );
        }
        if t.name_cases
            && !matches!(
                t.indicator,
                IndicatorRef::ShareStaysOver30Weeks
                    | IndicatorRef::ExtensionRate
                    | IndicatorRef::DropOutRate
                    | IndicatorRef::GoalRealisationRate
                    | IndicatorRef::ShareStartedWithin { .. }
                    | IndicatorRef::Custom { rate: true, .. }
            )
        {
            self.problem(
                format!("{path}.name_cases"),
                format!(
                    "`{}` is not a share of stays, so it has no stays to name",
                    t.indicator.key()
                ),
            );
        }
        if let IndicatorRef::WaitingDaysPercentile { percentile, .. } = &t.indicator {
            if !(1..=100).contains(percentile) {
                self.problem(
                    format!("{path}.indicator.percentile"),
                    format!("{percentile} is not a percentile from 1 to 100"),
                );
            }
            if t.dimension == Dimension::PerProvider {
                self.problem(
                    format!("{path}.dimension"),
                    "a waiting-days percentile is judged overall or per region, not per provider"
                        .to_owned(),
                );
            }
        }
        let rpath = format!("{path}.rule");
        let mut out = Vec::new();
        match &t.rule {
            Rule::Bound {
                bound,
                bounds,
                periods,
                valid_from,
                valid_until,
                ..
            } => {
                self.not_a_date_indicator(t, path);
                let from = valid_from.unwrap_or(start);
                let until = valid_until.unwrap_or(term.end());
                let window = Period::new(from, until).ok();
                match (bound, bounds.is_empty()) {
                    (Some(_), false) => {
                        self.problem(&rpath, "give either `bound` or `bounds`, not both")
                    }
                    (None, true) => self.problem(&rpath, "give `bound` or `bounds`"),
                    (Some(b), true) => {
                        let ps = match periods
                            .as_ref()
                            .unwrap_or(&Periods::Each(PeriodUnit::CalendarYear))
                        {
                            Periods::Each(unit) => match window {
                                Some(w) => w.split(*unit, start).unwrap_or_else(|e| {
                                    self.problem(format!("{rpath}.periods"), e.to_string());
                                    Vec::new()
                                }),
                                None => Vec::new(),
                            },
                            Periods::Window => window.into_iter().collect(),
                            Periods::List(list) => list
                                .iter()
                                .enumerate()
                                .filter_map(|(k, s)| match s.resolve(start) {
                                    Ok(p) => Some(p),
                                    Err(e) => {
                                        self.problem(
                                            format!("{rpath}.periods.list[{k}]"),
                                            e.to_string(),
                                        );
                                        None
                                    }
                                })
                                .collect(),
                        };
                        out.extend(
                            ps.into_iter()
                                .map(|period| ScheduleItem::Bound { period, bound: *b }),
                        );
                    }
                    (None, false) => {
                        if periods.is_some() {
                            self.problem(
                                format!("{rpath}.periods"),
                                "`bounds` name their own periods; leave out `periods`",
                            );
                        }
                        for (k, pb) in bounds.iter().enumerate() {
                            match pb.period.resolve(start) {
                                Ok(period) => out.push(ScheduleItem::Bound {
                                    period,
                                    bound: pb.value,
                                }),
                                Err(e) => self
                                    .problem(format!("{rpath}.bounds[{k}].period"), e.to_string()),
                            }
                        }
                    }
                }
            }
            Rule::SteppedChange {
                convention,
                unit,
                baseline,
                steps,
                stated_total,
                ..
            } => {
                self.not_a_date_indicator(t, path);
                self.unit(t, *unit, Some(*convention), &rpath);
                self.baseline(doc, t, baseline, &rpath);
                if steps.is_empty() {
                    self.problem(
                        format!("{rpath}.steps"),
                        "a stepped change needs at least one step",
                    );
                }
                for (k, s) in steps.iter().enumerate() {
                    if s.change.into_inner() < Decimal::ZERO {
                        self.problem(
                            format!("{rpath}.steps[{k}].change"),
                            "a step is a magnitude; give the direction in `direction`",
                        );
                    }
                    match s.period.resolve(start) {
                        Ok(period) => out.push(ScheduleItem::Step { period, index: k }),
                        Err(e) => self.problem(format!("{rpath}.steps[{k}].period"), e.to_string()),
                    }
                }
                if let Some(st) = stated_total {
                    if st.value.into_inner() < Decimal::ZERO {
                        self.problem(
                            format!("{rpath}.stated_total.value"),
                            "a total is a magnitude",
                        );
                    }
                }
            }
            Rule::Milestone {
                unit,
                baseline,
                window_months,
                points,
                ..
            } => {
                self.not_a_date_indicator(t, path);
                self.unit(t, *unit, None, &rpath);
                self.baseline(doc, t, baseline, &rpath);
                let months = window_months.unwrap_or(12);
                if months == 0 {
                    self.problem(
                        format!("{rpath}.window_months"),
                        "the window must be at least one month",
                    );
                }
                if points.is_empty() {
                    self.problem(
                        format!("{rpath}.points"),
                        "a milestone needs at least one point",
                    );
                }
                for (k, p) in points.iter().enumerate() {
                    if p.change.into_inner() < Decimal::ZERO {
                        self.problem(
                            format!("{rpath}.points[{k}].change"),
                            "a change is a magnitude",
                        );
                    }
                    let from = p.by.checked_sub_months(Months::new(months.max(1)));
                    match from.map(|f| Period::new(f, p.by)) {
                        Some(Ok(period)) => out.push(ScheduleItem::Milestone { period, index: k }),
                        _ => self.problem(
                            format!("{rpath}.points[{k}].by"),
                            "the window does not fit in the calendar",
                        ),
                    }
                }
            }
            Rule::Deadline {
                deliverable,
                on_or_before,
            } => {
                match &t.indicator {
                    IndicatorRef::DeliveredOn { deliverable: d } if d == deliverable => {}
                    _ => self.problem(
                        format!("{path}.indicator"),
                        format!("a deadline judges `delivered_on` of `{deliverable}`"),
                    ),
                }
                if deliverable.trim().is_empty() {
                    self.problem(
                        format!("{rpath}.deliverable"),
                        "the deliverable has no name",
                    );
                }
                out.push(ScheduleItem::Deadline { due: *on_or_before });
            }
            Rule::Planned {
                deliverable,
                on,
                until,
                tolerance_days,
            } => {
                if until.is_some_and(|u| u < *on) {
                    self.problem(
                        format!("{rpath}.until"),
                        format!("the span ends before it starts on {on}"),
                    );
                }
                match &t.indicator {
                    IndicatorRef::DeliveredOn { deliverable: d } if d == deliverable => {}
                    _ => self.problem(
                        format!("{path}.indicator"),
                        format!("a planned step judges `delivered_on` of `{deliverable}`"),
                    ),
                }
                if deliverable.trim().is_empty() {
                    self.problem(format!("{rpath}.deliverable"), "the step has no name");
                }
                out.push(ScheduleItem::Planned {
                    on: *on,
                    until: until.unwrap_or(*on).max(*on),
                    tolerance_days: *tolerance_days,
                });
            }
            Rule::Reporting {
                every,
                due_days,
                valid_from,
                valid_until,
                ..
            } => {
                if !matches!(t.indicator, IndicatorRef::Report { .. }) {
                    self.problem(
                        format!("{path}.indicator"),
                        "a reporting duty judges a `report` indicator",
                    );
                }
                if t.dimension == Dimension::PerRegion {
                    self.problem(
                        format!("{path}.dimension"),
                        "a report is a provider's: judge a duty overall or per provider",
                    );
                }
                let from = valid_from.unwrap_or(start);
                let until = valid_until.unwrap_or(term.end());
                match Period::new(from, until).and_then(|w| w.split(*every, start)) {
                    Ok(periods) => {
                        for period in periods {
                            match period
                                .last_day()
                                .checked_add_days(chrono::Days::new(u64::from(*due_days)))
                            {
                                Some(due) => out.push(ScheduleItem::Report { period, due }),
                                None => self.problem(
                                    format!("{rpath}.due_days"),
                                    "the due date does not fit in the calendar",
                                ),
                            }
                        }
                    }
                    Err(e) => self.problem(format!("{rpath}.every"), e.to_string()),
                }
            }
        }
        if let IndicatorRef::Report { .. } = &t.indicator {
            if !matches!(t.rule, Rule::Reporting { .. }) {
                self.problem(
                    format!("{path}.rule"),
                    "a `report` indicator is judged with a `reporting` rule",
                );
            }
        }
        if let IndicatorRef::Measured {
            unit,
            scale: Some(scale),
            ..
        } = &t.indicator
        {
            if *unit != Some(crate::model::MetricUnit::Score) {
                self.problem(
                    format!("{path}.indicator.scale"),
                    "a scale belongs to a metric with unit `score`",
                );
            }
            if let Rule::Bound { bound, bounds, .. } = &t.rule {
                let values = bound.iter().chain(bounds.iter().map(|b| &b.value));
                for v in values {
                    if *v < Decimal::ZERO || v > scale {
                        self.problem(
                            rpath.clone(),
                            format!("the bound {v} is not on the scale 0 to {scale}"),
                        );
                    }
                }
            }
        }
        if let Rule::Bound {
            cumulative: true, ..
        } = &t.rule
        {
            if t.indicator.is_rate()
                || !matches!(
                    t.indicator,
                    IndicatorRef::Inflow
                        | IndicatorRef::Outflow
                        | IndicatorRef::SuccessfulOutflow
                        | IndicatorRef::BridgingDays
                        | IndicatorRef::Measured { .. }
                        | IndicatorRef::Custom { .. }
                )
            {
                self.problem(
                    format!("{rpath}.cumulative"),
                    format!(
                        "running totals need an indicator that adds up over periods, not `{}`",
                        t.indicator.key()
                    ),
                );
            }
        }
        out
    }

    pub(super) fn not_a_date_indicator(&mut self, t: &Target, path: &str) {
        if matches!(t.indicator, IndicatorRef::DeliveredOn { .. }) {
            self.problem(
                format!("{path}.indicator"),
                "`delivered_on` is a date; judge it with a `deadline` rule",
            );
        }
    }

    pub(super) fn unit(
        &mut self,
        t: &Target,
        unit: Option<StepUnit>,
        convention: Option<Convention>,
        rpath: &str,
    ) {
        if unit == Some(StepUnit::PercentagePoints) {
            if !t.indicator.is_rate() {
                self.problem(
                    format!("{rpath}.unit"),
                    format!(
                        "percentage points apply to rates; `{}` is not a rate",
                        t.indicator.key()
                    ),
                );
            }
            if convention == Some(Convention::Compound) {
                self.problem(
                    format!("{rpath}.unit"),
                    "percentage points add up; they cannot be compounded",
                );
            }
        }
    }

    pub(super) fn baseline(&mut self, doc: &ContractDoc, t: &Target, b: &Baseline, rpath: &str) {
        match b {
            Baseline::Declared { values, .. } => {
                let allowed: BTreeSet<String> =
                    dimension_values(doc, t.dimension).into_iter().collect();
                for key in values.keys() {
                    if !allowed.contains(key) {
                        self.problem(
                            format!("{rpath}.baseline.values.{key}"),
                            format!("`{key}` is not a value of the dimension (expected one of: {})", join(&allowed)),
                        );
                    }
                }
                for (key, v) in values {
                    if *v < Decimal::ZERO {
                        self.problem(format!("{rpath}.baseline.values.{key}"), "a baseline cannot be negative");
                    }
                }
            }
            Baseline::Computed { period } => match period {
                Some(p) => {
                    if let Err(e) = p.resolve(doc.start) {
                        self.problem(format!("{rpath}.baseline.period"), e.to_string());
                    }
                }
                None if doc.baseline_period.is_none() => self.problem(
                    format!("{rpath}.baseline"),
                    "a computed baseline needs a period here or in the contract's `baseline_period`",
                ),
                None => {}
            },
        }
    }
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
