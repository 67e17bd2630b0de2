//! Runs (profile, scenario) cells: a fresh fake registry per cell, the real `referrers` code against it, and a
//! verdict on what it observed.
//!
//! What a cell observes comes from two independent places: the real code's own result (verdict, method,
//! referrers, errors, metrics) and the fake registry's request log (what crossed the wire). The behavioural
//! columns of the matrix are computed from the wire, and compared with what the profile declares.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_registry::{FakeRegistry, LoggedRequest, Profile, Seeded, SeededReferrer};
use referrers::check::{CheckConfig, Status as CheckStatus};
use referrers::discovery::{Discoverer, DiscoveryOptions, DiscoveryResult, Subject, SubjectRef};
use referrers::telemetry::Metrics;
use referrers::{Credentials, RegistryConfig};
use serde::{Deserialize, Serialize};

use crate::observe;
use crate::scenario::{
    ClientCredentials, Expect, ExpectedReferrers, Operation, Scenario, SubjectSelection,
};

/// What happened in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum CellStatus {
    /// As expected.
    Pass,
    /// The code did something else: a regression.
    Fail,
    /// The scenario does not apply to the profile.
    Skip,
    /// The harness itself broke (the fake did not start, the cell overran its guard time).
    Error,
}

impl CellStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CellStatus::Pass => "pass",
            CellStatus::Fail => "fail",
            CellStatus::Skip => "skip",
            CellStatus::Error => "error",
        }
    }
}

/// One HTTP exchange as the fake saw it (credentials redacted).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WireExchange {
    /// `registry` for the primary listener, `other-host` for the 127.0.0.2 listener.
    pub host: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Whether an `Authorization` header arrived (its value is never recorded here).
    pub authorization: bool,
    /// The response headers that matter for referrers behaviour.
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// What a cell observed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Observed {
    /// The check's verdict (check cells).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The discovery method (discover cells; for batches, the first subject's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Referrers found (summed over a batch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrers_found: Option<usize>,
    /// Referrers the ground truth says should be found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrers_expected: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_kinds: Vec<String>,
    /// Requests the fake received during the operation.
    pub request_count: usize,
    /// Wall time of the operation (JSON only; never rendered in the markdown matrix).
    pub duration_ms: u64,
    /// The wire facts (see [`observe::Wire`]).
    pub wire: observe::Wire,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability_probes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures_counted: Option<u64>,
}

/// The result of one cell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CellResult {
    /// `<profile>/<scenario>`.
    pub id: String,
    pub profile: String,
    pub scenario: String,
    pub status: CellStatus,
    /// Why a cell failed, errored or was skipped; empty on pass.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// The `registry-behaviours.md` fact behind a per-profile override, when one applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_because: Option<String>,
    pub observed: Observed,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<WireExchange>,
}

/// A cell to run.
#[derive(Debug, Clone)]
pub struct Cell {
    pub profile: Profile,
    pub scenario: Arc<Scenario>,
}

impl Cell {
    pub fn id(&self) -> String {
        format!("{}/{}", self.profile.name(), self.scenario.id)
    }
}

/// Every (profile, scenario) pair, profiles in their declared order, scenarios by id.
pub fn all_cells(profiles: &[Profile], scenarios: &[Arc<Scenario>]) -> Vec<Cell> {
    let mut cells = Vec::new();
    for p in profiles {
        for s in scenarios {
            cells.push(Cell {
                profile: *p,
                scenario: s.clone(),
            });
        }
    }
    cells
}

/// Runs one cell. Never panics on what the code under test does; harness failures become [`CellStatus::Error`].
pub async fn run_cell(cell: &Cell) -> CellResult {
    let id = cell.id();
    let mut result = CellResult {
        id,
        profile: cell.profile.name().to_string(),
        scenario: cell.scenario.id.clone(),
        status: CellStatus::Skip,
        reasons: Vec::new(),
        override_because: cell
            .scenario
            .override_reason(cell.profile.name())
            .map(str::to_string),
        observed: Observed::default(),
        exchanges: Vec::new(),
    };
    if !cell.scenario.applies_to(&cell.profile) {
        result.reasons.push("does not apply to this profile".into());
        return result;
    }
    let spec = &cell.scenario.spec;
    let guard = match &spec.operation {
        Operation::Check {
            timeout_seconds, ..
        } => *timeout_seconds,
        Operation::Discover {
            timeout_seconds,
            repeat,
            ..
        } => *timeout_seconds * u64::from(*repeat),
    } * 3
        + 10;

    let mut builder = FakeRegistry::builder()
        .profile(cell.profile)
        .seed(spec.seed.clone())
        .faults(spec.faults.clone());
    if let Some(creds) = &spec.registry.credentials {
        let (u, p) = creds.split_once(':').unwrap_or((creds.as_str(), ""));
        builder = builder.credentials(u, p);
    }
    if let Some(n) = spec.registry.page_size {
        builder = builder.page_size(n);
    }
    let fake = match tokio::task::spawn_blocking(move || builder.start()).await {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return errored(result, format!("fake registry did not start: {e}")),
        Err(e) => return errored(result, format!("fake registry start panicked: {e}")),
    };
    fake.clear_log();
    let run = execute(
        cell,
        fake.base_url(),
        fake.seeded().clone(),
        &RegistryCredentials::Scenario,
    );
    let outcome = tokio::time::timeout(Duration::from_secs(guard), run).await;
    let log = fake.request_log();
    result.exchanges = log.iter().map(|r| wire_exchange(&fake, r)).collect();
    match outcome {
        Err(_) => errored(
            result,
            format!("the operation did not end within the harness guard of {guard} s"),
        ),
        Ok(Err(e)) => errored(result, e),
        Ok(Ok(mut run)) => {
            run.observed.request_count = log.len();
            run.observed.wire = observe::Wire::from_log(&fake, &log);
            let expect = cell.scenario.expect_for(cell.profile.name());
            let reasons = judge(cell, &expect, &run, fake.seeded(), Some((&log, &fake)));
            run.observed.referrers_expected = expected_total(cell, &expect, &run, fake.seeded());
            result.status = if reasons.is_empty() {
                CellStatus::Pass
            } else {
                CellStatus::Fail
            };
            result.reasons = reasons;
            result.observed = run.observed;
            result
        }
    }
}

fn errored(mut r: CellResult, why: String) -> CellResult {
    r.status = CellStatus::Error;
    r.reasons.push(why);
    r
}

fn wire_exchange(fake: &FakeRegistry, r: &LoggedRequest) -> WireExchange {
    WireExchange {
        host: observe::host_role(fake, &r.host).to_string(),
        method: r.method.clone(),
        path: r.path.clone(),
        status: r.status,
        authorization: r.authorization.is_some(),
        headers: r
            .response_headers
            .iter()
            .filter(|(k, _)| observe::KEY_HEADERS.contains(&k.to_ascii_lowercase().as_str()))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect(),
        fault: r.fault.clone(),
    }
}

/// What the operation returned, before judging.
struct Run {
    observed: Observed,
    check: Option<referrers::check::CheckResult>,
    discovered: Vec<DiscoveryResult>,
    cached_unsupported: bool,
}

/// Where the credentials the registry accepts come from.
enum RegistryCredentials {
    /// A fake: the scenario's `[registry] credentials`, else the profile's default (ECR's `AWS:demo`).
    Scenario,
    /// A real registry: exactly what its row is configured with (none: it is open).
    Real(Option<(String, String)>),
}

fn client_credentials(
    cell: &Cell,
    which: ClientCredentials,
    source: &RegistryCredentials,
) -> Credentials {
    let spec = &cell.scenario.spec;
    let registry_creds = match source {
        RegistryCredentials::Scenario => spec
            .registry
            .credentials
            .as_deref()
            .and_then(|c| c.split_once(':'))
            .map(|(u, p)| (u.to_string(), p.to_string()))
            .or_else(|| {
                default_credentials(&cell.profile).map(|(u, p)| (u.to_string(), p.to_string()))
            }),
        RegistryCredentials::Real(creds) => creds.clone(),
    };
    match (which, registry_creds) {
        (ClientCredentials::None, _) => Credentials::Anonymous,
        (ClientCredentials::Auto | ClientCredentials::Correct, Some((username, password))) => {
            Credentials::Basic { username, password }
        }
        (ClientCredentials::Auto | ClientCredentials::Correct, None) => Credentials::Anonymous,
        (ClientCredentials::Wrong, creds) => Credentials::Basic {
            username: creds.map(|c| c.0).unwrap_or_else(|| "nobody".into()),
            password: "definitely-wrong".into(),
        },
    }
}

/// The credentials a profile accepts when none were configured (ECR's `AWS:demo`), if it always wants some.
pub fn default_credentials(profile: &Profile) -> Option<(&'static str, &'static str)> {
    match profile.behaviour().auth.anonymous {
        fake_registry::profile::Anonymous::Always { user, password } => Some((user, password)),
        _ => None,
    }
}

fn registry_config(base_url: &str, credentials: Credentials, timeout: u64) -> RegistryConfig {
    RegistryConfig {
        credentials,
        timeout: Duration::from_secs(timeout),
        ..RegistryConfig::new(base_url)
    }
}

async fn execute(
    cell: &Cell,
    base_url: String,
    seeded: Seeded,
    creds: &RegistryCredentials,
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
    match &cell.scenario.spec.operation {
        Operation::Check {
            tag,
            credentials,
            timeout_seconds,
        } => {
            let cfg = CheckConfig {
                registry: registry_config(
                    &base_url,
                    client_credentials(cell, *credentials, creds),
                    *timeout_seconds,
                ),
                repository,
                tag: tag
                    .clone()
                    .or_else(|| first.map(|s| s.tag.clone()))
                    .unwrap_or_else(|| "latest".into()),
            };
            let r = referrers::check::referrers_check(&cfg, &metrics).await;
            run.observed.verdict = Some(status_str(r.status).to_string());
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
                &base_url,
                client_credentials(cell, *credentials, creds),
                *timeout_seconds,
            );
            let discoverer = Discoverer::new(cfg, opts, metrics.clone())
                .map_err(|e| format!("discoverer could not be built: {e}"))?;
            let targets = select_subjects(&seeded, *subjects, &repository);
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
            if let Some(first) = run.discovered.first() {
                run.observed.method = Some(first.method.as_str().to_string());
            }
            run.observed.referrers_found =
                Some(run.discovered.iter().map(|d| d.referrers.len()).sum());
            run.observed.complete = Some(run.discovered.iter().all(|d| d.complete));
            let mut kinds = BTreeSet::new();
            for d in &run.discovered {
                for e in &d.errors {
                    kinds.insert(e.kind.as_str().to_string());
                }
            }
            run.observed.error_kinds = kinds.into_iter().collect();
        }
    }
    run.observed.duration_ms = started.elapsed().as_millis() as u64;
    let prom = metrics.render_prometheus();
    run.observed.capability_probes = Some(observe::metric_sum(
        &prom,
        "export_registry_capabilities_probed_total",
    ));
    run.observed.failures_counted = Some(observe::metric_sum(
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
            repository: crate::scenario::MISSING_REPOSITORY.to_string(),
            reference: SubjectRef::Digest(first.map(|s| s.digest.clone()).unwrap_or_default()),
        }],
    }
}

/// sha256 of "this subject does not exist": a valid digest no seed produces.
pub const MISSING_DIGEST: &str =
    "sha256:5e0a6d2b0cfe3a8d0e8b4c7a1f9e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6";

fn status_str(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Warn => "warn",
        CheckStatus::Info => "info",
        CheckStatus::Fail => "fail",
    }
}

/// The referrers the ground truth says a discovery of `subject` with `filter` must return.
fn expected_referrers<'a>(
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
fn declared_method(profile: &Profile, referrers: &[&SeededReferrer]) -> String {
    if profile.declared().referrers_api {
        return "referrers-api".into();
    }
    let tag = referrers
        .iter()
        .any(|r| r.stored_as.iter().any(|s| s == "tag-schema"));
    let cosign = referrers
        .iter()
        .any(|r| r.stored_as.iter().any(|s| s == "cosign"));
    match (tag, cosign) {
        (true, true) => "tag-schema+cosign-tags",
        (true, false) => "tag-schema",
        (false, true) => "cosign-tags",
        // Both fallbacks consulted, nothing found: the method used was still the fallback.
        (false, false) => "tag-schema+cosign-tags",
    }
    .into()
}

fn tristate(
    want: &Option<String>,
    declared: Option<bool>,
    observed: Option<bool>,
    what: &str,
    reasons: &mut Vec<String>,
) {
    let Some(want) = want else { return };
    let want = match want.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => declared,
    };
    // An unknown declaration (None) expects nothing: the observation is recorded, not judged.
    if let Some(w) = want
        && observed != Some(w)
    {
        reasons.push(format!(
            "{what}: expected {w}, observed {}",
            observed.map_or("nothing".to_string(), |o| o.to_string())
        ));
    }
}

/// How many referrers the expectation and the ground truth call for, summed over the subjects discovered.
fn expected_total(cell: &Cell, expect: &Expect, run: &Run, seeded: &Seeded) -> Option<usize> {
    let filter: &[String] = match &cell.scenario.spec.operation {
        Operation::Discover { artifact_types, .. } => artifact_types,
        Operation::Check { .. } => &[],
    };
    match expect.referrers.as_ref()? {
        ExpectedReferrers::Count(n) => Some(n * run.discovered.len().max(1)),
        ExpectedReferrers::Named(n) if n == "none" => Some(0),
        ExpectedReferrers::Named(_) => Some(
            run.discovered
                .iter()
                .map(|d| expected_referrers(seeded, &d.subject, filter).len())
                .sum(),
        ),
    }
}

fn judge(
    cell: &Cell,
    expect: &Expect,
    run: &Run,
    seeded: &Seeded,
    wire: Option<(&[LoggedRequest], &FakeRegistry)>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let profile = &cell.profile;
    let obs = &run.observed;
    let (log, fake) = match wire {
        Some((log, fake)) => (log, Some(fake)),
        None => (&[][..], None),
    };

    // Invariant of every cell: credentials never reach another host.
    for r in log.iter().filter(|_| fake.is_some()) {
        let Some(fake) = fake else { break };
        if observe::host_role(fake, &r.host) == "other-host" && r.authorization.is_some() {
            let is_realm = observe::is_token_realm(profile, &r.path);
            // Only the realm the challenge names may receive credentials.
            if !is_realm {
                reasons.push(format!(
                    "credentials leaked: Authorization sent to the other host on {} {}",
                    r.method, r.path
                ));
            }
        }
    }

    if let Some(v) = &expect.verdict {
        let want = if v == "declared" {
            profile.declared().check_verdict.to_string()
        } else {
            v.clone()
        };
        if obs.verdict.as_deref() != Some(want.as_str()) {
            reasons.push(format!(
                "verdict: expected {want}, observed {} ({})",
                obs.verdict.as_deref().unwrap_or("nothing"),
                obs.message.as_deref().unwrap_or("")
            ));
        }
    }

    let filter: Vec<String> = match &cell.scenario.spec.operation {
        Operation::Discover { artifact_types, .. } => artifact_types.clone(),
        Operation::Check { .. } => Vec::new(),
    };
    let first_expected: Vec<&SeededReferrer> = run
        .discovered
        .first()
        .map(|d| expected_referrers(seeded, &d.subject, &filter))
        .unwrap_or_default();

    if let Some(m) = &expect.method {
        let want = if m == "declared" {
            declared_method(profile, &first_expected)
        } else {
            m.clone()
        };
        for d in &run.discovered {
            if d.method.as_str() != want {
                reasons.push(format!(
                    "method: expected {want}, observed {} for {}",
                    d.method.as_str(),
                    d.subject
                ));
                break;
            }
        }
    }

    if let Some(exp) = &expect.referrers {
        // Collected over every subject of a batch, then reported once each.
        let mut set_errors = Vec::new();
        let mut differ = Vec::new();
        for d in &run.discovered {
            let truth = expected_referrers(seeded, &d.subject, &filter);
            let want: BTreeMap<&str, &SeededReferrer> = match exp {
                ExpectedReferrers::Named(n) if n == "none" => BTreeMap::new(),
                _ => truth.iter().map(|r| (r.digest.as_str(), *r)).collect(),
            };
            if let ExpectedReferrers::Count(n) = exp {
                if d.referrers.len() != *n {
                    reasons.push(format!(
                        "referrers: expected {n}, found {} for {}",
                        d.referrers.len(),
                        d.subject
                    ));
                }
                continue;
            }
            let got: BTreeMap<&str, _> =
                d.referrers.iter().map(|r| (r.digest.as_str(), r)).collect();
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
            if !matches!(exp, ExpectedReferrers::Named(n) if n == "seeded") {
                continue;
            }
            // Descriptors must say what the spec says (artifactType rule, the manifest's size and annotations).
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

    if let Some(c) = expect.complete
        && obs.complete != Some(c)
    {
        reasons.push(format!(
            "complete: expected {c}, observed {}",
            obs.complete.map_or("nothing".into(), |o| o.to_string())
        ));
    }
    if !run.discovered.is_empty() || run.check.is_none() {
        for k in &expect.errors {
            if !obs.error_kinds.iter().any(|o| o == k) {
                reasons.push(format!(
                    "error kind {k:?} expected, observed [{}]",
                    obs.error_kinds.join(", ")
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
    if expect.retry_after_honoured && fake.is_some() {
        match observe::retry_after_honoured(log) {
            Ok(()) => {}
            Err(why) => reasons.push(why),
        }
    }
    if let (Some(max), Some(fake)) = (expect.max_in_flight, fake) {
        let peak = fake.peak_in_flight();
        if peak > max {
            reasons.push(format!(
                "max_concurrent: the fake saw {peak} requests in flight, limit {max}"
            ));
        }
    }
    if fake.is_none() {
        // Real registries: the wire columns are not observed (no request log), so they are not judged.
        return reasons;
    }
    tristate(
        &expect.server_filtered,
        profile.declared().filter,
        obs.wire.server_filtered,
        "server filter (OCI-Filters-Applied)",
        &mut reasons,
    );
    tristate(
        &expect.paged,
        profile.declared().paging,
        obs.wire.paged,
        "referrers paging (Link)",
        &mut reasons,
    );
    reasons
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

/// Runs cells with at most `parallel` at once; `progress` is called after each cell ends.
pub async fn run_cells(
    cells: Vec<Cell>,
    parallel: usize,
    progress: impl Fn(&CellResult) + Send + Sync + 'static,
) -> Vec<CellResult> {
    let sem = Arc::new(tokio::sync::Semaphore::new(parallel.max(1)));
    let progress = Arc::new(progress);
    let mut handles = Vec::with_capacity(cells.len());
    for cell in cells {
        let sem = sem.clone();
        let progress = progress.clone();
        handles.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            let r = run_cell(&cell).await;
            progress(&r);
            r
        }));
    }
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        match h.await {
            Ok(r) => out.push(r),
            Err(e) => out.push(CellResult {
                id: "?/?".into(),
                profile: String::new(),
                scenario: String::new(),
                status: CellStatus::Error,
                reasons: vec![format!("cell task panicked: {e}")],
                override_because: None,
                observed: Observed::default(),
                exchanges: Vec::new(),
            }),
        }
    }
    out
}

/// How the harness reaches a real registry row.
#[derive(Debug, Clone, Default)]
pub struct RealAccess {
    /// The credentials the registry is configured to require (`None`: an open registry). Seeding uses them, and
    /// the code under test gets them wherever a scenario's client is given "the correct credentials".
    pub credentials: Option<crate::real::auth::Credentials>,
    /// For live registries, which keep content between cells: every repository a scenario seeds becomes
    /// `<namespace>-<repository with '/' as '-'>`, so a cell never sees another cell's (or run's) content.
    pub namespace: Option<String>,
}

impl RealAccess {
    /// The repository a scenario's `repository` is pushed to and discovered in.
    pub fn repository(&self, repository: &str) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}-{}", repository.replace('/', "-")),
            None => repository.to_string(),
        }
    }
}

/// Why a scenario cannot run against a real registry (no fault injection there, no request log; scenarios whose
/// registry requires credentials need a row configured with some), or `None` when it can.
pub fn real_skip_reason(
    scenario: &Scenario,
    counterpart: &Profile,
    has_credentials: bool,
) -> Option<String> {
    let spec = &scenario.spec;
    if !scenario.applies_to(counterpart) {
        return Some(format!(
            "does not apply to the fake counterpart `{}`",
            counterpart.name()
        ));
    }
    if !spec.faults.is_empty() {
        return Some("needs fault injection, which only the fake has".into());
    }
    if spec.registry.credentials.is_some() && !has_credentials {
        return Some(
            "needs a registry that requires credentials (this row is configured without any)"
                .into(),
        );
    }
    let e = &spec.expect;
    if e.retry_after_honoured || e.max_in_flight.is_some() {
        return Some("judged on the fake's request log".into());
    }
    if spec
        .seed
        .subjects
        .iter()
        .any(|s| s.digest_algorithm != fake_registry::seed::DigestAlgorithm::Sha256)
    {
        return Some("the push client seeds sha256 subjects only".into());
    }
    None
}

/// Runs one scenario against a real registry at `base_url` (fresh and empty, or a live registry with
/// [`RealAccess::namespace`]), judged like a fake cell but without the request-log checks. `counterpart` is the
/// fake profile claiming to emulate it (its declarations give the `declared` expectations); `name` labels the row.
pub async fn run_real_cell(
    name: &str,
    counterpart: Profile,
    scenario: Arc<Scenario>,
    base_url: &str,
    access: &RealAccess,
) -> CellResult {
    let cell = Cell {
        profile: counterpart,
        scenario,
    };
    let mut result = CellResult {
        id: format!("{name}/{}", cell.scenario.id),
        profile: name.to_string(),
        scenario: cell.scenario.id.clone(),
        status: CellStatus::Skip,
        reasons: Vec::new(),
        override_because: cell
            .scenario
            .override_reason(counterpart.name())
            .map(str::to_string),
        observed: Observed::default(),
        exchanges: Vec::new(),
    };
    if let Some(why) = real_skip_reason(&cell.scenario, &counterpart, access.credentials.is_some())
    {
        result.reasons.push(why);
        return result;
    }
    let client = crate::real::PushClient::with_credentials(base_url, access.credentials.clone());
    let seeded =
        crate::real::seed_spec_renamed(&client, &cell.scenario.spec.seed, |r| access.repository(r))
            .await;
    let seeded = match seeded {
        Ok(s) => s,
        Err(e) => return errored(result, format!("seeding the real registry failed: {e}")),
    };
    let creds = RegistryCredentials::Real(
        access
            .credentials
            .as_ref()
            .map(|c| (c.username.clone(), c.password.clone())),
    );
    match tokio::time::timeout(
        Duration::from_secs(120),
        execute(&cell, base_url.to_string(), seeded.clone(), &creds),
    )
    .await
    {
        Err(_) => errored(result, "the operation did not end within 120 s".into()),
        Ok(Err(e)) => errored(result, e),
        Ok(Ok(run)) => {
            let expect = cell.scenario.expect_for(counterpart.name());
            let reasons = judge(&cell, &expect, &run, &seeded, None);
            let mut run = run;
            run.observed.referrers_expected = expected_total(&cell, &expect, &run, &seeded);
            result.status = if reasons.is_empty() {
                CellStatus::Pass
            } else {
                CellStatus::Fail
            };
            result.reasons = reasons;
            result.observed = run.observed;
            result
        }
    }
}
