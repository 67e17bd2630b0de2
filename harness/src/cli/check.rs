//! `harness check`: `check.integration.oci.referrers`, or all four OCI checks with `--all`.

use referrers::check::{CheckConfig, CheckResult, Status};
use referrers::telemetry::Metrics;

use super::args::{CheckArgs, TextOrJson};
use super::connection::{print_json, registry_config, write_metrics};
use super::error::{CliError, Exit};

/// The exit of a verdict: pass 0, fail 1, warn 3, info 4.
fn exit_for(s: Status) -> Exit {
    match s {
        Status::Pass => Exit::Success,
        Status::Fail => Exit::Failure,
        Status::Warn => Exit::Warn,
        Status::Info => Exit::Info,
    }
}

/// How bad a verdict is, for the worst of several: pass < info < warn < fail.
fn severity(s: Status) -> u8 {
    match s {
        Status::Pass => 0,
        Status::Info => 1,
        Status::Warn => 2,
        Status::Fail => 3,
    }
}

fn print_text(r: &CheckResult) {
    println!(
        "{} {}: {}",
        r.status.as_str().to_uppercase(),
        r.check_id,
        r.message
    );
    if let Some(obj) = r.evidence.as_object() {
        for (k, v) in obj {
            if k == "requests" {
                continue;
            }
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            println!("  {k}: {v}");
        }
        if let Some(reqs) = obj.get("requests").and_then(|r| r.as_array()) {
            println!("  requests:");
            for q in reqs {
                println!(
                    "    {} {} -> {} {} ({} ms)",
                    q["method"].as_str().unwrap_or(""),
                    q["path"].as_str().unwrap_or(""),
                    q["status"],
                    q["content_type"].as_str().unwrap_or(""),
                    q["duration_ms"]
                );
            }
        }
    }
    if !r.remediation.is_empty() && r.status != Status::Pass {
        println!("  remediation:");
        for line in &r.remediation {
            println!("    - {line}");
        }
    }
}

/// `harness check`.
pub async fn check(args: CheckArgs) -> Result<Exit, CliError> {
    let cfg = CheckConfig {
        registry: registry_config(&args.conn)?,
        repository: args.repository.clone(),
        tag: args.tag.clone(),
    };
    let metrics = Metrics::default();
    let results = if args.all {
        referrers::check::all_checks(&cfg, &metrics).await
    } else {
        vec![referrers::check::referrers_check(&cfg, &metrics).await]
    };
    match args.conn.format {
        TextOrJson::Json if args.all => print_json(&results),
        TextOrJson::Json => print_json(&results[0]),
        TextOrJson::Text => results.iter().for_each(print_text),
    }
    write_metrics(&args.conn.metrics_out, &metrics);
    let worst = results
        .iter()
        .map(|r| r.status)
        .max_by_key(|s| severity(*s))
        .unwrap_or(Status::Pass);
    Ok(exit_for(worst))
}
