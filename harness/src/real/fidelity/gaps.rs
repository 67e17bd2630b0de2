//! Declared fidelity gaps: the differences between a fake profile and its real counterpart that the fake does not
//! reproduce, each with the reason it remains. A real row lists them in its config (`[[image.fidelity_gap]]`);
//! [`declare`] marks the differences they cover and returns the declarations nothing matched, so a gap that has
//! been closed, or one whose probe or aspect was misspelt, shows up instead of lingering.

use serde::{Deserialize, Serialize};

use super::compare::FidelityReport;

/// One declared difference: which probe step and aspect, and why the fake does not reproduce it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FidelityGap {
    /// A probe step id (`upload-chunked/patch-1`), or a pattern with one `*` standing for any characters
    /// (`upload-*/post`).
    pub probe: String,
    /// The aspect as the report names it: `status`, `content-type`, `header <name>`, `body` or `probe`.
    pub aspect: String,
    /// Why the difference remains (what is not emulated and why, or what is unknown), with its source.
    pub why: String,
}

impl FidelityGap {
    /// Whether this declaration covers `probe`'s `aspect`.
    pub fn covers(&self, probe: &str, aspect: &str) -> bool {
        self.aspect == aspect && glob(&self.probe, probe)
    }
}

/// `pattern` with at most one `*` (any characters, none included) against `text`.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.len() >= head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail)
        }
    }
}

/// Marks each difference of `report` that a gap covers with the gap's reason (the first gap that covers it), and
/// records in [`FidelityReport::stale_gaps`] the gaps that cover no difference.
pub fn declare(report: &mut FidelityReport, gaps: &[FidelityGap]) {
    let mut used = vec![false; gaps.len()];
    for d in &mut report.differences {
        if let Some(i) = gaps.iter().position(|g| g.covers(&d.probe, &d.aspect)) {
            used[i] = true;
            d.declared = Some(gaps[i].why.clone());
        }
    }
    report.stale_gaps = gaps
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(g, _)| g.clone())
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::real::fidelity::Difference;

    fn gap(probe: &str, aspect: &str) -> FidelityGap {
        FidelityGap {
            probe: probe.into(),
            aspect: aspect.into(),
            why: format!("because {probe}"),
        }
    }

    fn diff(probe: &str, aspect: &str) -> Difference {
        Difference {
            probe: probe.into(),
            aspect: aspect.into(),
            reference: Some("a".into()),
            candidate: None,
            declared: None,
        }
    }

    #[test]
    fn glob_has_one_wildcard_that_may_match_nothing() {
        assert!(glob("upload-*/post", "upload-chunked/post"));
        assert!(glob("upload-*/post", "upload-/post"));
        assert!(!glob("upload-*/post", "upload-chunked/put"));
        assert!(!glob("a*a", "a"), "head and tail may not overlap");
        assert!(glob("blob-get", "blob-get"));
        assert!(!glob("blob-get", "blob-get-missing"));
    }

    #[test]
    fn declare_marks_covered_differences_and_reports_stale_gaps() {
        let mut report = FidelityReport {
            reference: "real".into(),
            candidate: "fake".into(),
            probes: 2,
            matching_probes: 0,
            aspects: 4,
            matching_aspects: 2,
            differences: vec![diff("x/post", "header range"), diff("y", "status")],
            stale_gaps: Vec::new(),
        };
        let gaps = [
            gap("*/post", "header range"),
            gap("y", "body"),
            gap("z", "status"),
        ];
        declare(&mut report, &gaps);
        assert_eq!(
            report.differences[0].declared.as_deref(),
            Some("because */post")
        );
        assert_eq!(
            report.differences[1].declared, None,
            "the aspect must match too"
        );
        assert_eq!(report.stale_gaps, vec![gaps[1].clone(), gaps[2].clone()]);
        assert_eq!(report.undeclared().count(), 1);
    }
}
