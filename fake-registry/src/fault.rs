//! Fault injection: request-matched rules, applied in front of the profile (so a fault answers before auth).
//!
//! Rules match requests on the **primary listener only** (the other-host listener plays a different origin and
//! serves redirect/`Link` targets untouched). A rule matches by method (any when absent) and path glob (`*`
//! matches any characters including `/`; matched against the path without the query). Each rule counts its
//! matching requests: the first `skip` pass untouched, then it applies `times` times (every time when absent).
//!
//! Several rules may apply to one request and compose: all `latency` delays add up; `corrupt-body`, `link-loop`,
//! `link-off-host` and `stall` modify the normal answer; the first rule whose action *replaces* the answer
//! (`rate-limit`, `secondary-rate-limit`, `status`, `reset`, `redirect-off-host`, `oversize-body`) wins.
//!
//! The serde form is the flat TOML table of the contract (`[[faults]]` entries with `method`, `path`, `skip`,
//! `times`, `action`, `retry_after`, `status`, `delay_ms`, `bytes`, and an optional `name`); unknown keys and
//! missing action parameters are errors.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// Which requests a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultMatch {
    /// HTTP method (case-insensitive); `None` = any.
    pub method: Option<String>,
    /// Path glob; `*` matches any characters including `/`.
    pub path: String,
    /// Let the first `skip` matching requests through untouched.
    pub skip: u64,
    /// Apply to this many matching requests after `skip`; `None` = every one.
    pub times: Option<u64>,
}

impl Default for FaultMatch {
    fn default() -> Self {
        FaultMatch {
            method: None,
            path: "*".into(),
            skip: 0,
            times: None,
        }
    }
}

impl FaultMatch {
    /// Does the request's method and path match (ignoring the counters)?
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && glob_match(self.path.as_bytes(), path.as_bytes())
    }
}

/// `*` matches any run of characters (including `/`); everything else matches itself.
pub fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative matcher with single-star backtracking: linear-ish, no recursion.
    let (mut p, mut t) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == b'*' {
        p += 1;
    }
    p == pattern.len()
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultAction {
    /// Delay, then answer normally.
    Latency {
        /// Milliseconds.
        delay_ms: u64,
    },
    /// 429 shaped like the profile's own rate-limit answer (Docker Hub JSON + `ratelimit-*`, GHCR text, ECR
    /// `Rate exceeded`, nginx HTML, spec JSON otherwise).
    RateLimit {
        /// `Retry-After` value sent verbatim (seconds or an HTTP-date); none = no header.
        retry_after: Option<String>,
    },
    /// GHCR-style 403 "You have exceeded a secondary rate limit".
    SecondaryRateLimit,
    /// The given status with the spec's error JSON.
    Status {
        /// 4xx or 5xx.
        status: u16,
    },
    /// Close the connection without an answer.
    Reset,
    /// Send the headers (and at most 16 bytes, less than half, of the body), then nothing until shutdown. An answer
    /// without a body (a redirect, a 204) has nothing to withhold and goes out whole.
    Stall,
    /// Answer normally but change a byte of the body so its digest no longer matches.
    CorruptBody,
    /// Add `Link: <the same URL>; rel="next"`.
    LinkLoop,
    /// Add a `Link` pointing at the other-host listener.
    LinkOffHost,
    /// 307 to the same path and query on the other-host listener (which serves the same content, no auth).
    RedirectOffHost,
    /// 200 with a body of `bytes` bytes: a valid OCI index padded with whitespace.
    OversizeBody {
        /// Body size (capped at 256 MiB).
        bytes: u64,
    },
}

impl FaultAction {
    /// The kebab-case name used in files and in the request log.
    pub fn name(&self) -> &'static str {
        match self {
            FaultAction::Latency { .. } => "latency",
            FaultAction::RateLimit { .. } => "rate-limit",
            FaultAction::SecondaryRateLimit => "secondary-rate-limit",
            FaultAction::Status { .. } => "status",
            FaultAction::Reset => "reset",
            FaultAction::Stall => "stall",
            FaultAction::CorruptBody => "corrupt-body",
            FaultAction::LinkLoop => "link-loop",
            FaultAction::LinkOffHost => "link-off-host",
            FaultAction::RedirectOffHost => "redirect-off-host",
            FaultAction::OversizeBody { .. } => "oversize-body",
        }
    }

    /// Does this action replace the normal answer (rather than modify or delay it)?
    pub fn replaces_answer(&self) -> bool {
        matches!(
            self,
            FaultAction::RateLimit { .. }
                | FaultAction::SecondaryRateLimit
                | FaultAction::Status { .. }
                | FaultAction::Reset
                | FaultAction::RedirectOffHost
                | FaultAction::OversizeBody { .. }
        )
    }
}

/// One fault rule: when it applies and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FaultRuleToml", into = "FaultRuleToml")]
pub struct FaultRule {
    /// Which requests.
    pub when: FaultMatch,
    /// What happens.
    pub action: FaultAction,
    /// A name for the request log (default: the action's name).
    pub name: Option<String>,
}

impl FaultRule {
    /// A rule applying `action` to every request (narrow it with the builder methods).
    pub fn new(action: FaultAction) -> FaultRule {
        FaultRule {
            when: FaultMatch::default(),
            action,
            name: None,
        }
    }
    /// Only requests whose path matches this glob.
    #[must_use]
    pub fn path(mut self, glob: &str) -> FaultRule {
        self.when.path = glob.to_string();
        self
    }
    /// Only requests with this method.
    #[must_use]
    pub fn method(mut self, method: &str) -> FaultRule {
        self.when.method = Some(method.to_ascii_uppercase());
        self
    }
    /// Let the first `n` matching requests through.
    #[must_use]
    pub fn skip(mut self, n: u64) -> FaultRule {
        self.when.skip = n;
        self
    }
    /// Apply `n` times (after `skip`).
    #[must_use]
    pub fn times(mut self, n: u64) -> FaultRule {
        self.when.times = Some(n);
        self
    }
    /// Name shown in the request log.
    #[must_use]
    pub fn named(mut self, name: &str) -> FaultRule {
        self.name = Some(name.to_string());
        self
    }
    /// The name shown in the request log.
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| self.action.name().to_string())
    }

    /// Shorthand: 429 with an optional `Retry-After`.
    pub fn rate_limit(retry_after: Option<&str>) -> FaultRule {
        FaultRule::new(FaultAction::RateLimit {
            retry_after: retry_after.map(str::to_string),
        })
    }
    /// Shorthand: a fixed status.
    pub fn status(status: u16) -> FaultRule {
        FaultRule::new(FaultAction::Status { status })
    }
    /// Shorthand: added latency.
    pub fn latency(delay_ms: u64) -> FaultRule {
        FaultRule::new(FaultAction::Latency { delay_ms })
    }
}

/// The `[[faults]]` file format (`--faults FILE`). Other top-level keys are ignored, so a whole scenario file
/// can be passed; each rule is checked strictly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultFile {
    /// The rules, in order.
    #[serde(default)]
    pub faults: Vec<FaultRule>,
}

impl FaultFile {
    /// Parse a TOML fault file.
    pub fn from_toml(text: &str) -> Result<FaultFile, toml::de::Error> {
        toml::from_str(text)
    }
}

/// `retry_after` may be written as a string or an integer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum StringOrInt {
    S(String),
    I(u64),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRuleToml {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skip: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    times: Option<u64>,
    action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after: Option<StringOrInt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bytes: Option<u64>,
}

/// Largest `oversize-body` size.
pub const MAX_OVERSIZE_BYTES: u64 = 256 * 1024 * 1024;

impl TryFrom<FaultRuleToml> for FaultRule {
    type Error = String;
    fn try_from(t: FaultRuleToml) -> Result<FaultRule, String> {
        let action = match t.action.as_str() {
            "latency" => FaultAction::Latency {
                delay_ms: t
                    .delay_ms
                    .ok_or("action `latency` needs `delay_ms`".to_string())?,
            },
            "rate-limit" => FaultAction::RateLimit {
                retry_after: t.retry_after.map(|r| match r {
                    StringOrInt::S(s) => s,
                    StringOrInt::I(i) => i.to_string(),
                }),
            },
            "secondary-rate-limit" => FaultAction::SecondaryRateLimit,
            "status" => {
                let s = t
                    .status
                    .ok_or("action `status` needs `status`".to_string())?;
                if !(400..=599).contains(&s) {
                    return Err(format!("`status` must be 400..=599, got {s}"));
                }
                FaultAction::Status { status: s }
            }
            "reset" => FaultAction::Reset,
            "stall" => FaultAction::Stall,
            "corrupt-body" => FaultAction::CorruptBody,
            "link-loop" => FaultAction::LinkLoop,
            "link-off-host" => FaultAction::LinkOffHost,
            "redirect-off-host" => FaultAction::RedirectOffHost,
            "oversize-body" => {
                let b = t
                    .bytes
                    .ok_or("action `oversize-body` needs `bytes`".to_string())?;
                if b > MAX_OVERSIZE_BYTES {
                    return Err(format!("`bytes` must be at most {MAX_OVERSIZE_BYTES}"));
                }
                FaultAction::OversizeBody { bytes: b }
            }
            other => {
                return Err(format!(
                    "unknown fault action `{other}` (expected latency, rate-limit, secondary-rate-limit, status, reset, stall, corrupt-body, link-loop, link-off-host, redirect-off-host, oversize-body)"
                ));
            }
        };
        Ok(FaultRule {
            when: FaultMatch {
                method: t.method.map(|m| m.to_ascii_uppercase()),
                path: t.path.unwrap_or_else(|| "*".into()),
                skip: t.skip.unwrap_or(0),
                times: t.times,
            },
            action,
            name: t.name,
        })
    }
}

impl From<FaultRule> for FaultRuleToml {
    fn from(r: FaultRule) -> FaultRuleToml {
        let mut t = FaultRuleToml {
            name: r.name,
            method: r.when.method,
            path: Some(r.when.path),
            skip: (r.when.skip > 0).then_some(r.when.skip),
            times: r.when.times,
            action: r.action.name().to_string(),
            retry_after: None,
            status: None,
            delay_ms: None,
            bytes: None,
        };
        match r.action {
            FaultAction::Latency { delay_ms } => t.delay_ms = Some(delay_ms),
            FaultAction::RateLimit { retry_after } => {
                t.retry_after = retry_after.map(StringOrInt::S)
            }
            FaultAction::Status { status } => t.status = Some(status),
            FaultAction::OversizeBody { bytes } => t.bytes = Some(bytes),
            _ => {}
        }
        t
    }
}

/// A rule with its match counter.
pub(crate) struct ArmedFault {
    pub rule: FaultRule,
    seen: AtomicU64,
}

impl ArmedFault {
    pub fn new(rule: FaultRule) -> ArmedFault {
        ArmedFault {
            rule,
            seen: AtomicU64::new(0),
        }
    }

    /// Count the request if it matches; true when the rule applies to it.
    pub fn fire(&self, method: &str, path: &str) -> bool {
        if !self.rule.when.matches(method, path) {
            return false;
        }
        let n = self.seen.fetch_add(1, Ordering::SeqCst);
        let w = &self.rule.when;
        n >= w.skip && w.times.is_none_or(|t| n - w.skip < t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match(
            b"/v2/*/referrers/*",
            b"/v2/a/b/referrers/sha256:x"
        ));
        assert!(glob_match(b"*", b""));
        assert!(glob_match(b"/v2/", b"/v2/"));
        assert!(!glob_match(b"/v2/", b"/v2/x"));
        assert!(glob_match(b"*/tags/list", b"/v2/a/tags/list"));
        assert!(!glob_match(b"*/tags/list", b"/v2/a/tags/list2"));
        assert!(glob_match(b"a*b*c", b"axxbyybc"));
    }

    #[test]
    fn counters() {
        let f = ArmedFault::new(FaultRule::status(503).method("get").skip(1).times(2));
        let fired: Vec<bool> = (0..5).map(|_| f.fire("GET", "/v2/")).collect();
        assert_eq!(fired, vec![false, true, true, false, false]);
        assert!(!f.fire("PUT", "/v2/"));
    }

    #[test]
    fn toml_format() {
        let f = FaultFile::from_toml(
            r#"
[[faults]]
method = "GET"
path = "/v2/*/referrers/*"
skip = 0
times = 2
action = "rate-limit"
retry_after = "1"

[[faults]]
action = "latency"
delay_ms = 50

[[faults]]
action = "rate-limit"
retry_after = 3
"#,
        )
        .unwrap();
        assert_eq!(f.faults.len(), 3);
        assert_eq!(
            f.faults[0].action,
            FaultAction::RateLimit {
                retry_after: Some("1".into())
            }
        );
        assert_eq!(f.faults[0].when.times, Some(2));
        assert_eq!(
            f.faults[2].action,
            FaultAction::RateLimit {
                retry_after: Some("3".into())
            }
        );
        let back = toml::to_string(&f).unwrap();
        assert_eq!(FaultFile::from_toml(&back).unwrap(), f);
        for bad in [
            "[[faults]]\naction = \"nope\"",
            "[[faults]]\naction = \"status\"",
            "[[faults]]\naction = \"status\"\nstatus = 200",
            "[[faults]]\naction = \"latency\"",
            "[[faults]]\naction = \"reset\"\ntypo = 1",
        ] {
            assert!(FaultFile::from_toml(bad).is_err(), "{bad}");
        }
    }
}
