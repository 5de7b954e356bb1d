//! Exact numbers: [`Percent`], [`Money`], [`Days`], [`Ratio`], exact multiplication and
//! named display rounding.
//!
//! Every function here that decides something is exact: it either returns the exact
//! result or an [`ArithmeticError`]. Nothing rounds silently. Rounding happens only in
//! [`round_for_display`], whose strategy is named.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The largest number of decimal places a [`Decimal`] can hold.
const MAX_SCALE: u32 = 28;

/// Why an exact computation could not be carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArithmeticError {
    /// The result is too large for a 96-bit decimal.
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    /// The exact result needs more than 28 decimal places.
    #[error("{0} needs more than 28 decimal places to be exact")]
    Precision(&'static str),
    /// A denominator is zero.
    #[error("division by zero in {0}")]
    DivisionByZero(&'static str),
}

/// Multiplies two decimals exactly.
///
/// `rust_decimal`'s own multiplication rounds when the product needs more than 28
/// decimal places; this function refuses instead, so a verdict can never rest on a
/// rounded product.
///
/// # Errors
///
/// [`ArithmeticError::Overflow`] when the product does not fit in a decimal, and
/// [`ArithmeticError::Precision`] when it needs more than 28 decimal places.
///
/// # Example: the compound factor of two 5 % steps
///
/// ```
/// use rust_decimal::Decimal;
/// use targets::num::exact_mul;
///
/// let f = exact_mul(Decimal::new(95, 2), Decimal::new(95, 2))?;
/// assert_eq!(f, Decimal::new(9025, 4)); // 0.9025
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn exact_mul(a: Decimal, b: Decimal) -> Result<Decimal, ArithmeticError> {
    let a = a.normalize();
    let b = b.normalize();
    let mut scale = a.scale() + b.scale();
    let mut m = a
        .mantissa()
        .checked_mul(b.mantissa())
        .ok_or(ArithmeticError::Overflow("multiplication"))?;
    // Trailing zeros of the mantissa can be traded for scale without losing anything.
    while scale > 0 && m != 0 && m % 10 == 0 && (scale > MAX_SCALE || m.unsigned_abs() >> 96 != 0) {
        m /= 10;
        scale -= 1;
    }
    if scale > MAX_SCALE {
        return Err(ArithmeticError::Precision("multiplication"));
    }
    Decimal::try_from_i128_with_scale(m, scale)
        .map_err(|_| ArithmeticError::Overflow("multiplication"))
        .map(|d| d.normalize())
}

/// Adds two decimals, refusing on overflow.
///
/// # Errors
///
/// [`ArithmeticError::Overflow`] when the sum does not fit.
pub fn exact_add(a: Decimal, b: Decimal) -> Result<Decimal, ArithmeticError> {
    // Addition of two decimals with at most 28 places is exact unless it overflows.
    a.checked_add(b)
        .ok_or(ArithmeticError::Overflow("addition"))
}

/// Subtracts two decimals, refusing on overflow.
///
/// # Errors
///
/// [`ArithmeticError::Overflow`] when the difference does not fit.
pub fn exact_sub(a: Decimal, b: Decimal) -> Result<Decimal, ArithmeticError> {
    a.checked_sub(b)
        .ok_or(ArithmeticError::Overflow("subtraction"))
}

/// Moves the decimal point: `d × 10^-places`, exactly.
fn shift_right(d: Decimal, places: u32) -> Result<Decimal, ArithmeticError> {
    let d = d.normalize();
    let scale = d.scale() + places;
    if scale > MAX_SCALE {
        return Err(ArithmeticError::Precision("percent conversion"));
    }
    Ok(Decimal::from_i128_with_scale(d.mantissa(), scale).normalize())
}

/// Rounds a value for display, half away from zero ("commercial rounding").
///
/// This is the only rounding in the project. It is used for text and tables, never for
/// a verdict. Half away from zero is what people expect on paper: 85.7375 with two
/// decimals is 85.74, 0.125 is 0.13 and -0.125 is -0.13 (banker's rounding, the default
/// of `rust_decimal`, would give 0.12).
///
/// # Example
///
/// ```
/// use rust_decimal::Decimal;
/// use targets::num::round_for_display;
///
/// assert_eq!(round_for_display(Decimal::new(857375, 4), 2).to_string(), "85.74");
/// assert_eq!(round_for_display(Decimal::new(125, 3), 2).to_string(), "0.13");
/// ```
pub fn round_for_display(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

macro_rules! decimal_newtype_common {
    ($name:ident) => {
        impl $name {
            /// The underlying decimal.
            pub fn into_inner(self) -> Decimal {
                self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0.to_string())
            }
        }
    };
}

/// A percentage, such as the 5 in "falls at least 5 %".
///
/// The stored number is the percentage itself (`5` means 5 %, `9.25` means 9.25 %); the
/// fraction is [`Percent::fraction`]. Rule: at most 26 decimal places, so that the
/// fraction (two places more) is always exact. Serialized as a decimal string (`"9.25"`).
///
/// # Example
///
/// ```
/// use targets::num::Percent;
///
/// let p: Percent = "9.25".parse()?;
/// assert_eq!(p.fraction().to_string(), "0.0925");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(Decimal);

decimal_newtype_common!(Percent);

impl Percent {
    /// Zero percent.
    pub const ZERO: Percent = Percent(Decimal::ZERO);

    /// A percentage from a whole number (`Percent::from_int(5)` is 5 %). Cannot fail.
    pub fn from_int(percent: i64) -> Percent {
        Percent(Decimal::from(percent))
    }

    /// A percentage from a decimal.
    ///
    /// # Errors
    ///
    /// [`ArithmeticError::Precision`] when it has more than 26 decimal places.
    pub fn try_new(percent: Decimal) -> Result<Percent, ArithmeticError> {
        let p = percent.normalize();
        if p.scale() > MAX_SCALE - 2 {
            return Err(ArithmeticError::Precision("percent"));
        }
        Ok(Percent(p))
    }

    /// A percentage from a fraction (`0.0925` gives 9.25 %).
    ///
    /// # Errors
    ///
    /// [`ArithmeticError`] when the result does not fit exactly.
    pub fn try_from_fraction(fraction: Decimal) -> Result<Percent, ArithmeticError> {
        Percent::try_new(exact_mul(fraction, Decimal::ONE_HUNDRED)?)
    }

    /// The fraction, exactly: 9.25 % is `0.0925`.
    pub fn fraction(self) -> Decimal {
        // The constructor guarantees at most 26 places, so this cannot fail.
        shift_right(self.0, 2).unwrap_or(Decimal::ZERO)
    }
}

impl std::str::FromStr for Percent {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let d = Decimal::from_str_exact(s.trim()).map_err(|e| crate::Error::Parse {
            what: "percent",
            input: s.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Percent::try_new(d)?)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.0.normalize())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An amount of money in euros, exact to the cent or finer.
///
/// Serialized as a decimal string (`"423.00"`). Arithmetic is checked.
///
/// # Example
///
/// ```
/// use targets::num::Money;
///
/// let a: Money = "200000.00".parse()?;
/// let b: Money = "0.01".parse()?;
/// assert_eq!(a.checked_add(b).map(|m| m.to_string()), Some("€ 200000.01".to_owned()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

decimal_newtype_common!(Money);

impl Money {
    /// No money.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// An amount in euros. Cannot fail: every decimal is an amount.
    pub fn new(euros: Decimal) -> Money {
        Money(euros)
    }

    /// The sum, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// The difference, or `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }
}

impl std::str::FromStr for Money {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::from_str_exact(s.trim())
            .map(Money)
            .map_err(|e| crate::Error::Parse {
                what: "money",
                input: s.to_owned(),
                reason: e.to_string(),
            })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Amounts show at least cents, without rounding away finer digits.
        let mut d = self.0;
        if d.scale() < 2 {
            d.rescale(2);
        }
        write!(f, "€ {d}")
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A number of days, possibly fractional (a mean stay of 98.5 days).
///
/// # Example
///
/// ```
/// use rust_decimal::Decimal;
/// use targets::num::Days;
///
/// let d = Days::new(Decimal::new(985, 1));
/// assert_eq!(d.checked_sub(Days::new(Decimal::from(3))).map(Days::into_inner), Some(Decimal::new(955, 1)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Days(Decimal);

decimal_newtype_common!(Days);

impl Days {
    /// A number of days. Cannot fail.
    pub fn new(days: Decimal) -> Days {
        Days(days)
    }

    /// The sum, or `None` on overflow.
    pub fn checked_add(self, other: Days) -> Option<Days> {
        self.0.checked_add(other.0).map(Days)
    }

    /// The difference, or `None` on overflow.
    pub fn checked_sub(self, other: Days) -> Option<Days> {
        self.0.checked_sub(other.0).map(Days)
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} days", self.0.normalize())
    }
}

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Decimal::from_str_exact(s.trim())
            .map(Days)
            .map_err(serde::de::Error::custom)
    }
}

/// An exact fraction `numerator / denominator` of two decimals, with a positive
/// denominator.
///
/// Means and shares are kept as ratios so that they are compared by cross
/// multiplication (`a/b <= c/d` as `a·d <= c·b`), never through a rounded quotient.
///
/// # Example: a mean of 197/2 days against a bound of 98.5
///
/// ```
/// use std::cmp::Ordering;
/// use rust_decimal::Decimal;
/// use targets::num::Ratio;
///
/// let mean = Ratio::new(Decimal::from(197), Decimal::from(2))?;
/// let bound = Ratio::from_decimal(Decimal::new(985, 1));
/// assert_eq!(mean.cmp_exact(&bound)?, Ordering::Equal);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: Decimal,
    den: Decimal,
}

impl Ratio {
    /// A ratio.
    ///
    /// # Errors
    ///
    /// [`ArithmeticError::DivisionByZero`] when the denominator is not positive (a
    /// negative denominator is refused too, so the sign lives in the numerator).
    pub fn new(numerator: Decimal, denominator: Decimal) -> Result<Ratio, ArithmeticError> {
        if denominator <= Decimal::ZERO {
            return Err(ArithmeticError::DivisionByZero("ratio"));
        }
        Ok(Ratio {
            num: numerator,
            den: denominator,
        })
    }

    /// A whole value as a ratio over one.
    pub fn from_decimal(value: Decimal) -> Ratio {
        Ratio {
            num: value,
            den: Decimal::ONE,
        }
    }

    /// The numerator.
    pub fn numerator(&self) -> Decimal {
        self.num
    }

    /// The denominator (always positive).
    pub fn denominator(&self) -> Decimal {
        self.den
    }

    /// Compares two ratios exactly by cross multiplication. Cross products that do not
    /// fit in a decimal are compared as wide integers, so every comparison is decided.
    ///
    /// # Errors
    ///
    /// None in practice; the `Result` is kept so that callers need not change.
    ///
    /// # Example: products far beyond a decimal
    ///
    /// ```
    /// use std::cmp::Ordering;
    /// use rust_decimal::Decimal;
    /// use targets::num::Ratio;
    ///
    /// let huge = Ratio::new(Decimal::MAX, Decimal::new(3, 0))?;
    /// let tiny = Ratio::new(Decimal::new(1, 28), Decimal::MAX)?;
    /// assert_eq!(huge.cmp_exact(&tiny)?, Ordering::Greater);
    /// assert_eq!(tiny.cmp_exact(&huge)?, Ordering::Less);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cmp_exact(&self, other: &Ratio) -> Result<Ordering, ArithmeticError> {
        if let (Ok(left), Ok(right)) = (
            exact_mul(self.num, other.den),
            exact_mul(other.num, self.den),
        ) {
            return Ok(left.cmp(&right));
        }
        Ok(wide::cmp_products(self.num, other.den, other.num, self.den))
    }

    /// `self × factor`, exactly.
    ///
    /// # Errors
    ///
    /// [`ArithmeticError`] when the product cannot be formed exactly.
    pub fn mul_decimal(&self, factor: Decimal) -> Result<Ratio, ArithmeticError> {
        Ok(Ratio {
            num: exact_mul(self.num, factor)?,
            den: self.den,
        })
    }

    /// `self + value`, exactly.
    ///
    /// # Errors
    ///
    /// [`ArithmeticError`] when the sum cannot be formed exactly.
    pub fn add_decimal(&self, value: Decimal) -> Result<Ratio, ArithmeticError> {
        Ok(Ratio {
            num: exact_add(self.num, exact_mul(value, self.den)?)?,
            den: self.den,
        })
    }

    /// `self - other`, exactly.
    ///
    /// # Errors
    ///
    /// [`ArithmeticError`] when the difference cannot be formed exactly.
    pub fn sub(&self, other: &Ratio) -> Result<Ratio, ArithmeticError> {
        let num = exact_sub(
            exact_mul(self.num, other.den)?,
            exact_mul(other.num, self.den)?,
        )?;
        Ratio::new(num, exact_mul(self.den, other.den)?)
    }

    /// `self / other`, exactly, as a ratio.
    ///
    /// # Errors
    ///
    /// [`ArithmeticError::DivisionByZero`] when `other` is zero.
    pub fn div(&self, other: &Ratio) -> Result<Ratio, ArithmeticError> {
        if other.num.is_zero() {
            return Err(ArithmeticError::DivisionByZero("ratio division"));
        }
        let mut num = exact_mul(self.num, other.den)?;
        let mut den = exact_mul(self.den, other.num)?;
        if den < Decimal::ZERO {
            num = -num;
            den = -den;
        }
        Ratio::new(num, den)
    }

    /// The quotient as a decimal rounded for display (half away from zero), for text only.
    ///
    /// The quotient is computed with 28 significant digits and then rounded, so the
    /// result is the correctly rounded value for any `decimals` up to about 20.
    pub fn to_display(&self, decimals: u32) -> Decimal {
        if self.den == Decimal::ONE {
            return round_for_display(self.num, decimals);
        }
        // Division by a positive decimal never fails; a huge quotient saturates in text only.
        let q = self.num.checked_div(self.den).unwrap_or(Decimal::MAX);
        round_for_display(q, decimals)
    }

    /// The quotient with as many significant digits as a decimal holds (28), for
    /// machine-readable output. Not used for verdicts.
    pub fn to_decimal_lossy(&self) -> Decimal {
        self.num
            .checked_div(self.den)
            .unwrap_or(Decimal::MAX)
            .normalize()
    }

    /// Whether the quotient is exactly representable as a decimal, and if so, that decimal.
    pub fn to_exact_decimal(&self) -> Option<Decimal> {
        // Most values a report shows are whole counts over one: no division needed.
        if self.den == Decimal::ONE {
            return Some(self.num.normalize());
        }
        let q = self.num.checked_div(self.den)?;
        // Exact when multiplying back gives the numerator.
        (exact_mul(q, self.den).ok()? == self.num.normalize()).then(|| q.normalize())
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == Decimal::ONE {
            write!(f, "{}", self.num.normalize())
        } else {
            write!(f, "{}/{}", self.num.normalize(), self.den.normalize())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    #[test]
    fn exact_mul_refuses_to_round() {
        // 0.1^15 needs 15 places; 0.1^29 would need 29.
        let mut acc = Decimal::ONE;
        for _ in 0..28 {
            acc = exact_mul(acc, d("0.1")).expect("fits");
        }
        assert_eq!(acc, d("0.0000000000000000000000000001"));
        assert_eq!(
            exact_mul(acc, d("0.1")),
            Err(ArithmeticError::Precision("multiplication"))
        );
    }

    #[test]
    fn exact_mul_trades_trailing_zeros_for_scale() {
        assert_eq!(exact_mul(d("0.50"), d("0.20")).ok(), Some(d("0.1")));
        assert_eq!(exact_mul(d("423.00"), d("2")).ok(), Some(d("846")));
    }

    #[test]
    fn exact_mul_overflow_is_an_error() {
        assert_eq!(
            exact_mul(Decimal::MAX, d("2")),
            Err(ArithmeticError::Overflow("multiplication"))
        );
    }

    #[test]
    fn percent_fraction_is_exact() {
        let p: Percent = "9.25".parse().expect("valid");
        assert_eq!(p.fraction(), d("0.0925"));
        assert!("1e3".parse::<Percent>().is_err());
        assert!("0.000000000000000000000000001".parse::<Percent>().is_err());
    }

    #[test]
    fn display_rounding_is_half_away_from_zero() {
        assert_eq!(round_for_display(d("0.125"), 2), d("0.13"));
        assert_eq!(round_for_display(d("-0.125"), 2), d("-0.13"));
        assert_eq!(round_for_display(d("0.135"), 2), d("0.14"));
        assert_eq!(round_for_display(d("85.7375"), 2), d("85.74"));
    }

    #[test]
    fn ratio_compares_by_cross_multiplication() {
        let a = Ratio::new(d("1"), d("3")).expect("valid");
        let b = Ratio::new(
            d("333333333333333333333333333"),
            d("1000000000000000000000000000"),
        )
        .expect("valid");
        assert_eq!(a.cmp_exact(&b), Ok(Ordering::Greater));
        assert!(Ratio::new(d("1"), d("0")).is_err());
        assert!(Ratio::new(d("1"), d("-2")).is_err());
    }

    #[test]
    fn ratio_exact_decimal() {
        assert_eq!(
            Ratio::new(d("197"), d("2"))
                .ok()
                .and_then(|r| r.to_exact_decimal()),
            Some(d("98.5"))
        );
        assert_eq!(
            Ratio::new(d("1"), d("3"))
                .ok()
                .and_then(|r| r.to_exact_decimal()),
            None
        );
    }
}

/// Exact comparison of products of decimals as wide unsigned integers, for the
/// comparisons whose cross products do not fit in a decimal.
mod wide {
    use std::cmp::Ordering;

    use rust_decimal::Decimal;

    /// Little-endian 64-bit limbs.
    type Big = Vec<u64>;

    fn from_u128(x: u128) -> Big {
        vec![x as u64, (x >> 64) as u64]
    }

    fn mul(a: &[u64], b: &[u64]) -> Big {
        let mut out = vec![0u64; a.len() + b.len()];
        for (i, &x) in a.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &y) in b.iter().enumerate() {
                let t = u128::from(x) * u128::from(y) + u128::from(out[i + j]) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            out[i + b.len()] = carry as u64;
        }
        out
    }

    fn mul_pow10(mut a: Big, mut k: u32) -> Big {
        while k > 0 {
            let step = k.min(19);
            a = mul(&a, &[10u64.pow(step)]);
            k -= step;
        }
        a
    }

    fn cmp(a: &[u64], b: &[u64]) -> Ordering {
        let len = a.len().max(b.len());
        for i in (0..len).rev() {
            let (x, y) = (
                a.get(i).copied().unwrap_or(0),
                b.get(i).copied().unwrap_or(0),
            );
            match x.cmp(&y) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        Ordering::Equal
    }

    /// `a·b` against `c·d`, where `b` and `d` are positive.
    pub(super) fn cmp_products(a: Decimal, b: Decimal, c: Decimal, d: Decimal) -> Ordering {
        let sign = |x: Decimal| {
            if x.is_zero() {
                0
            } else if x.is_sign_negative() {
                -1
            } else {
                1
            }
        };
        let (sl, sr) = (sign(a) * sign(b), sign(c) * sign(d));
        if sl != sr {
            return sl.cmp(&sr);
        }
        if sl == 0 {
            return Ordering::Equal;
        }
        // Magnitudes: m × 10^-scale for each factor.
        let mag = |x: Decimal, y: Decimal| {
            (
                mul(
                    &from_u128(x.mantissa().unsigned_abs()),
                    &from_u128(y.mantissa().unsigned_abs()),
                ),
                x.scale() + y.scale(),
            )
        };
        let ((l, ls), (r, rs)) = (mag(a, b), mag(c, d));
        let (l, r) = if ls < rs {
            (mul_pow10(l, rs - ls), r)
        } else {
            (l, mul_pow10(r, ls - rs))
        };
        let o = cmp(&l, &r);
        if sl < 0 { o.reverse() } else { o }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn agrees_with_decimal_where_decimal_can_tell() {
            let v = [
                Decimal::new(-7, 1),
                Decimal::ZERO,
                Decimal::new(3, 2),
                Decimal::new(12345, 3),
                Decimal::new(1, 0),
            ];
            for a in v {
                for c in v {
                    let b = Decimal::new(7, 0);
                    let d = Decimal::new(3, 1);
                    assert_eq!(cmp_products(a, b, c, d), (a * b).cmp(&(c * d)), "{a} {c}");
                }
            }
        }
    }
}

/// JSON Schema of the decimal newtypes: a decimal written as a JSON string, so that no
/// value passes through a binary float on its way in.
#[cfg(feature = "schema")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    const DECIMAL: &str = r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$";

    macro_rules! string_decimal {
        ($name:ident, $what:literal) => {
            impl JsonSchema for super::$name {
                fn schema_name() -> Cow<'static, str> {
                    Cow::Borrowed(stringify!($name))
                }
                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    json_schema!({
                        "type": "string",
                        "pattern": DECIMAL,
                        "description": $what,
                    })
                }
            }
        };
    }

    string_decimal!(
        Percent,
        "A percentage as a decimal string, such as \"9.25\" for 9.25 %; from 0 to 100."
    );
    string_decimal!(
        Money,
        "An amount in euros as a decimal string, such as \"423.00\"."
    );
    string_decimal!(
        Days,
        "A number of days as a decimal string, such as \"98.5\"."
    );
}
