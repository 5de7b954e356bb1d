//! A set of small numbers, one bit each, grown to the largest number put in.

/// A set of small numbers as one bit each: bit `i % 64` of word `i / 64`. The words
/// reach from the first to a power of two past the word of the largest number put in, so
/// an empty set takes no memory, and a set of numbers below `n` at most `n / 8` bytes
/// (and 32 bytes).
#[derive(Debug, Clone, Default)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// Puts `i` in the set.
    pub(crate) fn insert(&mut self, i: usize) {
        let word = i / 64;
        if self.words.len() <= word {
            self.words.resize((word + 1).next_power_of_two(), 0);
        }
        self.words[word] |= 1 << (i % 64);
    }

    /// Whether `i` is in the set.
    #[inline]
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// How many numbers are in the set.
    #[cfg(test)]
    pub(crate) fn len(&self) -> u32 {
        self.words.iter().map(|w| w.count_ones()).sum()
    }

    /// The words kept.
    #[cfg(test)]
    pub(crate) fn words(&self) -> usize {
        self.words.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    proptest::proptest! {
        /// The set answers as a set of numbers does, for numbers in and past its words.
        #[test]
        fn bits_are_a_set(
            put in proptest::collection::vec(0usize..3_000, 0..80),
            probes in proptest::collection::vec(0usize..4_000, 0..80),
        ) {
            let mut bits = Bits::default();
            let mut model = BTreeSet::new();
            for &i in &put {
                bits.insert(i);
                model.insert(i);
            }
            for i in probes.iter().chain(&put) {
                proptest::prop_assert_eq!(bits.contains(*i), model.contains(i));
            }
            proptest::prop_assert_eq!(bits.len() as usize, model.len());
            proptest::prop_assert_eq!(
                bits.words(),
                model.last().map_or(0, |m| (m / 64 + 1).next_power_of_two())
            );
            proptest::prop_assert!(bits.heap_bytes() <= (bits.words() * 8).max(32));
        }
    }
}
