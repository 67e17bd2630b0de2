//! Outcome checks: what the code under test returned (verdict, method, referrers against the seeded ground truth,
//! completeness, error kinds, messages, metrics, the capability cache), judged against the scenario's expectation
//! for the row and the counterpart profile's declarations. Every target is judged by these.

use std::collections::BTreeMap;

use fake_registry::{Profile, Seeded, SeededReferrer, StoredAs};
use referrers::discovery::Method;

use super::execute::Run;
use crate::scenario::{Expect, ExpectedReferrers};

/// The referrers the ground truth says a discovery of `digest` with `filter` must return.
pub(crate) fn expected_referrers<'a>(
    seeded: &'a Seeded,
    digest: &str,
    filter: &[String],
) -> Vec<&'a SeededReferrer> {
    seeded
        .subjects
        .iter()
        .filter(|s| s.digest == digest)
        .flat_map(|s| s.referrers.iter())
        // Only what a client can reach on this registry: `stored_as` names the discovery paths the seed created.
        .filter(|r| !r.stored_as.is_empty())
        .filter(|r| {
            filter.is_empty()
                || r.artifact_type
                    .as_ref()
                    .is_some_and(|a| filter.iter().any(|f| f == a))
        })
        .collect()
}

/// The method a profile's declaration implies for a subject's seeded referrers: the API where the profile declares
/// it; otherwise the fallbacks that hold referrers (both, when neither does: both were consulted).
pub(crate) fn declared_method(profile: &Profile, referrers: &[&SeededReferrer]) -> Method {
    if profile.declared().referrers_api {
        return Method::ReferrersApi;
    }
    let stored = |how: StoredAs| referrers.iter().any(|r| r.stored_as.contains(&how));
    match (stored(StoredAs::TagSchema), stored(StoredAs::Cosign)) {
        (true, false) => Method::TagSchema,
        (false, true) => Method::CosignTags,
        // Both fallbacks hold referrers, or both were consulted and found nothing: the fallback was still used.
        (true, true) | (false, false) => Method::TagSchemaAndCosignTags,
    }
}

/// How many referrers the expectation and the ground truth call for, summed over the subjects discovered.
pub(crate) fn expected_total(
    expect: &Expect,
    run: &Run,
    seeded: &Seeded,
    filter: &[String],
) -> Option<usize> {
    match expect.referrers? {
        ExpectedReferrers::Count(n) => Some(n * run.discovered.len().max(1)),
        ExpectedReferrers::None => Some(0),
        ExpectedReferrers::Seeded | ExpectedReferrers::SeededDigests => Some(
            run.discovered
                .iter()
                .map(|d| expected_referrers(seeded, &d.subject, filter).len())
                .sum(),
        ),
    }
}

fn short(d: &str) -> String {
    match d.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", &hex[..hex.len().min(12)]),
        None => d.chars().take(19).collect(),
    }
}

fn list_short(v: &[&str]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    let mut s: Vec<String> = v.iter().take(3).map(|d| short(d)).collect();
    if v.len() > 3 {
        s.push(format!("and {} more", v.len() - 3));
    }
    s.join(", ")
}

/// Every way the run differs from the expectation; empty when it matches.
pub(crate) fn judge(
    profile: &Profile,
    expect: &Expect,
    run: &Run,
    seeded: &Seeded,
    filter: &[String],
) -> Vec<String> {
    let mut reasons = Vec::new();
    let obs = &run.observed;

    if let Some(v) = expect.verdict {
        let want = v.resolve(|| profile.declared().check_verdict.parse().ok());
        if obs.verdict != want {
            reasons.push(format!(
                "verdict: expected {}, observed {} ({})",
                want.map_or("nothing", |w| w.as_str()),
                obs.verdict.map_or("nothing", |o| o.as_str()),
                obs.message.as_deref().unwrap_or("")
            ));
        }
    }

    if let Some(m) = expect.method {
        let first_expected: Vec<&SeededReferrer> = run
            .discovered
            .first()
            .map(|d| expected_referrers(seeded, &d.subject, filter))
            .unwrap_or_default();
        let want = m.resolve(|| Some(declared_method(profile, &first_expected)));
        if let Some(d) = run.discovered.iter().find(|d| Some(d.method) != want) {
            reasons.push(format!(
                "method: expected {}, observed {} for {}",
                want.map_or("nothing", |w| w.as_str()),
                d.method.as_str(),
                d.subject
            ));
        }
    }

    if let Some(exp) = expect.referrers {
        judge_referrers(exp, run, seeded, filter, &mut reasons);
    }

    if let Some(c) = expect.complete
        && obs.complete != Some(c)
    {
        reasons.push(format!(
            "complete: expected {c}, observed {}",
            obs.complete.map_or("nothing".into(), |o| o.to_string())
        ));
    }
    if !run.discovered.is_empty() || run.check.is_none() {
        let observed_names = || {
            obs.error_kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for k in &expect.errors {
            if !obs.error_kinds.contains(k) {
                reasons.push(format!(
                    "error kind {:?} expected, observed [{}]",
                    k.as_str(),
                    observed_names()
                ));
            }
        }
        if expect.no_errors && !obs.error_kinds.is_empty() {
            let msgs: Vec<String> = run
                .discovered
                .iter()
                .flat_map(|d| {
                    d.errors
                        .iter()
                        .map(|e| format!("{}: {}", e.kind, e.message))
                })
                .take(3)
                .collect();
            reasons.push(format!("no errors expected, observed: {}", msgs.join("; ")));
        }
    }
    if let Some(s) = &expect.message_contains {
        let in_check = obs
            .message
            .as_deref()
            .is_some_and(|m| m.contains(s.as_str()));
        let in_errors = run
            .discovered
            .iter()
            .any(|d| d.errors.iter().any(|e| e.message.contains(s.as_str())));
        if !in_check && !in_errors {
            reasons.push(format!("no message contains {s:?}"));
        }
    }
    if let Some(n) = expect.capability_probes
        && obs.capability_probes != Some(n)
    {
        reasons.push(format!(
            "capability probes: expected {n}, metric says {}",
            obs.capability_probes.unwrap_or(0)
        ));
    }
    if let Some(f) = expect.failure_counted {
        let counted = obs.failures_counted.unwrap_or(0) > 0;
        if counted != f {
            reasons.push(format!(
                "failure metric: expected {}, observed {}",
                if f { "counted" } else { "not counted" },
                obs.failures_counted.unwrap_or(0)
            ));
        }
    }
    // A registry that has the API must never be cached as lacking it (after a transient error, a missing subject,
    // a redirect); for one without the API, "unsupported" is the right answer.
    if expect.no_cached_unsupported && run.cached_unsupported && profile.declared().referrers_api {
        reasons
            .push("capability cache holds \"unsupported\" for a registry that has the API".into());
    }
    reasons
}

/// The referrers of every subject against the ground truth: the same digests, and with `seeded` the descriptors
/// the spec's rules call for (artifactType rule, the manifest's size and media type, annotations).
fn judge_referrers(
    exp: ExpectedReferrers,
    run: &Run,
    seeded: &Seeded,
    filter: &[String],
    reasons: &mut Vec<String>,
) {
    // Collected over every subject of a batch, then reported once each.
    let mut set_errors = Vec::new();
    let mut differ = Vec::new();
    for d in &run.discovered {
        if let ExpectedReferrers::Count(n) = exp {
            if d.referrers.len() != n {
                reasons.push(format!(
                    "referrers: expected {n}, found {} for {}",
                    d.referrers.len(),
                    d.subject
                ));
            }
            continue;
        }
        let truth = expected_referrers(seeded, &d.subject, filter);
        let want: BTreeMap<&str, &SeededReferrer> = match exp {
            ExpectedReferrers::None => BTreeMap::new(),
            _ => truth.iter().map(|r| (r.digest.as_str(), *r)).collect(),
        };
        let got: BTreeMap<&str, _> = d.referrers.iter().map(|r| (r.digest.as_str(), r)).collect();
        let missing: Vec<&str> = want
            .keys()
            .filter(|k| !got.contains_key(*k))
            .copied()
            .collect();
        let extra: Vec<&str> = got
            .keys()
            .filter(|k| !want.contains_key(*k))
            .copied()
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            set_errors.push(format!(
                "referrers of {}: {} expected, {} found; missing {}, unexpected {}",
                short(&d.subject),
                want.len(),
                got.len(),
                list_short(&missing),
                list_short(&extra)
            ));
        }
        if exp != ExpectedReferrers::Seeded {
            continue;
        }
        for (digest, truth) in &want {
            if let Some(found) = got.get(digest) {
                let mut what = Vec::new();
                if found.artifact_type != truth.artifact_type {
                    what.push(format!(
                        "artifactType {:?}, expected {:?}",
                        found.artifact_type, truth.artifact_type
                    ));
                }
                if found.size != truth.size || found.media_type != truth.media_type {
                    what.push(format!(
                        "({}, {} bytes), expected ({}, {} bytes)",
                        found.media_type, found.size, truth.media_type, truth.size
                    ));
                }
                if found.annotations != truth.annotations {
                    what.push("annotations differ".to_string());
                }
                if !what.is_empty() {
                    differ.push(format!("{}: {}", short(digest), what.join(", ")));
                }
            }
        }
    }
    if !set_errors.is_empty() {
        let n = set_errors.len();
        set_errors.truncate(2);
        let more = if n > 2 {
            format!(" (and {} more subjects)", n - 2)
        } else {
            String::new()
        };
        reasons.push(format!("{}{more}", set_errors.join("; ")));
    }
    if !differ.is_empty() {
        let n = differ.len();
        differ.truncate(2);
        reasons.push(format!(
            "{n} referrer descriptor(s) differ from the ground truth, e.g. {}",
            differ.join("; ")
        ));
    }
}
