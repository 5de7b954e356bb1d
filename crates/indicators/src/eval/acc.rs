//! Accumulators: what a pass adds up per leaf, period and region, the values they give and the range a maturing cohort can still take.

use super::*;

/// Accumulator of one leaf indicator over one period and region slot.
///
/// `n`, `hits`, `sum` and the decimal sums are the value as of the date. The `sure_*`
/// and `maybe*` fields describe, for a complete period of a leaf that matures with its
/// cohort, what is settled and what open stays can still change: how far the value can
/// move before every stay of the cohort has ended.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Acc {
    pub(crate) n: u64,
    pub(crate) hits: u64,
    pub(crate) sum: i64,
    /// Positive and negative event values summed apart, so that whether the sum fits
    /// does not depend on the order of the events; `overflow` when one does not fit.
    pos: Decimal,
    neg: Decimal,
    overflow: bool,
    /// Open stays whose part in the value is not settled.
    pub(crate) open: u64,
    /// Stays selected for good, and of those the settled hits and their days so far.
    sure_n: u64,
    sure_hits: u64,
    sure_sum: i64,
    /// Stays selected for good whose hit is not settled.
    hit_open: u64,
    /// Open stays that may or may not end up selected, and of those the ones that can
    /// end up a hit and a miss.
    maybe: u64,
    maybe_hit: u64,
    maybe_miss: u64,
}

impl Acc {
    /// Adds a stay. `settle`: the period is complete and the leaf matures with its
    /// cohort, so an open stay's unsettled part is tracked.
    pub(crate) fn add_stay(&mut self, leaf: &Leaf<'_>, f: &StayFacts, settle: bool) {
        let field = match &leaf.def.measure {
            Measure::Sum { field } | Measure::Mean { field } => Some(*field),
            _ => None,
        };
        let days = |field: Field| match field {
            Field::NetStayDays => f.net,
            Field::LengthDays => f.length,
            Field::BridgingDays => f.bridging,
            Field::WaitingDays => f.waiting.unwrap_or(0),
            Field::Value => 0,
        };
        // A measure of waiting days leaves out stays that waited for no referral.
        let unmeasured = field == Some(Field::WaitingDays) && f.waiting.is_none();
        let judge = |track: bool| {
            let selected = if unmeasured {
                Tri::No
            } else {
                leaf.filter.as_ref().map_or(Tri::Yes, |c| c.stay3(f, track))
            };
            let hit = match &leaf.def.measure {
                Measure::Share { .. } => leaf.share.as_ref().map_or(Tri::No, |c| c.stay3(f, track)),
                _ => Tri::No,
            };
            (selected, hit)
        };
        // The value as of the date.
        let (selected, hit) = judge(false);
        if selected == Tri::Yes {
            self.n += 1;
            if hit == Tri::Yes {
                self.hits += 1;
            }
            if let Some(field) = field {
                self.sum += days(field);
            }
        }
        // What is settled: only for a leaf whose range is wanted (a maturing cohort over
        // a complete period); everything else needs only the value.
        if !settle {
            return;
        }
        let track = f.open();
        let (selected, hit) = if track { judge(true) } else { (selected, hit) };
        match selected {
            Tri::No => return,
            Tri::Open => {
                self.maybe += 1;
                if hit != Tri::No {
                    self.maybe_hit += 1;
                }
                if hit != Tri::Yes {
                    self.maybe_miss += 1;
                }
            }
            Tri::Yes => {
                self.sure_n += 1;
                match hit {
                    Tri::Yes => self.sure_hits += 1,
                    Tri::Open => self.hit_open += 1,
                    Tri::No => {}
                }
                if let Some(field) = field {
                    self.sure_sum += days(field);
                }
            }
        }
        let grows = track && field.is_some_and(|f| !matches!(f, Field::Value | Field::WaitingDays));
        if selected == Tri::Open || hit == Tri::Open || grows {
            self.open += 1;
        }
    }

    pub(crate) fn add_event(&mut self, leaf: &Leaf<'_>, e: &EventFacts) {
        match &leaf.def.measure {
            Measure::Sum { .. } | Measure::Mean { .. } => {
                if let Some(v) = e.value {
                    self.n += 1;
                    let side = if v.is_sign_negative() {
                        &mut self.neg
                    } else {
                        &mut self.pos
                    };
                    match side.checked_add(v) {
                        Some(x) => *side = x,
                        None => self.overflow = true,
                    }
                }
            }
            Measure::Share { .. } => {
                self.n += 1;
                if leaf.share.as_ref().is_some_and(|c| c.event(e)) {
                    self.hits += 1;
                }
            }
            _ => self.n += 1,
        }
    }

    /// `self + plus - minus`, field by field: the accumulator of a set of stays and
    /// events after the part `minus` describes is replaced by the part `plus` describes.
    /// `minus` is always a part of `self`, so nothing goes below zero.
    pub(crate) fn merge(&mut self, plus: &Acc, minus: &Acc) {
        let m = |a: u64, p: u64, n: u64| (a + p).saturating_sub(n);
        self.n = m(self.n, plus.n, minus.n);
        self.hits = m(self.hits, plus.hits, minus.hits);
        self.sum = self.sum + plus.sum - minus.sum;
        self.open = m(self.open, plus.open, minus.open);
        self.sure_n = m(self.sure_n, plus.sure_n, minus.sure_n);
        self.sure_hits = m(self.sure_hits, plus.sure_hits, minus.sure_hits);
        self.sure_sum = self.sure_sum + plus.sure_sum - minus.sure_sum;
        self.hit_open = m(self.hit_open, plus.hit_open, minus.hit_open);
        self.maybe = m(self.maybe, plus.maybe, minus.maybe);
        self.maybe_hit = m(self.maybe_hit, plus.maybe_hit, minus.maybe_hit);
        self.maybe_miss = m(self.maybe_miss, plus.maybe_miss, minus.maybe_miss);
        // Values are summed exactly; a part that overflowed leaves the whole overflowed.
        let mut side = |a: &mut Decimal, p: Decimal, n: Decimal| match a
            .checked_add(p)
            .and_then(|x| x.checked_sub(n))
        {
            Some(x) => *a = x,
            None => self.overflow = true,
        };
        side(&mut self.pos, plus.pos, minus.pos);
        side(&mut self.neg, plus.neg, minus.neg);
        self.overflow |= plus.overflow || minus.overflow;
    }

    /// The exact sum of event values, `None` when it does not fit in a decimal.
    pub(super) fn sum_dec(&self) -> Option<Decimal> {
        if self.overflow {
            return None;
        }
        self.pos.checked_add(self.neg)
    }

    /// Whether the value can still change as the cohort's open stays end.
    pub(crate) fn unsettled(&self) -> bool {
        self.open > 0
    }
}

/// The value of a leaf from its accumulator.
pub(crate) fn value_of(def: &CustomIndicator, acc: &Acc) -> Value {
    let zero = Value::None {
        reason: NoValue::ZeroDenominator,
    };
    let events = def.over == Over::Events;
    let sum = || {
        if events {
            acc.sum_dec()
        } else {
            Some(Decimal::from(acc.sum))
        }
    };
    let overflow = Value::None {
        reason: NoValue::Overflow,
    };
    match &def.measure {
        Measure::Count => Value::Count { value: acc.n },
        Measure::Sum { .. } if events => match acc.sum_dec() {
            Some(value) => Value::Amount { value },
            None => overflow,
        },
        Measure::Sum { .. } => Value::Days { value: acc.sum },
        Measure::Mean { .. } if acc.n == 0 => zero,
        Measure::Mean { .. } => match sum() {
            Some(sum) => Value::Mean { sum, count: acc.n },
            None => overflow,
        },
        Measure::Share { .. } if acc.n == 0 => zero,
        Measure::Share { .. } => Value::Share {
            numerator: acc.hits,
            denominator: acc.n,
        },
        Measure::Ratio { .. } => zero,
    }
}

/// The range a leaf's value can still take while the open stays of its cohort end:
/// `(low, high)`, `None` on a side that has no bound (or no value). Only for a leaf
/// whose accumulator is [`Acc::unsettled`].
pub(crate) fn range_of(def: &CustomIndicator, acc: &Acc) -> (Option<Value>, Option<Value>) {
    match &def.measure {
        Measure::Count => (
            Some(Value::Count { value: acc.sure_n }),
            Some(Value::Count {
                value: acc.sure_n + acc.maybe,
            }),
        ),
        // Lowest: every unsettled selected stay a miss, every stay that may join does so
        // as a miss. Highest: every one that can be a hit is one, joining where it may.
        Measure::Share { .. } => {
            let low_d = acc.sure_n + acc.maybe_miss;
            let high_d = acc.sure_n + acc.maybe_hit;
            (
                (low_d > 0).then_some(Value::Share {
                    numerator: acc.sure_hits,
                    denominator: low_d,
                }),
                (high_d > 0).then_some(Value::Share {
                    numerator: acc.sure_hits + acc.hit_open + acc.maybe_hit,
                    denominator: high_d,
                }),
            )
        }
        // Days of an open stay only grow, and a stay that may join adds its days.
        Measure::Sum { .. } => (
            Some(Value::Days {
                value: acc.sure_sum,
            }),
            None,
        ),
        _ => (None, None),
    }
}

/// The leaves of a definition (ratios opened up), each once.
pub(crate) fn collect_leaves<'d>(def: &'d CustomIndicator, out: &mut Vec<&'d CustomIndicator>) {
    match &def.measure {
        Measure::Ratio {
            numerator,
            denominator,
        } => {
            collect_leaves(numerator, out);
            collect_leaves(denominator, out);
        }
        _ => {
            if !out.contains(&def) {
                out.push(def);
            }
        }
    }
}

/// A definition's value and, when it can still change with its cohort, its range, from
/// the values and ranges of its leaves.
pub(crate) fn combine(
    def: &CustomIndicator,
    leaf: &mut dyn FnMut(&CustomIndicator) -> (Value, Range),
) -> (Value, Option<Maturing>) {
    let (value, range) = combine_inner(def, leaf);
    let maturing = range.map(|(open, low, high)| Maturing { open, low, high });
    (value, maturing)
}

/// A leaf's unsettled part: the open stays, and the lowest and highest value still
/// possible; `None` when the leaf is settled.
pub(crate) type Range = Option<(u64, Option<Value>, Option<Value>)>;

pub(super) fn combine_inner(
    def: &CustomIndicator,
    leaf: &mut dyn FnMut(&CustomIndicator) -> (Value, Range),
) -> (Value, Range) {
    match &def.measure {
        Measure::Ratio {
            numerator,
            denominator,
        } => {
            let (n, nr) = combine_inner(numerator, leaf);
            let (d, dr) = combine_inner(denominator, leaf);
            let value = divide(&n, &d);
            if nr.is_none() && dr.is_none() {
                return (value, None);
            }
            // Both sides are never negative where a cohort is involved (counts and days),
            // so the quotient is lowest with the lowest numerator over the highest
            // denominator, and the other way round.
            let nonneg = |v: &Value| v.fraction().is_some_and(|(a, _)| !a.is_sign_negative());
            let (nopen, nlow, nhigh) = nr.unwrap_or((0, Some(n.clone()), Some(n.clone())));
            let (dopen, dlow, dhigh) = dr.unwrap_or((0, Some(d.clone()), Some(d.clone())));
            let bound = |a: &Option<Value>, b: &Option<Value>| match (a, b) {
                (Some(a), Some(b)) if nonneg(a) && nonneg(b) => {
                    Some(divide(a, b)).filter(|v| !v.is_none())
                }
                _ => None,
            };
            (
                value,
                Some((nopen + dopen, bound(&nlow, &dhigh), bound(&nhigh, &dlow))),
            )
        }
        _ => leaf(def),
    }
}

/// `n / d` exactly, with the first missing side's reason when either has no value.
pub(crate) fn divide(n: &Value, d: &Value) -> Value {
    let (Some((a, b)), Some((c, dd))) = (n.fraction(), d.fraction()) else {
        // The first missing side's reason.
        return [n, d]
            .into_iter()
            .find(|v| v.is_none())
            .cloned()
            .unwrap_or(Value::None {
                reason: NoValue::NoData,
            });
    };
    if c.is_zero() {
        return Value::None {
            reason: NoValue::ZeroDenominator,
        };
    }
    if let (Value::Count { value: x }, Value::Count { value: y }) = (n, d) {
        return Value::Share {
            numerator: *x,
            denominator: *y,
        };
    }
    // (a/b) / (c/dd) = (a·dd) / (b·c), with a positive denominator.
    match (a.checked_mul(dd), b.checked_mul(c)) {
        (Some(num), Some(den)) => {
            let (num, den) = if den < Decimal::ZERO {
                (-num, -den)
            } else {
                (num, den)
            };
            Value::Ratio {
                numerator: num,
                denominator: den,
            }
        }
        _ => Value::None {
            reason: NoValue::Overflow,
        },
    }
}
