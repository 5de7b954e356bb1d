//! Results on one indicator and dimension whose requirements cannot both hold: bounds
//! that leave no value over overlapping periods, and a fall against a rise. A sweep over
//! the periods' starts, n log n in the scheduled periods rather than in pairs.

use super::*;

impl Linter<'_> {
    /// Results on the same indicator and dimension whose requirements cannot both hold.
    /// Each result is reported at most once, against the first result (in document
    /// order) it contradicts that the check meets; the check takes time in proportion to
    /// n log n over the results' scheduled periods, not to the number of pairs.
    pub(super) fn contradictions(&mut self, targets: &[(String, &Target)]) {
        let mut groups: std::collections::BTreeMap<(String, String), Vec<usize>> =
            std::collections::BTreeMap::new();
        for (i, (_, t)) in targets.iter().enumerate() {
            let key = (t.indicator.key(), format!("{:?}", t.dimension));
            groups.entry(key).or_default().push(i);
        }
        let mut found: std::collections::BTreeMap<usize, (usize, (String, String))> =
            std::collections::BTreeMap::new();
        for members in groups.values() {
            self.bounds_contradict(targets, members, &mut found);
            self.directions_contradict(targets, members, &mut found);
        }
        for (b, (a, (msg, bericht))) in found {
            let ((pa, ta), (pb, tb)) = (&targets[a], &targets[b]);
            self.push(
                "contradicting_targets",
                Severity::Error,
                format!("{pb}.rule"),
                format!(
                    "result `{}` contradicts result `{}` ({pa}): {msg}",
                    tb.id, ta.id
                ),
                format!(
                    "resultaat `{}` spreekt resultaat `{}` tegen ({pa}): {bericht}",
                    tb.id, ta.id
                ),
            );
        }
    }

    /// Records that the later of `x` and `y` (in document order) contradicts the earlier,
    /// unless it was found to contradict an earlier one already.
    pub(super) fn note(
        found: &mut std::collections::BTreeMap<usize, (usize, (String, String))>,
        x: usize,
        y: usize,
        msg: (String, String),
    ) {
        let (a, b) = (x.min(y), x.max(y));
        let e = found.entry(b).or_insert((a, msg.clone()));
        if a < e.0 {
            *e = (a, msg);
        }
    }

    /// Upper and lower bounds over overlapping periods that leave no value: a sweep over
    /// the periods' starts, keeping the lowest active upper bound and the highest active
    /// lower bound.
    pub(super) fn bounds_contradict(
        &self,
        targets: &[(String, &Target)],
        members: &[usize],
        found: &mut std::collections::BTreeMap<usize, (usize, (String, String))>,
    ) {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        // (start, end, upper?, bound, strict, target)
        let mut items: Vec<(
            chrono::NaiveDate,
            chrono::NaiveDate,
            bool,
            rust_decimal::Decimal,
            bool,
            usize,
            BoundOp,
        )> = Vec::new();
        for &i in members {
            let Rule::Bound { op, .. } = &targets[i].1.rule else {
                continue;
            };
            for item in self.c.schedule(&targets[i].1.id) {
                if let ScheduleItem::Bound { period, bound } = item {
                    let strict = matches!(op, BoundOp::Below | BoundOp::Above);
                    items.push((
                        period.start(),
                        period.end(),
                        op.is_upper(),
                        *bound,
                        strict,
                        i,
                        *op,
                    ));
                }
            }
        }
        if !items.iter().any(|x| x.2) || !items.iter().any(|x| !x.2) {
            return;
        }
        items.sort_by_key(|a| (a.0, a.5));
        // Lowest upper bound first (a strict one before an inclusive one at the same
        // value); highest lower bound first, likewise.
        let mut uppers: BinaryHeap<(Reverse<rust_decimal::Decimal>, bool, Reverse<usize>, usize)> =
            BinaryHeap::new();
        let mut lowers: BinaryHeap<(rust_decimal::Decimal, bool, Reverse<usize>, usize)> =
            BinaryHeap::new();
        for (k, it) in items.iter().enumerate() {
            let (start, _, upper, bound, strict, i, op) = *it;
            while uppers.peek().is_some_and(|u| items[u.3].1 <= start) {
                uppers.pop();
            }
            while lowers.peek().is_some_and(|l| items[l.3].1 <= start) {
                lowers.pop();
            }
            let clash = |u: rust_decimal::Decimal, us: bool, l: rust_decimal::Decimal, ls: bool| {
                l > u || ((us || ls) && l == u)
            };
            let other = if upper {
                lowers
                    .peek()
                    .filter(|l| clash(bound, strict, l.0, l.1))
                    .map(|l| l.3)
            } else {
                uppers
                    .peek()
                    .filter(|u| clash(u.0.0, u.1, bound, strict))
                    .map(|u| u.3)
            };
            if let Some(o) = other {
                let (s2, e2, _, b2, _, j, op2) = items[o];
                let p1 = Period::new(start, it.1).ok();
                let p2 = Period::new(s2, e2).ok();
                let overlap = match (p1, p2) {
                    (Some(x), Some(y)) => x.intersect(&y).unwrap_or(x).to_string(),
                    _ => start.to_string(),
                };
                let ((uop, up), (lop, low)) = if upper {
                    ((op, bound), (op2, b2))
                } else {
                    ((op2, b2), (op, bound))
                };
                if i != j {
                    Self::note(
                        found,
                        i,
                        j,
                        (
                            format!(
                                "in {overlap} the value must be {} {} and {} {}",
                                uop.symbol(),
                                up.normalize(),
                                lop.symbol(),
                                low.normalize()
                            ),
                            format!(
                                "in {} moet de waarde {} {} en {} {} zijn",
                                overlap.replace(" to ", " t/m "),
                                uop.symbol(),
                                up.normalize().to_string().replace('.', ","),
                                lop.symbol(),
                                low.normalize().to_string().replace('.', ",")
                            ),
                        ),
                    );
                }
            }
            if upper {
                uppers.push((Reverse(bound), strict, Reverse(i), k));
            } else {
                lowers.push((bound, strict, Reverse(i), k));
            }
        }
    }

    /// A fall and a rise against the baseline required over overlapping periods.
    pub(super) fn directions_contradict(
        &self,
        targets: &[(String, &Target)],
        members: &[usize],
        found: &mut std::collections::BTreeMap<usize, (usize, (String, String))>,
    ) {
        // (start, end, fall?, target), swept by start with the latest-ending period of
        // each direction kept.
        let mut items: Vec<(chrono::NaiveDate, chrono::NaiveDate, bool, usize)> = Vec::new();
        for &i in members {
            let fall = match &targets[i].1.rule {
                Rule::SteppedChange { direction, .. } | Rule::Milestone { direction, .. } => {
                    *direction == crate::change::Direction::Decrease
                }
                _ => continue,
            };
            for p in self
                .c
                .schedule(&targets[i].1.id)
                .iter()
                .filter_map(ScheduleItem::period)
            {
                items.push((p.start(), p.end(), fall, i));
            }
        }
        items.sort();
        let mut latest: [Option<(chrono::NaiveDate, chrono::NaiveDate, usize)>; 2] = [None, None];
        for &(start, end, fall, i) in &items {
            if let Some((s2, e2, j)) = latest[usize::from(!fall)] {
                if e2 > start && j != i {
                    let overlap = match (Period::new(start, end), Period::new(s2, e2)) {
                        (Ok(x), Ok(y)) => x.intersect(&y).unwrap_or(x).to_string(),
                        _ => start.to_string(),
                    };
                    Self::note(
                        found,
                        i,
                        j,
                        (
                            format!(
                                "one requires a fall and the other a rise against the baseline, both in {overlap}"
                            ),
                            format!(
                                "de een vraagt een daling en de ander een stijging t.o.v. het peiljaar, beide in {}",
                                overlap.replace(" to ", " t/m ")
                            ),
                        ),
                    );
                }
            }
            let slot = &mut latest[usize::from(fall)];
            if slot.is_none_or(|(_, e, _)| end > e) {
                *slot = Some((start, end, i));
            }
        }
    }
}
