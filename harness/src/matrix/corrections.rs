//! "Corrections to common claims": the seed documents' wrong claims, each next to what the cells observed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::cell::{CellResult, CellStatus};

type Cells<'a> = BTreeMap<(String, String), &'a CellResult>;

fn seen(cells: &Cells<'_>, check: Option<&str>, profile: &str) -> String {
    let cell = check.and_then(|s| cells.get(&(profile.to_string(), s.to_string())));
    match cell.filter(|c| c.status != CellStatus::Skip) {
        Some(c) => format!(
            "`{profile}`: referrers endpoint answered {} `{}`, verdict {}",
            c.observed
                .wire
                .referrers_status
                .map_or("nothing".to_string(), |s| s.to_string()),
            c.observed
                .wire
                .referrers_content_type
                .as_deref()
                .unwrap_or("-"),
            c.observed.verdict.map_or("-", |v| v.as_str())
        ),
        None => format!("`{profile}`: not measured"),
    }
}

/// Renders the section; `check` is the scenario whose cells feed the matrix's check column.
pub fn render(cells: &Cells<'_>, check: Option<&str>) -> String {
    let mut out = String::from("## Corrections to common claims\n\n");
    out.push_str(
        "The seed documents this project started from make claims that the sources contradict. Each correction \
         names its source and what the matrix observed (on the fake profiles built from those sources).\n\n",
    );
    let mut row = |claim: &str, truth: &str, observed: String| {
        let _ = writeln!(
            out,
            "- **Claim:** {claim}  \n  **Correction:** {truth}  \n  **Observed:** {observed}\n"
        );
    };
    row(
        "Harbor 2.6+ (or 2.0+) supports the referrers API.",
        "The API first shipped in Harbor v2.8.0 (goharbor/harbor PR #18324; the v2.7.0 route table has no referrers route).",
        format!(
            "{}; {}",
            seen(cells, check, "harbor-2.7"),
            seen(cells, check, "harbor-2.8")
        ),
    );
    row(
        "A 404 from the referrers endpoint means \"no referrers exist (API supported)\".",
        "A supporting registry answers 200 with an empty index; a 404 means fall back to the tag schema (distribution-spec v1.1 \"Listing Referrers\").",
        seen(cells, check, "oci-1.1"),
    );
    row(
        "Distribution 2.8+ supports referrers.",
        "CNCF Distribution 2.8 (and 3.x) has no referrers route: 404 `text/plain` `404 page not found` (registry/handlers/app.go; measured on 2.8.2).",
        seen(cells, check, "distribution-2.8"),
    );
    row(
        "Artifactory needs an \"OCI layout repository\".",
        "Unconfirmed. Documented: the referrers REST API since Artifactory 7.90.1; 406 Not Acceptable when unsupported (google/go-containerregistry PR #2026).",
        seen(cells, check, "artifactory-legacy"),
    );
    let versions: BTreeSet<String> = cells
        .values()
        .filter_map(|c| c.observed.wire.api_version.clone())
        .collect();
    let oci_header = cells
        .values()
        .filter(|c| {
            c.exchanges
                .iter()
                .any(|x| x.headers.contains_key("oci-distribution-api-version"))
        })
        .count();
    row(
        "Registries send `OCI-Distribution-API-Version` (`version=OCI-Distribution/2.1`).",
        "No spec version defines that header; registries send the legacy `Docker-Distribution-API-Version: registry/2.0`, or nothing.",
        format!(
            "`OCI-Distribution-API-Version` on {oci_header} of {} cells' answers; `Docker-Distribution-API-Version` \
             values seen: {}",
            cells.len(),
            if versions.is_empty() {
                "none".to_string()
            } else {
                versions
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
    );
    out
}
