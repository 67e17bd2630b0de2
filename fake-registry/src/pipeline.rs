//! The request pipeline: the stages in front of the API, in the order a request meets them:
//! faults (primary listener only) → token endpoint → a partial API's unrouted paths → a router's refusals
//! ([`ContentApi::refusals_before_auth`](crate::profile::ContentApi::refusals_before_auth)) → profile's
//! referrers-before-auth answer → auth →
//! a partial API's refusals (`crate::partial_api`) → the content API's refusals (`crate::content_api`) → profile's
//! referrers answer → API; then the headers a partial API leaves out are taken off, the content API's headers set,
//! the profile's extra headers added, and the faults' modifications applied.
//! Each stage is a plain function over [`Req`] and [`Resp`] (no tower layers).
//!
//! The other-host listener (127.0.0.2) plays "another host": it serves the token endpoint when the profile's realm
//! lives there, GAR's HTML login page, and otherwise the same content as the primary listener **without auth**
//! (a redirect or `Link` target, like a CDN), so tests can check that no `Authorization` reached it.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde_json::json;

use crate::answer::canned;
use crate::api;
use crate::auth;
use crate::content_api;
use crate::fault::FaultAction;
use crate::media_type::OCI_INDEX;
use crate::message::{Req, Resp, percent_encode};
use crate::partial_api;
use crate::profile::bodies::{self, DOCKERHUB_CDN_PREFIX};
use crate::profile::{
    ApiReferrers, ApiVersionHeader, ArtifactTypeFrom, Canned, FiltersHeader, RateLimitStyle,
    Referrers, UploadPath,
};
use crate::route::Route;
use crate::state::State;

/// What the server should do with a request.
pub(crate) enum Outcome {
    /// Send this answer.
    Respond(Resp),
    /// Send the headers and the first bytes of this answer, then stall.
    Stall(Resp),
    /// Close the connection without an answer.
    Reset,
}

/// Handle a request end to end; returns the outcome and the names of the faults applied.
pub(crate) async fn handle(state: &State, req: &Req) -> (Outcome, Vec<String>) {
    let mut applied = Vec::new();
    let mut delay = 0u64;
    let mut replace: Option<FaultAction> = None;
    let mut modifiers: Vec<FaultAction> = Vec::new();
    if !req.other_host {
        let faults = state.faults.read().unwrap_or_else(|p| p.into_inner());
        for f in faults.iter() {
            if !f.fire(req.method.as_str(), &req.path) {
                continue;
            }
            applied.push(f.rule.display_name());
            match &f.rule.action {
                FaultAction::Latency { delay_ms } => delay = delay.saturating_add(*delay_ms),
                a if a.replaces_answer() => {
                    if replace.is_none() {
                        replace = Some(a.clone());
                    }
                }
                a => modifiers.push(a.clone()),
            }
        }
    }
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if let Some(action) = replace {
        return (replaced_answer(state, req, &action), applied);
    }
    let mut resp = respond(state, req);
    let mut stall = false;
    for m in &modifiers {
        match m {
            FaultAction::CorruptBody => corrupt(&mut resp.body),
            FaultAction::LinkLoop => {
                resp.set_header("link", format!("<{}>; rel=\"next\"", req.path_and_query()));
            }
            FaultAction::LinkOffHost => {
                resp.set_header(
                    "link",
                    format!(
                        "<{}{}>; rel=\"next\"",
                        state.other_base,
                        req.path_and_query()
                    ),
                );
            }
            FaultAction::Stall => stall = true,
            _ => {}
        }
    }
    let outcome = if stall {
        Outcome::Stall(resp)
    } else {
        Outcome::Respond(resp)
    };
    (outcome, applied)
}

fn replaced_answer(state: &State, req: &Req, action: &FaultAction) -> Outcome {
    let resp = match action {
        FaultAction::Reset => return Outcome::Reset,
        FaultAction::RateLimit { retry_after } => {
            rate_limited(state.profile.behaviour().rate_limit, retry_after.as_deref())
        }
        FaultAction::SecondaryRateLimit => Resp::json(
            403,
            &json!({
                "message": bodies::GHCR_SECONDARY_LIMIT_MESSAGE,
                "documentation_url": bodies::GHCR_SECONDARY_LIMIT_DOCS
            }),
        ),
        FaultAction::Status { status } => {
            let code = match status {
                401 => "UNAUTHORIZED",
                403 => "DENIED",
                404 => "NOT_FOUND",
                429 => "TOOMANYREQUESTS",
                s if *s >= 500 => "INTERNAL_ERROR",
                _ => "UNSUPPORTED",
            };
            Resp::error(*status, code, "injected fault")
        }
        FaultAction::RedirectOffHost => Resp::empty(307).header(
            "location",
            format!("{}{}", state.other_base, req.path_and_query()),
        ),
        FaultAction::OversizeBody { bytes } => {
            let head = format!(
                "{{\"schemaVersion\":2,\"mediaType\":\"{}\",\"manifests\":[]",
                OCI_INDEX
            );
            let total = (*bytes as usize).max(head.len() + 1);
            let mut body = Vec::with_capacity(total);
            body.extend_from_slice(head.as_bytes());
            body.resize(total - 1, b' ');
            body.push(b'}');
            Resp::with_body(200, Some(OCI_INDEX), body)
        }
        _ => respond(state, req),
    };
    let mut resp = resp;
    add_profile_headers(state, req, &mut resp);
    Outcome::Respond(resp)
}

/// Format seconds as a Go duration (`1s`, `1m0s`, `1h0m0s`), as GHCR's text does.
fn go_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// A 429 shaped like the profile's.
pub(crate) fn rate_limited(style: RateLimitStyle, retry_after: Option<&str>) -> Resp {
    let mut resp = match style {
        RateLimitStyle::Spec => Resp::error(429, "TOOMANYREQUESTS", "too many requests"),
        RateLimitStyle::DockerHub => {
            Resp::error(429, "TOOMANYREQUESTS", bodies::DOCKERHUB_PULL_LIMIT)
                .header("ratelimit-limit", "100;w=21600")
                .header("ratelimit-remaining", "0;w=21600")
                .header("docker-ratelimit-source", "127.0.0.1")
        }
        RateLimitStyle::Ghcr => {
            let d = retry_after
                .and_then(|r| r.trim().parse::<u64>().ok())
                .map_or_else(|| "1m0s".to_string(), go_duration);
            Resp::with_body(
                429,
                Some("text/plain; charset=utf-8"),
                format!("toomanyrequests: retry-after: {d}, allowed: 44000/minute\n"),
            )
        }
        RateLimitStyle::Ecr => Resp::error(429, "TOOMANYREQUESTS", "Rate exceeded"),
        RateLimitStyle::Nginx => Resp::with_body(429, Some("text/html"), bodies::NGINX_429_PAGE),
    };
    if let Some(r) = retry_after {
        resp = resp.header("retry-after", r);
    }
    resp
}

/// Change one byte of the body (the last ASCII letter or digit, to another of its kind), so the digest no
/// longer matches while JSON usually stays parseable.
fn corrupt(body: &mut Bytes) {
    let mut v = body.to_vec();
    if let Some(b) = v.iter_mut().rev().find(|b| b.is_ascii_alphanumeric()) {
        *b = match *b {
            b'0'..=b'8' | b'a'..=b'y' | b'A'..=b'Y' => *b + 1,
            b'9' => b'0',
            b'z' => b'a',
            _ => b'A',
        };
    } else if let Some(b) = v.first_mut() {
        *b ^= 0x20;
    }
    *body = Bytes::from(v);
}

/// Headers every answer of the profile carries: its JSON Content-Type form and `Docker-Distribution-API-Version`.
fn add_profile_headers(state: &State, req: &Req, resp: &mut Resp) {
    if state.profile.behaviour().json_charset {
        for (k, v) in resp.headers.iter_mut() {
            if k.eq_ignore_ascii_case("content-type") && v == "application/json" {
                *v = "application/json; charset=utf-8".into();
            }
        }
    }
    let api_version = match state.profile.behaviour().api_version_header {
        ApiVersionHeader::Every => req.path == "/v2" || req.path.starts_with("/v2/"),
        ApiVersionHeader::BaseOnly => req.path == "/v2" || req.path == "/v2/",
        ApiVersionHeader::Never => false,
    };
    if api_version && resp.get_header("docker-distribution-api-version").is_none() {
        resp.headers.push((
            "docker-distribution-api-version".into(),
            "registry/2.0".into(),
        ));
    }
}

/// The profile + auth + API answer (no faults).
pub(crate) fn respond(state: &State, req: &Req) -> Resp {
    let behaviour = state.profile.behaviour();
    if auth::is_token_request(state, req) {
        return auth::token_endpoint(state, req);
    }
    if req.other_host {
        if let Referrers::Redirect(r) = &behaviour.referrers
            && req.path.starts_with(r.target_prefix)
        {
            return canned(&r.target);
        }
        if behaviour.cdn_blobs
            && let Some(r) = cdn_blob(state, req)
        {
            return r;
        }
        let route = Route::parse_for(&req.path, behaviour.partial.upload_path == UploadPath::Bare);
        if route == Route::Unknown {
            return Resp::with_body(
                404,
                Some("text/plain; charset=utf-8"),
                bodies::DISTRIBUTION_NOT_FOUND,
            );
        }
        let mut r = referrers_or_api(state, req, &route);
        add_profile_headers(state, req, &mut r);
        return r;
    }
    let route = Route::parse_for(&req.path, behaviour.partial.upload_path == UploadPath::Bare);
    if let Some(mut resp) = partial_api::before_auth(state, req, &route).or_else(|| {
        behaviour
            .content
            .refusals_before_auth
            .then(|| content_api::refusal(state, req, &route))
            .flatten()
    }) {
        add_profile_headers(state, req, &mut resp);
        return resp;
    }
    if route == Route::Unknown {
        // gorilla/mux's answer in Distribution, the most common one.
        return Resp::with_body(
            404,
            Some("text/plain; charset=utf-8"),
            bodies::DISTRIBUTION_NOT_FOUND,
        );
    }
    let is_referrers = matches!(route, Route::Referrers { .. });
    let mut resp = if is_referrers
        && behaviour.referrers_before_auth
        && !matches!(behaviour.referrers, Referrers::Api(_))
    {
        referrers_or_api(state, req, &route)
    } else if let Err(challenge) = auth::check(state, req, &route) {
        challenge
    } else if let Some(refused) = partial_api::refusal(state, req, &route) {
        refused
    } else if let Some(refused) = content_api::refusal(state, req, &route) {
        refused
    } else {
        referrers_or_api(state, req, &route)
    };
    partial_api::adjust(state, req, &route, &mut resp);
    content_api::adjust(state, req, &route, &mut resp);
    add_profile_headers(state, req, &mut resp);
    // Docker Hub's pull-rate headers on manifest GET/HEAD; only GET counts.
    if behaviour.pull_rate_headers
        && matches!(route, Route::Manifest { .. })
        && (req.method == Method::GET || req.method == Method::HEAD)
        && resp.status == 200
    {
        let used = if req.method == Method::GET {
            state.pulls.fetch_add(1, Ordering::SeqCst) + 1
        } else {
            state.pulls.load(Ordering::SeqCst)
        };
        resp.headers
            .push(("ratelimit-limit".into(), "100;w=21600".into()));
        resp.headers.push((
            "ratelimit-remaining".into(),
            format!("{};w=21600", 100u64.saturating_sub(used)),
        ));
    }
    if behaviour.pull_rate_headers && resp.get_header("docker-ratelimit-source").is_none() {
        resp.headers
            .push(("docker-ratelimit-source".into(), "127.0.0.1".into()));
    }
    // Docker Hub serves blob content from its CDN: GET answers 307 to another host.
    if behaviour.cdn_blobs
        && req.method == Method::GET
        && resp.status == 200
        && let Route::Blob { digest, .. } = &route
        && let Some((alg, hex)) = digest.split_once(':')
    {
        let mut r = Resp::empty(307).header(
            "location",
            format!(
                "{}{DOCKERHUB_CDN_PREFIX}{alg}/{}/{hex}/data?verify=1700000000-fake",
                state.other_base,
                hex.get(..2).unwrap_or("00")
            ),
        );
        for (k, v) in &resp.headers {
            if k == "docker-distribution-api-version" || k == "docker-ratelimit-source" {
                r.headers.push((k.clone(), v.clone()));
            }
        }
        return r;
    }
    resp
}

/// Serve `/registry-v2/docker/registry/v2/blobs/<alg>/<xx>/<hex>/data` from any repository's blobs.
fn cdn_blob(state: &State, req: &Req) -> Option<Resp> {
    let rest = req.path.strip_prefix(DOCKERHUB_CDN_PREFIX)?;
    let mut parts = rest.split('/');
    let (alg, _, hex, data) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if data != "data" || parts.next().is_some() {
        return None;
    }
    let digest = format!("{alg}:{hex}");
    Some(match state.store.find_blob(&digest) {
        Some(b) => Resp::with_body(200, Some("application/octet-stream"), b),
        None => Resp::with_body(
            404,
            Some("application/xml"),
            bodies::DOCKERHUB_CDN_NO_SUCH_KEY,
        ),
    })
}

fn referrers_or_api(state: &State, req: &Req, route: &Route) -> Resp {
    let behaviour = state.profile.behaviour();
    match (route, &behaviour.referrers) {
        (Route::Referrers { .. }, Referrers::Unsupported(c)) => canned(c),
        (Route::Referrers { repo, digest }, Referrers::Redirect(r)) => {
            let location = r
                .location
                .replace("{repo_pct}", &repo.replace('/', "%2F"))
                .replace("{alg}", digest.split(':').next().unwrap_or(""))
                .replace(
                    "{continue}",
                    &percent_encode(&format!("{}{}", req.origin(), req.path_and_query())),
                );
            let mut resp =
                Resp::empty(r.status).header("location", format!("{}{location}", state.other_base));
            if let Some(ct) = r.content_type {
                resp = resp.header("content-type", ct);
            }
            resp
        }
        (_, Referrers::Api(cfg)) => api::handle(state, req, route, cfg),
        (_, _) => api::handle(state, req, route, &SPEC_FALLBACK),
    }
}

/// Referrers config used for non-referrers routes of profiles without the API (never consulted there).
const SPEC_FALLBACK: ApiReferrers = ApiReferrers {
    status: 200,
    content_type: OCI_INDEX,
    missing_subject: None,
    missing_repo: None,
    bad_digest: Canned {
        status: 400,
        content_type: None,
        body: "",
        headers: &[],
    },
    filter: false,
    filter_multi: false,
    paging: false,
    total_count: false,
    filters_header: FiltersHeader::Spec,
    artifact_type_from: ArtifactTypeFrom::Spec,
    size_includes_blobs: false,
    trailing_newline: false,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use proptest::prelude::*;

    fn segment() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "v2",
            "",
            "a",
            "b",
            "library",
            "alpine",
            "manifests",
            "blobs",
            "uploads",
            "referrers",
            "tags",
            "list",
            "latest",
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "sha256:zz",
            "sha512:00",
            "..",
            "%2F",
            "token",
            "auth",
            "-",
            "A",
            "ServiceLogin",
            "service",
            "jwt",
            "oauth2",
            "sha256-x.sig",
        ])
    }

    fn header() -> impl Strategy<Value = (&'static str, &'static str)> {
        prop::sample::select(vec![
            ("content-type", "application/vnd.oci.image.manifest.v1+json"),
            ("content-type", "application/vnd.oci.image.index.v1+json"),
            ("content-type", ";;"),
            ("accept", "*/*"),
            ("accept", ",,;q=0"),
            ("authorization", "Bearer nope"),
            ("authorization", "Basic QVdTOmRlbW8="),
            ("authorization", "Basic !!!"),
            ("content-range", "5-2"),
            ("content-range", "0-99999999999999999999"),
            ("range", "bytes=3-1"),
            ("range", "bytes=0-"),
            ("host", "\u{7f}"),
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Whatever arrives, every profile answers with a valid status and never panics.
        #[test]
        fn never_panics(
            profile in prop::sample::select(Profile::all()),
            method in prop::sample::select(vec!["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"]),
            segs in prop::collection::vec(segment(), 0..8),
            trailing in any::<bool>(),
            query in prop::option::of(prop::sample::select(vec![
                "n=2", "last=a", "n=-1", "n=99999999999999999999", "artifactType=x%2By&artifactType=",
                "digest=sha256:zz", "mount=sha256:00&from=a", "%%%", "service=x&scope=repository:a:pull",
            ])),
            headers in prop::collection::vec(header(), 0..4),
            body in prop::collection::vec(any::<u8>(), 0..64),
            json_body in any::<bool>(),
            other_host in any::<bool>(),
        ) {
            let state = State::new(profile, 2, None, vec![], "http://127.0.0.2:1".into());
            crate::seed::apply(&state.store, profile, &crate::seed::SeedSpec::demo()).unwrap();
            let mut path = format!("/{}", segs.join("/"));
            if trailing {
                path.push('/');
            }
            let mut map = http::HeaderMap::new();
            for (k, v) in headers {
                if let Ok(v) = http::HeaderValue::from_str(v) {
                    map.append(k, v);
                }
            }
            let body = if json_body {
                Bytes::from_static(br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"mediaType":"x"}],"subject":{"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","mediaType":"application/vnd.oci.image.index.v1+json"}}"#)
            } else {
                Bytes::from(body)
            };
            let req = Req {
                method: http::Method::from_bytes(method.as_bytes()).unwrap(),
                path,
                query: query.map(crate::message::parse_query).unwrap_or_default(),
                raw_query: query.map(str::to_string),
                headers: map,
                body,
                other_host,
                scheme: "http",
                listener_host: "127.0.0.1:1".into(),
            };
            let r = respond(&state, &req);
            prop_assert!((100..600).contains(&r.status), "{}", r.status);
        }
    }

    #[test]
    fn durations_and_corruption() {
        assert_eq!(go_duration(1), "1s");
        assert_eq!(go_duration(60), "1m0s");
        assert_eq!(go_duration(3601), "1h0m1s");
        let mut b = Bytes::from_static(b"{\"a\":\"z\"}");
        corrupt(&mut b);
        assert_eq!(&b[..], b"{\"a\":\"a\"}");
    }
}
