//! "Instructions per warm discovery (callgrind)": how `bench-tool callgrind` counts, and one row per path with
//! every client's instructions and the ratios between them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::measured::PATHS;
use crate::report::format::group_digits;
use crate::report::inputs::Callgrind;

/// Instructions per discovery by (path, client).
type ByClient<'a> = BTreeMap<(&'a str, &'a str), u64>;

/// Intro, then the table and its footnote, or why nothing was measured.
pub(super) fn section(w: &mut String, callgrind: Option<&Callgrind>) {
    intro(w);
    match callgrind {
        Some(cg) if cg.rows.is_empty() => {
            let _ = writeln!(
                w,
                "Not measured: {}",
                cg.skipped.as_deref().unwrap_or("no rows")
            );
        }
        Some(cg) => {
            if let Some(v) = &cg.valgrind {
                let _ = writeln!(w, "valgrind: `{v}`\n");
            }
            table(w, cg);
            footnote(w, cg);
        }
        None => {
            let _ = writeln!(w, "Not measured (run `bench-tool callgrind`).");
        }
    }
}

/// How instructions per discovery are counted.
fn intro(w: &mut String) {
    let _ = writeln!(
        w,
        "\n## Instructions per warm discovery (callgrind)\n\n\
         `bench-tool callgrind`: each client runs N warm discoveries in its own process under \
         `valgrind --tool=callgrind` against a fake in another process; instructions per discovery = \
         (Ir(N₂) − Ir(N₁)) ÷ (N₂ − N₁), so start-up cost cancels out. These counts do not drift with machine \
         noise; compare them across changes.\n"
    );
}

/// One row per path.
fn table(w: &mut String, cg: &Callgrind) {
    let _ = writeln!(
        w,
        "| path | ours | floor | floor-reqwest | oci-client | ours ÷ floor | floor-reqwest ÷ floor | ours ÷ floor-reqwest | ours ÷ oci-client |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut by: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for r in &cg.rows {
        by.insert((r.path.as_str(), r.client.as_str()), r.per_discovery);
    }
    for path in PATHS {
        row(w, &by, path);
    }
}

/// Every client's instructions on one path, and ours and floor-reqwest against the others.
fn row(w: &mut String, by: &ByClient, path: &str) {
    let g = |c: &str| by.get(&(path, c)).copied();
    let f = |x: Option<u64>| x.map_or("–".into(), group_digits);
    let q = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) if b > 0 => format!("{:.2}×", a as f64 / b as f64),
        _ => "–".into(),
    };
    let _ = writeln!(
        w,
        "| {path} | {} | {} | {} | {} | {} | {} | {} | {} |",
        f(g("ours")),
        f(g("floor")),
        f(g("floor-reqwest")),
        f(g("oci-client")),
        q(g("ours"), g("floor")),
        q(g("floor-reqwest"), g("floor")),
        q(g("ours"), g("floor-reqwest")),
        q(g("ours"), g("oci-client"))
    );
}

/// The run lengths, and what floor-reqwest and the missing paging row mean.
fn footnote(w: &mut String, cg: &Callgrind) {
    let n = cg.rows.first().map(|r| r.n).unwrap_or_default();
    let np = cg
        .rows
        .iter()
        .find(|r| r.path == "paging")
        .map(|r| r.n)
        .unwrap_or_default();
    let _ = writeln!(
        w,
        "\n(N₁ = {}, N₂ = {}; paging N₁ = {}, N₂ = {}. **floor-reqwest** = the same requests through reqwest \
                 configured as ours, parsing nothing: floor-reqwest ÷ floor is what the HTTP stack adds over bare hyper, \
                 ours ÷ floor-reqwest what our own code adds. oci-client reads only the first of paging's ten pages, so \
                 it has no paging row.)",
        n.0, n.1, np.0, np.1
    );
}
