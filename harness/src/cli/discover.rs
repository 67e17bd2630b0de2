//! `harness discover`: the referrers of one or more subjects, JSON or text.

use std::time::Duration;

use referrers::discovery::{Discoverer, DiscoveryOptions, DiscoveryResult, Subject, SubjectRef};
use referrers::telemetry::Metrics;

use super::args::{DiscoverArgs, TextOrJson};
use super::connection::{print_json, registry_config, write_metrics};
use super::error::{CliError, Exit};

fn print_text(d: &DiscoveryResult) {
    let state = if d.complete { "COMPLETE" } else { "INCOMPLETE" };
    println!(
        "{state} {}@{}: {} referrer(s) via {} ({} requests, {} ms)",
        d.repository,
        if d.subject.is_empty() {
            "?"
        } else {
            &d.subject
        },
        d.referrers.len(),
        d.method.as_str(),
        d.request_count,
        d.duration_ms
    );
    for r in &d.referrers {
        println!(
            "  {} {} {} {}B [{}]",
            r.digest,
            r.artifact_type.as_deref().unwrap_or("-"),
            r.media_type,
            r.size,
            r.source
        );
    }
    for e in &d.errors {
        match &e.digest {
            Some(dg) => println!("  error {} ({dg}): {}", e.kind, e.message),
            None => println!("  error {}: {}", e.kind, e.message),
        }
    }
    for n in &d.notes {
        println!("  note: {n}");
    }
}

/// `harness discover`. `order` lists the subjects in command-line order. Exit 0 when every discovery is complete,
/// 1 when one is partial.
pub async fn discover(args: DiscoverArgs, order: Vec<SubjectRef>) -> Result<Exit, CliError> {
    let registry = registry_config(&args.conn)?;
    let opts = DiscoveryOptions {
        artifact_types: args.artifact_type.clone(),
        verify: args.verify,
        max_concurrent: args.max_concurrent as usize,
        timeout: Duration::from_secs(args.conn.timeout_seconds),
        // `--timeout-seconds` is the whole budget, also across several subjects.
        batch_timeout: Some(Duration::from_secs(args.conn.timeout_seconds)),
        ..DiscoveryOptions::default()
    };
    let metrics = Metrics::default();
    let discoverer = Discoverer::new(registry, opts, metrics.clone())
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let subjects: Vec<Subject> = order
        .into_iter()
        .map(|reference| Subject {
            repository: args.subjects.repository.clone(),
            reference,
        })
        .collect();
    let results = if subjects.len() == 1 {
        vec![discoverer.discover(&subjects[0]).await]
    } else {
        discoverer.discover_many(&subjects).await
    };
    match args.conn.format {
        TextOrJson::Json if results.len() == 1 => print_json(&results[0]),
        TextOrJson::Json => print_json(&results),
        TextOrJson::Text => results.iter().for_each(print_text),
    }
    write_metrics(&args.conn.metrics_out, &metrics);
    Ok(Exit::failure_if(!results.iter().all(|d| d.complete)))
}
