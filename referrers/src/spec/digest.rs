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
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: Algorithm,
    /// The whole digest as written, `algorithm ":" encoded`.
    text: String,
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Digest")
            .field("algorithm", &self.algorithm)
            .field("encoded", &self.encoded())
            .finish()
    }
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
        &self.text[self.algorithm.as_str().len() + 1..]
    }
    /// The digest as written, `algorithm ":" encoded` (what `to_string` gives, without allocating).
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// Check `s` against the digest grammar without building a [`Digest`] (no allocation unless it is invalid).
    pub fn check(s: &str) -> Result<(), DigestError> {
        checked_parts(s).map(|_| ())
    }
    fn hex_of(algorithm: Algorithm, hash: &[u8]) -> Digest {
        let name = algorithm.as_str();
        let mut text = String::with_capacity(name.len() + 1 + 2 * hash.len());
        text.push_str(name);
        text.push(':');
        text.push_str(&hex::encode(hash));
        Digest { algorithm, text }
    }
    /// Hash `bytes` with sha256.
    pub fn sha256_of(bytes: &[u8]) -> Digest {
        Digest::hex_of(Algorithm::Sha256, &Sha256::digest(bytes))
    }
    /// Hash `bytes` with this digest's algorithm; `None` for an algorithm we cannot compute.
    pub fn compute_same(&self, bytes: &[u8]) -> Option<Digest> {
        match self.algorithm {
            Algorithm::Sha256 => Some(Digest::hex_of(Algorithm::Sha256, &Sha256::digest(bytes))),
            Algorithm::Sha512 => Some(Digest::hex_of(Algorithm::Sha512, &Sha512::digest(bytes))),
            Algorithm::Other(_) => None,
        }
    }
    /// `Some(true)` when `bytes` hash to this digest, `None` when the algorithm is unverifiable.
    pub fn verify(&self, bytes: &[u8]) -> Option<bool> {
        let enc = self.encoded().as_bytes();
        let same = |hash: &[u8]| {
            enc.len() == 2 * hash.len()
                && hash.iter().zip(enc.chunks_exact(2)).all(|(b, pair)| {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    pair[0] == HEX[usize::from(b >> 4)] && pair[1] == HEX[usize::from(b & 0xf)]
                })
        };
        match self.algorithm {
            Algorithm::Sha256 => Some(same(&Sha256::digest(bytes))),
            Algorithm::Sha512 => Some(same(&Sha512::digest(bytes))),
            Algorithm::Other(_) => None,
        }
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn valid_algorithm(alg: &str) -> bool {
    // component ( separator component )*, component = [a-z0-9]+, separator = [+._-]
    if alg.is_empty() {
        return false;
    }
    let mut prev_sep = true;
    for c in alg.bytes() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            prev_sep = false;
        } else if matches!(c, b'+' | b'.' | b'_' | b'-') {
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

/// Which algorithm a checked digest names.
enum Named {
    Sha256,
    Sha512,
    Other,
}

/// `[0-9a-f]` per byte, as a table.
const LOWER_HEX: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = true;
        c += 1;
    }
    let mut c = b'a';
    while c <= b'f' {
        t[c as usize] = true;
        c += 1;
    }
    t
};

/// Every byte is lowercase hex (`[0-9a-f]`). Eight bytes at a time, folding each chunk's answers with `&` so the
/// loop has one branch per chunk (a digest is read for every descriptor of every page).
fn is_lower_hex(b: &[u8]) -> bool {
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        if !c.iter().fold(true, |ok, &x| ok & LOWER_HEX[x as usize]) {
            return false;
        }
    }
    chunks.remainder().iter().all(|&x| LOWER_HEX[x as usize])
}

/// Split and check `s` (the grammar, and the hex form of sha256/sha512); allocates only for the error.
/// Bytes, not chars: every non-ASCII byte fails the ASCII classes as its character would.
fn checked_parts(s: &str) -> Result<(&str, &str, Named), DigestError> {
    // The common case in one pass: sha256 and 64 lowercase hex characters passes every check below.
    if s.len() == 71
        && let Some(enc) = s.strip_prefix("sha256:")
        && is_lower_hex(enc.as_bytes())
    {
        return Ok(("sha256", enc, Named::Sha256));
    }
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
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'=' | b'_' | b'-'))
    {
        return Err(DigestError::InvalidEncoded(s.to_string()));
    }
    let (named, want) = match alg {
        "sha256" => (Named::Sha256, Some(64)),
        "sha512" => (Named::Sha512, Some(128)),
        _ => (Named::Other, None),
    };
    if let Some(n) = want
        && (enc.len() != n || !is_lower_hex(enc.as_bytes()))
    {
        return Err(DigestError::BadHex(s.to_string(), n));
    }
    Ok((alg, enc, named))
}

impl FromStr for Digest {
    type Err = DigestError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (alg, _, named) = checked_parts(s)?;
        let algorithm = match named {
            Named::Sha256 => Algorithm::Sha256,
            Named::Sha512 => Algorithm::Sha512,
            Named::Other => Algorithm::Other(alg.to_string()),
        };
        Ok(Digest {
            algorithm,
            text: s.to_string(),
        })
    }
}

/// The referrers tag-schema tag for a digest: `<alg>-<encoded>`.
///
/// distribution-spec [main] `spec.md#referrers-tag-schema`: the algorithm is truncated to 32 characters, the
/// encoded part to 64 characters, and every character outside `[a-zA-Z0-9_.-]` is replaced by `-`, so a sha512
/// digest still fits the 128-character tag limit. For sha256 this is the familiar `sha256-<64 hex>`.
pub fn tag_schema_name(digest: &str) -> String {
    fn push_clean(out: &mut String, s: &str, n: usize) {
        for c in s.chars().take(n) {
            out.push(
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '-'
                },
            );
        }
    }
    let (alg, enc) = digest.split_once(':').unwrap_or((digest, ""));
    let mut out = String::with_capacity(alg.len().min(32) + 1 + enc.len().min(64));
    push_clean(&mut out, alg, 32);
    out.push('-');
    push_clean(&mut out, enc, 64);
    out
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
        fn lower_hex_table_agrees_with_the_class(b in proptest::collection::vec(prop_oneof![any::<u8>(), proptest::sample::select(b"0123456789abcdefABCDEF:g/".to_vec())], 0..80)) {
            prop_assert_eq!(is_lower_hex(&b), b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
        }

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
