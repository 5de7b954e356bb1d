//! String tables: each distinct string stored once in an arena, found by hash.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// Index of a string in a [`StrTable`].
pub(crate) type Sym = u32;

/// "No string" in an optional field.
pub(crate) const NONE: Sym = u32::MAX;

/// Distinct strings in one arena, with a hash index of `u32` positions.
///
/// Costs per string: its bytes, a 4-byte end offset, and about 5 bytes of table. This is
/// what keeps ten million event ids well below a gigabyte.
#[derive(Debug, Default, Clone)]
pub(crate) struct StrTable {
    buf: String,
    ends: Vec<u32>,
    table: HashTable<Sym>,
    hasher: DefaultHashBuilder,
}

/// The arena would pass 4 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

impl StrTable {
    #[cfg(test)]
    pub(crate) fn count(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn reserve(&mut self, strings: usize, bytes: usize) {
        self.buf.reserve(bytes);
        self.ends.reserve(strings);
        let (buf, ends, hasher) = (&self.buf, &self.ends, &self.hasher);
        self.table
            .reserve(strings, |&i| hasher.hash_one(get(buf, ends, i)));
    }

    pub(crate) fn resolve(&self, sym: Sym) -> &str {
        get(&self.buf, &self.ends, sym)
    }

    pub(crate) fn find(&self, s: &str) -> Option<Sym> {
        let h = self.hasher.hash_one(s);
        self.table
            .find(h, |&i| get(&self.buf, &self.ends, i) == s)
            .copied()
    }

    /// The symbol of `s`, adding it when new; `(sym, was_new)`.
    pub(crate) fn intern(&mut self, s: &str) -> Result<(Sym, bool), Full> {
        let h = self.hasher.hash_one(s);
        let (buf, ends, hasher) = (&mut self.buf, &mut self.ends, &self.hasher);
        match self.table.entry(
            h,
            |&i| get(buf, ends, i) == s,
            |&i| hasher.hash_one(get(buf, ends, i)),
        ) {
            hashbrown::hash_table::Entry::Occupied(o) => Ok((*o.get(), false)),
            hashbrown::hash_table::Entry::Vacant(v) => {
                let end = buf
                    .len()
                    .checked_add(s.len())
                    .filter(|e| *e <= u32::MAX as usize)
                    .ok_or(Full)?;
                let sym = Sym::try_from(ends.len())
                    .ok()
                    .filter(|s| *s != NONE)
                    .ok_or(Full)?;
                buf.push_str(s);
                ends.push(end as u32);
                v.insert(sym);
                Ok((sym, true))
            }
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.ends.capacity() * 4 + self.table.capacity() * 5
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
    }
}
