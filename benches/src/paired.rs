//! Paired, interleaved ratios: ours against each reference client, measured round by round in one process.
//!
//! Criterion measures one bench id after another (3 s each), so on a shared machine a slow stretch that falls on one
//! client and not the other moves their ratio; the same path has landed on both sides of a target from one run to
//! the next. Here every round runs every client `per_round` times, back to back, in an order that rotates from round
//! to round, against the same fake, after the fake's request log is emptied. Each round gives one ratio per
//! reference (median of ours ÷ median of the reference, within the round), so drift slower than a round cancels out.
//! The report gives the median of the per-round ratios, their quartiles, and a distribution-free 95% confidence
//! interval of that median (order statistics of the binomial, no assumption about the shape of the noise).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::fixture::{self, Fixture, Kind};
use crate::floor::{self, FloorConn, ReplayRequest, ReqwestFloor};
use crate::peer;

/// One path against one reference client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedRow {
    /// `api`, `api-token`, `tag-schema`, `cosign`, `paging`.
    pub path: String,
    /// `floor`, `floor-reqwest`, `oci-client` or `oci-client-cosign`.
    pub against: String,
    /// Whether the reference returns our answer (the floors return bodies only: `true`).
    pub same_answer: bool,
    /// Median over rounds of (ours ÷ reference).
    pub median: f64,
    /// First and third quartile of the per-round ratios.
    pub quartiles: (f64, f64),
    /// 95% confidence interval of the median ratio.
    pub ci95: (f64, f64),
    /// Median single discovery of ours and of the reference over every round (ns).
    pub median_ns: (f64, f64),
}

/// `bench-tool paired`'s output.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Paired {
    /// Rounds per path.
    pub rounds: usize,
    /// Discoveries of each client per round.
    pub per_round: usize,
    /// One row per path and reference.
    pub rows: Vec<PairedRow>,
}

/// The clients of one path.
enum Contender {
    Ours,
    Floor,
    FloorReqwest,
    Oci,
    OciCosign,
}

impl Contender {
    fn name(&self) -> &'static str {
        match self {
            Contender::Ours => "ours",
            Contender::Floor => "floor",
            Contender::FloorReqwest => "floor-reqwest",
            Contender::Oci => "oci-client",
            Contender::OciCosign => "oci-client-cosign",
        }
    }
}

/// Median of `v` (sorted in place); 0 when empty.
fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Quartiles and the 95% confidence interval of the median of `v` (sorted in place). The interval is
/// [x(j), x(k)] (1-based ranks) with j = ⌊n/2 − 0.98·√n⌋ and k = ⌈1 + n/2 + 0.98·√n⌉, the normal approximation of
/// the binomial(n, ½) ranks, clamped to the sample.
pub fn summary(v: &mut [f64]) -> (f64, (f64, f64), (f64, f64)) {
    let m = median(v);
    let n = v.len();
    if n == 0 {
        return (0.0, (0.0, 0.0), (0.0, 0.0));
    }
    let at = |q: f64| v[((n - 1) as f64 * q).round() as usize];
    let half = 0.98 * (n as f64).sqrt();
    let lo = ((n as f64 / 2.0 - half).floor().max(1.0) as usize).min(n) - 1;
    let hi = ((1.0 + n as f64 / 2.0 + half).ceil() as usize).clamp(1, n) - 1;
    (m, (at(0.25), at(0.75)), (v[lo], v[hi]))
}

/// Measure `kind` for `rounds` rounds of `per_round` discoveries per client.
pub fn measure(kind: Kind, rounds: usize, per_round: usize) -> Vec<PairedRow> {
    let fx = Fixture::start(kind);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let url = fx.url();
    let subject = fx.subject();
    let ours = fixture::discoverer(&url, kind);
    let first = rt.block_on(ours.discover(&subject));
    assert!(
        first.complete && first.referrers.len() == fx.expected_referrers,
        "paired {}: ours found {} of {} referrers ({:?})",
        kind.name(),
        first.referrers.len(),
        fx.expected_referrers,
        first.errors
    );
    let truth: BTreeSet<String> = first.referrers.iter().map(|r| r.digest.clone()).collect();
    fx.registry.clear_log();
    rt.block_on(ours.discover(&subject));
    let reqs: Vec<ReplayRequest> = floor::from_log(&fx.registry.request_log());
    let mut conn = rt
        .block_on(FloorConn::connect(floor::addr_of(&url)))
        .expect("floor connect");
    let reqwest_floor = ReqwestFloor::new(&url);
    let peer_client = peer::client();
    let peer_ref = peer::reference(&url, &fx.repository, &fx.digests[0]);
    if fx.needs_token() {
        rt.block_on(peer::login(&peer_client, &peer_ref))
            .expect("oci-client login");
    }
    let mut clients = vec![Contender::Ours, Contender::Floor, Contender::FloorReqwest];
    let mut same = vec![true, true, true];
    match kind {
        // oci-client reads one page of ten and knows no cosign tags: only its cosign-aware form compares there.
        Kind::Paging => {}
        Kind::Cosign => {
            let a = rt.block_on(peer::pull_with_cosign_tags(&peer_client, &peer_ref));
            clients.push(Contender::OciCosign);
            same.push(a.is_ok_and(|s| s == truth));
        }
        _ => {
            let a = rt.block_on(peer::pull(&peer_client, &peer_ref));
            clients.push(Contender::Oci);
            same.push(a.is_ok_and(|s| s == truth));
        }
    }
    let mut once = |c: &Contender| -> Duration {
        let t = Instant::now();
        match c {
            Contender::Ours => {
                std::hint::black_box(rt.block_on(ours.discover(&subject)));
            }
            Contender::Floor => {
                std::hint::black_box(rt.block_on(conn.replay(&reqs)).expect("floor replay"));
            }
            Contender::FloorReqwest => {
                std::hint::black_box(
                    rt.block_on(reqwest_floor.replay(&reqs))
                        .expect("reqwest floor replay"),
                );
            }
            Contender::Oci => {
                let _ = std::hint::black_box(rt.block_on(peer::pull(&peer_client, &peer_ref)));
            }
            Contender::OciCosign => {
                let _ = std::hint::black_box(
                    rt.block_on(peer::pull_with_cosign_tags(&peer_client, &peer_ref)),
                );
            }
        }
        t.elapsed()
    };
    // Warm every client (connections open, tokens cached, allocator settled).
    for c in &clients {
        for _ in 0..per_round.max(3) {
            once(c);
        }
    }
    let m = clients.len();
    let mut round_medians: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); m];
    let mut singles: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds * per_round); m];
    for round in 0..rounds {
        fx.registry.clear_log();
        for step in 0..m {
            let i = (round + step) % m;
            let mut took: Vec<f64> = (0..per_round)
                .map(|_| once(&clients[i]).as_nanos() as f64)
                .collect();
            singles[i].extend_from_slice(&took);
            round_medians[i].push(median(&mut took));
        }
    }
    let mut rows = Vec::new();
    for i in 1..m {
        let mut ratios: Vec<f64> = round_medians[0]
            .iter()
            .zip(&round_medians[i])
            .map(|(o, r)| o / r)
            .collect();
        let (median_ratio, quartiles, ci95) = summary(&mut ratios);
        rows.push(PairedRow {
            path: kind.name().into(),
            against: clients[i].name().into(),
            same_answer: same[i],
            median: median_ratio,
            quartiles,
            ci95,
            median_ns: (median(&mut singles[0].clone()), median(&mut singles[i])),
        });
    }
    rows
}

/// Every path (the four of [`Kind::PATHS`], then paging).
pub fn measure_all(rounds: usize, per_round: usize) -> Paired {
    let mut rows = Vec::new();
    for kind in Kind::PATHS.into_iter().chain([Kind::Paging]) {
        rows.extend(measure(kind, rounds, per_round));
    }
    Paired {
        rounds,
        per_round,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_a_known_sample() {
        let mut v: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let (m, q, ci) = summary(&mut v);
        assert_eq!(m, 50.5);
        assert_eq!(q, (26.0, 75.0));
        // n = 100: ranks ⌊50 − 9.8⌋ = 40 and ⌈51 + 9.8⌉ = 61, the textbook interval for a median of 100.
        assert_eq!(ci, (40.0, 61.0));
        let mut one = vec![2.0];
        assert_eq!(summary(&mut one), (2.0, (2.0, 2.0), (2.0, 2.0)));
    }

    #[test]
    fn a_short_paired_run_compares_every_reference() {
        let rows = measure(Kind::Api, 3, 2);
        let against: Vec<&str> = rows.iter().map(|r| r.against.as_str()).collect();
        assert_eq!(against, ["floor", "floor-reqwest", "oci-client"]);
        for r in &rows {
            assert!(r.median > 0.0 && r.ci95.0 <= r.median && r.median <= r.ci95.1);
            assert!(r.median_ns.0 > 0.0 && r.median_ns.1 > 0.0);
        }
        assert!(rows[2].same_answer, "oci-client gives our answer on api");
    }
}
