//! The comparison of two probe runs, aspect by aspect ([`compare`]), the fidelity figures and the Markdown section
//! the matrix document shows ([`FidelityReport`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::gaps::FidelityGap;
use super::observe::ProbeObservation;

/// One aspect of one probe that differs between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub probe: String,
    /// `status`, `content-type`, `header <name>`, `body` or `probe` (missing on one side).
    pub aspect: String,
    /// What the reference (real registry) answered; `None` = absent.
    pub reference: Option<String>,
    /// What the candidate (fake profile) answered; `None` = absent.
    pub candidate: Option<String>,
    /// Why the difference remains, where the real row declares it ([`FidelityReport::declare`]); `None` = not
    /// declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
}

/// The comparison of two probe runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FidelityReport {
    /// E.g. "Distribution 2.8.2 (real, container)".
    pub reference: String,
    /// E.g. "fake distribution-2.8".
    pub candidate: String,
    pub probes: usize,
    pub matching_probes: usize,
    pub aspects: usize,
    pub matching_aspects: usize,
    pub differences: Vec<Difference>,
    /// Declared gaps that covered no difference ([`FidelityReport::declare`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stale_gaps: Vec<FidelityGap>,
}

impl FidelityReport {
    /// Share of probes whose every aspect matches, 0.0–1.0 (1.0 when there were no probes).
    pub fn figure(&self) -> f64 {
        if self.probes == 0 {
            1.0
        } else {
            self.matching_probes as f64 / self.probes as f64
        }
    }

    /// Share of compared aspects (status, content type, each key header, body) that match.
    pub fn aspect_figure(&self) -> f64 {
        if self.aspects == 0 {
            1.0
        } else {
            self.matching_aspects as f64 / self.aspects as f64
        }
    }

    /// Marks each difference that a gap covers with the gap's reason (the first gap that covers it), and
    /// records in [`FidelityReport::stale_gaps`] the gaps that cover no difference.
    pub fn declare(&mut self, gaps: &[FidelityGap]) {
        let mut used = vec![false; gaps.len()];
        for d in &mut self.differences {
            if let Some(i) = gaps.iter().position(|g| g.covers(&d.probe, &d.aspect)) {
                used[i] = true;
                d.declared = Some(gaps[i].why.clone());
            }
        }
        self.stale_gaps = gaps
            .iter()
            .zip(used)
            .filter(|(_, u)| !u)
            .map(|(g, _)| g.clone())
            .collect();
    }

    /// The differences no declared gap covers.
    pub fn undeclared(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| d.declared.is_none())
    }

    /// `matching/probes probes (NN%)` — the figure as the matrix shows it.
    pub fn summary(&self) -> String {
        format!(
            "{}/{} probes ({:.0}%), {}/{} aspects",
            self.matching_probes,
            self.probes,
            self.figure() * 100.0,
            self.matching_aspects,
            self.aspects
        )
    }

    /// A Markdown section: the figure and a table of every difference.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "**{}** vs **{}**: {}\n",
            self.candidate,
            self.reference,
            self.summary()
        );
        if self.differences.is_empty() {
            out.push_str("No differences.\n");
            return out;
        }
        out.push_str("| probe | aspect | real | fake | why it remains |\n|---|---|---|---|---|\n");
        for d in &self.differences {
            let cell = |v: &Option<String>| match v {
                Some(s) => format!("`{}`", s.replace('|', "\\|").replace('`', "'")),
                None => "(absent)".to_string(),
            };
            let why = match &d.declared {
                Some(why) => why.replace('|', "\\|"),
                None => "**not declared**".to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {why} |",
                d.probe,
                d.aspect,
                cell(&d.reference),
                cell(&d.candidate)
            );
        }
        for g in &self.stale_gaps {
            let _ = writeln!(
                out,
                "\nDeclared but not observed: `{}` {} ({}).",
                g.probe, g.aspect, g.why
            );
        }
        out
    }
}

/// Compares `candidate` against `reference` probe by probe.
pub fn compare(
    reference_label: &str,
    reference: &[ProbeObservation],
    candidate_label: &str,
    candidate: &[ProbeObservation],
) -> FidelityReport {
    let by_id = |obs: &[ProbeObservation]| -> BTreeMap<String, ProbeObservation> {
        obs.iter().map(|o| (o.probe.clone(), o.clone())).collect()
    };
    let r = by_id(reference);
    let c = by_id(candidate);
    let ids: Vec<String> = {
        let mut seen = BTreeSet::new();
        reference
            .iter()
            .chain(candidate.iter())
            .filter(|o| seen.insert(o.probe.clone()))
            .map(|o| o.probe.clone())
            .collect()
    };
    let mut report = FidelityReport {
        reference: reference_label.to_string(),
        candidate: candidate_label.to_string(),
        probes: 0,
        matching_probes: 0,
        aspects: 0,
        matching_aspects: 0,
        differences: Vec::new(),
        stale_gaps: Vec::new(),
    };
    // A probe is its id before the first `/`; it matches when every recorded step of it does.
    let probe_of = |id: &str| id.split('/').next().unwrap_or(id).to_string();
    let mut failed: BTreeSet<String> = BTreeSet::new();
    let probes: BTreeSet<String> = ids.iter().map(|id| probe_of(id)).collect();
    report.probes = probes.len();
    for id in ids {
        let (ro, co) = match (r.get(&id), c.get(&id)) {
            (Some(ro), Some(co)) => (ro, co),
            (ro, co) => {
                report.aspects += 1;
                report.differences.push(Difference {
                    probe: id.clone(),
                    aspect: "probe".into(),
                    reference: ro.map(|o| o.request.clone()),
                    candidate: co.map(|o| o.request.clone()),
                    declared: None,
                });
                failed.insert(probe_of(&id));
                continue;
            }
        };
        let mut aspects: Vec<(String, Option<String>, Option<String>)> = vec![
            (
                "status".into(),
                Some(ro.status.to_string()),
                Some(co.status.to_string()),
            ),
            (
                "content-type".into(),
                ro.content_type.clone(),
                co.content_type.clone(),
            ),
        ];
        let names: BTreeSet<&String> = ro.headers.keys().chain(co.headers.keys()).collect();
        for name in names {
            aspects.push((
                format!("header {name}"),
                ro.headers.get(name).cloned(),
                co.headers.get(name).cloned(),
            ));
        }
        aspects.push((
            "body".into(),
            Some(ro.body_shape.clone()),
            Some(co.body_shape.clone()),
        ));
        let mut all_match = true;
        for (aspect, rv, cv) in aspects {
            report.aspects += 1;
            if rv == cv {
                report.matching_aspects += 1;
            } else {
                all_match = false;
                report.differences.push(Difference {
                    probe: id.clone(),
                    aspect,
                    reference: rv,
                    candidate: cv,
                    declared: None,
                });
            }
        }
        if !all_match {
            failed.insert(probe_of(&id));
        }
    }
    report.matching_probes = report.probes - failed.len();
    report
}

/// The matrix document's fidelity section: per profile the figure, then every difference.
pub fn fidelity_markdown(reports: &[FidelityReport]) -> String {
    let mut out = String::from(
        "| fake profile | real registry | probes matching | aspects matching |\n|---|---|---|---|\n",
    );
    for r in reports {
        out.push_str(&format!(
            "| {} | {} | {}/{} ({:.0}%) | {}/{} ({:.0}%) |\n",
            r.candidate,
            r.reference,
            r.matching_probes,
            r.probes,
            r.figure() * 100.0,
            r.matching_aspects,
            r.aspects,
            r.aspect_figure() * 100.0
        ));
    }
    for r in reports {
        out.push('\n');
        out.push_str(&r.to_markdown());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(probe: &str, status: u16, ct: Option<&str>, body: &str) -> ProbeObservation {
        ProbeObservation {
            probe: probe.into(),
            request: format!("GET /{probe}"),
            status,
            content_type: ct.map(str::to_string),
            headers: BTreeMap::new(),
            body_shape: body.into(),
        }
    }

    #[test]
    fn compare_lists_each_differing_aspect_and_counts_probes() {
        let real = vec![
            obs("ping", 200, Some("application/json"), "json{}"),
            obs(
                "referrers",
                404,
                Some("text/plain"),
                "text:404 page not found",
            ),
        ];
        let fake = vec![
            obs("ping", 200, Some("application/json"), "json{}"),
            obs(
                "referrers",
                404,
                Some("application/json"),
                "errors:[NAME_UNKNOWN]",
            ),
        ];
        let report = compare("real", &real, "fake", &fake);
        assert_eq!(report.probes, 2);
        assert_eq!(report.matching_probes, 1);
        assert_eq!(report.differences.len(), 2);
        assert_eq!(report.differences[0].aspect, "content-type");
        assert_eq!(report.differences[1].aspect, "body");
        assert!((report.figure() - 0.5).abs() < 1e-9);
        assert!(report.to_markdown().contains("| referrers | body |"));
    }

    #[test]
    fn a_probe_of_several_steps_matches_only_when_every_step_does() {
        let real = vec![
            obs("upload/post", 202, None, "empty"),
            obs("upload/put", 201, None, "empty"),
            obs("ping", 200, None, "json{}"),
        ];
        let mut fake = real.clone();
        fake[1].status = 400;
        let report = compare("real", &real, "fake", &fake);
        assert_eq!((report.probes, report.matching_probes), (2, 1));
        assert_eq!(report.differences.len(), 1);
        assert_eq!(report.differences[0].probe, "upload/put");
    }

    #[test]
    fn a_probe_missing_on_one_side_is_a_difference() {
        let real = vec![obs("ping", 200, None, "empty")];
        let report = compare("real", &real, "fake", &[]);
        assert_eq!(report.matching_probes, 0);
        assert_eq!(report.differences[0].aspect, "probe");
        assert_eq!(report.differences[0].candidate, None);
    }

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
        report.declare(&gaps);
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
