//! String tables: each distinct string stored once in an arena, found by hash.
//!
//! The index is a linear-probing table of `u64` buckets: the upper 32 bits of the string's
//! hash (its tag) and the symbol plus one (zero is an empty bucket). A bucket's position
//! comes from the tag, so growing the table never rereads the strings, and a lookup reads
//! the arena only when a tag matches. [`StrTable::touch`] reads a bucket without using
//! it: a batch of touches makes the processor fetch many buckets at once, so the batch's
//! lookups wait for memory together instead of one after another.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;

/// Index of a string in a [`StrTable`].
pub(crate) type Sym = u32;

/// "No string" in an optional field.
pub(crate) const NONE: Sym = u32::MAX;

/// Distinct strings in one arena, with a hash index.
///
/// Costs per string: its bytes, a 4-byte end offset, and 8 bytes of index at a load of at
/// most 70 % (about 11 to 23 bytes, 14 on average between two growths).
#[derive(Debug, Default, Clone)]
pub(crate) struct StrTable {
    buf: String,
    ends: Vec<u32>,
    buckets: Vec<u64>,
    /// Strings in the index: all of them, except those [`StrTable::push_unindexed`]
    /// stored.
    indexed: usize,
    hasher: RandomState,
}

/// The arena would pass 4 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

impl StrTable {
    #[cfg(test)]
    pub(crate) fn count(&self) -> usize {
        self.ends.len()
    }

    /// The table's hasher, for computing its hashes on another thread.
    pub(crate) fn hasher(&self) -> RandomState {
        self.hasher.clone()
    }

    /// The hash `intern_hashed` and `touch` take.
    pub(crate) fn hash(&self, s: &str) -> u64 {
        self.hasher.hash_one(s)
    }

    pub(crate) fn reserve(&mut self, strings: usize, bytes: usize) {
        self.reserve_text(strings, bytes);
        self.grow_for(self.indexed + strings);
    }

    /// Reserves room for the text of `strings` strings of `bytes` bytes in all, and none
    /// in the index.
    pub(crate) fn reserve_text(&mut self, strings: usize, bytes: usize) {
        self.buf.reserve(bytes);
        self.ends.reserve(strings);
    }

    /// How many strings the table holds, indexed or not.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// How many strings the index holds.
    pub(crate) fn indexed(&self) -> usize {
        self.indexed
    }

    pub(crate) fn resolve(&self, sym: Sym) -> &str {
        get(&self.buf, &self.ends, sym)
    }

    /// Reads the bucket where `hash` starts probing, so that a later lookup finds it in
    /// cache. The result means nothing.
    pub(crate) fn touch(&self, hash: u64) -> u64 {
        match self.buckets.len() {
            0 => 0,
            n => self.buckets[((hash >> 32) as usize) & (n - 1)],
        }
    }

    /// The symbol in the first bucket of `hash`'s probe sequence whose tag matches: where a
    /// lookup of the string will nearly always end, found from the buckets alone (the
    /// text is not compared). For reading ahead with [`StrTable::touch_text`].
    pub(crate) fn candidate(&self, hash: u64) -> Option<Sym> {
        if self.buckets.is_empty() {
            return None;
        }
        self.walk(hash, |_| true).ok()
    }

    /// Reads where the text of `sym` lies (its end offsets), so that a later comparison
    /// finds them in cache. The result means nothing.
    pub(crate) fn touch_ends(&self, sym: Sym) -> u64 {
        u64::from(self.ends.get(sym as usize).copied().unwrap_or(0))
    }

    /// Reads the first byte of the text of `sym`; see [`StrTable::touch_ends`].
    pub(crate) fn touch_text(&self, sym: Sym) -> u64 {
        let i = sym as usize;
        let start = match i {
            0 => 0,
            _ => self.ends.get(i - 1).copied().unwrap_or(0) as usize,
        };
        u64::from(self.buf.as_bytes().get(start).copied().unwrap_or(0))
    }

    pub(crate) fn find(&self, s: &str) -> Option<Sym> {
        if self.buckets.is_empty() {
            return None;
        }
        self.probe(s, self.hash(s)).ok()
    }

    /// The symbol of `s`, adding it when new; `(sym, was_new)`.
    pub(crate) fn intern(&mut self, s: &str) -> Result<(Sym, bool), Full> {
        let hash = self.hash(s);
        self.intern_hashed(s, hash)
    }

    /// [`StrTable::intern`] with the hash already computed by [`StrTable::hash`].
    pub(crate) fn intern_hashed(&mut self, s: &str, hash: u64) -> Result<(Sym, bool), Full> {
        self.intern_growing(s, hash, 1)
    }

    /// [`StrTable::intern_hashed`], growing the index, when it must grow, for `more`
    /// strings beyond those it holds.
    pub(crate) fn intern_growing(
        &mut self,
        s: &str,
        hash: u64,
        more: usize,
    ) -> Result<(Sym, bool), Full> {
        if (self.indexed + 1) * 10 > self.buckets.len() * 7 {
            self.grow_for(self.indexed + more.max(1));
        }
        let vacant = match self.probe(s, hash) {
            Ok(sym) => return Ok((sym, false)),
            Err(i) => i,
        };
        let sym = self.push_unindexed(s)?;
        self.buckets[vacant] = ((hash >> 32) << 32) | u64::from(sym + 1);
        self.indexed += 1;
        Ok((sym, true))
    }

    /// Stores `s` as a new string without indexing it: the caller finds it by its symbol
    /// some other way, and must never look it up (or intern it) by text here.
    pub(crate) fn push_unindexed(&mut self, s: &str) -> Result<Sym, Full> {
        let end = self
            .buf
            .len()
            .checked_add(s.len())
            .filter(|e| *e <= u32::MAX as usize)
            .ok_or(Full)?;
        let sym = Sym::try_from(self.ends.len())
            .ok()
            .filter(|s| *s < NONE - 1)
            .ok_or(Full)?;
        self.buf.push_str(s);
        self.ends.push(end as u32);
        Ok(sym)
    }

    /// Looks `s` up: `Ok(sym)` when present, `Err(bucket)` with the empty bucket where it
    /// would go. The index must not be empty.
    fn probe(&self, s: &str, hash: u64) -> Result<Sym, usize> {
        self.walk(hash, |sym| get(&self.buf, &self.ends, sym) == s)
    }

    /// Walks `hash`'s probe sequence: `Ok(sym)` at the first bucket whose tag matches and
    /// whose symbol `is_it` accepts, `Err(bucket)` at the first empty one. The index must
    /// not be empty.
    fn walk(&self, hash: u64, is_it: impl Fn(Sym) -> bool) -> Result<Sym, usize> {
        let tag = hash >> 32;
        let mask = self.buckets.len() - 1;
        let mut i = (tag as usize) & mask;
        loop {
            let b = self.buckets[i];
            if b == 0 {
                return Err(i);
            }
            let sym = (b as u32).wrapping_sub(1);
            if b >> 32 == tag && is_it(sym) {
                return Ok(sym);
            }
            i = (i + 1) & mask;
        }
    }

    /// Grows the index to hold `strings` at a load of at most 70 %.
    fn grow_for(&mut self, strings: usize) {
        let mut n = self.buckets.len().max(16);
        while strings * 10 > n * 7 {
            n *= 2;
        }
        if n == self.buckets.len() {
            return;
        }
        let old = std::mem::replace(&mut self.buckets, written_zeros(n));
        let mask = n - 1;
        for b in old.into_iter().filter(|b| *b != 0) {
            let mut i = ((b >> 32) as usize) & mask;
            while self.buckets[i] != 0 {
                i = (i + 1) & mask;
            }
            self.buckets[i] = b;
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.ends.capacity() * 4 + self.buckets.capacity() * 8
    }
}

/// `n` empty buckets, written now. A zeroed allocation (`vec![0; n]`) leaves its pages
/// unmapped until used, and a bucket is read before it is written ([`StrTable::touch`]):
/// the read maps the shared zero page, and the write then faults again to copy it, which
/// with two threads running also interrupts the other core to flush its TLB. Writing the
/// zeros at once faults each page in once. (The value is hidden from the optimiser, which
/// would otherwise turn the writes back into a zeroed allocation.)
fn written_zeros(n: usize) -> Vec<u64> {
    let mut buckets = Vec::with_capacity(n);
    buckets.resize(n, std::hint::black_box(0));
    buckets
}

/// The longest string a [`Memo`] keeps.
const MEMO_LEN: usize = 16;

/// A small direct-mapped memo of short strings interned in one [`StrTable`], in front of
/// it: regions, providers, reasons and destinations repeat on nearly every event, and
/// comparing two words in place costs a fraction of hashing and probing. An entry holds
/// the string's bytes, so a hit reads nothing else; a miss falls through to the table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Memo {
    /// 64 entries once used; [`NONE`] marks an empty one.
    entries: Vec<MemoEntry>,
}

#[derive(Debug, Clone, Copy)]
struct MemoEntry {
    sym: Sym,
    /// The string's length and its bytes (see [`Memo::words`]).
    len: usize,
    words: (u64, u64),
}

impl Memo {
    /// The symbol of `s` in `table`, interning it when new. `table` must be the table
    /// every earlier call passed.
    pub(crate) fn intern(&mut self, table: &mut StrTable, s: &str) -> Result<Sym, Full> {
        let b = s.as_bytes();
        if b.len() > MEMO_LEN {
            return table.intern(s).map(|(sym, _)| sym);
        }
        if self.entries.is_empty() {
            let empty = MemoEntry {
                sym: NONE,
                len: 0,
                words: (0, 0),
            };
            self.entries = vec![empty; 64];
        }
        let words = Memo::words(b);
        let slot = (b.len() ^ (words.0 as usize).wrapping_mul(0x9E37_79B9) >> 7) & 63;
        let entry = &mut self.entries[slot];
        if entry.sym != NONE && entry.len == b.len() && entry.words == words {
            return Ok(entry.sym);
        }
        let (sym, _) = table.intern(s)?;
        *entry = MemoEntry {
            sym,
            len: b.len(),
            words,
        };
        Ok(sym)
    }

    /// The bytes of a string of at most 16 bytes as two words: with its length, they
    /// tell it from every other such string. From 8 bytes on, the first eight and the
    /// last eight (which may overlap); below, the bytes and zeros.
    fn words(b: &[u8]) -> (u64, u64) {
        let word = |b: &[u8]| {
            let mut w = [0u8; 8];
            w[..b.len()].copy_from_slice(b);
            u64::from_le_bytes(w)
        };
        if b.len() >= 8 {
            (word(&b[..8]), word(&b[b.len() - 8..]))
        } else {
            (b.iter().rev().fold(0, |w, &c| (w << 8) | u64::from(c)), 0)
        }
    }
}

fn get<'a>(buf: &'a str, ends: &[u32], sym: Sym) -> &'a str {
    let i = sym as usize;
    let end = ends.get(i).copied().unwrap_or(0) as usize;
    let start = if i == 0 {
        0
    } else {
        ends.get(i - 1).copied().unwrap_or(0) as usize
    };
    buf.get(start..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable_and_distinct() {
        let mut t = StrTable::default();
        assert_eq!(t.find("alpha"), None);
        let (a, new_a) = t.intern("alpha").expect("room");
        let (b, _) = t.intern("beta").expect("room");
        let (a2, new_a2) = t.intern("alpha").expect("room");
        assert_eq!((a, new_a, a2, new_a2), (0, true, 0, false));
        assert_ne!(a, b);
        assert_eq!(t.resolve(b), "beta");
        assert_eq!(t.find("beta"), Some(b));
        assert_eq!(t.find("gamma"), None);
        for i in 0..10_000 {
            t.intern(&format!("s{i}")).expect("room");
        }
        assert_eq!(t.resolve(a), "alpha");
        assert_eq!(t.find("s9999").map(|s| t.resolve(s)), Some("s9999"));
        assert_eq!(t.count(), 10_002);
        // Every string is found again after all the growing.
        for i in 0..10_000 {
            let s = format!("s{i}");
            assert_eq!(t.find(&s).map(|x| t.resolve(x)), Some(s.as_str()));
        }
    }

    /// The candidate is only a hint for reading ahead (nothing is decided on it), but a
    /// useless hint would be a cost: it is the string's own symbol for all but a rare tag
    /// collision, and always a symbol of the table.
    #[test]
    fn the_candidate_is_nearly_always_the_string() {
        let mut t = StrTable::default();
        let syms: Vec<Sym> = (0..20_000)
            .map(|i| t.intern(&format!("c{i:07}")).expect("room").0)
            .collect();
        let hits = syms
            .iter()
            .enumerate()
            .filter(|(i, sym)| t.candidate(t.hash(&format!("c{i:07}"))) == Some(**sym))
            .count();
        assert!(hits >= 19_900, "{hits} of 20,000");
        for i in 0..1000 {
            if let Some(sym) = t.candidate(t.hash(&format!("absent{i}"))) {
                assert!((sym as usize) < t.count());
                let _ = (t.touch_ends(sym), t.touch_text(sym));
            }
        }
    }

    /// The memo answers what the table answers, for strings it holds, strings it evicted,
    /// strings too long for it, strings that differ only in a trailing zero byte or past
    /// their eighth byte, and the empty string.
    #[test]
    fn the_memo_gives_the_tables_symbols() {
        let (mut t, mut plain, mut memo) =
            (StrTable::default(), StrTable::default(), Memo::default());
        let edges = [
            "a",
            "a\0",
            "\0",
            "abcdefgh",
            "abcdefgh12345678",
            "abcdefgh1234567",
        ];
        let words: Vec<String> = (0..500)
            .map(|i| match i % 5 {
                4 => format!("{}{}", edges[i % 6], "x".repeat(i % 3)),
                0 => format!("r{}", i % 7),
                1 => format!("provider-{}", i % 90),
                2 => format!("a-long-name-past-the-memo-{}", i % 5),
                _ => "".repeat(i % 2),
            })
            .collect();
        for w in words.iter().chain(words.iter().rev()) {
            let sym = memo.intern(&mut t, w).expect("room");
            assert_eq!(t.resolve(sym), w.as_str());
            assert_eq!(sym, plain.intern(w).expect("room").0, "{w:?}");
        }
        assert_eq!(t.count(), plain.count());
    }

    #[test]
    fn the_empty_string_is_a_string() {
        let mut t = StrTable::default();
        let (e, _) = t.intern("").expect("room");
        assert_eq!(t.find(""), Some(e));
        assert_eq!(t.resolve(e), "");
    }
}
