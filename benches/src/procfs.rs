//! Peak and current resident memory of this process, from `/proc/self/status` (Linux; `None` elsewhere).

/// A `kB` field of `/proc/self/status` (`VmHWM`, `VmRSS`, ...).
pub fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Peak resident set size (`VmHWM`) in kB.
pub fn peak_rss_kb() -> Option<u64> {
    status_kb("VmHWM")
}

/// Current resident set size (`VmRSS`) in kB.
pub fn rss_kb() -> Option<u64> {
    status_kb("VmRSS")
}
