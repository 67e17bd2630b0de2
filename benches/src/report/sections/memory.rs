//! Peak memory of the scale run, measured by `bench-tool scale-mem` in a process of its own.

use std::fmt::Write as _;

use crate::report::inputs::ScaleMem;

/// One paragraph: `VmHWM` before and after, `VmRSS` at the end, the runs; or how to measure it.
pub(super) fn section(w: &mut String, scale_mem: Option<&ScaleMem>) {
    match scale_mem {
        Some(m) => {
            let _ = writeln!(
                w,
                "\nPeak memory (`bench-tool scale-mem`: a separate process whose only job is the client side; the fake \
                 runs in another process): `VmHWM` {:.1} MiB before any discovery (runtime + client), **{:.1} MiB** \
                 after a cold and a warm run over {} subjects (+{:.1} MiB); `VmRSS` at the end {:.1} MiB. Runs took \
                 {:.0} ms (cold) and {:.0} ms (warm); {} referrers found, all complete: {}.",
                m.peak_before_kb as f64 / 1024.0,
                m.peak_after_kb as f64 / 1024.0,
                m.subjects,
                (m.peak_after_kb.saturating_sub(m.peak_before_kb)) as f64 / 1024.0,
                m.rss_after_kb as f64 / 1024.0,
                m.first_run_ms,
                m.second_run_ms,
                m.referrers,
                m.complete
            );
        }
        None => {
            let _ = writeln!(
                w,
                "\nPeak memory: not measured (run `bench-tool scale-mem`)."
            );
        }
    }
}
