//! Discovery returns exactly the ground truth: generated listings (any size, page size, filter, API or tag schema,
//! server-side filtering or not) against what a correct client must return.

use crate::discovery_support::*;
use crate::support::*;
use proptest::prelude::*;
use referrers::discovery::{DiscoveryOptions, Method, Subject};
use referrers::spec::tag_schema_name;
use serde_json::{Value, json};

const TYPES: [&str; 3] = ["t/zero", "t/one", "t/two"];

async fn run(n: usize, page: usize, filter: Option<usize>, api: bool, server_filters: bool) {
    let mut repo = Repo::new(REPO);
    let subject = repo.image("v1", "app");
    let descs: Vec<Value> = (0..n)
        .map(|i| json!({"mediaType":MANIFEST,"digest":sha256(format!("r{i}").as_bytes()),"size":i+1,"artifactType":TYPES[i % 3]}))
        .collect();
    if !api {
        let idx = repo.put(
            INDEX,
            &json!({"schemaVersion":2,"mediaType":INDEX,"manifests":descs}),
        );
        repo.tag(&tag_schema_name(&subject), &idx);
    }
    let all = descs.clone();
    let s = serve(repo, move |r| {
        if !api {
            return Response::not_found();
        }
        let start: usize = r
            .query("i")
            .first()
            .and_then(|x| x.parse().ok())
            .unwrap_or(0);
        let wanted_type = r.query("artifactType").first().cloned();
        let list: Vec<Value> = all
            .iter()
            .filter(|d| {
                !server_filters
                    || wanted_type
                        .as_deref()
                        .is_none_or(|t| d["artifactType"] == json!(t))
            })
            .cloned()
            .collect();
        let end = (start + page).min(list.len());
        let mut resp = Response::index(&list[start.min(end)..end]);
        if server_filters && wanted_type.is_some() {
            resp = resp.header("OCI-Filters-Applied", "artifactType");
        }
        if end < list.len() {
            resp = resp.header("Link", &format!("<?i={end}>; rel=\"next\""));
        }
        resp
    })
    .await;
    let artifact_types = filter
        .map(|f| vec![TYPES[f].to_string()])
        .unwrap_or_default();
    let (d, _) = disc(
        &s,
        DiscoveryOptions {
            artifact_types,
            ..opts()
        },
    );
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    let expected: Vec<String> = descs
        .iter()
        .filter(|x| filter.is_none_or(|f| x["artifactType"] == json!(TYPES[f])))
        .map(|x| x["digest"].as_str().unwrap().to_string())
        .collect();
    let got: Vec<String> = r.referrers.iter().map(|x| x.digest.clone()).collect();
    assert!(r.complete, "{r:#?}");
    assert_eq!(
        got, expected,
        "n={n} page={page} filter={filter:?} api={api}"
    );
    let want_method = match (api, expected.is_empty()) {
        (true, _) => Method::ReferrersApi,
        (false, false) => Method::TagSchema,
        (false, true) => Method::TagSchemaAndCosignTags,
    };
    assert_eq!(r.method, want_method);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn discovery_returns_exactly_the_ground_truth(
        n in 0usize..30, page in 1usize..8, filter in proptest::option::of(0usize..3), api: bool, server_filters: bool,
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(run(n, page, filter, api, server_filters));
    }
}
