//! Keyed pseudonyms for citizen service numbers (BSN).
//!
//! A BSN never enters the engine: the iJw adapter replaces it, as soon as it is read, by
//! `HMAC-SHA256(key, "bsn:" + the nine digits)`, of which the first 16 bytes are written
//! as 32 hexadecimal digits after a `p`. The same key gives the same pseudonym for the
//! same person in every file and every run, so that stays and readmissions join up; a
//! different key gives unrelated pseudonyms, and without the key a pseudonym cannot be
//! traced back by trying all BSNs. The key is the region's secret: keep it as one keeps
//! the data itself, and use the same key for every export that must be assessed together.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The environment variable that may hold the key.
pub(crate) const KEY_VARIABLE: &str = "OUTCOME_TARGETS_PSEUDONYM_KEY";

/// The shortest key accepted, in bytes.
pub(crate) const MIN_KEY_BYTES: usize = 16;

/// A pseudonymiser with its key.
pub(crate) struct Pseudonymiser {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.write_str("Pseudonymiser")
    }
}

/// Why a value is not a BSN; the value itself is never part of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BsnError {
    #[error("is not nine digits")]
    Shape,
    #[error("fails the eleven test (elfproef)")]
    Checksum,
}

impl Pseudonymiser {
    /// A pseudonymiser with `key`, which must have at least [`MIN_KEY_BYTES`] bytes once
    /// surrounding white space is taken off.
    pub(crate) fn new(key: &[u8]) -> Result<Pseudonymiser, String> {
        let key = key.trim_ascii();
        if key.len() < MIN_KEY_BYTES {
            return Err(format!(
                "the pseudonym key has {} bytes; at least {MIN_KEY_BYTES} are needed",
                key.len()
            ));
        }
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|e| e.to_string())?;
        Ok(Pseudonymiser { mac })
    }

    /// The pseudonym of a BSN, after checking it is one (nine digits, possibly with
    /// leading zeros, that pass the eleven test).
    pub(crate) fn pseudonym(&self, bsn: &str) -> Result<String, BsnError> {
        let digits = bsn.trim();
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BsnError::Shape);
        }
        let d: Vec<i64> = digits.bytes().map(|b| i64::from(b - b'0')).collect();
        let sum: i64 = (0..8).map(|i| (9 - i as i64) * d[i]).sum::<i64>() - d[8];
        if sum % 11 != 0 || d.iter().all(|x| *x == 0) {
            return Err(BsnError::Checksum);
        }
        let mut mac = self.mac.clone();
        mac.update(b"bsn:");
        mac.update(digits.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut s = String::with_capacity(33);
        s.push('p');
        for b in &out[..16] {
            s.push_str(&format!("{b:02x}"));
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a key of the region, 32 bytes!!\n";

    #[test]
    fn the_same_key_gives_the_same_pseudonym_and_another_key_another() {
        let p = Pseudonymiser::new(KEY).expect("long enough");
        // 111222333: 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3 = 69, minus 3 = 66 = 6 × 11.
        let a = p.pseudonym("111222333").expect("a valid BSN");
        assert_eq!(a, p.pseudonym(" 111222333 ").expect("trimmed"));
        assert_eq!(a.len(), 33);
        assert!(a.starts_with('p') && !a.contains("111222333"));
        let q = Pseudonymiser::new(b"another key of the region, 32 b").expect("long enough");
        assert_ne!(a, q.pseudonym("111222333").expect("valid"));
        // The trailing newline of a key file is not part of the key.
        let r = Pseudonymiser::new(KEY.trim_ascii()).expect("long enough");
        assert_eq!(a, r.pseudonym("111222333").expect("valid"));
    }

    #[test]
    fn the_pseudonym_is_hmac_sha256_of_the_documented_message() {
        // Computed independently with OpenSSL: printf 'bsn:111222333' |
        //   openssl dgst -sha256 -hmac 'a key of the region, 32 bytes!!' | cut -c1-32
        let p = Pseudonymiser::new(KEY).expect("long enough");
        assert_eq!(
            p.pseudonym("111222333").as_deref(),
            Ok("p035764328a70588f52392af2433b66e5")
        );
    }

    #[test]
    fn what_is_not_a_bsn_is_refused_without_echoing_it() {
        let p = Pseudonymiser::new(KEY).expect("long enough");
        assert_eq!(p.pseudonym("12345678"), Err(BsnError::Shape));
        assert_eq!(p.pseudonym("12345678a"), Err(BsnError::Shape));
        // 123456789: 9+16+21+24+25+24+21+16 = 156, minus 9 = 147, not a multiple of 11.
        assert_eq!(p.pseudonym("123456789"), Err(BsnError::Checksum));
        assert_eq!(p.pseudonym("000000000"), Err(BsnError::Checksum));
        assert!(!BsnError::Checksum.to_string().contains("123456789"));
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(Pseudonymiser::new(b"short\n").is_err());
        assert!(Pseudonymiser::new(b"                    ").is_err());
    }
}
