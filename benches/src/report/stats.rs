//! Summary statistics of the records: median, p99 and spread of single operations, requests per second of
//! throughput samples.

use crate::record::Record;

/// Summary statistics of single operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Operations.
    pub n: usize,
    /// Median (ns).
    pub median: f64,
    /// 99th percentile (ns).
    pub p99: f64,
    /// Interquartile range ÷ median.
    pub spread: f64,
}

fn pct(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64
}

/// Statistics of a record's single operations.
pub fn stats(r: &Record) -> Option<Stats> {
    if r.single_ns.is_empty() {
        return None;
    }
    let mut v = r.single_ns.clone();
    v.sort_unstable();
    let median = pct(&v, 0.5);
    Some(Stats {
        n: v.len(),
        median,
        p99: pct(&v, 0.99),
        spread: (pct(&v, 0.75) - pct(&v, 0.25)) / median,
    })
}

/// Requests per second of a throughput record (all samples: Σ requests ÷ Σ time), and per-sample rates'
/// median and spread (IQR ÷ median).
pub fn rate(r: &Record) -> Option<(f64, f64, f64)> {
    let (ops, ns) = r
        .samples
        .iter()
        .fold((0u64, 0u64), |(a, b), (o, n)| (a + o, b + n));
    if ns == 0 {
        return None;
    }
    let mut rates: Vec<u64> = r
        .samples
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(o, n)| (*o as f64 * 1e9 / *n as f64) as u64)
        .collect();
    rates.sort_unstable();
    let med = pct(&rates, 0.5);
    Some((
        ops as f64 * 1e9 / ns as f64,
        med,
        (pct(&rates, 0.75) - pct(&rates, 0.25)) / med,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_singles() {
        let r = Record {
            single_ns: (1..=100).collect(),
            ..Record::default()
        };
        let s = stats(&r).unwrap();
        assert_eq!(s.n, 100);
        assert_eq!(s.median, 51.0);
        assert_eq!(s.p99, 99.0);
    }
}
