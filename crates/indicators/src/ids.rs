//! The table of event ids: each distinct id gets a symbol (its slot in the engine), in the
//! order the ids first arrive.
//!
//! Finding an id is the one lookup every event makes, and ids are nearly all new, so a
//! hash index over them is read at a random place for every event: with millions of ids
//! the index is tens of megabytes and each of those reads misses the cache and the TLB.
//! But ids are rarely random. Exports number their events, so most ids are a fixed text
//! followed by a counter (`e000123`, `MSG-2019-000123`), and a stream numbers them in
//! roughly the order it writes them. This table keeps such ids in *runs*: an id whose
//! text ends in a run of 1 to 19 ASCII digits is split into its stem (the text before the
//! digits), the number of digits and their value, and the value picks a place in a page
//! of [`PAGE`] symbols of its stem. Consecutive numbers fall in one page, so a stream
//! numbered in order reads and writes its pages one after another instead of at random.
//!
//! Every other id, and a numbered id the runs have no room for, goes to a hash index
//! ([`StrTable`]). Runs are bounded so that hostile ids cannot make them costly: at most
//! [`MAX_STEMS`] stems, and a page is only made while the pages hold no more than four
//! symbols of room per id in the table, beyond a few to start with (so sparse numbers
//! mostly go to the hash index, and their pages cost at most 16 bytes per id).
//!
//! Which of the two holds an id is decided once and never changes: an id's page is made
//! only if no id of that page was ever sent to the hash index, which `spilled` (a bit per
//! page, shared by chance between pages, which only ever sends more ids to the hash
//! index) remembers. So a lookup asks the page when it exists, and the hash index
//! otherwise, and either answer is final. Symbols are given in arrival order either way,
//! and the text of every id is kept in one arena, so the symbols are those a plain hash
//! table gives.

use crate::bits::Bits;
use crate::engine::FastMap;
use crate::intern::{Full, NONE, StrTable, Sym};

/// Symbols per page of a run (4 KiB of them).
const PAGE_BITS: u32 = 10;
const PAGE: usize = 1 << PAGE_BITS;

/// The most stems kept in runs; ids of further stems go to the hash index.
const MAX_STEMS: usize = 16;

/// Pages made whatever the ids (256 KiB of them).
const FREE_PAGES: usize = 64;

/// Bits in the record of pages whose ids went to the hash index (128 KiB of them).
const SPILL_BITS: usize = 1 << 20;

/// Where to look an id up, from its text alone: computed by [`IdTable::key`] (or by a
/// [`Keyer`] on another thread) and used by the table's lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdKey {
    /// A numbered id: the length of its stem in bytes, its count of digits and their
    /// value.
    Numbered { stem: u32, digits: u8, number: u64 },
    /// Any other id: its hash in the hash index.
    Hashed(u64),
}

/// Computes [`IdKey`]s for a table off its thread.
#[derive(Debug, Clone)]
pub(crate) struct Keyer(foldhash::fast::RandomState);

impl Keyer {
    pub(crate) fn key(&self, id: &str) -> IdKey {
        use std::hash::BuildHasher;
        numbered(id).unwrap_or_else(|| IdKey::Hashed(self.0.hash_one(id)))
    }
}

/// The key of an id that ends in 1 to 19 ASCII digits (the longest run of them).
fn numbered(id: &str) -> Option<IdKey> {
    let b = id.as_bytes();
    let digits = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 19 {
        return None;
    }
    let stem = b.len() - digits;
    let number = b[stem..]
        .iter()
        .fold(0u64, |n, c| n * 10 + u64::from(c - b'0'));
    Some(IdKey::Numbered {
        stem: u32::try_from(stem).ok()?,
        digits: digits as u8,
        number,
    })
}

/// The index in `symbols` of the place of `key`, a numbered id, in page `p`.
fn at(p: u32, key: IdKey) -> usize {
    let number = match key {
        IdKey::Numbered { number, .. } => number,
        IdKey::Hashed(_) => 0,
    };
    p as usize * PAGE + (number as usize & (PAGE - 1))
}

/// A stem and count of digits whose ids are kept in runs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stem {
    text: Box<str>,
    digits: u8,
}

/// Distinct event ids, numbered in order of arrival.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdTable {
    /// The text of every id, and the hash index of those not in runs.
    table: StrTable,
    stems: Vec<Stem>,
    /// The page of each (stem, page number): its index in `symbols`.
    pages: FastMap<(u32, u64), u32>,
    /// The page of the previous numbered id kept in a page, looked at first (and its
    /// stem before the others).
    last_page: Option<((u32, u64), u32)>,
    /// `PAGE` symbols per page; [`NONE`] for a number not seen.
    symbols: Vec<Sym>,
    /// A bit per (stem, page number), by hash: set when an id of that page went to the
    /// hash index, after which the page is never made.
    spilled: Bits,
    /// Ids the caller said are coming ([`IdTable::reserve`]), to size the hash index in
    /// one step when most ids turn out to go there.
    expected: usize,
}

/// Where a numbered id is kept.
enum Home {
    /// In a page: its stem, its number and its index.
    Page(u32, u64, u32),
    /// In the hash index, since an id of its page went there before.
    Spilled,
    /// In a page not made yet, of this stem and page number.
    NoPage(u32, u64),
}

impl IdTable {
    pub(crate) fn keyer(&self) -> Keyer {
        Keyer(self.table.hasher())
    }

    pub(crate) fn key(&self, id: &str) -> IdKey {
        numbered(id).unwrap_or_else(|| IdKey::Hashed(self.table.hash(id)))
    }

    /// Room for `ids` more ids of `bytes` bytes in all.
    pub(crate) fn reserve(&mut self, ids: usize, bytes: usize) {
        self.table.reserve_text(ids, bytes);
        self.symbols.reserve(ids);
        self.expected = self.table.len() + ids;
    }

    pub(crate) fn resolve(&self, sym: Sym) -> &str {
        self.table.resolve(sym)
    }

    #[cfg(test)]
    pub(crate) fn find(&self, id: &str) -> Option<Sym> {
        let key = self.key(id);
        match self.home(id, key) {
            Some(Home::Page(_, _, p)) => Some(self.symbols[at(p, key)]).filter(|s| *s != NONE),
            Some(Home::NoPage(..)) => None,
            None | Some(Home::Spilled) => self.table.find(id),
        }
    }

    /// Reads where `id` is kept (its key is `key`), so that a later lookup finds it in
    /// cache. The result means nothing.
    pub(crate) fn touch(&self, id: &str, key: IdKey) -> u64 {
        match (key, self.home(id, key)) {
            (_, Some(Home::Page(_, _, p))) => u64::from(self.symbols[at(p, key)]),
            (IdKey::Hashed(hash), _) => self.table.touch(hash),
            _ => 0,
        }
    }

    /// The symbol of `id` (whose key is `key`), given to it if new; `(sym, was_new)`.
    pub(crate) fn intern_key(&mut self, id: &str, key: IdKey) -> Result<(Sym, bool), Full> {
        let hash = match (key, self.home(id, key)) {
            (IdKey::Hashed(hash), _) => hash,
            (_, Some(Home::Page(stem, page, p))) => {
                self.last_page = Some(((stem, page), p));
                return self.fill(id, at(p, key));
            }
            (_, Some(Home::NoPage(stem, page))) if self.may_add_page() => {
                let p = self.add_page(stem, page);
                return self.fill(id, at(p, key));
            }
            (_, Some(Home::NoPage(stem, page))) => {
                self.spill(stem, page);
                self.table.hash(id)
            }
            (_, Some(Home::Spilled)) => self.table.hash(id),
            (_, None) => match self.add_stem(id, key) {
                Some(()) => return self.intern_key(id, key),
                None => self.table.hash(id),
            },
        };
        // When most ids so far went to the hash index, most of those still expected will
        // too: grow it for them at once rather than doubling it step by step.
        let left = self.expected.saturating_sub(self.table.len());
        let share = (left as u128 * self.table.indexed() as u128 / self.table.len().max(1) as u128)
            as usize;
        self.table.intern_growing(id, hash, share)
    }

    pub(crate) fn intern(&mut self, id: &str) -> Result<(Sym, bool), Full> {
        self.intern_key(id, self.key(id))
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.table.heap_bytes() + self.symbols.capacity() * 4 + self.spilled.heap_bytes()
    }

    /// Where a numbered id is kept; `None` when its stem has no runs (yet).
    fn home(&self, id: &str, key: IdKey) -> Option<Home> {
        let IdKey::Numbered {
            stem,
            digits,
            number,
        } = key
        else {
            return None;
        };
        let text = id.get(..stem as usize)?;
        let is = |s: &Stem| s.digits == digits && *s.text == *text;
        let last = self.last_page.map_or(0, |((s, _), _)| s as usize);
        let s = match self.stems.get(last) {
            Some(s) if is(s) => last,
            _ => self.stems.iter().position(is)?,
        } as u32;
        let page = number >> PAGE_BITS;
        let found = match self.last_page {
            Some((at, p)) if at == (s, page) => Some(p),
            _ => self.pages.get(&(s, page)).copied(),
        };
        Some(match found {
            Some(p) => Home::Page(s, page, p),
            None if self.is_spilled(s, page) => Home::Spilled,
            None => Home::NoPage(s, page),
        })
    }

    fn fill(&mut self, id: &str, at: usize) -> Result<(Sym, bool), Full> {
        match self.symbols[at] {
            NONE => {
                let sym = self.table.push_unindexed(id)?;
                self.symbols[at] = sym;
                Ok((sym, true))
            }
            sym => Ok((sym, false)),
        }
    }

    /// Whether a page may be made: while the pages, with it, hold at most four symbols
    /// of room (16 bytes) per id in the table, beyond [`FREE_PAGES`].
    /// (A spilled page never gets here: [`IdTable::home`] sends its ids to the index.)
    fn may_add_page(&self) -> bool {
        self.pages.len() < FREE_PAGES + self.table.len() / (PAGE / 4)
    }

    /// Makes page `page` of stem `stem`, and gives its index.
    fn add_page(&mut self, stem: u32, page: u64) -> u32 {
        let p = self.pages.len() as u32;
        self.pages.insert((stem, page), p);
        self.symbols.resize((p as usize + 1) * PAGE, NONE);
        self.last_page = Some(((stem, page), p));
        p
    }

    /// Keeps the stem of `id` in runs from now on, if there is room for one more stem;
    /// no id of it has been sent to the hash index before, since there was room.
    fn add_stem(&mut self, id: &str, key: IdKey) -> Option<()> {
        let IdKey::Numbered { stem, digits, .. } = key else {
            return None;
        };
        if self.stems.len() >= MAX_STEMS {
            return None;
        }
        self.stems.push(Stem {
            text: id.get(..stem as usize)?.into(),
            digits,
        });
        Some(())
    }

    fn spill_bit(stem: u32, page: u64) -> usize {
        let h = (page ^ (u64::from(stem) << 58)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - SPILL_BITS.trailing_zeros())) as usize
    }

    fn is_spilled(&self, stem: u32, page: u64) -> bool {
        self.spilled.contains(IdTable::spill_bit(stem, page))
    }

    fn spill(&mut self, stem: u32, page: u64) {
        self.spilled.insert(IdTable::spill_bit(stem, page));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    /// Interns `ids` in order into a table and into a model that gives each new id the
    /// next number, checking at every step that they agree, and that the table finds
    /// and reads back what it holds.
    fn interned(ids: &[String]) -> IdTable {
        let mut t = IdTable::default();
        let mut model: HashMap<&str, Sym> = HashMap::new();
        for id in ids {
            let known = model.get(id.as_str()).copied();
            assert_eq!(t.find(id), known, "{id:?} before interning it");
            let _ = t.touch(id, t.key(id));
            let (sym, new) = t.intern(id).expect("room");
            match known {
                Some(s) => assert_eq!((sym, new), (s, false), "{id:?} again"),
                None => {
                    assert_eq!((sym, new), (model.len() as Sym, true), "{id:?} new");
                    model.insert(id, sym);
                }
            }
            assert_eq!(t.resolve(sym), id);
        }
        for (id, sym) in &model {
            assert_eq!(t.find(id), Some(*sym), "{id:?} at the end");
        }
        t
    }

    #[test]
    fn ids_numbered_in_order_fill_pages_and_nothing_else() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("e{i:06}")).collect();
        let t = interned(&[ids.clone(), ids].concat());
        // Numbers 0 to 9,999 lie in pages 0 to 9 of one stem.
        assert_eq!(
            (t.stems.len(), t.pages.len(), t.table.indexed()),
            (1, 10, 0)
        );
    }

    /// Leading zeros, stems and digit runs too long for a number keep ids apart.
    #[test]
    fn ids_alike_as_numbers_are_told_apart() {
        let ids: Vec<String> = [
            "e1",
            "e01",
            "e001",
            "E1",
            "1",
            "01",
            "e1x1",
            "e",
            "",
            "9999999999999999999",
            "09999999999999999999",
            "e18446744073709551616",
            "e٣",
            "e1",
            "01",
            "e",
            "",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let t = interned(&ids);
        assert_eq!(t.table.len(), 13);
        // A run of 20 digits is no number here, nor is an id without digits.
        for hashed in ["09999999999999999999", "e18446744073709551616", "e", ""] {
            assert!(matches!(t.key(hashed), IdKey::Hashed(_)), "{hashed:?}");
        }
        assert_eq!(
            t.key("9999999999999999999"),
            IdKey::Numbered {
                stem: 0,
                digits: 19,
                number: 9_999_999_999_999_999_999
            }
        );
    }

    /// Numbers far apart do not make a page each: the pages stay within their bound
    /// of 16 bytes per id, and the rest go to the hash index.
    #[test]
    fn sparse_numbers_cost_at_most_sixteen_bytes_an_id() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let ids: Vec<String> = (0..100_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("s{:019}", x % 10_000_000_000_000_000_000)
            })
            .collect();
        let t = interned(&ids);
        assert!(
            t.pages.len() <= FREE_PAGES + 100_000 / 256,
            "{}",
            t.pages.len()
        );
        assert!(t.symbols.len() * 4 <= FREE_PAGES * PAGE * 4 + 16 * 100_000);
        assert!(t.table.indexed() > 90_000, "{}", t.table.indexed());
        // Each of those pages has its own bit, nearly always: about 94,500 bits for
        // 99,600 pages spread over 2^20.
        let bits = t.spilled.len();
        assert!(bits > 90_000, "{bits} bits");
    }

    /// A page whose ids went to the hash index is never made: its ids stay where they
    /// are, and are found again when the numbers around them arrive.
    #[test]
    fn a_spilled_page_keeps_its_ids_in_the_hash_index() {
        // One id in each of many pages, far apart: the first ones get pages, the
        // others, beyond the pages allowed, go to the hash index.
        let far: Vec<String> = (0..2 * FREE_PAGES as u64)
            .map(|k| format!("a{:09}", k << 20))
            .collect();
        let t = interned(&far);
        let spilled = t.table.indexed();
        assert_eq!(spilled, far.len() - FREE_PAGES);
        // Then every number of the last spilled page, and the ids before again.
        let last = (2 * FREE_PAGES as u64 - 1) << 20;
        let near: Vec<String> = (last..last + PAGE as u64)
            .map(|n| format!("a{n:09}"))
            .collect();
        let t = interned(&[far.clone(), near, far].concat());
        assert_eq!(t.table.indexed(), spilled + PAGE - 1);
    }

    #[test]
    fn stems_beyond_those_kept_go_to_the_hash_index() {
        let ids: Vec<String> = (0..100)
            .flat_map(|i| (0..2 * MAX_STEMS).map(move |s| format!("s{s}-{i:03}")))
            .collect();
        let t = interned(&[ids.clone(), ids].concat());
        assert_eq!(t.stems.len(), MAX_STEMS);
        assert_eq!(t.table.indexed(), MAX_STEMS * 100);
    }

    /// The hash index grows for all the ids expected, in one step, once most ids go
    /// there.
    #[test]
    fn the_hash_index_grows_once_for_ids_that_are_not_numbered() {
        let mut t = IdTable::default();
        t.reserve(50_000, 500_000);
        for i in 0..50_000 {
            t.intern(&format!("{i}x")).expect("room");
            if i == 20 {
                assert!(
                    t.table.heap_bytes() >= 50_000 * 8,
                    "{}",
                    t.table.heap_bytes()
                );
            }
        }
        assert_eq!(t.table.indexed(), 50_000);
    }

    fn id() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ab]{0,2}[0-9]{1,5}",
            "[a-c0-9]{0,6}",
            "x[0-9]{17,21}",
            (0u64..64).prop_map(|k| format!("p{}", k << 14)),
        ]
    }

    proptest! {
        /// Whatever the ids, the table numbers them as a plain map would.
        #[test]
        fn the_table_is_a_map_of_ids_in_order_of_arrival(
            fresh in proptest::collection::vec(id(), 0..400),
            again in proptest::collection::vec(any::<prop::sample::Index>(), 0..200),
        ) {
            let mut ids = fresh.clone();
            if !fresh.is_empty() {
                ids.extend(again.iter().map(|i| fresh[i.index(fresh.len())].clone()));
            }
            interned(&ids);
        }
    }
}
