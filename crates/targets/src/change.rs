//! Stepped changes against a baseline: conventions, units, required levels and totals.
//!
//! A stepped change says "falls at least r1 in the first period, r2 in the second, …".
//! Three conventions turn the steps into a required level after step k:
//!
//! | convention | required level after step k (decrease) |
//! |---|---|
//! | [`Convention::Compound`] | `baseline × (1 − r1) × … × (1 − rk)` |
//! | [`Convention::Additive`] | `baseline × (1 − (r1 + … + rk))` |
//! | [`Convention::YearOverYear`] | `actual(k−1) × (1 − rk)`, with `actual(0)` the baseline |
//!
//! For an increase the signs flip. For an indicator that is itself a rate the steps may
//! be in [`StepUnit::PercentagePoints`]: then `baseline − (p1 + … + pk)` (additive) or
//! `actual(k−1) − pk` (year over year); compounding percentage points has no meaning and
//! is refused.
//!
//! # Example: "5 % in year one and 5 % in year two", three readings
//!
//! ```
//! use targets::change::{total_change, Convention, Direction, StepUnit};
//! use targets::num::Percent;
//!
//! let steps = [Percent::from_int(5), Percent::from_int(5)];
//! let total = |c| total_change(Direction::Decrease, c, StepUnit::Relative, &steps);
//! assert_eq!(total(Convention::Compound)?.to_string(), "9.75 %");
//! assert_eq!(total(Convention::Additive)?.to_string(), "10 %");
//! // The contract says 9.25 %: it matches neither reading.
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::num::{ArithmeticError, Percent, Ratio, exact_add, exact_mul, exact_sub};

/// Whether the indicator must fall or rise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The indicator must fall by at least the step.
    Decrease,
    /// The indicator must rise by at least the step.
    Increase,
}

impl Direction {
    fn sign(self) -> Decimal {
        match self {
            Direction::Decrease => Decimal::NEGATIVE_ONE,
            Direction::Increase => Decimal::ONE,
        }
    }
}

/// How consecutive steps combine. See the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Convention {
    /// Each step applies to the level required after the previous step.
    Compound,
    /// The steps add up and apply to the baseline.
    Additive,
    /// Each step applies to the realised value of the previous period.
    YearOverYear,
}

impl fmt::Display for Convention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Convention::Compound => "compound",
            Convention::Additive => "additive",
            Convention::YearOverYear => "year over year",
        })
    }
}

/// The unit of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepUnit {
    /// A percentage of the value: a 5 % fall of 20 % is 19 %.
    Relative,
    /// Percentage points of a rate: a 5-point fall of 20 % is 15 %.
    PercentagePoints,
}

/// The factor after `steps` under a relative convention: `Π(1 ∓ ri)` (compound and
/// year over year, where it is the factor if every year is met exactly) or `1 ∓ Σ ri`
/// (additive).
///
/// # Errors
///
/// [`Error::Arithmetic`] when the exact factor does not fit in a decimal.
///
/// # Example
///
/// ```
/// use rust_decimal::Decimal;
/// use targets::change::{cumulative_factor, Convention, Direction};
/// use targets::num::Percent;
///
/// let steps = [Percent::from_int(5), Percent::from_int(10)];
/// assert_eq!(cumulative_factor(Direction::Decrease, Convention::Compound, &steps)?, Decimal::new(855, 3));
/// assert_eq!(cumulative_factor(Direction::Decrease, Convention::Additive, &steps)?, Decimal::new(85, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cumulative_factor(
    direction: Direction,
    convention: Convention,
    steps: &[Percent],
) -> Result<Decimal, Error> {
    let sign = direction.sign();
    match convention {
        Convention::Additive => {
            let mut sum = Decimal::ZERO;
            for s in steps {
                sum = exact_add(sum, s.fraction())?;
            }
            Ok(exact_add(Decimal::ONE, exact_mul(sign, sum)?)?)
        }
        Convention::Compound | Convention::YearOverYear => {
            let mut factor = Decimal::ONE;
            for s in steps {
                let f = exact_add(Decimal::ONE, exact_mul(sign, s.fraction())?)?;
                factor = exact_mul(factor, f)?;
            }
            Ok(factor)
        }
    }
}

/// The total change the steps imply, as a percentage of the baseline (relative) or in
/// percentage points, always as a non-negative magnitude for steps that move in the
/// required direction.
///
/// For [`Convention::YearOverYear`] the total is the compound one: the change reached
/// when every period meets its step exactly.
///
/// # Errors
///
/// [`Error::ConventionNotApplicable`] for compound percentage points, and
/// [`Error::Arithmetic`] when the exact total does not fit.
pub fn total_change(
    direction: Direction,
    convention: Convention,
    unit: StepUnit,
    steps: &[Percent],
) -> Result<Percent, Error> {
    match unit {
        StepUnit::Relative => {
            let factor = cumulative_factor(direction, convention, steps)?;
            let change = match direction {
                Direction::Decrease => exact_sub(Decimal::ONE, factor)?,
                Direction::Increase => exact_sub(factor, Decimal::ONE)?,
            };
            Ok(Percent::try_from_fraction(change)?)
        }
        StepUnit::PercentagePoints => {
            if convention == Convention::Compound {
                return Err(Error::ConventionNotApplicable {
                    reason: "percentage points add up; they cannot be compounded".to_owned(),
                });
            }
            let mut sum = Decimal::ZERO;
            for s in steps {
                sum = exact_add(sum, s.into_inner())?;
            }
            Ok(Percent::try_new(sum)?)
        }
    }
}

/// The level required after the last of `steps`.
///
/// `baseline` and `previous_actual` are in the indicator's own unit (for rates: percent).
/// `previous_actual` is the realised value of the period before the last step; only
/// [`Convention::YearOverYear`] uses it, and for the first step it is the baseline.
///
/// # Errors
///
/// [`Error::ConventionNotApplicable`] for compound percentage points or a year-over-year
/// step after the first without `previous_actual`; [`Error::Arithmetic`] when the level
/// cannot be computed exactly.
///
/// # Example: the mean stay of a region with baseline 95.0 days
///
/// ```
/// use rust_decimal::Decimal;
/// use targets::change::{required_level, Convention, Direction, StepUnit};
/// use targets::num::{Percent, Ratio};
///
/// let base = Ratio::from_decimal(Decimal::new(950, 1));
/// let steps = [Percent::from_int(5), Percent::from_int(5)];
/// let level = required_level(base, Direction::Decrease, Convention::Compound, StepUnit::Relative, &steps, None)?;
/// assert_eq!(level.to_exact_decimal(), Some(Decimal::new(857375, 4))); // 85.7375
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn required_level(
    baseline: Ratio,
    direction: Direction,
    convention: Convention,
    unit: StepUnit,
    steps: &[Percent],
    previous_actual: Option<Ratio>,
) -> Result<Ratio, Error> {
    let Some(last) = steps.last() else {
        return Ok(baseline);
    };
    let sign = direction.sign();
    let start = || -> Result<Ratio, Error> {
        if steps.len() == 1 {
            Ok(previous_actual.unwrap_or(baseline))
        } else {
            previous_actual.ok_or_else(|| Error::ConventionNotApplicable {
                reason: "a year-over-year step needs the realised value of the previous period"
                    .to_owned(),
            })
        }
    };
    match (unit, convention) {
        (StepUnit::Relative, Convention::YearOverYear) => {
            let f = exact_add(Decimal::ONE, exact_mul(sign, last.fraction())?)?;
            Ok(start()?.mul_decimal(f)?)
        }
        (StepUnit::Relative, c) => {
            Ok(baseline.mul_decimal(cumulative_factor(direction, c, steps)?)?)
        }
        (StepUnit::PercentagePoints, Convention::Compound) => Err(Error::ConventionNotApplicable {
            reason: "percentage points add up; they cannot be compounded".to_owned(),
        }),
        (StepUnit::PercentagePoints, Convention::Additive) => {
            let total = total_change(direction, convention, unit, steps)?;
            Ok(baseline.add_decimal(exact_mul(sign, total.into_inner())?)?)
        }
        (StepUnit::PercentagePoints, Convention::YearOverYear) => {
            Ok(start()?.add_decimal(exact_mul(sign, last.into_inner())?)?)
        }
    }
}

/// The totals of a list of steps under each convention, as the lint reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepTotals {
    /// The compound total (also the year-over-year total); `None` for percentage points.
    pub compound: Option<Percent>,
    /// The additive total.
    pub additive: Percent,
}

impl StepTotals {
    /// The totals of `steps`.
    ///
    /// # Example: the long-stay steps of the Jeugdzorgplus contract
    ///
    /// ```
    /// use targets::change::{Convention, Direction, StepTotals, StepUnit};
    /// use targets::num::Percent;
    ///
    /// let t = StepTotals::of(Direction::Decrease, StepUnit::Relative, &[Percent::from_int(5), Percent::from_int(10)])?;
    /// assert_eq!(t.under(Convention::Compound).map(|p| p.to_string()), Some("14.5 %".to_owned()));
    /// assert_eq!(t.under(Convention::Additive).map(|p| p.to_string()), Some("15 %".to_owned()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when a total does not fit.
    pub fn of(
        direction: Direction,
        unit: StepUnit,
        steps: &[Percent],
    ) -> Result<StepTotals, Error> {
        let compound = match unit {
            StepUnit::Relative => Some(total_change(direction, Convention::Compound, unit, steps)?),
            StepUnit::PercentagePoints => None,
        };
        Ok(StepTotals {
            compound,
            additive: total_change(direction, Convention::Additive, unit, steps)?,
        })
    }

    /// The total under `convention`.
    pub fn under(&self, convention: Convention) -> Option<Percent> {
        match convention {
            Convention::Additive => Some(self.additive),
            Convention::Compound => self.compound,
            // Year over year adds percentage points and compounds relative steps.
            Convention::YearOverYear => self.compound.or(Some(self.additive)),
        }
    }
}

/// The smallest equal step `r`, with `decimals` decimal places of a percent, that reaches
/// at least `total` when compounded over `n` periods.
///
/// Precision: the answer is exact on the grid of `10^-decimals` percent. It is the least
/// grid value whose compound total is `>= total`, so one grid step less falls short.
/// The search compares exact products, so it needs `n × (decimals + 2) <= 28`.
///
/// # Errors
///
/// [`Error::ConventionNotApplicable`] when `n` is 0 or `total` is not below 100 % for a
/// decrease; [`Error::Arithmetic`] when the products need more than 28 decimal places.
///
/// # Example: what equal yearly fall gives 9.25 % over two years?
///
/// ```
/// use targets::change::{equal_step_for_total, Direction};
/// use targets::num::Percent;
///
/// let r = equal_step_for_total(Direction::Decrease, "9.25".parse()?, 2, 4)?;
/// assert_eq!(r.to_string(), "4.7373 %"); // 1 − 0.952627² = 9.25018 %; 4.7372 % gives 9.24999 %
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn equal_step_for_total(
    direction: Direction,
    total: Percent,
    n: u32,
    decimals: u32,
) -> Result<Percent, Error> {
    if n == 0 {
        return Err(Error::ConventionNotApplicable {
            reason: "no periods to spread the total over".to_owned(),
        });
    }
    if total.into_inner() < Decimal::ZERO
        || (direction == Direction::Decrease && total.into_inner() >= Decimal::ONE_HUNDRED)
    {
        return Err(Error::ConventionNotApplicable {
            reason: format!("a total change of {total} cannot be reached by equal steps"),
        });
    }
    if (n as u64) * (decimals as u64 + 2) > 28 {
        return Err(Error::Arithmetic(ArithmeticError::Precision(
            "equal step search",
        )));
    }
    // k steps of the unit 10^-decimals, counted in u128: 100 % at 26 decimals is 10^28.
    let step = |k: u128| -> Result<Percent, Error> {
        let k = i128::try_from(k)
            .map_err(|_| Error::Arithmetic(ArithmeticError::Overflow("equal step search")))?;
        Ok(Percent::try_new(
            Decimal::try_from_i128_with_scale(k, decimals)
                .map_err(|_| Error::Arithmetic(ArithmeticError::Overflow("equal step search")))?,
        )?)
    };
    let reaches = |k: u128| -> Result<bool, Error> {
        let steps = vec![step(k)?; n as usize];
        Ok(total_change(direction, Convention::Compound, StepUnit::Relative, &steps)? >= total)
    };
    // One step of the full total always reaches it (for n >= 1): search [0, hi].
    let scale =
        10u128
            .checked_pow(decimals)
            .ok_or(Error::Arithmetic(ArithmeticError::Overflow(
                "equal step search",
            )))?;
    let mut hi: u128 = exact_mul(
        total.into_inner().ceil(),
        Decimal::from_i128_with_scale(scale as i128, 0),
    )?
    .try_into()
    .map_err(|_| Error::Arithmetic(ArithmeticError::Overflow("equal step search")))?;
    let mut lo: u128 = 0;
    if reaches(lo)? {
        return Ok(Percent::ZERO);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reaches(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    step(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Percent {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn seed_totals() {
        let t = StepTotals::of(Direction::Decrease, StepUnit::Relative, &[p("5"), p("10")])
            .expect("fits");
        assert_eq!(t.compound, Some(p("14.5")));
        assert_eq!(t.additive, p("15"));
        let t = StepTotals::of(Direction::Increase, StepUnit::Relative, &[p("5"), p("5")])
            .expect("fits");
        assert_eq!(t.compound, Some(p("10.25")));
        assert_eq!(t.additive, p("10"));
    }

    #[test]
    fn percentage_points() {
        let base = Ratio::from_decimal(Decimal::from(22));
        let lvl = required_level(
            base,
            Direction::Decrease,
            Convention::Additive,
            StepUnit::PercentagePoints,
            &[p("5"), p("10")],
            None,
        )
        .expect("valid");
        assert_eq!(lvl.to_exact_decimal(), Some(Decimal::from(7)));
        assert!(
            required_level(
                base,
                Direction::Decrease,
                Convention::Compound,
                StepUnit::PercentagePoints,
                &[p("5")],
                None
            )
            .is_err()
        );
    }

    #[test]
    fn year_over_year_uses_the_realised_previous_value() {
        let base = Ratio::from_decimal(Decimal::from(100));
        let prev = Ratio::from_decimal(Decimal::from(90));
        let lvl = required_level(
            base,
            Direction::Decrease,
            Convention::YearOverYear,
            StepUnit::Relative,
            &[p("5"), p("10")],
            Some(prev),
        )
        .expect("valid");
        assert_eq!(lvl.to_exact_decimal(), Some(Decimal::from(81)));
        // Without the realised value the second step has no level.
        assert!(
            required_level(
                base,
                Direction::Decrease,
                Convention::YearOverYear,
                StepUnit::Relative,
                &[p("5"), p("10")],
                None
            )
            .is_err()
        );
    }

    #[test]
    fn equal_step_is_the_least_grid_value() {
        let r = equal_step_for_total(Direction::Decrease, p("9.75"), 2, 2).expect("fits");
        assert_eq!(r, p("5"));
        let r = equal_step_for_total(Direction::Increase, p("30"), 5, 3).expect("fits");
        // 1.05388^5 = 1.30006…; 1.05387^5 = 1.29999… falls short.
        assert_eq!(r, p("5.388"));
        assert!(equal_step_for_total(Direction::Decrease, p("100"), 2, 2).is_err());
    }
}
