//! "Discovery of one subject": the fixtures and clients, one table row per bench id (every path, warm and cold:
//! ours, the floors, the peer), and the verdicts of ours against the floor and the peer.

use std::fmt::Write as _;

use super::measured::{Measured, PATHS, measured};
use super::verdicts::Verdicts;
use crate::fixture::{PAGING_PAGE_SIZE, PAGING_REFERRERS};
use crate::report::format::dur;
use crate::report::inputs::{Inputs, meta_str, meta_u64, same_answer};

/// The clients of a path, in table order.
const CLIENTS: [&str; 5] = [
    "ours",
    "floor",
    "floor-reqwest",
    "oci-client",
    "oci-client-cosign",
];

/// Intro, table and verdicts.
pub(super) fn section(w: &mut String, inputs: &Inputs, verdicts: &mut Verdicts) {
    intro(w);
    let _ = writeln!(
        w,
        "| bench id | requests | median | p99 | spread | n | ours ÷ this | answer |\n|---|---:|---:|---:|---:|---:|---:|---|"
    );
    for path in PATHS {
        for phase in ["warm", "cold"] {
            path_rows(w, inputs, verdicts, path, phase);
        }
    }
}

/// What the fixtures, the phases and the clients are.
fn intro(w: &mut String) {
    let _ = writeln!(
        w,
        "## Discovery of one subject\n\n\
         Fixtures: `api` = profile `oci-1.1`, the demo subject with 3 referrers; `api-token` = profile \
         `harbor-2.11`, the same subject behind an anonymous Bearer token (same-host realm `/service/token`); \
         `tag-schema` and `cosign` = \
         profile `distribution-2.8` (referrers API answers 404), the same 3 referrers stored only in the tag-schema \
         index or only under cosign tags; `paging` = `oci-1.1`, {PAGING_REFERRERS} referrers, page size \
         {PAGING_PAGE_SIZE}. Subjects by digest. **warm** = one client reused (capability cached, connection \
         kept alive, token cached); **cold** = a new client per discovery (client construction, TCP connect, \
         token on `api-token`, capability probe). On `api-token` the peer first calls `Client::auth` (anonymous, \
         pull), as its users must. **ours** = `referrers::discovery::Discoverer::discover`; **floor** = a \
         bare hyper 1 connection replaying exactly the requests ours sent (read off the fake's request log), \
         reading whole bodies and parsing nothing; **oci-client** = `oci_client::Client::pull_referrers` 0.18; **oci-client-cosign** = that plus what its users \
         must add for cosign tags (`list_tags`, then `pull_manifest_raw` of each `.sig`/`.att`/`.sbom` tag).\n\n\
         Median and p99 are over single discoveries (every timed iteration, warm-up included); spread = \
         interquartile range ÷ median.\n"
    );
}

/// The rows of one path and phase, led by ours (none without ours), and their verdicts.
fn path_rows(w: &mut String, inputs: &Inputs, verdicts: &mut Verdicts, path: &str, phase: &str) {
    let Some(ours) = measured(inputs, path, phase, "ours") else {
        return;
    };
    for client in CLIENTS {
        let Some(m) = measured(inputs, path, phase, client) else {
            continue;
        };
        row(w, &m, &ours);
        if phase == "warm" && client == "floor" {
            verdicts.floor(inputs, &m, &ours);
        }
        if client.starts_with("oci-client") {
            verdicts.peer(inputs, &m, &ours);
        }
    }
}

/// One bench id: requests, median, p99, spread, n, ours ÷ it, and its answer.
fn row(w: &mut String, m: &Measured, ours: &Measured) {
    let (id, r, s) = (&m.id, m.record, &m.stats);
    let ratio = if m.client == "ours" {
        "–".to_string()
    } else {
        format!("{:.2}×", ours.stats.median / s.median)
    };
    let answer = answer(m);
    let _ = writeln!(
        w,
        "| `{id}` | {} | {} | {} | {:.0}% | {} | {ratio} | {answer} |",
        meta_u64(r, "requests").map_or("–".into(), |n| n.to_string()),
        dur(s.median),
        dur(s.p99),
        s.spread * 100.0,
        s.n
    );
}

/// What a client returned: ours its referrers, the peer whether they are ours, the floors bodies only.
fn answer(m: &Measured) -> String {
    let r = m.record;
    match m.client {
        "oci-client" | "oci-client-cosign" => {
            let n = meta_u64(r, "referrers").unwrap_or(0);
            match meta_str(r, "error") {
                Some(e) => format!("error: {e}"),
                None if same_answer(r) => format!("same ({n} referrers)"),
                None => format!("**differs**: {n} referrers"),
            }
        }
        "ours" => format!("{} referrers", meta_u64(r, "referrers").unwrap_or(0)),
        _ => "bodies only".into(),
    }
}
