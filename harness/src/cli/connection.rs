//! What `check` and `discover` share: the registry connection built from the command line (URL, credentials,
//! TLS, budget) and the metrics file.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use referrers::telemetry::Metrics;
use referrers::{Credentials, RegistryConfig};

use super::args::Connection;
use super::error::CliError;

fn credentials(conn: &Connection) -> Result<Credentials, CliError> {
    if let Some(p) = &conn.docker_config {
        return Ok(Credentials::DockerConfig(p.clone()));
    }
    let password = if conn.password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            CliError::Usage(format!("cannot read the password from standard input: {e}"))
        })?;
        Some(s.trim_end_matches(['\r', '\n']).to_string())
    } else {
        conn.password.clone()
    };
    Ok(match (&conn.username, password) {
        (Some(u), Some(p)) => Credentials::Basic {
            username: u.clone(),
            password: p,
        },
        (None, Some(_)) => return Err(CliError::Usage("--password needs --username".into())),
        _ => Credentials::Anonymous,
    })
}

/// The registry configuration the flags describe.
pub(super) fn registry_config(conn: &Connection) -> Result<RegistryConfig, CliError> {
    Ok(RegistryConfig {
        credentials: credentials(conn)?,
        ca_file: conn.ca_file.clone(),
        insecure: conn.insecure,
        timeout: Duration::from_secs(conn.timeout_seconds),
        ..RegistryConfig::new(conn.registry.clone())
    })
}

/// Writes the Prometheus metrics to `--metrics-out` when given. A failure is reported on standard error and does
/// not change the command's exit code (the verdict stands).
pub(super) fn write_metrics(path: &Option<PathBuf>, m: &Metrics) {
    if let Some(p) = path
        && let Err(e) = std::fs::write(p, m.render_prometheus())
    {
        eprintln!("error: cannot write metrics to {}: {e}", p.display());
    }
}

/// Prints `value` as pretty JSON on standard output.
pub(super) fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
