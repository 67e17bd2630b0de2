//! Digests (image-spec v1.1.1 `descriptor.md#digests`) and the referrers tag schema
//! (distribution-spec `spec.md#referrers-tag-schema`).

use sha2::{Digest as _, Sha256, Sha512};
use std::fmt;
use std::str::FromStr;

/// A registered digest algorithm we can verify.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `sha256`: 64 lowercase hex characters.
    Sha256,
    /// `sha512`: 128 lowercase hex characters.
    Sha512,
    /// Any other grammatically valid algorithm; carried, never verified.
    Other(String),
}

impl Algorithm {
    /// The algorithm's name as written in a digest.
    pub fn as_str(&self) -> &str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
            Algorithm::Other(s) => s,
        }
    }
}

/// A validated digest `algorithm ":" encoded`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: Algorithm,
    encoded: String,
}

/// Why a string is not a valid digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// No `:` separates algorithm and encoded part.
    #[error("digest {0:?} has no ':' separator")]
    MissingSeparator(String),
    /// The algorithm part breaks the grammar `[a-z0-9]+([+._-][a-z0-9]+)*`.
    #[error("digest {0:?} has an invalid algorithm")]
    InvalidAlgorithm(String),
    /// The encoded part breaks the grammar `[a-zA-Z0-9=_-]+`.
    #[error("digest {0:?} has an invalid encoded part")]
    InvalidEncoded(String),
    /// sha256/sha512 with the wrong length or non-lowercase-hex characters.
    #[error("digest {0:?} is not {1} lowercase hex characters")]
    BadHex(String, usize),
    /// Longer than any sane digest (256 characters).
    #[error("digest is too long ({0} characters)")]
    TooLong(usize),
}

const MAX_DIGEST_LEN: usize = 256;

impl Digest {
    /// The algorithm.
    pub fn algorithm(&self) -> &Algorithm {
        &self.algorithm
    }
    /// The encoded part (hex for sha256/sha512).
    pub fn encoded(&self) -> &str {
        &self.encoded
    }
    /// Hash `bytes` with sha256.
    pub fn sha256_of(bytes: &[u8]) -> Digest {
        Digest {
            algorithm: Algorithm::Sha256,
            encoded: hex::encode(Sha256::digest(bytes)),
        }
    }
    /// Hash `bytes` with this digest's algorithm; `None` for an algorithm we cannot compute.
    pub fn compute_same(&self, bytes: &[u8]) -> Option<Digest> {
        let encoded = match self.algorithm {
            Algorithm::Sha256 => hex::encode(Sha256::digest(bytes)),
            Algorithm::Sha512 => hex::encode(Sha512::digest(bytes)),
            Algorithm::Other(_) => return None,
        };
        Some(Digest {
            algorithm: self.algorithm.clone(),
            encoded,
        })
    }
    /// `Some(true)` when `bytes` hash to this digest, `None` when the algorithm is unverifiable.
    pub fn verify(&self, bytes: &[u8]) -> Option<bool> {
        self.compute_same(bytes).map(|d| d == *self)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.as_str(), self.encoded)
    }
}

fn valid_algorithm(alg: &str) -> bool {
    // component ( separator component )*, component = [a-z0-9]+, separator = [+._-]
    if alg.is_empty() {
        return false;
    }
    let mut prev_sep = true;
    for c in alg.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            prev_sep = false;
        } else if matches!(c, '+' | '.' | '_' | '-') {
            if prev_sep {
                return false;
            }
            prev_sep = true;
        } else {
            return false;
        }
    }
    !prev_sep
}

impl FromStr for Digest {
    type Err = DigestError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() > MAX_DIGEST_LEN {
            return Err(DigestError::TooLong(s.len()));
        }
        let (alg, enc) = s
            .split_once(':')
            .ok_or_else(|| DigestError::MissingSeparator(s.to_string()))?;
        if !valid_algorithm(alg) {
            return Err(DigestError::InvalidAlgorithm(s.to_string()));
        }
        if enc.is_empty()
            || !enc
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '=' | '_' | '-'))
        {
            return Err(DigestError::InvalidEncoded(s.to_string()));
        }
        let algorithm = match alg {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            other => Algorithm::Other(other.to_string()),
        };
        let want = match algorithm {
            Algorithm::Sha256 => Some(64),
            Algorithm::Sha512 => Some(128),
            Algorithm::Other(_) => None,
        };
        if let Some(n) = want
            && (enc.len() != n
                || !enc
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)))
        {
            return Err(DigestError::BadHex(s.to_string(), n));
        }
        Ok(Digest {
            algorithm,
            encoded: enc.to_string(),
        })
    }
}

/// The referrers tag-schema tag for a digest: `<alg>-<encoded>`.
///
/// distribution-spec [main] `spec.md#referrers-tag-schema`: the algorithm is truncated to 32 characters, the
/// encoded part to 64 characters, and every character outside `[a-zA-Z0-9_.-]` is replaced by `-`, so a sha512
/// digest still fits the 128-character tag limit. For sha256 this is the familiar `sha256-<64 hex>`.
pub fn tag_schema_name(digest: &str) -> String {
    let (alg, enc) = digest.split_once(':').unwrap_or((digest, ""));
    let clean = |s: &str, n: usize| -> String {
        s.chars()
            .take(n)
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("{}-{}", clean(alg, 32), clean(enc, 64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EMPTY: &str = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    #[test]
    fn parses_and_verifies_the_empty_descriptor() {
        let d: Digest = EMPTY.parse().unwrap();
        assert_eq!(d.algorithm(), &Algorithm::Sha256);
        assert_eq!(d.verify(b"{}"), Some(true));
        assert_eq!(d.verify(b"{ }"), Some(false));
        assert_eq!(Digest::sha256_of(b"{}"), d);
        assert_eq!(d.to_string(), EMPTY);
    }

    #[test]
    fn rejects_bad_digests() {
        for bad in [
            "",
            "sha256",
            "sha256:",
            "sha256:ABC",
            &format!("sha256:{}", "A".repeat(64)),
            &format!("sha256:{}", "a".repeat(63)),
            &format!("sha512:{}", "a".repeat(64)),
            "SHA256:abc",
            "sha256::abc",
            "-sha:abc",
            "sha..256:abc",
            &format!("sha256:{}", "a".repeat(300)),
            "sha256:a/b",
        ] {
            assert!(bad.parse::<Digest>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn sha512_and_other_algorithms() {
        let s = format!("sha512:{}", "0".repeat(128));
        let d: Digest = s.parse().unwrap();
        assert_eq!(d.algorithm(), &Algorithm::Sha512);
        let o: Digest = "blake3:abcd".parse().unwrap();
        assert_eq!(o.verify(b"x"), None);
    }

    #[test]
    fn tag_schema_sha256_and_truncation() {
        assert_eq!(tag_schema_name(EMPTY), format!("sha256-{}", &EMPTY[7..]));
        let long = format!("sha512:{}", "a".repeat(128));
        let t = tag_schema_name(&long);
        assert_eq!(t, format!("sha512-{}", "a".repeat(64)));
        let weird = format!("{}+x:{}=", "b".repeat(40), "c".repeat(10));
        assert_eq!(
            tag_schema_name(&weird),
            format!("{}-{}-", "b".repeat(32), "c".repeat(10))
        );
    }

    proptest! {
        #[test]
        fn tag_schema_always_valid_tag(s in ".{0,400}") {
            let t = tag_schema_name(&s);
            prop_assert!(t.chars().count() <= 32 + 1 + 64);
            prop_assert!(t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')));
        }

        #[test]
        fn parse_never_panics_and_roundtrips(s in ".{0,300}") {
            if let Ok(d) = s.parse::<Digest>() {
                prop_assert_eq!(d.to_string(), s);
            }
        }

        #[test]
        fn computed_digests_parse(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let d = Digest::sha256_of(&bytes);
            let again: Digest = d.to_string().parse().unwrap();
            prop_assert_eq!(again.verify(&bytes), Some(true));
        }
    }
}
