//! Settings of an assessment that are not part of the contract.

use serde::{Deserialize, Serialize};

/// Settings of an assessment.
///
/// # Example: judge no rate over fewer than 10 cases, and publish counts as CBS does
///
/// ```
/// use assess::{Disclosure, Options};
///
/// let options = Options::default()
///     .min_group_size(10)
///     .disclosure(Disclosure::CBS);
/// assert_eq!(options.min_group_size, Some(10));
/// assert_eq!(Disclosure::CBS.show(7), None);
/// assert_eq!(Disclosure::CBS.show(12), Some(10));
/// assert_eq!(Disclosure::CBS.show(13), Some(15));
/// assert_eq!(Disclosure::CBS.show(0), Some(0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Options {
    /// The fewest cases a rate or mean is judged on, for contracts and results that set
    /// none themselves (a result's own setting comes first, then the contract's).
    pub min_group_size: Option<u32>,
    /// Disclosure control for the published numbers. Verdicts are always decided on the
    /// exact values.
    pub disclosure: Option<Disclosure>,
}

impl Options {
    /// Sets [`Options::min_group_size`].
    #[must_use]
    pub fn min_group_size(self, cases: u32) -> Options {
        Options {
            min_group_size: Some(cases),
            ..self
        }
    }

    /// Sets [`Options::disclosure`].
    #[must_use]
    pub fn disclosure(self, rule: Disclosure) -> Options {
        Options {
            disclosure: Some(rule),
            ..self
        }
    }
}

/// Disclosure control for published counts of youths: a count from 1 to below
/// `threshold` is not shown at all, and any other count is shown rounded to the nearest
/// multiple of `round_to` (halves up; 1 for no rounding). A rate or mean over a group
/// smaller than the threshold is not shown either, since it would reveal the group.
///
/// [`Disclosure::CBS`] follows the practice of Statistics Netherlands (CBS) in its youth
/// care statistics (Beleidsinformatie Jeugd): counts rounded to multiples of five, and
/// cells below ten left out. `docs/time.md` says where that was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    /// Counts from 1 up to below this are suppressed.
    pub threshold: u64,
    /// Other counts are rounded to a multiple of this (1: not rounded).
    pub round_to: u64,
}

impl Disclosure {
    /// Suppress below 10, round to multiples of 5.
    pub const CBS: Disclosure = Disclosure {
        threshold: 10,
        round_to: 5,
    };

    /// The count as published: `None` when suppressed.
    pub fn show(&self, count: u64) -> Option<u64> {
        if count > 0 && count < self.threshold {
            return None;
        }
        let base = self.round_to.max(1);
        let down = count / base * base;
        Some(if (count - down) * 2 >= base {
            down.saturating_add(base)
        } else {
            down
        })
    }

    /// Whether a group of `cases` may be described at all.
    pub fn allows(&self, cases: u64) -> bool {
        self.show(cases).is_some()
    }
}
