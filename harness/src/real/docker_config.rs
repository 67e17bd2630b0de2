//! Credentials for a live registry from the user's Docker `config.json` (`auths` entries; credential helpers are
//! not called, and are reported instead).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::auth::Credentials;

/// Why a Docker config gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DockerConfigError {
    /// The config keeps the host's credentials in a helper, which is not called.
    CredentialHelper { host: String, helper: String },
    /// The file could not be read or is not a Docker config.
    Invalid { path: PathBuf, message: String },
}

/// Credentials for the host of `url` from a Docker `config.json` (`auths` with `auth` = base64 `user:pass`, or
/// `username`/`password`; keys may be `host`, `https://host` or `https://host/v1/`).
pub fn credentials_for(url: &str, path: &Path) -> Result<Option<Credentials>, DockerConfigError> {
    let err = |message: String| DockerConfigError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let config: serde_json::Value = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
    let url = reqwest::Url::parse(url).map_err(|e| err(e.to_string()))?;
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => return Ok(None),
    };
    if let Some(helper) = config
        .get("credHelpers")
        .and_then(|h| h.get(&host))
        .and_then(serde_json::Value::as_str)
    {
        return Err(DockerConfigError::CredentialHelper {
            host,
            helper: helper.to_string(),
        });
    }
    let auths = config.get("auths").and_then(serde_json::Value::as_object);
    let entry = auths.and_then(|a| {
        a.iter()
            .find(|(k, _)| {
                let k = k
                    .trim_start_matches("https://")
                    .trim_start_matches("http://");
                k.split('/').next() == Some(host.as_str())
            })
            .map(|(_, v)| v)
    });
    let Some(entry) = entry else {
        if let Some(store) = config.get("credsStore").and_then(serde_json::Value::as_str) {
            return Err(DockerConfigError::CredentialHelper {
                host,
                helper: store.to_string(),
            });
        }
        return Ok(None);
    };
    if let Some(auth) = entry.get("auth").and_then(serde_json::Value::as_str) {
        let decoded = STANDARD
            .decode(auth.trim())
            .map_err(|e| err(format!("auths[{host}].auth is not base64: {e}")))?;
        let decoded = String::from_utf8(decoded)
            .map_err(|_| err(format!("auths[{host}].auth is not UTF-8")))?;
        let (u, p) = decoded
            .split_once(':')
            .ok_or_else(|| err(format!("auths[{host}].auth is not user:password")))?;
        return Ok(Some(Credentials::new(u, p)));
    }
    match (
        entry.get("username").and_then(serde_json::Value::as_str),
        entry.get("password").and_then(serde_json::Value::as_str),
    ) {
        (Some(u), Some(p)) => Ok(Some(Credentials::new(u, p))),
        _ => Ok(None),
    }
}
