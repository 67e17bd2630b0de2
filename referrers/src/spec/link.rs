//! `Link` header parsing (RFC 8288 §3), as used for referrers and tag-list paging
//! (distribution-spec `spec.md#listing-referrers`, `#listing-tags`).

use url::Url;

/// The `rel="next"` target among all `Link` header values, resolved against `base` (the URL of the
/// response that carried it). Relation types are compared case-insensitively and may be a space-separated list.
/// Returns `None` when no next link is present or the target does not parse.
pub fn next_link<'a>(values: impl IntoIterator<Item = &'a str>, base: &Url) -> Option<Url> {
    for value in values {
        for (target, params) in parse_links(value) {
            let is_next = params.iter().any(|(k, v)| {
                k.eq_ignore_ascii_case("rel")
                    && v.split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return base.join(target.trim()).ok();
            }
        }
    }
    None
}

/// Split one header value into `(target, [(param, value)])` links. Tolerant: garbage yields fewer links, never a panic.
pub fn parse_links(value: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // find '<'
        while i < b.len() && b[i] != b'<' {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i + 1;
        let Some(end_rel) = value[start..].find('>') else {
            break;
        };
        let target = value[start..start + end_rel].to_string();
        i = start + end_rel + 1;
        let mut params = Vec::new();
        // parameters: ; name [= value]
        loop {
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            if i >= b.len() || b[i] != b';' {
                break;
            }
            i += 1;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            let ns = i;
            while i < b.len() && !matches!(b[i], b'=' | b';' | b',' | b' ' | b'\t') {
                i += 1;
            }
            let name = value[ns..i].to_string();
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            let mut val = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                    i += 1;
                }
                if i < b.len() && b[i] == b'"' {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        if b[i] == b'\\' && i + 1 < b.len() {
                            i += 1;
                        }
                        // push the whole UTF-8 char
                        let ch = value[i..].chars().next().unwrap_or(' ');
                        val.push(ch);
                        i += ch.len_utf8();
                    }
                    i = (i + 1).min(b.len());
                } else {
                    let vs = i;
                    while i < b.len() && !matches!(b[i], b';' | b',') {
                        i += 1;
                    }
                    val = value[vs..i].trim().to_string();
                }
            }
            if !name.is_empty() {
                params.push((name, val));
            }
        }
        out.push((target, params));
        // skip to the next ','
        while i < b.len() && b[i] != b',' {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn base() -> Url {
        Url::parse("https://r.example/v2/a/b/referrers/sha256:x?artifactType=t").unwrap()
    }

    #[test]
    fn relative_absolute_and_case() {
        let n = next_link(["</v2/a/b/referrers/sha256:x?n=2>; rel=\"next\""], &base()).unwrap();
        assert_eq!(
            n.as_str(),
            "https://r.example/v2/a/b/referrers/sha256:x?n=2"
        );
        let n = next_link(["<https://r.example/p?last=z>; REL=NEXT"], &base()).unwrap();
        assert_eq!(n.as_str(), "https://r.example/p?last=z");
        let n = next_link(["<page2>; rel=\"prev next\""], &base()).unwrap();
        assert_eq!(n.as_str(), "https://r.example/v2/a/b/referrers/page2");
    }

    #[test]
    fn multiple_links_and_commas_in_urls() {
        let v = "</prev?a=1,2>; rel=\"prev\", </next?b=3,4>; rel=\"next\"; title=\"x;y\"";
        let n = next_link([v], &base()).unwrap();
        assert_eq!(n.as_str(), "https://r.example/next?b=3,4");
        assert!(next_link(["</p>; rel=prev"], &base()).is_none());
        assert!(next_link(["garbage", "<unterminated; rel=next"], &base()).is_none());
        let n = next_link(["</a>; rel=prev", "</b>; rel=next"], &base()).unwrap();
        assert_eq!(n.path(), "/b");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = next_link([s.as_str()], &base());
        }
    }
}
