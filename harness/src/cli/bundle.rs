//! `harness bundle export` and `harness bundle validate`: mirror bundles ([`referrers::bundle`]).

use std::time::Duration;

use referrers::bundle::{self, ArchiveLimits, ExportOptions, ExportSource};
use referrers::discovery::{Discoverer, DiscoveryOptions, Subject, SubjectRef};
use referrers::telemetry::Metrics;

use super::args::{BundleAction, BundleExportArgs, BundleValidateArgs, TextOrJson};
use super::connection::{print_json, registry_config, write_metrics};
use super::error::{CliError, Exit};

/// `harness bundle …`. `order` lists the export's subjects in command-line order.
pub async fn bundle_cmd(action: BundleAction, order: Vec<SubjectRef>) -> Result<Exit, CliError> {
    match action {
        BundleAction::Export(a) => export(*a, order).await,
        BundleAction::Validate(a) => validate(a),
    }
}

async fn export(args: BundleExportArgs, order: Vec<SubjectRef>) -> Result<Exit, CliError> {
    let mut registry = registry_config(&args.conn)?;
    registry.retry.max_body_bytes = (args.max_blob_mib as usize).saturating_mul(1024 * 1024);
    let opts = DiscoveryOptions {
        max_concurrent: args.max_concurrent as usize,
        timeout: Duration::from_secs(args.conn.timeout_seconds),
        ..DiscoveryOptions::default()
    };
    let metrics = Metrics::default();
    let discoverer = Discoverer::new(registry, opts, metrics.clone())
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let subjects = order
        .into_iter()
        .map(|reference| Subject {
            repository: args.subjects.repository.clone(),
            reference,
        })
        .collect();
    let sources = [ExportSource {
        discoverer,
        subjects,
    }];
    let opts = ExportOptions {
        max_depth: args.max_depth as usize,
        created: crate::matrix::model::rfc3339_now(),
        ..ExportOptions::default()
    };
    let report = bundle::export(&sources, &args.out, &opts)
        .await
        .map_err(|e| CliError::Write {
            path: args.out.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
    match args.conn.format {
        TextOrJson::Json => print_json(&serde_json::json!({
            "bundle": args.out,
            "complete": report.complete(),
            "manifest": report.manifest,
            "dropped": report.dropped,
            "unresolved": report.unresolved,
        })),
        TextOrJson::Text => {
            let state = if report.complete() {
                "COMPLETE"
            } else {
                "PARTIAL"
            };
            println!("{state} {}", args.out.display());
            for s in &report.manifest.subjects {
                println!(
                    "  {}/{}@{}{}: {} referrer(s){}",
                    s.registry,
                    s.repository,
                    s.digest,
                    s.tag
                        .as_deref()
                        .map(|t| format!(" ({t})"))
                        .unwrap_or_default(),
                    s.referrers.items.len(),
                    if s.complete { "" } else { ", partial" }
                );
                for e in &s.errors {
                    println!("    error: {e}");
                }
            }
            for u in &report.unresolved {
                println!("  unresolved: {u}");
            }
            for d in &report.dropped {
                println!("  dropped: {d}");
            }
        }
    }
    write_metrics(&args.conn.metrics_out, &metrics);
    Ok(Exit::failure_if(!report.complete() && !args.allow_partial))
}

fn validate(args: BundleValidateArgs) -> Result<Exit, CliError> {
    let report = bundle::validate(&args.file, args.check_referrers, &ArchiveLimits::default())
        .map_err(|e| CliError::Read {
            path: args.file.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
    match args.format {
        TextOrJson::Json => print_json(&serde_json::json!({
            "bundle": args.file,
            "valid": report.valid(),
            "entries": report.entries,
            "findings": report.findings,
        })),
        TextOrJson::Text => {
            let state = if report.valid() { "VALID" } else { "INVALID" };
            println!(
                "{state} {} ({} entries)",
                args.file.display(),
                report.entries
            );
            for f in &report.findings {
                println!("  {f}");
            }
        }
    }
    Ok(Exit::failure_if(!report.valid()))
}
