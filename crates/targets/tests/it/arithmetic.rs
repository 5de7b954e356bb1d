//! Laws of the target arithmetic.

use std::cmp::Ordering;

use proptest::prelude::*;
use rust_decimal::Decimal;
use targets::change::{
    Convention, Direction, StepUnit, equal_step_for_total, required_level, total_change,
};
use targets::num::{Percent, Ratio};

/// A step below 100 % with up to two decimals.
fn step() -> impl Strategy<Value = Percent> {
    (0i64..10_000).prop_map(|c| Percent::try_new(Decimal::new(c, 2)).expect("small"))
}

fn steps() -> impl Strategy<Value = Vec<Percent>> {
    prop::collection::vec(step(), 1..5)
}

fn total(c: Convention, s: &[Percent]) -> Percent {
    total_change(Direction::Decrease, c, StepUnit::Relative, s).expect("fits")
}

proptest! {
    #[test]
    fn compound_total_is_at_most_additive_equal_iff_one_step_moves(s in steps()) {
        let compound = total(Convention::Compound, &s);
        let additive = total(Convention::Additive, &s);
        prop_assert!(compound <= additive);
        let moving = s.iter().filter(|p| **p != Percent::ZERO).count();
        prop_assert_eq!(compound == additive, moving <= 1);
    }

    #[test]
    fn increases_compound_to_at_least_the_additive_total(s in steps()) {
        let c = total_change(Direction::Increase, Convention::Compound, StepUnit::Relative, &s).expect("fits");
        let a = total_change(Direction::Increase, Convention::Additive, StepUnit::Relative, &s).expect("fits");
        prop_assert!(c >= a);
    }

    #[test]
    fn the_total_does_not_depend_on_the_order_of_the_steps(s in steps(), seed in any::<u64>()) {
        let mut shuffled = s.clone();
        // A deterministic permutation from the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.rotate_left(i as u32) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        for c in [Convention::Compound, Convention::Additive, Convention::YearOverYear] {
            prop_assert_eq!(total(c, &s), total(c, &shuffled));
        }
    }

    #[test]
    fn the_required_level_is_monotone_in_every_step_and_never_negative(
        s in steps(), k in 0usize..4, bump in 1i64..500, base in 0i64..1_000_000,
    ) {
        let base = Ratio::from_decimal(Decimal::new(base, 2));
        let k = k % s.len();
        let mut bigger = s.clone();
        let raised = (bigger[k].into_inner() + Decimal::new(bump, 2)).min(Decimal::new(9999, 2));
        bigger[k] = Percent::try_new(raised).expect("small");
        for c in [Convention::Compound, Convention::Additive] {
            let lvl = required_level(base, Direction::Decrease, c, StepUnit::Relative, &s, None).expect("fits");
            let lvl2 = required_level(base, Direction::Decrease, c, StepUnit::Relative, &bigger, None).expect("fits");
            // A larger fall never requires a higher level.
            prop_assert_ne!(lvl2.cmp_exact(&lvl).expect("fits"), Ordering::Greater);
            let up = required_level(base, Direction::Increase, c, StepUnit::Relative, &s, None).expect("fits");
            let up2 = required_level(base, Direction::Increase, c, StepUnit::Relative, &bigger, None).expect("fits");
            prop_assert_ne!(up2.cmp_exact(&up).expect("fits"), Ordering::Less);
        }
        // Compounded falls below 100 % never go below zero.
        let lvl = required_level(base, Direction::Decrease, Convention::Compound, StepUnit::Relative, &s, None).expect("fits");
        prop_assert!(lvl.numerator() >= Decimal::ZERO);
    }

    #[test]
    fn the_equal_step_is_the_least_on_its_grid(t in 1i64..9_000, n in 1u32..5) {
        let total = Percent::try_new(Decimal::new(t, 2)).expect("small");
        let decimals = 2;
        let r = equal_step_for_total(Direction::Decrease, total, n, decimals).expect("fits");
        let steps = vec![r; n as usize];
        prop_assert!(total_change(Direction::Decrease, Convention::Compound, StepUnit::Relative, &steps).expect("fits") >= total);
        let less = Percent::try_new(r.into_inner() - Decimal::new(1, decimals)).expect("small");
        if less >= Percent::ZERO {
            let steps = vec![less; n as usize];
            prop_assert!(total_change(Direction::Decrease, Convention::Compound, StepUnit::Relative, &steps).expect("fits") < total);
        }
    }
}

#[test]
fn seed_numbers_by_hand() {
    let p = |s: &str| s.parse::<Percent>().expect("valid");
    // 2a: 1 − 0.95 × 0.95 = 0.0975.
    assert_eq!(total(Convention::Compound, &[p("5"), p("5")]), p("9.75"));
    // 2b: 1 − 0.95 × 0.90 = 0.145; added: 15.
    assert_eq!(total(Convention::Compound, &[p("5"), p("10")]), p("14.5"));
    assert_eq!(total(Convention::Additive, &[p("5"), p("10")]), p("15"));
    // Rijnmond: +30 % by 2025 spread over five years is 5.39 % a year at two decimals
    // (1.0539^5 = 1.30027…, 1.0538^5 = 1.29965…).
    assert_eq!(
        equal_step_for_total(Direction::Increase, p("30"), 5, 2).expect("fits"),
        p("5.39")
    );
}
