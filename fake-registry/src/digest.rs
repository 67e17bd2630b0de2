//! Digests and names: parsing and validation of the grammar in the
//! [OCI image spec, descriptor.md "Digests"](https://github.com/opencontainers/image-spec/blob/v1.1.1/descriptor.md#digests)
//! and the [distribution spec's name rule](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#pulling-manifests).

use sha2::{Digest as _, Sha256, Sha512};

/// Digest algorithms the fake can compute and verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `sha256`: 64 lowercase hex characters.
    Sha256,
    /// `sha512`: 128 lowercase hex characters.
    Sha512,
}

impl Algorithm {
    /// The algorithm's name as it appears in a digest string.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }

    /// Hash `data` and return the digest string `alg:hex`.
    pub fn digest(self, data: &[u8]) -> String {
        match self {
            Algorithm::Sha256 => format!("sha256:{}", hex::encode(Sha256::digest(data))),
            Algorithm::Sha512 => format!("sha512:{}", hex::encode(Sha512::digest(data))),
        }
    }
}

/// A digest that passed validation: a registered algorithm and a well-formed encoded part.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParsedDigest {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The full digest string, as given (already lowercase hex).
    pub text: String,
}

impl ParsedDigest {
    /// Parse and validate `s`. `None` when the string is not a digest of a supported algorithm
    /// with the exact hex length (the spec's 400 `DIGEST_INVALID` cases).
    pub fn parse(s: &str) -> Option<ParsedDigest> {
        let (alg, enc) = s.split_once(':')?;
        let algorithm = match alg {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            _ => return None,
        };
        if enc.len() != algorithm.hex_len()
            || !enc
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return None;
        }
        Some(ParsedDigest {
            algorithm,
            text: s.to_string(),
        })
    }

    /// Does `data` hash to this digest?
    pub fn matches(&self, data: &[u8]) -> bool {
        self.algorithm.digest(data) == self.text
    }
}

/// `sha256` digest of `data` as `sha256:<hex>`.
pub fn sha256(data: &[u8]) -> String {
    Algorithm::Sha256.digest(data)
}

/// Does `s` look like a digest at all (`alg:...`)? Used to tell digests from tags in
/// `/manifests/<reference>`: tags cannot contain `:`.
pub fn looks_like_digest(s: &str) -> bool {
    s.contains(':')
}

/// Why `s` is not `sha256:` and 64 hex digits, checked in the order container-registry 0.3.1 checks
/// (`src/lib.rs` `ImageDigest::from_str`): the length, the prefix, the hex; `None`: it is one.
pub fn sha256_only_rejection(s: &str) -> Option<&'static str> {
    const LEN: usize = "sha256:".len() + 64;
    if s.len() != LEN {
        return Some("wrong length");
    }
    if !s.starts_with("sha256:") {
        return Some("wrong prefix");
    }
    if !s["sha256:".len()..].bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some("hex decoding error");
    }
    None
}

/// The referrers tag-schema name for a subject digest (`<alg>-<encoded>`), cut the way the
/// [distribution-spec main branch](https://github.com/opencontainers/distribution-spec/blob/main/spec.md#referrers-tag-schema)
/// describes: algorithm to 32 chars, encoded part to 64 chars, characters outside `[a-zA-Z0-9_.-]` replaced by `-`.
pub fn tag_schema_name(digest: &str) -> String {
    let (alg, enc) = digest.split_once(':').unwrap_or((digest, ""));
    let clean = |s: &str, n: usize| -> String {
        s.chars()
            .take(n)
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("{}-{}", clean(alg, 32), clean(enc, 64))
}

/// Repository name rule of the distribution spec:
/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`, at most 255 characters
/// (the limit Distribution enforces).
pub fn valid_repository(name: &str) -> bool {
    if name.is_empty() || name.len() > 255 {
        return false;
    }
    name.split('/').all(valid_component)
}

fn valid_component(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() {
        return false;
    }
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // a separator run: ".", "_", "__", or "-+"
        let start = i;
        let sep = b[i];
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let run = &b[start..i];
        let ok = match sep {
            b'.' => run == b".",
            b'_' => run == b"_" || run == b"__",
            b'-' => run.iter().all(|&x| x == b'-'),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Tag rule: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
pub fn valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    if b.is_empty() || b.len() > 128 {
        return false;
    }
    let first = b[0].is_ascii_alphanumeric() || b[0] == b'_';
    first
        && b[1..]
            .iter()
            .all(|&x| x.is_ascii_alphanumeric() || x == b'_' || x == b'.' || x == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_rules() {
        let d = sha256(b"{}");
        assert_eq!(
            d,
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert!(ParsedDigest::parse(&d).is_some());
        assert!(ParsedDigest::parse("sha256:abc").is_none());
        assert!(ParsedDigest::parse(&d.to_uppercase()).is_none());
        assert!(ParsedDigest::parse("md5:00").is_none());
        assert!(ParsedDigest::parse(&Algorithm::Sha512.digest(b"x")).is_some());
    }

    #[test]
    fn names_and_tags() {
        for ok in [
            "library/alpine",
            "a",
            "a/b/c/d",
            "foo.bar_baz__q-r--s",
            "0x",
        ] {
            assert!(valid_repository(ok), "{ok}");
        }
        for bad in [
            "", "A", "a//b", "/a", "a/", "a..b", "a___b", "-a", "a-", "a b", "a/.b",
        ] {
            assert!(!valid_repository(bad), "{bad}");
        }
        assert!(valid_tag("latest"));
        assert!(valid_tag("sha256-abc.sig"));
        assert!(!valid_tag(".x"));
        assert!(!valid_tag(&"a".repeat(129)));
    }

    #[test]
    fn tag_schema() {
        let d = sha256(b"x");
        assert_eq!(tag_schema_name(&d), d.replace(':', "-"));
        let long = Algorithm::Sha512.digest(b"x");
        assert_eq!(tag_schema_name(&long).len(), "sha512-".len() + 64);
    }
}
