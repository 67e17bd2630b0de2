//! Credentials from a Docker `config.json`: `credHelpers.<host>`, then `auths.<host>` (`auth` = base64
//! `user:pass`, `username`/`password`, `identitytoken`), then `credsStore`. Helpers run as
//! `docker-credential-<name> get` with the server address on stdin and answer `{"Username","Secret"}`.

use base64::Engine as _;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::error::HttpError;

/// Credentials as they will be used on the wire.
#[derive(Clone)]
pub enum ResolvedCredentials {
    /// Username and password.
    Basic {
        /// User.
        username: String,
        /// Password.
        password: String,
    },
    /// An OAuth2 refresh token (Docker's `identitytoken`, or a helper answering `Username: "<token>"`).
    IdentityToken(String),
}

impl std::fmt::Debug for ResolvedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolvedCredentials::Basic { username, .. } => {
                write!(f, "Basic({username:?}, <redacted>)")
            }
            ResolvedCredentials::IdentityToken(_) => write!(f, "IdentityToken(<redacted>)"),
        }
    }
}

const DOCKER_HUB: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
];

fn normalize_key(key: &str) -> String {
    let k = key.trim().to_ascii_lowercase();
    let k = k.as_str();
    let k = k
        .strip_prefix("https://")
        .or_else(|| k.strip_prefix("http://"))
        .unwrap_or(k);
    k.split('/').next().unwrap_or("").to_ascii_lowercase()
}

fn host_matches(key: &str, host: &str) -> bool {
    let k = normalize_key(key);
    let h = host.to_ascii_lowercase();
    k == h || (DOCKER_HUB.contains(&k.as_str()) && DOCKER_HUB.contains(&h.as_str()))
}

/// Look up credentials for `host` (`host[:port]`) in the config file at `path`. `Ok(None)` means anonymous.
pub async fn lookup_docker_config(
    path: &Path,
    host: &str,
    budget: Duration,
) -> Result<Option<ResolvedCredentials>, HttpError> {
    lookup_docker_config_in(path, host, budget, None).await
}

/// As [`lookup_docker_config`], with credential helpers looked up in `helper_dir` instead of `PATH` (tests,
/// sandboxed callers).
pub async fn lookup_docker_config_in(
    path: &Path,
    host: &str,
    budget: Duration,
    helper_dir: Option<&Path>,
) -> Result<Option<ResolvedCredentials>, HttpError> {
    let text = tokio::fs::read(path)
        .await
        .map_err(|e| HttpError::Credentials(format!("cannot read {}: {e}", path.display())))?;
    if text.len() > 4 * 1024 * 1024 {
        return Err(HttpError::Credentials(format!(
            "{} is larger than 4 MiB",
            path.display()
        )));
    }
    let v: Value = serde_json::from_slice(&text).map_err(|e| {
        HttpError::Credentials(format!("{} is not valid JSON: {e}", path.display()))
    })?;
    if let Some(helpers) = v.get("credHelpers").and_then(Value::as_object) {
        for (k, name) in helpers {
            if host_matches(k, host)
                && let Some(name) = name.as_str()
            {
                return run_helper(name, k, budget, helper_dir).await;
            }
        }
    }
    if let Some(auths) = v.get("auths").and_then(Value::as_object) {
        for (k, entry) in auths {
            if !host_matches(k, host) {
                continue;
            }
            if let Some(tok) = entry
                .get("identitytoken")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            {
                return Ok(Some(ResolvedCredentials::IdentityToken(tok.to_string())));
            }
            if let Some(a) = entry
                .get("auth")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            {
                let raw = base64::engine::general_purpose::STANDARD
                    .decode(a.trim())
                    .map_err(|_| HttpError::Credentials(format!("auths.{k}.auth is not base64")))?;
                let s = String::from_utf8(raw)
                    .map_err(|_| HttpError::Credentials(format!("auths.{k}.auth is not UTF-8")))?;
                let (u, p) = s.split_once(':').ok_or_else(|| {
                    HttpError::Credentials(format!("auths.{k}.auth is not user:password"))
                })?;
                return Ok(Some(ResolvedCredentials::Basic {
                    username: u.to_string(),
                    password: p.to_string(),
                }));
            }
            if let (Some(u), Some(p)) = (
                entry.get("username").and_then(Value::as_str),
                entry.get("password").and_then(Value::as_str),
            ) {
                return Ok(Some(ResolvedCredentials::Basic {
                    username: u.to_string(),
                    password: p.to_string(),
                }));
            }
        }
    }
    if let Some(store) = v
        .get("credsStore")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        // Docker stores Docker Hub credentials under its legacy index address.
        let server = if DOCKER_HUB.contains(&host.to_ascii_lowercase().as_str()) {
            "https://index.docker.io/v1/"
        } else {
            host
        };
        return run_helper(store, server, budget, helper_dir).await;
    }
    Ok(None)
}

async fn run_helper(
    name: &str,
    server: &str,
    budget: Duration,
    helper_dir: Option<&Path>,
) -> Result<Option<ResolvedCredentials>, HttpError> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(HttpError::Credentials(format!(
            "credential helper name {name:?} is not valid"
        )));
    }
    let program = format!("docker-credential-{name}");
    let fut = async {
        let exe = match helper_dir {
            Some(d) => d.join(&program),
            None => std::path::PathBuf::from(&program),
        };
        let mut child = tokio::process::Command::new(exe)
            .arg("get")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| HttpError::Credentials(format!("cannot run {program}: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(server.as_bytes()).await;
            drop(stdin);
        }
        let mut out = Vec::new();
        if let Some(mut so) = child.stdout.take() {
            let _ = (&mut so).take(1024 * 1024).read_to_end(&mut out).await;
        }
        let status = child
            .wait()
            .await
            .map_err(|e| HttpError::Credentials(format!("{program} failed: {e}")))?;
        Ok::<_, HttpError>((status, out))
    };
    let (status, out) = tokio::time::timeout(budget.min(Duration::from_secs(30)), fut)
        .await
        .map_err(|_| HttpError::Credentials(format!("{program} get timed out")))??;
    let text = String::from_utf8_lossy(&out);
    if !status.success() {
        // The helpers' "not found" answer means anonymous; anything else is an error (output never echoed:
        // it could hold a secret).
        if text.to_ascii_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        return Err(HttpError::Credentials(format!(
            "{program} get exited with {status}"
        )));
    }
    let v: Value = serde_json::from_str(text.trim())
        .map_err(|_| HttpError::Credentials(format!("{program} get did not answer JSON")))?;
    let user = v.get("Username").and_then(Value::as_str).unwrap_or("");
    let secret = v.get("Secret").and_then(Value::as_str).unwrap_or("");
    if secret.is_empty() {
        return Ok(None);
    }
    if user == "<token>" {
        return Ok(Some(ResolvedCredentials::IdentityToken(secret.to_string())));
    }
    Ok(Some(ResolvedCredentials::Basic {
        username: user.to_string(),
        password: secret.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_matching() {
        assert!(host_matches(
            "https://index.docker.io/v1/",
            "registry-1.docker.io"
        ));
        assert!(host_matches("HTTPS://Ghcr.io", "ghcr.io"));
        assert!(host_matches("127.0.0.1:5000", "127.0.0.1:5000"));
        assert!(!host_matches("127.0.0.1:5000", "127.0.0.1"));
        assert!(!host_matches("evil.example", "ghcr.io"));
    }
}
