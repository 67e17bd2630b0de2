//! Mirror bundles: export from the fakes and validate, tampered bundles give their typed findings, hostile
//! archives are refused as `MalformedBundle` naming the entry, and the CLI's exit codes.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli_contract::harness;

use fake_registry::seed::{ReferrerSpec, SeedSpec, SubjectKind, SubjectSpec};
use fake_registry::{FakeRegistry, Profile};
use referrers::bundle::{
    self, ArchiveLimits, ExportOptions, ExportReport, ExportSource, FindingKind,
};
use referrers::discovery::{Discoverer, DiscoveryOptions, Subject};
use referrers::telemetry::Metrics;
use referrers::{Credentials, RegistryConfig};
use sha2::{Digest as _, Sha256};

fn export_from(r: &FakeRegistry, subjects: Vec<Subject>, out: &Path) -> ExportReport {
    let mut cfg = RegistryConfig::new(r.base_url());
    if let Some((u, p)) = harness::fake_target::default_credentials(r.profile()) {
        cfg.credentials = Credentials::Basic {
            username: u.into(),
            password: p.into(),
        };
    }
    cfg.retry.max_body_bytes = 32 * 1024 * 1024;
    let discoverer = Discoverer::new(cfg, DiscoveryOptions::default(), Metrics::default()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(bundle::export(
        &[ExportSource {
            discoverer,
            subjects,
        }],
        out,
        &ExportOptions {
            created: "2026-01-01T00:00:00Z".into(),
            ..ExportOptions::default()
        },
    ))
    .unwrap()
}

fn kinds(path: &Path) -> Vec<FindingKind> {
    bundle::validate(path, true, &ArchiveLimits::default())
        .unwrap()
        .findings
        .iter()
        .map(|f| f.kind)
        .collect()
}

/// The entries of a gzip tar, in order.
fn read_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let f = std::fs::File::open(path).unwrap();
    let mut a = tar::Archive::new(flate2::read::GzDecoder::new(f));
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Writes `entries` as a gzip tar of regular files (names as given, unchecked).
fn write_entries(path: &Path, entries: &[(String, Vec<u8>)]) {
    let f = std::fs::File::create(path).unwrap();
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
        f,
        flate2::Compression::fast(),
    ));
    for (name, bytes) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        if name.len() > 100 {
            // A long (valid) name: a GNU long-name entry first.
            b.append_data(&mut h, name, bytes.as_slice()).unwrap();
            continue;
        }
        // The name as given, in the header itself (append_data would refuse `..` or `/`).
        let raw = &mut h.as_old_mut().name;
        raw.fill(0);
        raw[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        b.append(&h, bytes.as_slice()).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

fn demo_bundle(profile: Profile, dir: &Path) -> (PathBuf, ExportReport) {
    let r = FakeRegistry::builder()
        .profile(profile)
        .seed_demo()
        .start()
        .unwrap();
    let out = dir.join("bundle.tgz");
    let report = export_from(&r, vec![Subject::tag("library/alpine", "latest")], &out);
    (out, report)
}

#[test]
fn an_export_from_the_api_is_complete_valid_and_checkable_with_tar_and_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = demo_bundle(Profile::OCI_1_1, dir.path());
    assert!(report.complete(), "{report:?}");
    let s = &report.manifest.subjects[0];
    assert_eq!(s.tag.as_deref(), Some("latest"));
    assert_eq!(s.referrers.items.len(), 3);
    assert!(
        s.referrers
            .items
            .iter()
            .all(|r| r.found_by == "referrers-api")
    );
    assert_eq!(kinds(&out), vec![], "valid");
    let entries = read_entries(&out);
    for r in &s.referrers.items {
        let name = format!(
            "referrers/sha256-{}/sha256-{}.json",
            &s.digest[7..],
            &r.digest[7..]
        );
        let (_, bytes) = entries.iter().find(|(n, _)| *n == name).expect(&name);
        assert_eq!(
            format!("sha256:{}", hex::encode(Sha256::digest(bytes))),
            r.digest
        );
    }
    let index: serde_json::Value =
        serde_json::from_slice(&entries.iter().find(|(n, _)| n == "index.json").unwrap().1)
            .unwrap();
    assert_eq!(index["manifests"][0]["digest"], s.digest.as_str());
    assert_eq!(
        index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
        "latest"
    );
    assert!(
        entries
            .iter()
            .all(|(n, _)| !n.starts_with('/') && !n.starts_with("./"))
    );
}

#[test]
fn an_export_through_the_fallbacks_records_how_each_referrer_was_found() {
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = demo_bundle(Profile::DISTRIBUTION_2_8, dir.path());
    assert!(report.complete(), "{report:?}");
    let s = &report.manifest.subjects[0];
    assert_eq!(s.referrers.items.len(), 3);
    assert!(
        s.referrers
            .items
            .iter()
            .all(|r| r.found_by.contains("tag-schema")),
        "{s:?}"
    );
    assert_eq!(
        report.manifest.registries[0]
            .referrers_api
            .get("library/alpine"),
        Some(&false)
    );
    assert_eq!(kinds(&out), vec![]);
}

#[test]
fn an_index_is_exported_with_its_children_and_by_digest_without_a_ref_name() {
    let r = FakeRegistry::builder()
        .seed(SeedSpec {
            demo: false,
            subjects: vec![SubjectSpec {
                repository: "multi/arch".into(),
                tag: Some("v1".into()),
                kind: SubjectKind::Index,
                referrers: vec![ReferrerSpec {
                    artifact_type: Some("application/spdx+json".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
        })
        .start()
        .unwrap();
    let digest = r.seeded().subjects[0].digest.clone();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.tgz");
    let report = export_from(&r, vec![Subject::digest("multi/arch", &digest)], &out);
    assert!(report.complete(), "{report:?}");
    let s = &report.manifest.subjects[0];
    assert_eq!(s.children.len(), 2, "two platform manifests");
    assert_eq!(s.tag, None);
    assert_eq!(kinds(&out), vec![]);
    let entries = read_entries(&out);
    for c in &s.children {
        assert!(
            entries
                .iter()
                .any(|(n, _)| *n == format!("blobs/sha256/{}", &c[7..])),
            "{c}"
        );
    }
    let index: serde_json::Value =
        serde_json::from_slice(&entries.iter().find(|(n, _)| n == "index.json").unwrap().1)
            .unwrap();
    assert!(
        index["manifests"][0]["annotations"]
            .get("org.opencontainers.image.ref.name")
            .is_none()
    );
}

/// Rewrites the bundle with `edit` applied to its entries.
fn tampered(
    src: &Path,
    dir: &Path,
    name: &str,
    edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>),
) -> PathBuf {
    let mut entries = read_entries(src);
    edit(&mut entries);
    let out = dir.join(name);
    write_entries(&out, &entries);
    out
}

#[test]
fn tampered_bundles_give_their_typed_findings() {
    let dir = tempfile::tempdir().unwrap();
    let (good, report) = demo_bundle(Profile::OCI_1_1, dir.path());
    let s = report.manifest.subjects[0].clone();
    let referrer = |e: &(String, Vec<u8>)| e.0.starts_with("referrers/");
    let flipped = tampered(&good, dir.path(), "flip.tgz", |es| {
        let e = es.iter_mut().find(|e| referrer(e)).unwrap();
        e.1[10] ^= 1;
    });
    assert_eq!(kinds(&flipped), vec![FindingKind::ReferrerChecksumMismatch]);
    let layer = s.referrers.items[0].digest.clone();
    let missing = tampered(&good, dir.path(), "missing.tgz", |es| {
        // A blob of the first referrer: its config or layer.
        let doc: serde_json::Value = serde_json::from_slice(
            &es.iter()
                .find(|e| e.0 == format!("blobs/sha256/{}", &layer[7..]))
                .unwrap()
                .1,
        )
        .unwrap();
        let gone = format!(
            "blobs/sha256/{}",
            &doc["layers"][0]["digest"].as_str().unwrap()[7..]
        );
        es.retain(|e| e.0 != gone);
    });
    assert_eq!(kinds(&missing), vec![FindingKind::BlobMissing]);
    let blob_flip = tampered(&good, dir.path(), "blobflip.tgz", |es| {
        let e = es
            .iter_mut()
            .find(|e| e.0.starts_with("blobs/") && e.1.len() > 20 && e.1[0] != b'{')
            .unwrap();
        e.1[0] ^= 1;
    });
    assert_eq!(kinds(&blob_flip), vec![FindingKind::BlobChecksumMismatch]);
    let counted = tampered(&good, dir.path(), "count.tgz", |es| {
        let e = es.iter_mut().find(|e| e.0 == "manifest.yaml").unwrap();
        let text = String::from_utf8(e.1.clone())
            .unwrap()
            .replace(": 3\n", ": 4\n");
        e.1 = text.into_bytes();
    });
    assert_eq!(kinds(&counted), vec![FindingKind::ReferrerCountMismatch]);
    let version = tampered(&good, dir.path(), "v2.tgz", |es| {
        let e = es.iter_mut().find(|e| e.0 == "manifest.yaml").unwrap();
        let text = String::from_utf8(e.1.clone())
            .unwrap()
            .replace("format_version: 1", "format_version: 2");
        e.1 = text.into_bytes();
    });
    assert_eq!(kinds(&version), vec![FindingKind::UnsupportedBundleVersion]);
    // A referrer of another subject, put in this subject's folder and listed there.
    let other = "sha256:".to_string() + &"0".repeat(64);
    let moved = tampered(&good, dir.path(), "moved.tgz", |es| {
        let y = es.iter_mut().find(|e| e.0 == "manifest.yaml").unwrap();
        let text = String::from_utf8(y.1.clone()).unwrap();
        let first = &s.referrers.items[0].digest;
        let text = text
            .replacen(
                &format!("refers_to: {}", s.digest),
                &format!("refers_to: {other}"),
                1,
            )
            .replace(": 3\n", ": 2\n")
            .replace("counts:\n", &format!("counts:\n      {other}: 1\n"));
        y.1 = text.into_bytes();
        let e = es
            .iter_mut()
            .find(|e| e.0.ends_with(&format!("{}.json", &first[7..])))
            .unwrap();
        e.0 = format!(
            "referrers/sha256-{}/sha256-{}.json",
            &other[7..],
            &first[7..]
        );
    });
    assert_eq!(
        kinds(&moved),
        vec![FindingKind::ReferrerSubjectMismatch],
        "{:?}",
        bundle::validate(&moved, true, &ArchiveLimits::default())
            .unwrap()
            .findings
    );
}

fn malformed(entries: &[(String, Vec<u8>)], limits: &ArchiveLimits) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("h.tgz");
    write_entries(&p, entries);
    let r = bundle::validate(&p, true, limits).unwrap();
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    assert_eq!(r.findings[0].kind, FindingKind::MalformedBundle);
    r.findings[0].entry.clone()
}

#[test]
fn hostile_names_and_sizes_are_refused_naming_the_entry() {
    let limits = ArchiveLimits::default();
    let e = |n: &str| (n.to_string(), b"x".to_vec());
    assert_eq!(
        malformed(&[e("index.json"), e("../escape")], &limits),
        "../escape"
    );
    assert_eq!(malformed(&[e("/etc/passwd")], &limits), "/etc/passwd");
    assert_eq!(malformed(&[e("./index.json")], &limits), "./index.json");
    assert_eq!(malformed(&[e("a"), e("a")], &limits), "a");
    let small = ArchiveLimits {
        max_entry_bytes: 1024,
        max_total_bytes: 4096,
        ..ArchiveLimits::default()
    };
    let big = ("blobs/sha256/big".to_string(), vec![0u8; 2048]);
    assert_eq!(malformed(&[big], &small), "blobs/sha256/big");
    // A gzip bomb: each entry within its limit, all of them over the total (zeros compress ~1000:1).
    let bomb: Vec<_> = (0..8)
        .map(|i| (format!("blobs/sha256/{i}"), vec![0u8; 1000]))
        .collect();
    assert_eq!(malformed(&bomb, &small), "blobs/sha256/4");
}

#[test]
fn links_devices_and_truncated_archives_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, kind) in [
        ("link", tar::EntryType::Symlink),
        ("hard", tar::EntryType::Link),
        ("dev", tar::EntryType::Char),
        ("fifo", tar::EntryType::Fifo),
    ] {
        let p = dir.path().join(format!("{name}.tgz"));
        let f = std::fs::File::create(&p).unwrap();
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
            f,
            flate2::Compression::fast(),
        ));
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_size(0);
        if matches!(kind, tar::EntryType::Symlink | tar::EntryType::Link) {
            h.set_link_name("/etc/passwd").unwrap();
        }
        h.set_path(name).unwrap();
        h.set_cksum();
        b.append(&h, std::io::empty()).unwrap();
        b.into_inner().unwrap().finish().unwrap();
        let r = bundle::validate(&p, true, &ArchiveLimits::default()).unwrap();
        assert_eq!(r.findings.len(), 1, "{name}: {:?}", r.findings);
        assert_eq!(
            (r.findings[0].kind, r.findings[0].entry.as_str()),
            (FindingKind::MalformedBundle, name)
        );
    }
    let (good, _) = demo_bundle(Profile::OCI_1_1, dir.path());
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.tgz");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let r = bundle::validate(&cut, true, &ArchiveLimits::default()).unwrap();
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    assert_eq!(r.findings[0].kind, FindingKind::MalformedBundle);
}

#[test]
fn the_cli_exits_0_complete_1_partial_and_prints_findings_by_kind() {
    let r = FakeRegistry::builder().seed_demo().start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.tgz");
    let out_s = out.to_str().unwrap();
    let base = r.base_url();
    let export = |extra: &[&str]| {
        let mut args = vec![
            "bundle",
            "export",
            "--registry",
            &base,
            "--repository",
            "library/alpine",
            "--tag",
            "latest",
            "--out",
            out_s,
        ];
        args.extend_from_slice(extra);
        harness(&args)
    };
    let ok = export(&[]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let valid = harness(&[
        "bundle",
        "validate",
        "--file",
        out_s,
        "--check-referrers",
        "--format",
        "json",
    ]);
    assert_eq!(valid.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&valid.stdout).unwrap();
    assert_eq!(v["valid"], true);
    let partial = export(&["--tag", "no-such-tag"]);
    assert_eq!(
        partial.status.code(),
        Some(1),
        "an unresolved subject is partial"
    );
    assert!(String::from_utf8_lossy(&partial.stdout).starts_with("PARTIAL"));
    let allowed = export(&["--tag", "no-such-tag", "--allow-partial"]);
    assert_eq!(allowed.status.code(), Some(0));
    let yaml = String::from_utf8(
        read_entries(&out)
            .into_iter()
            .find(|e| e.0 == "manifest.yaml")
            .unwrap()
            .1,
    )
    .unwrap();
    assert!(
        yaml.contains("complete: false"),
        "the bundle says it is partial:\n{yaml}"
    );
    let broken = dir.path().join("broken.tgz");
    write_entries(&broken, &[("../x".into(), b"x".to_vec())]);
    let bad = harness(&["bundle", "validate", "--file", broken.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stdout).contains("MalformedBundle ../x"),
        "{}",
        String::from_utf8_lossy(&bad.stdout)
    );
    let usage = harness(&["bundle", "validate"]);
    assert_eq!(usage.status.code(), Some(2));
}

/// `skopeo inspect oci:<extracted bundle>:<tag>` reads the bundle's layout: it is a standard OCI image layout.
/// Skipped with a printed reason where skopeo is missing, except under `CI=true`, where that fails.
#[test]
fn skopeo_reads_the_extracted_bundle_as_an_oci_layout() {
    if Command::new("skopeo").arg("--version").output().is_err() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "skopeo is missing under CI=true (.ci/run installs it)"
        );
        eprintln!(
            "SKIP skopeo_reads_the_extracted_bundle_as_an_oci_layout: skopeo is not installed"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = demo_bundle(Profile::OCI_1_1, dir.path());
    let layout = dir.path().join("layout");
    std::fs::create_dir(&layout).unwrap();
    for (name, bytes) in read_entries(&out) {
        let p = layout.join(&name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let inspect = Command::new("skopeo")
        .args(["inspect", &format!("oci:{}:latest", layout.display())])
        .output()
        .unwrap();
    assert!(
        inspect.status.success(),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(v["Digest"], report.manifest.subjects[0].digest.as_str());
}
