//! How values are written in the document: durations, grouped digits, request lines with their digests shortened.

/// `12.3 µs`, `4.56 ms`.
pub fn dur(ns: f64) -> String {
    if !ns.is_finite() {
        "–".into()
    } else if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// `1234567` → `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A request line with every `sha256:<hex>` (or cosign's `sha256-<hex>`) cut to its first four hex digits.
pub(super) fn shorten(line: &str) -> String {
    // sha256:<64 hex> → sha256:abcd…
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("sha256") {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let take = tail
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        let (dg, after) = tail.split_at(take);
        out.push_str(&dg[..dg.len().min(11)]);
        if dg.len() > 11 {
            out.push('…');
            // keep a cosign suffix like .sig
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_digits() {
        assert_eq!(group_digits(1_234_567), "1,234,567");
        assert_eq!(group_digits(12), "12");
    }

    #[test]
    fn shortens_digests() {
        let d = format!("GET /v2/a/referrers/sha256:{}", "a".repeat(64));
        assert_eq!(shorten(&d), "GET /v2/a/referrers/sha256:aaaa…");
    }
}
