//! The fidelity probe set: the same fixed requests sent to a real registry and to the fake profile that claims to
//! emulate it, and the comparison of what each answered.
//!
//! [`run_probes`] works against any base URL (a container, a fake, a live registry): it first pushes a small,
//! deterministic image and two referrers into [`PROBE_REPO`] through the push API (identical bytes, so identical
//! digests, everywhere), then sends the probes. Each answer is reduced to an [`ProbeObservation`]: status,
//! `Content-Type`, the key headers (normalised: host stripped from URLs), and the body's *shape* (error codes, index
//! entries by artifactType, tag names, the digest of a manifest body) rather than its bytes. [`compare`] lists every
//! difference and gives the fidelity figure: the share of probes whose every aspect matches.
//!
//! Probe ids (stable; the matrix document shows them): see [`PROBE_IDS`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use fake_registry::digest::sha256 as sha256_digest;
use fake_registry::seed::{
    DEMO_CREATED, ReferrerSpec, SeedSpec, Storage, SubjectContent, SubjectSpec, build,
};

use super::http;
use super::push::{MANIFEST_ACCEPT, OCI_INDEX, PushClient, PushError, PutAnswer};

/// Repository the probes push into and query.
pub const PROBE_REPO: &str = "fidelity/probe";
/// Repository that is never pushed to.
pub const MISSING_REPO: &str = "fidelity/never-pushed";
/// Tag of the probe subject.
pub const PROBE_TAG: &str = "v1";
/// artifactType of the first probe referrer (used by the filter probe).
pub const SBOM_TYPE: &str = "application/vnd.cyclonedx+json";
/// artifactType of the second probe referrer.
pub const SIG_TYPE: &str = "application/vnd.dev.cosign.artifact.sig.v1+json";

/// The probes, in the order they run.
pub const PROBE_IDS: [&str; 13] = [
    "ping",
    "push-with-subject",
    "manifest-head",
    "manifest-get-tag",
    "manifest-get-digest",
    "manifest-missing",
    "referrers",
    "referrers-filtered",
    "referrers-invalid-digest",
    "referrers-missing-subject",
    "referrers-missing-repository",
    "tags-list",
    "blob-head",
];

/// Response headers compared (lower-case). `content-type` is compared on its own; `content-length` only where the
/// body is content (manifests, blobs).
pub const KEY_HEADERS: [&str; 8] = [
    "docker-distribution-api-version",
    "docker-content-digest",
    "oci-subject",
    "oci-filters-applied",
    "link",
    "location",
    "www-authenticate",
    "content-length",
];

/// What one probe saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeObservation {
    /// One of [`PROBE_IDS`].
    pub probe: String,
    /// `METHOD /path?query` as sent (no host).
    pub request: String,
    pub status: u16,
    pub content_type: Option<String>,
    /// Key headers present in the answer (see [`KEY_HEADERS`]), URLs with scheme and host removed.
    pub headers: BTreeMap<String, String>,
    /// The body reduced to its shape (see the module docs).
    pub body_shape: String,
}

/// Failure to run the probe set (a transport failure or a failed preparation push; an odd *answer* is data).
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("probe {probe}: request to {url} failed: {message}")]
    Transport {
        probe: &'static str,
        url: String,
        message: String,
    },
    #[error("probe {probe}: {source}")]
    Send {
        probe: &'static str,
        source: PushError,
    },
    #[error("preparing the probe content failed: {0}")]
    Prepare(#[from] PushError),
}

/// One aspect of one probe that differs between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub probe: String,
    /// `status`, `content-type`, `header <name>`, `body` or `probe` (missing on one side).
    pub aspect: String,
    /// What the reference (real registry) answered; `None` = absent.
    pub reference: Option<String>,
    /// What the candidate (fake profile) answered; `None` = absent.
    pub candidate: Option<String>,
}

/// The comparison of two probe runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FidelityReport {
    /// E.g. "Distribution 2.8.2 (real, container)".
    pub reference: String,
    /// E.g. "fake distribution-2.8".
    pub candidate: String,
    pub probes: usize,
    pub matching_probes: usize,
    pub aspects: usize,
    pub matching_aspects: usize,
    pub differences: Vec<Difference>,
}

impl FidelityReport {
    /// Share of probes whose every aspect matches, 0.0–1.0 (1.0 when there were no probes).
    pub fn figure(&self) -> f64 {
        if self.probes == 0 {
            1.0
        } else {
            self.matching_probes as f64 / self.probes as f64
        }
    }

    /// Share of compared aspects (status, content type, each key header, body) that match.
    pub fn aspect_figure(&self) -> f64 {
        if self.aspects == 0 {
            1.0
        } else {
            self.matching_aspects as f64 / self.aspects as f64
        }
    }

    /// `matching/probes probes (NN%)` — the figure as the matrix shows it.
    pub fn summary(&self) -> String {
        format!(
            "{}/{} probes ({:.0}%), {}/{} aspects",
            self.matching_probes,
            self.probes,
            self.figure() * 100.0,
            self.matching_aspects,
            self.aspects
        )
    }

    /// A Markdown section: the figure and a table of every difference.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "**{}** vs **{}**: {}\n",
            self.candidate,
            self.reference,
            self.summary()
        );
        if self.differences.is_empty() {
            out.push_str("No differences.\n");
            return out;
        }
        out.push_str("| probe | aspect | real | fake |\n|---|---|---|---|\n");
        for d in &self.differences {
            let cell = |v: &Option<String>| match v {
                Some(s) => format!("`{}`", s.replace('|', "\\|").replace('`', "'")),
                None => "(absent)".to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                d.probe,
                d.aspect,
                cell(&d.reference),
                cell(&d.candidate)
            );
        }
        out
    }
}

/// Compares `candidate` against `reference` probe by probe.
pub fn compare(
    reference_label: &str,
    reference: &[ProbeObservation],
    candidate_label: &str,
    candidate: &[ProbeObservation],
) -> FidelityReport {
    let by_id = |obs: &[ProbeObservation]| -> BTreeMap<String, ProbeObservation> {
        obs.iter().map(|o| (o.probe.clone(), o.clone())).collect()
    };
    let r = by_id(reference);
    let c = by_id(candidate);
    let ids: Vec<String> = {
        let mut seen = BTreeSet::new();
        reference
            .iter()
            .chain(candidate.iter())
            .filter(|o| seen.insert(o.probe.clone()))
            .map(|o| o.probe.clone())
            .collect()
    };
    let mut report = FidelityReport {
        reference: reference_label.to_string(),
        candidate: candidate_label.to_string(),
        probes: 0,
        matching_probes: 0,
        aspects: 0,
        matching_aspects: 0,
        differences: Vec::new(),
    };
    for id in ids {
        report.probes += 1;
        let (ro, co) = match (r.get(&id), c.get(&id)) {
            (Some(ro), Some(co)) => (ro, co),
            (ro, co) => {
                report.aspects += 1;
                report.differences.push(Difference {
                    probe: id.clone(),
                    aspect: "probe".into(),
                    reference: ro.map(|o| o.request.clone()),
                    candidate: co.map(|o| o.request.clone()),
                });
                continue;
            }
        };
        let mut aspects: Vec<(String, Option<String>, Option<String>)> = vec![
            (
                "status".into(),
                Some(ro.status.to_string()),
                Some(co.status.to_string()),
            ),
            (
                "content-type".into(),
                ro.content_type.clone(),
                co.content_type.clone(),
            ),
        ];
        let names: BTreeSet<&String> = ro.headers.keys().chain(co.headers.keys()).collect();
        for name in names {
            aspects.push((
                format!("header {name}"),
                ro.headers.get(name).cloned(),
                co.headers.get(name).cloned(),
            ));
        }
        aspects.push((
            "body".into(),
            Some(ro.body_shape.clone()),
            Some(co.body_shape.clone()),
        ));
        let mut all_match = true;
        for (aspect, rv, cv) in aspects {
            report.aspects += 1;
            if rv == cv {
                report.matching_aspects += 1;
            } else {
                all_match = false;
                report.differences.push(Difference {
                    probe: id.clone(),
                    aspect,
                    reference: rv,
                    candidate: cv,
                });
            }
        }
        if all_match {
            report.matching_probes += 1;
        }
    }
    report
}

/// Reduces a body to its shape.
pub fn body_shape(body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return "empty".into();
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body);
        let first = text.lines().next().unwrap_or_default().trim();
        let cut: String = first.chars().take(80).collect();
        return format!("text:{cut}");
    };
    let Value::Object(map) = &value else {
        return format!("json:{}", json_kind(&value));
    };
    if let Some(Value::Array(errors)) = map.get("errors") {
        let codes: Vec<String> = errors
            .iter()
            .map(|e| {
                e.get("code")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string()
            })
            .collect();
        return format!("errors:[{}]", codes.join(","));
    }
    if map.contains_key("layers") || map.contains_key("config") {
        return format!("manifest:{}", sha256_digest(body));
    }
    if let Some(Value::Array(manifests)) = map.get("manifests") {
        let mut entries: Vec<String> = manifests
            .iter()
            .map(|m| {
                let at = m.get("artifactType").and_then(Value::as_str).unwrap_or("-");
                let ann = m
                    .get("annotations")
                    .and_then(Value::as_object)
                    .map(|a| a.len())
                    .unwrap_or(0);
                format!("{at}+{ann}ann")
            })
            .collect();
        entries.sort();
        let media_type = map.get("mediaType").and_then(Value::as_str).unwrap_or("-");
        return format!(
            "index(mediaType={media_type}, manifests=[{}])",
            entries.join(", ")
        );
    }
    if let (Some(name), Some(tags)) = (map.get("name"), map.get("tags")) {
        let mut tags: Vec<String> = tags
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        return format!(
            "tags(name={}, tags=[{}])",
            name.as_str().unwrap_or("?"),
            tags.join(",")
        );
    }
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    format!("json{{{}}}", keys.join(","))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Key headers of an answer, normalised: `http(s)://host` removed from URL-valued headers.
fn key_headers(
    headers: &[(String, String)],
    base_url: &str,
    with_length: bool,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in KEY_HEADERS {
        if name == "content-length" && !with_length {
            continue;
        }
        let values: Vec<&str> = headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            continue;
        }
        let joined = values.join(", ");
        let normalised = match name {
            "location" | "link" => strip_origin(&joined, base_url),
            _ => joined,
        };
        out.insert(name.to_string(), normalised);
    }
    out
}

/// Removes the registry origin from URLs so answers from different ports compare equal; an absolute URL is
/// marked `abs:` so absolute vs relative `Location` still shows as a difference.
fn strip_origin(value: &str, base_url: &str) -> String {
    if value.contains(base_url) {
        value.replace(base_url, "abs:")
    } else {
        value.to_string()
    }
}

struct Prober {
    base_url: String,
    http: reqwest::Client,
    client: PushClient,
    observations: Vec<ProbeObservation>,
}

/// The repository a `/v2/<name>/<kind>/…` path addresses (for the auth scope); `None` for `/v2/`.
fn repository_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/v2/")?;
    let rest = rest.split('?').next().unwrap_or(rest);
    ["/manifests/", "/blobs/", "/referrers/", "/tags/"]
        .iter()
        .filter_map(|k| rest.find(k))
        .min()
        .map(|i| &rest[..i])
}

impl Prober {
    async fn probe(
        &mut self,
        probe: &'static str,
        method: Method,
        path_and_query: &str,
        accept: Option<&str>,
        with_length: bool,
    ) -> Result<(), ProbeError> {
        let url = format!("{}{path_and_query}", self.base_url);
        let build = |c: &reqwest::Client| {
            let req = c.request(method.clone(), &url);
            match accept {
                Some(a) => req.header("accept", a),
                None => req,
            }
        };
        // `/v2/` goes out without auth so the challenge (if any) is what gets compared; the rest answer it.
        let resp = match repository_of(path_and_query) {
            Some(repo) => self
                .client
                .send(probe, &url, repo, build)
                .await
                .map_err(|source| ProbeError::Send { probe, source })?,
            None => build(&self.http)
                .send()
                .await
                .map_err(|e| ProbeError::Transport {
                    probe,
                    url: url.clone(),
                    message: e.to_string(),
                })?,
        };
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = resp.bytes().await.map_err(|e| ProbeError::Transport {
            probe,
            url: url.clone(),
            message: e.to_string(),
        })?;
        self.observations.push(ProbeObservation {
            probe: probe.to_string(),
            request: format!("{method} {path_and_query}"),
            status,
            content_type: header_value(&headers, "content-type"),
            headers: key_headers(&headers, &self.base_url, with_length),
            body_shape: body_shape(&body),
        });
        Ok(())
    }

    fn record_put(&mut self, probe: &str, path: &str, answer: &PutAnswer) {
        self.observations.push(ProbeObservation {
            probe: probe.to_string(),
            request: format!("PUT {path}"),
            status: answer.status,
            content_type: header_value(&answer.headers, "content-type"),
            headers: key_headers(&answer.headers, &self.base_url, false),
            body_shape: body_shape(answer.body.as_bytes()),
        });
    }
}

fn header_value(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// The probe content, from the seed model: `PROBE_REPO:v1` (an image) with an SBOM and a signature referrer, both
/// annotated, written nowhere else (no tag-schema index, no cosign tags). Built for [`PROBE_REPO`] whatever
/// repository receives it, so the bytes, and the digests, are the same on every registry.
pub fn probe_content() -> Result<SubjectContent, PushError> {
    let annotated = |artifact_type: &str| ReferrerSpec {
        artifact_type: Some(artifact_type.into()),
        annotations: BTreeMap::from([(
            "org.opencontainers.image.created".to_string(),
            DEMO_CREATED.to_string(),
        )]),
        ..Default::default()
    };
    let spec = SeedSpec {
        demo: false,
        subjects: vec![SubjectSpec {
            repository: PROBE_REPO.into(),
            tag: Some(PROBE_TAG.into()),
            storage: Storage::None,
            referrers: vec![annotated(SBOM_TYPE), annotated(SIG_TYPE)],
            ..Default::default()
        }],
    };
    Ok(build(&spec)?.subjects.remove(0))
}

/// Pushes the probe content into the registry at `base_url` and runs every probe of [`PROBE_IDS`] in order.
pub async fn run_probes(base_url: &str) -> Result<Vec<ProbeObservation>, ProbeError> {
    run_probes_with(&PushClient::new(base_url)).await
}

/// [`run_probes`] through a given client (for registries that want credentials: [`PushClient::with_credentials`]).
pub async fn run_probes_with(client: &PushClient) -> Result<Vec<ProbeObservation>, ProbeError> {
    run_probes_in(client, PROBE_REPO, MISSING_REPO).await
}

/// [`run_probes_with`] in the given repositories (a live registry's namespace: its content persists between
/// runs, so each run probes fresh repositories): `repo` receives the probe content, `missing_repo` is never pushed.
pub async fn run_probes_in(
    client: &PushClient,
    repo: &str,
    missing_repo: &str,
) -> Result<Vec<ProbeObservation>, ProbeError> {
    let base_url = client.base_url().to_string();
    let mut p = Prober {
        base_url: base_url.clone(),
        http: http::client(),
        client: client.clone(),
        observations: Vec::new(),
    };
    p.probe("ping", Method::GET, "/v2/", None, false).await?;

    // Content: a subject image tagged v1 and two referrers (SBOM, signature) pushed with `subject`.
    let content = probe_content()?;
    client.push_subject(repo, &content).await?;
    let [sbom, sig] = &content.referrers[..] else {
        unreachable!("the probe content has two referrers")
    };
    let path = format!("/v2/{repo}/manifests/{}", sbom.manifest.digest);
    let answer = client.push_referrer_raw(repo, sbom).await?;
    p.record_put("push-with-subject", &path, &answer);
    client.push_referrer(repo, sig).await?;
    let subject = &content.manifest;

    let tag_path = format!("/v2/{repo}/manifests/{PROBE_TAG}");
    p.probe(
        "manifest-head",
        Method::HEAD,
        &tag_path,
        Some(MANIFEST_ACCEPT),
        true,
    )
    .await?;
    p.probe(
        "manifest-get-tag",
        Method::GET,
        &tag_path,
        Some(MANIFEST_ACCEPT),
        true,
    )
    .await?;
    let digest_path = format!("/v2/{repo}/manifests/{}", subject.digest);
    p.probe(
        "manifest-get-digest",
        Method::GET,
        &digest_path,
        Some(MANIFEST_ACCEPT),
        true,
    )
    .await?;
    let missing_path = format!("/v2/{repo}/manifests/no-such-tag");
    p.probe(
        "manifest-missing",
        Method::GET,
        &missing_path,
        Some(MANIFEST_ACCEPT),
        false,
    )
    .await?;

    let referrers = format!("/v2/{repo}/referrers/{}", subject.digest);
    p.probe("referrers", Method::GET, &referrers, Some(OCI_INDEX), false)
        .await?;
    let filtered = format!("{referrers}?artifactType={}", SBOM_TYPE.replace('+', "%2B"));
    p.probe(
        "referrers-filtered",
        Method::GET,
        &filtered,
        Some(OCI_INDEX),
        false,
    )
    .await?;
    let invalid = format!("/v2/{repo}/referrers/sha256:not-a-digest");
    p.probe(
        "referrers-invalid-digest",
        Method::GET,
        &invalid,
        Some(OCI_INDEX),
        false,
    )
    .await?;
    let never = sha256_digest(b"fidelity probe: never pushed");
    let missing_subject = format!("/v2/{repo}/referrers/{never}");
    p.probe(
        "referrers-missing-subject",
        Method::GET,
        &missing_subject,
        Some(OCI_INDEX),
        false,
    )
    .await?;
    let missing_repo = format!("/v2/{missing_repo}/referrers/{}", subject.digest);
    p.probe(
        "referrers-missing-repository",
        Method::GET,
        &missing_repo,
        Some(OCI_INDEX),
        false,
    )
    .await?;

    p.probe(
        "tags-list",
        Method::GET,
        &format!("/v2/{repo}/tags/list"),
        None,
        false,
    )
    .await?;
    let blob = format!("/v2/{repo}/blobs/{}", sha256_digest(b"{}"));
    p.probe("blob-head", Method::HEAD, &blob, None, true)
        .await?;

    Ok(p.observations)
}

/// Runs the probe set against `reference_url` (the real registry) and `candidate_url` (the fake), then compares.
pub async fn fidelity(
    reference_label: &str,
    reference_url: &str,
    candidate_label: &str,
    candidate_url: &str,
) -> Result<FidelityReport, ProbeError> {
    let reference = run_probes(reference_url).await?;
    let candidate = run_probes(candidate_url).await?;
    Ok(compare(
        reference_label,
        &reference,
        candidate_label,
        &candidate,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(probe: &str, status: u16, ct: Option<&str>, body: &str) -> ProbeObservation {
        ProbeObservation {
            probe: probe.into(),
            request: format!("GET /{probe}"),
            status,
            content_type: ct.map(str::to_string),
            headers: BTreeMap::new(),
            body_shape: body.into(),
        }
    }

    #[test]
    fn repository_of_paths() {
        assert_eq!(repository_of("/v2/"), None);
        assert_eq!(repository_of("/v2/a/b/manifests/v1"), Some("a/b"));
        assert_eq!(
            repository_of("/v2/a/referrers/sha256:x?artifactType=t"),
            Some("a")
        );
        assert_eq!(repository_of("/v2/a/tags/list"), Some("a"));
        assert_eq!(repository_of("/v2/x/blobs/uploads/"), Some("x"));
    }

    #[test]
    fn shapes() {
        assert_eq!(body_shape(b""), "empty");
        assert_eq!(
            body_shape(b"404 page not found\n"),
            "text:404 page not found"
        );
        assert_eq!(
            body_shape(br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"x"}]}"#),
            "errors:[MANIFEST_UNKNOWN]"
        );
        assert_eq!(
            body_shape(
                br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"artifactType":"b"},{"artifactType":"a","annotations":{"k":"v"}}]}"#
            ),
            "index(mediaType=application/vnd.oci.image.index.v1+json, manifests=[a+1ann, b+0ann])"
        );
        assert_eq!(
            body_shape(br#"{"name":"r","tags":["b","a"]}"#),
            "tags(name=r, tags=[a,b])"
        );
        assert_eq!(body_shape(b"{}"), "json{}");
        assert!(body_shape(br#"{"schemaVersion":2,"config":{}}"#).starts_with("manifest:sha256:"));
    }

    #[test]
    fn compare_lists_each_differing_aspect_and_counts_probes() {
        let real = vec![
            obs("ping", 200, Some("application/json"), "json{}"),
            obs(
                "referrers",
                404,
                Some("text/plain"),
                "text:404 page not found",
            ),
        ];
        let fake = vec![
            obs("ping", 200, Some("application/json"), "json{}"),
            obs(
                "referrers",
                404,
                Some("application/json"),
                "errors:[NAME_UNKNOWN]",
            ),
        ];
        let report = compare("real", &real, "fake", &fake);
        assert_eq!(report.probes, 2);
        assert_eq!(report.matching_probes, 1);
        assert_eq!(report.differences.len(), 2);
        assert_eq!(report.differences[0].aspect, "content-type");
        assert_eq!(report.differences[1].aspect, "body");
        assert!((report.figure() - 0.5).abs() < 1e-9);
        assert!(report.to_markdown().contains("| referrers | body |"));
    }

    #[test]
    fn a_probe_missing_on_one_side_is_a_difference() {
        let real = vec![obs("ping", 200, None, "empty")];
        let report = compare("real", &real, "fake", &[]);
        assert_eq!(report.matching_probes, 0);
        assert_eq!(report.differences[0].aspect, "probe");
        assert_eq!(report.differences[0].candidate, None);
    }

    #[test]
    fn key_headers_strip_the_origin_and_skip_length_unless_asked() {
        let h = vec![
            (
                "Location".to_string(),
                "http://127.0.0.1:1/v2/r/manifests/x".to_string(),
            ),
            ("Content-Length".to_string(), "2".to_string()),
            ("Date".to_string(), "now".to_string()),
        ];
        let k = key_headers(&h, "http://127.0.0.1:1", false);
        assert_eq!(
            k.get("location").map(String::as_str),
            Some("abs:/v2/r/manifests/x")
        );
        assert!(!k.contains_key("content-length"));
        assert!(!k.contains_key("date"));
        assert!(key_headers(&h, "http://127.0.0.1:1", true).contains_key("content-length"));
    }
}
