//! Repository names and tags (distribution-spec `spec.md#pulling-manifests`): validated before they go into a
//! URL path, so nothing like `..` or `?` can reach the registry.

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`, at most 255 characters.
pub fn valid_repository(name: &str) -> bool {
    if name.is_empty() || name.len() > 255 {
        return false;
    }
    name.split('/').all(|comp| {
        let b = comp.as_bytes();
        if b.is_empty() || !is_alnum(b[0]) || !is_alnum(b[b.len() - 1]) {
            return false;
        }
        let mut i = 0;
        while i < b.len() {
            if is_alnum(b[i]) {
                i += 1;
                continue;
            }
            // separator: ".", "_", "__", or "-+"
            let start = i;
            match b[i] {
                b'.' => i += 1,
                b'_' => {
                    i += 1;
                    if i < b.len() && b[i] == b'_' {
                        i += 1;
                    }
                }
                b'-' => {
                    while i < b.len() && b[i] == b'-' {
                        i += 1;
                    }
                }
                _ => return false,
            }
            if i >= b.len() || !is_alnum(b[i]) || i == start {
                return false;
            }
        }
        true
    })
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
pub fn valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn repositories() {
        for ok in [
            "library/alpine",
            "a",
            "a/b/c",
            "my-org/my__img",
            "x.y/z-z--z",
        ] {
            assert!(valid_repository(ok), "{ok}");
        }
        for bad in [
            "", "A", "a//b", "../etc", "a/", "/a", "a?x", "a___b", "a-", "a%2f", "a b",
        ] {
            assert!(!valid_repository(bad), "{bad}");
        }
    }

    #[test]
    fn tags() {
        assert!(valid_tag("latest"));
        assert!(valid_tag("sha256-abc.sig"));
        assert!(!valid_tag(".x"));
        assert!(!valid_tag("a/b"));
        assert!(!valid_tag(&"a".repeat(129)));
    }

    proptest! {
        #[test]
        fn valid_names_are_url_safe(s in "\\PC{0,60}") {
            if valid_repository(&s) {
                prop_assert!(!s.contains("..") && !s.contains('?') && !s.contains('#') && !s.contains('%'));
            }
            if valid_tag(&s) {
                prop_assert!(!s.contains('/') && !s.contains('?'));
            }
        }
    }
}
