//! `Retry-After` (RFC 9110 §10.2.3: delay-seconds or HTTP-date) and GHCR's body text
//! `toomanyrequests: retry-after: 1.5s, allowed: 44000/minute` (a Go duration).
//!
//! Huge values saturate (the caller compares them with the remaining budget); garbage yields `None`.

use std::time::{Duration, SystemTime};

/// A ceiling for any parsed delay (about 31 years): keeps arithmetic safe; anything near it ends the wait.
pub const MAX_DELAY: Duration = Duration::from_secs(1_000_000_000);

/// Parse a `Retry-After` header value relative to `now`. Seconds (`120`), an HTTP-date, and leniently a decimal
/// (`1.5`) or Go duration (`1.5s`). A date in the past means zero.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() || v.len() > 100 {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            v.parse::<u64>()
                .map(Duration::from_secs)
                .unwrap_or(MAX_DELAY)
                .min(MAX_DELAY),
        );
    }
    if v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let f: f64 = v.parse().ok()?;
        return secs_f64(f);
    }
    if let Ok(t) = httpdate::parse_http_date(v) {
        return Some(
            t.duration_since(now)
                .unwrap_or(Duration::ZERO)
                .min(MAX_DELAY),
        );
    }
    parse_go_duration(v)
}

fn secs_f64(f: f64) -> Option<Duration> {
    if !f.is_finite() || f < 0.0 {
        return None;
    }
    if f >= MAX_DELAY.as_secs_f64() {
        return Some(MAX_DELAY);
    }
    Some(Duration::from_secs_f64(f))
}

/// Find GHCR's `retry-after: <duration>` in a response body (case-insensitive).
pub fn retry_after_from_body(body: &[u8]) -> Option<Duration> {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]).to_ascii_lowercase();
    let pos = text.find("retry-after:")?;
    let rest = text[pos + "retry-after:".len()..].trim_start();
    let token: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',' && *c != '"')
        .collect();
    parse_go_duration(&token).or_else(|| parse_retry_after(&token, SystemTime::now()))
}

/// Parse a Go `time.Duration` string: `300ms`, `1.5s`, `1m30s`, `2h`, `0`. Negative → `None`; huge saturates.
pub fn parse_go_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty() || s.starts_with('-') || s.len() > 64 {
        return None;
    }
    if s == "0" {
        return Some(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += n * mult;
    }
    secs_f64(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seconds_dates_and_garbage() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999999", now),
            Some(MAX_DELAY)
        );
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        for g in ["", "soon", "-5", "1e400", "NaN", "Tue, 99 Foo", "1..2"] {
            assert_eq!(parse_retry_after(g, now), None, "{g:?}");
        }
    }

    #[test]
    fn ghcr_body() {
        let b = b"toomanyrequests: retry-after: 1.5s, allowed: 44000/minute";
        assert_eq!(retry_after_from_body(b), Some(Duration::from_millis(1500)));
        let b = br#"{"errors":[{"code":"TOOMANYREQUESTS","message":"Retry-After: 1m30s"}]}"#;
        assert_eq!(retry_after_from_body(b), Some(Duration::from_secs(90)));
        assert_eq!(
            retry_after_from_body(b"toomanyrequests: rate exceeded"),
            None
        );
        assert_eq!(
            retry_after_from_body(b"retry-after: 9999999999h"),
            Some(MAX_DELAY)
        );
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("300ms"), Some(Duration::from_millis(300)));
        assert_eq!(parse_go_duration("1h2m3s"), Some(Duration::from_secs(3723)));
        assert_eq!(parse_go_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_go_duration("5"), None);
        assert_eq!(parse_go_duration("s"), None);
        assert_eq!(parse_go_duration("1x"), None);
    }

    proptest! {
        #[test]
        fn never_panics_and_bounded(s in "\\PC{0,80}") {
            if let Some(d) = parse_retry_after(&s, SystemTime::now()) { prop_assert!(d <= MAX_DELAY); }
            if let Some(d) = retry_after_from_body(s.as_bytes()) { prop_assert!(d <= MAX_DELAY); }
        }

        #[test]
        fn seconds_roundtrip(n in 0u64..1_000_000) {
            prop_assert_eq!(parse_retry_after(&n.to_string(), SystemTime::now()), Some(Duration::from_secs(n)));
        }
    }
}
