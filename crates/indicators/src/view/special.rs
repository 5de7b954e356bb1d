//! The indicators that are not definitions as data: bridging days (which cut periods
//! inside a stay) and the tariff, delivery and measurement values.

use super::*;

impl<'a> View<'a> {
    /// Waiting days at a percentile (nearest rank) per period and region slot: the
    /// waiting days of the admissions in each period that took a referral of `urgency`
    /// (or any), sorted; the value at rank ⌈p·n/100⌉.
    pub(super) fn waiting_percentile(
        &self,
        periods: &[Span],
        known: &Known<'_>,
        percentile: u32,
        urgency: Option<crate::Urgency>,
    ) -> Vec<Vec<Value>> {
        let asof = known.asof;
        let crisis = urgency.map(|u| u == crate::Urgency::Crisis);
        let mut waits = vec![vec![Vec::<i64>::new(); self.regions.len() + 1]; periods.len()];
        for (stays, bridges) in self.engine.stays_of_clients(&known.overlay.clients) {
            for s in stays.iter().filter(|s| s.admitted <= asof) {
                let f = facts(s, bridges, asof);
                let Some(w) = f.waiting else { continue };
                if crisis.is_some_and(|c| c != f.crisis) {
                    continue;
                }
                let slot = self.slot(s.region);
                for (p, period) in periods.iter().enumerate() {
                    let (a, b) = period.days();
                    if a <= s.admitted && s.admitted < b {
                        waits[p][0].push(w);
                        if slot > 0 {
                            waits[p][slot].push(w);
                        }
                    }
                }
            }
        }
        let p = u64::from(percentile.clamp(1, 100));
        waits
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|mut w| {
                        if w.is_empty() {
                            return Value::None {
                                reason: NoValue::ZeroDenominator,
                            };
                        }
                        w.sort_unstable();
                        let rank = (p * w.len() as u64).div_ceil(100) as usize;
                        Value::Days {
                            value: w[rank.max(1) - 1],
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Bridging days per period and region slot, like [`View::leaves`]: from the days with
    /// every retraction applied, redoing only the clients a retraction not known yet
    /// touches.
    pub(super) fn bridging(&self, periods: &[Span], known: &Known<'_>) -> Vec<Vec<Value>> {
        let key = (periods.to_vec(), known.asof);
        let cached = self
            .base_bridging
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned());
        let base = match cached {
            Some(b) => b,
            None => {
                let zeros = || vec![vec![0i64; self.regions.len() + 1]; periods.len()];
                let mut days = zeros();
                self.over_clients(
                    &zeros,
                    &|mine, stays, bridges| {
                        self.add_bridging(mine, periods, known.asof, stays, bridges, 1);
                    },
                    &mut days,
                    &mut |all, part| {
                        for (row, part) in all.iter_mut().zip(part) {
                            for (d, p) in row.iter_mut().zip(part) {
                                *d += p;
                            }
                        }
                    },
                );
                let days = Arc::new(days);
                if let Ok(mut m) = self.base_bridging.lock() {
                    m.insert(key, days.clone());
                }
                days
            }
        };
        let mut days = (*base).clone();
        for (&c, d) in known.overlay.clients.iter() {
            let (stays, bridges) = self.engine.client_stays(c);
            self.add_bridging(&mut days, periods, known.asof, stays, bridges, -1);
            self.add_bridging(&mut days, periods, known.asof, &d.stays, &d.bridges, 1);
        }
        days.into_iter()
            .map(|row| row.into_iter().map(|value| Value::Days { value }).collect())
            .collect()
    }

    pub(super) fn add_bridging(
        &self,
        days: &mut [Vec<i64>],
        periods: &[Span],
        asof: i32,
        stays: &[Stay],
        bridges: &[(i32, i32)],
        sign: i64,
    ) {
        for s in stays {
            let slot = self.slot(s.region);
            let from = s.bridges_from as usize;
            for &(start, end) in &bridges[from..from + s.bridges_len as usize] {
                if start > asof {
                    continue;
                }
                let end = end.min(asof.saturating_add(1));
                for (p, period) in periods.iter().enumerate() {
                    let (a, b) = period.days();
                    let overlap = i64::from(end.min(b)) - i64::from(start.max(a));
                    if overlap > 0 {
                        days[p][0] += sign * overlap;
                        if slot > 0 {
                            days[p][slot] += sign * overlap;
                        }
                    }
                }
            }
        }
    }

    /// Tariffs, deliveries and measurements. `only_region`: evaluate for one region
    /// symbol (used for a region never seen) instead of every region.
    pub(super) fn special(
        &self,
        indicator: &Indicator,
        periods: &[Span],
        known: &Known<'_>,
        only_region: Option<Sym>,
    ) -> Vec<Vec<Value>> {
        let e = self.engine;
        let asof = known.asof;
        let slots = e.slots();
        let sym = |s: &Option<String>| s.as_ref().map(|s| e.find_string(s).unwrap_or(UNKNOWN));
        // (date, slot, facts) of every tariff, delivery and measurement known.
        let live: Vec<(i32, Sym, EventFacts)> = e
            .others
            .iter()
            .copied()
            .filter(|&s| e.is_live(s) && !known.withdrawn(s))
            .map(|s| {
                let r = slots.record(s);
                (r.date, s, self.other_facts(&r))
            })
            .filter(|(date, _, _)| *date <= asof)
            .collect();
        let width = if only_region.is_some() {
            1
        } else {
            self.regions.len() + 1
        };
        // Which region slots an event with `region` counts for: its own and overall, or
        // every slot when it has no region.
        let counts_for = |region: Sym, slot: usize| -> bool {
            if region == NONE || slot == 0 {
                return only_region.is_none() || region == NONE;
            }
            match only_region {
                Some(r) => r == region,
                None => self.regions[slot - 1].1 == region,
            }
        };
        let none = Value::None {
            reason: NoValue::NoData,
        };
        match indicator {
            Indicator::MaxTariff { unit, provider } => {
                let (unit, provider) = (sym(unit), sym(provider));
                let mut groups: BTreeMap<(Sym, Sym), Vec<(i32, Decimal)>> = BTreeMap::new();
                for (date, _, f) in live.iter().filter(|(_, _, f)| f.kind == Kind::Tariff) {
                    if unit.is_some_and(|u| u != f.unit)
                        || provider.is_some_and(|p| p != f.provider)
                    {
                        continue;
                    }
                    if let Some(amount) = f.value {
                        groups
                            .entry((f.provider, f.unit))
                            .or_default()
                            .push((*date, amount));
                    }
                }
                // Each tariff is in force from its date until the next later date in its group.
                let mut spans: Vec<(i32, i32, Decimal)> = Vec::new();
                for list in groups.values_mut() {
                    list.sort();
                    for (i, (d, amount)) in list.iter().enumerate() {
                        let next = list[i..]
                            .iter()
                            .map(|(x, _)| *x)
                            .find(|x| x > d)
                            .unwrap_or(NEVER);
                        spans.push((*d, next, *amount));
                    }
                }
                periods
                    .iter()
                    .map(|p| {
                        let (a, b) = p.days();
                        let best = spans
                            .iter()
                            .filter(|(from, until, _)| *from < b && *until > a && *from <= asof)
                            .map(|(_, _, amount)| *amount)
                            .max();
                        let v = best.map_or(none.clone(), |value| Value::Amount { value });
                        vec![v; width]
                    })
                    .collect()
            }
            Indicator::DeliveredOn {
                deliverable,
                provider,
            } => {
                let name = e.find_string(deliverable).unwrap_or(UNKNOWN);
                let provider = sym(provider);
                let row: Vec<Value> = (0..width)
                    .map(|slot| {
                        live.iter()
                            .filter(|(_, _, f)| {
                                f.kind == Kind::Deliverable
                                    && f.name == name
                                    && provider.is_none_or(|p| p == f.provider)
                            })
                            .filter(|(_, _, f)| counts_for(f.region, slot))
                            .map(|(date, _, _)| *date)
                            .min()
                            .map_or(none.clone(), |d| Value::Date {
                                value: from_day_number(d),
                            })
                    })
                    .collect();
                vec![row; periods.len()]
            }
            Indicator::Measured { metric, provider } => {
                let metric = e.find_string(metric).unwrap_or(UNKNOWN);
                let provider = sym(provider);
                let ms: Vec<&(i32, Sym, EventFacts)> = live
                    .iter()
                    .filter(|(_, _, f)| f.kind == Kind::Measurement && f.metric == metric)
                    .filter(|(_, _, f)| provider.is_none_or(|p| p == f.provider))
                    .collect();
                periods
                    .iter()
                    .map(|p| {
                        let (a, b) = p.days();
                        (0..width)
                            .map(|slot| {
                                ms.iter()
                                    .filter(|(date, _, f)| {
                                        a <= *date && *date < b && counts_for(f.region, slot)
                                    })
                                    // The latest date; on a tie the greatest event id.
                                    .max_by(|(x, xs, _), (y, ys, _)| {
                                        x.cmp(y).then_with(|| slots.id(*xs).cmp(slots.id(*ys)))
                                    })
                                    .and_then(|(_, _, f)| f.value)
                                    .map_or(none.clone(), |value| Value::Amount { value })
                            })
                            .collect()
                    })
                    .collect()
            }
            _ => vec![vec![none; width]; periods.len()],
        }
    }
}
