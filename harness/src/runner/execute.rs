//! Runs a scenario's operation through the real `referrers` code against a served registry, and records what the
//! code itself returned (verdict, method, referrers, errors, metrics) before anything is judged.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use fake_registry::Seeded;
use referrers::check::{CheckConfig, CheckResult};
use referrers::discovery::{Discoverer, DiscoveryOptions, DiscoveryResult, Subject, SubjectRef};
use referrers::telemetry::Metrics;
use referrers::{Credentials, RegistryConfig};

use crate::cell::Observed;
use crate::scenario::{
    ClientCredentials, MISSING_REPOSITORY, Operation, Scenario, SubjectSelection,
};
use crate::target::UserPass;
use crate::wire::metric_sum;

/// sha256 of "this subject does not exist": a valid digest no seed produces.
pub const MISSING_DIGEST: &str =
    "sha256:5e0a6d2b0cfe3a8d0e8b4c7a1f9e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6";

/// What the operation returned, before judging.
pub(crate) struct Run {
    pub observed: Observed,
    pub check: Option<CheckResult>,
    pub discovered: Vec<DiscoveryResult>,
    /// After the run, the capability cache holds "unsupported" for the first subject's repository.
    pub cached_unsupported: bool,
}

/// The credentials the client sends: what the scenario asks for, given what the registry accepts.
fn client_credentials(which: ClientCredentials, accepted: Option<&UserPass>) -> Credentials {
    match (which, accepted) {
        (ClientCredentials::None, _) => Credentials::Anonymous,
        (ClientCredentials::Correct, Some(c)) => Credentials::Basic {
            username: c.username.clone(),
            password: c.password.clone(),
        },
        (ClientCredentials::Correct, None) => Credentials::Anonymous,
        (ClientCredentials::Wrong, c) => Credentials::Basic {
            username: c.map_or_else(|| "nobody".to_string(), |c| c.username.clone()),
            password: "definitely-wrong".into(),
        },
    }
}

fn registry_config(base_url: &str, credentials: Credentials, timeout: u64) -> RegistryConfig {
    RegistryConfig {
        credentials,
        timeout: Duration::from_secs(timeout),
        ..RegistryConfig::new(base_url)
    }
}

/// Runs `scenario`'s operation against the registry at `base_url` holding `seeded`.
pub(crate) async fn execute(
    scenario: &Scenario,
    base_url: &str,
    seeded: &Seeded,
    accepted: Option<&UserPass>,
) -> Result<Run, String> {
    let first = seeded.subjects.first();
    let repository = first
        .map(|s| s.repository.clone())
        .unwrap_or_else(|| "library/alpine".to_string());
    let metrics = Metrics::default();
    let started = Instant::now();
    let mut run = Run {
        observed: Observed::default(),
        check: None,
        discovered: Vec::new(),
        cached_unsupported: false,
    };
    match &scenario.spec.operation {
        Operation::Check {
            tag,
            credentials,
            timeout_seconds,
        } => {
            let cfg = CheckConfig {
                registry: registry_config(
                    base_url,
                    client_credentials(*credentials, accepted),
                    *timeout_seconds,
                ),
                repository,
                tag: tag
                    .clone()
                    .or_else(|| first.map(|s| s.tag.clone()))
                    .unwrap_or_else(|| "latest".into()),
            };
            let r = referrers::check::referrers_check(&cfg, &metrics).await;
            run.observed.verdict = Some(r.status);
            run.observed.message = Some(r.message.clone());
            run.check = Some(r);
        }
        Operation::Discover {
            subjects,
            artifact_types,
            verify,
            max_concurrent,
            credentials,
            timeout_seconds,
            repeat,
        } => {
            let mut opts = DiscoveryOptions {
                artifact_types: artifact_types.clone(),
                verify: *verify,
                timeout: Duration::from_secs(*timeout_seconds),
                ..DiscoveryOptions::default()
            };
            if let Some(n) = max_concurrent {
                opts.max_concurrent = *n;
            }
            let cfg = registry_config(
                base_url,
                client_credentials(*credentials, accepted),
                *timeout_seconds,
            );
            let discoverer = Discoverer::new(cfg, opts, metrics.clone())
                .map_err(|e| format!("discoverer could not be built: {e}"))?;
            let targets = select_subjects(seeded, *subjects, &repository);
            for _ in 0..*repeat {
                run.discovered = if targets.len() == 1 {
                    vec![discoverer.discover(&targets[0]).await]
                } else {
                    discoverer.discover_many(&targets).await
                };
            }
            run.cached_unsupported = matches!(
                discoverer.capability(&repository),
                Some(c) if !c.referrers_api
            );
            run.observed.method = run.discovered.first().map(|d| d.method);
            run.observed.referrers_found =
                Some(run.discovered.iter().map(|d| d.referrers.len()).sum());
            run.observed.complete = Some(run.discovered.iter().all(|d| d.complete));
            // Sorted by name, as the results files always listed them.
            let kinds: BTreeSet<(&str, referrers::ErrorKind)> = run
                .discovered
                .iter()
                .flat_map(|d| d.errors.iter().map(|e| (e.kind.as_str(), e.kind)))
                .collect();
            run.observed.error_kinds = kinds.into_iter().map(|(_, k)| k).collect();
        }
    }
    run.observed.duration_ms = started.elapsed().as_millis() as u64;
    let prom = metrics.render_prometheus();
    run.observed.capability_probes = Some(metric_sum(
        &prom,
        "export_registry_capabilities_probed_total",
    ));
    run.observed.failures_counted = Some(metric_sum(
        &prom,
        "export_referrer_discovery_failures_total",
    ));
    Ok(run)
}

fn select_subjects(seeded: &Seeded, sel: SubjectSelection, repository: &str) -> Vec<Subject> {
    let first = seeded.subjects.first();
    match sel {
        SubjectSelection::FirstByTag => vec![Subject {
            repository: repository.to_string(),
            reference: SubjectRef::Tag(first.map(|s| s.tag.clone()).unwrap_or_default()),
        }],
        SubjectSelection::FirstByDigest => vec![Subject {
            repository: repository.to_string(),
            reference: SubjectRef::Digest(first.map(|s| s.digest.clone()).unwrap_or_default()),
        }],
        SubjectSelection::All => seeded
            .subjects
            .iter()
            .map(|s| Subject {
                repository: s.repository.clone(),
                reference: SubjectRef::Digest(s.digest.clone()),
            })
            .collect(),
        SubjectSelection::Missing => vec![Subject {
            repository: repository.to_string(),
            reference: SubjectRef::Digest(MISSING_DIGEST.to_string()),
        }],
        SubjectSelection::MissingRepository => vec![Subject {
            repository: MISSING_REPOSITORY.to_string(),
            reference: SubjectRef::Digest(first.map(|s| s.digest.clone()).unwrap_or_default()),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(c: &Credentials) -> Option<(&str, &str)> {
        match c {
            Credentials::Basic { username, password } => Some((username, password)),
            _ => None,
        }
    }

    #[test]
    fn client_credentials_follow_what_the_registry_accepts() {
        let alice = UserPass::new("alice", "s3cret");
        let c = client_credentials(ClientCredentials::Correct, Some(&alice));
        assert_eq!(basic(&c), Some(("alice", "s3cret")));
        let c = client_credentials(ClientCredentials::Correct, None);
        assert!(matches!(c, Credentials::Anonymous));
        let c = client_credentials(ClientCredentials::None, Some(&alice));
        assert!(matches!(c, Credentials::Anonymous));
        let c = client_credentials(ClientCredentials::Wrong, None);
        assert_eq!(basic(&c), Some(("nobody", "definitely-wrong")));
        let c = client_credentials(ClientCredentials::Wrong, Some(&alice));
        assert_eq!(basic(&c), Some(("alice", "definitely-wrong")));
    }
}
