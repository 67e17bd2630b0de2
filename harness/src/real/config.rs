//! Config files that name more real registries: images to start in containers (for CI that can pull images,
//! e.g. `registry:3`, zot, a vendor's on-prem image) and live registries reached by URL with credentials (a team's
//! production Harbor or Artifactory).
//!
//! ```toml
//! # registries started from images (images/real-registries.toml is the project's own example)
//! [[image]]
//! name = "zot"                          # row id: letters, digits, '-', '_', '.'
//! label = "zot 2.1 (real, container)"   # matrix row label (default: "<name> (real, container)")
//! image = "ghcr.io/project-zot/zot-linux-amd64:v2.1.2"
//! port = 5000                           # container port (default 5000), published on 127.0.0.1
//! env = { LOG_LEVEL = "info" }
//! cmd = []                              # overrides the image's command when not empty
//! pull = "missing"                      # "missing" (default) | "never"
//! wait = { stream = "stdout", message = "listening" } # optional log line; GET /v2/ is always polled
//! username_env = "ZOT_USER"             # credentials the image is configured with (e.g. htpasswd), optional
//! password_env = "ZOT_PASSWORD"
//! # username = "oci-test"               # or a public test fixture baked into the image, given literally
//! # password = "oci-test-password"
//! # build = "distribution"              # images/<build>/ builds the image locally when missing (never pulled)
//! fake_profile = "zot"                  # profile whose declarations the cells expect and whose fidelity is
//!                                       # measured (default `oci-1.1`: the spec)
//!
//! # live registries (images/live-registries.example.toml)
//! [[live]]
//! name = "harbor-prod"
//! label = "Harbor (live)"
//! url = "https://harbor.example.com"
//! username_env = "HARBOR_USER"          # credentials from these environment variables …
//! password_env = "HARBOR_PASSWORD"
//! docker_config = true                  # … else from the Docker config's `auths` (default true)
//! repository_prefix = "oci-referrers-compat"  # scenarios push under this prefix (a registry user may own only that)
//! fake_profile = "harbor-2.11"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::auth::Credentials;
use super::docker_config::DockerConfigError;
use super::fidelity::FidelityGap;
use super::launcher::{ContainerSpec, LogStream, PullPolicy};
use super::push::PushClient;

/// The whole file: `[[image]]` and `[[live]]` entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealRegistriesConfig {
    #[serde(default, rename = "image")]
    pub images: Vec<ImageEntry>,
    #[serde(default, rename = "live")]
    pub live: Vec<LiveEntry>,
}

/// A registry started from an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageEntry {
    pub name: String,
    pub label: Option<String>,
    /// `repo[:tag]` (tag default `latest`); a registry host may lead (`ghcr.io/…`).
    pub image: String,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub cmd: Vec<String>,
    #[serde(default)]
    pub pull: PullPolicy,
    pub wait: Option<WaitEntry>,
    /// Credentials the container is configured to require (e.g. an htpasswd file baked into the image), read from
    /// these environment variables; scenarios that need credentials run only where a row has some.
    pub username_env: Option<String>,
    pub password_env: Option<String>,
    /// Credentials baked into the image as a public test fixture, given literally (the project's htpasswd user).
    /// Anything secret belongs in `username_env`/`password_env`.
    pub username: Option<String>,
    pub password: Option<String>,
    /// A folder of `images/` whose recipe builds this image locally (`images/build.sh <build>`) when it is missing.
    /// Such an image is never pulled.
    pub build: Option<String>,
    pub fake_profile: Option<String>,
    /// The differences between the fake profile and this registry that the fake does not reproduce, each with
    /// why (`[[image.fidelity_gap]]`); the fidelity table shows the reason, and a gap nothing matches is reported.
    #[serde(default, rename = "fidelity_gap")]
    pub fidelity_gaps: Vec<FidelityGap>,
}

/// A log line that says the registry is up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitEntry {
    pub stream: LogStream,
    pub message: String,
}

/// A live registry reached by URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveEntry {
    pub name: String,
    pub label: Option<String>,
    /// `https://host[:port]` (no path).
    pub url: String,
    pub username_env: Option<String>,
    pub password_env: Option<String>,
    #[serde(default = "yes")]
    pub docker_config: bool,
    pub repository_prefix: Option<String>,
    pub fake_profile: Option<String>,
}

fn default_port() -> u16 {
    5000
}

fn yes() -> bool {
    true
}

/// A problem with a config file or with resolving an entry.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("entry `{name}`: {message}")]
    Invalid { name: String, message: String },
    #[error(
        "registry `{name}`: environment variable {variable} is not set (named by {field} in the config)"
    )]
    MissingEnv {
        name: String,
        field: &'static str,
        variable: String,
    },
    #[error(
        "live registry `{name}`: the Docker config keeps credentials for {host} in the helper `{helper}`, which this \
         harness does not call; set username_env/password_env instead"
    )]
    CredentialHelper {
        name: String,
        host: String,
        helper: String,
    },
    #[error("live registry `{name}`: Docker config {path}: {message}")]
    DockerConfig {
        name: String,
        path: PathBuf,
        message: String,
    },
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl RealRegistriesConfig {
    /// Parses and validates a config text (`path` only names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let config: Self = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Reads, parses and validates a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::parse(&text, path)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let mut seen = std::collections::BTreeSet::new();
        let names = self
            .images
            .iter()
            .map(|i| &i.name)
            .chain(self.live.iter().map(|l| &l.name));
        for name in names {
            if !valid_name(name) {
                return Err(ConfigError::Invalid {
                    name: name.clone(),
                    message: "name must be letters, digits, '-', '_' or '.'".into(),
                });
            }
            if !seen.insert(name.clone()) {
                return Err(ConfigError::Invalid {
                    name: name.clone(),
                    message: "name used twice".into(),
                });
            }
        }
        for i in &self.images {
            if i.image.trim().is_empty() || i.image.contains(char::is_whitespace) {
                return Err(ConfigError::Invalid {
                    name: i.name.clone(),
                    message: format!("invalid image reference `{}`", i.image),
                });
            }
            if i.port == 0 {
                return Err(ConfigError::Invalid {
                    name: i.name.clone(),
                    message: "port must not be 0".into(),
                });
            }
            if i.username_env.is_some() != i.password_env.is_some() {
                return Err(ConfigError::Invalid {
                    name: i.name.clone(),
                    message: "username_env and password_env go together".into(),
                });
            }
            if i.username.is_some() != i.password.is_some() {
                return Err(ConfigError::Invalid {
                    name: i.name.clone(),
                    message: "username and password go together".into(),
                });
            }
            if i.username.is_some() && i.username_env.is_some() {
                return Err(ConfigError::Invalid {
                    name: i.name.clone(),
                    message:
                        "give fixture credentials (username, password) or environment variables \
                              (username_env, password_env), not both"
                            .into(),
                });
            }
            if let Some(b) = &i.build
                && !valid_name(b)
            {
                return Err(ConfigError::Invalid {
                    name: i.name.clone(),
                    message: format!(
                        "build `{b}` must name a folder of images/ (letters, digits, '-', '_', '.')"
                    ),
                });
            }
        }
        for l in &self.live {
            let url = reqwest::Url::parse(&l.url).map_err(|e| ConfigError::Invalid {
                name: l.name.clone(),
                message: format!("url `{}`: {e}", l.url),
            })?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                return Err(ConfigError::Invalid {
                    name: l.name.clone(),
                    message: format!("url `{}` must be http(s)://host[:port]", l.url),
                });
            }
            if l.username_env.is_some() != l.password_env.is_some() {
                return Err(ConfigError::Invalid {
                    name: l.name.clone(),
                    message: "username_env and password_env go together".into(),
                });
            }
        }
        Ok(())
    }
}

impl ImageEntry {
    /// Matrix row label.
    pub fn row_label(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| format!("{} (real, container)", self.name))
    }

    /// `(repository, tag)`: the tag is what follows the last ':' after the last '/' (a registry port is not a tag).
    pub fn repository_and_tag(&self) -> (String, String) {
        let image = self.image.split('@').next().unwrap_or(&self.image);
        let slash = image.rfind('/').map(|i| i + 1).unwrap_or(0);
        match image[slash..].rfind(':') {
            Some(i) => (
                image[..slash + i].to_string(),
                image[slash + i + 1..].to_string(),
            ),
            None => (image.to_string(), "latest".to_string()),
        }
    }

    /// The credentials the entry names, read from the process environment (`None` when it names none).
    pub fn credentials(&self) -> Result<Option<Credentials>, ConfigError> {
        self.credentials_with(|k| std::env::var(k).ok())
    }

    /// [`Self::credentials`] with the environment given (for tests).
    pub fn credentials_with(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Credentials>, ConfigError> {
        if let (Some(u), Some(p)) = (&self.username, &self.password) {
            return Ok(Some(Credentials::new(u, p)));
        }
        env_credentials(
            &self.name,
            self.username_env.as_deref(),
            self.password_env.as_deref(),
            env,
        )
    }

    /// The launcher's spec for this entry.
    pub fn container_spec(&self) -> ContainerSpec {
        let (image, tag) = self.repository_and_tag();
        ContainerSpec {
            label: self.row_label(),
            image,
            tag,
            port: self.port,
            env: self.env.clone(),
            cmd: self.cmd.clone(),
            wait_log: self.wait.as_ref().map(|w| (w.stream, w.message.clone())),
            // The project's own images are built here, never pulled.
            pull: if self.build.is_some() {
                PullPolicy::Never
            } else {
                self.pull
            },
        }
    }
}

/// Credentials from the two environment variables an entry names (both or neither; checked by validation).
fn env_credentials(
    name: &str,
    username_env: Option<&str>,
    password_env: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, ConfigError> {
    let (Some(u), Some(p)) = (username_env, password_env) else {
        return Ok(None);
    };
    let read = |field: &'static str, variable: &str| {
        env(variable).ok_or_else(|| ConfigError::MissingEnv {
            name: name.to_string(),
            field,
            variable: variable.to_string(),
        })
    };
    Ok(Some(Credentials::new(
        read("username_env", u)?,
        read("password_env", p)?,
    )))
}

/// A live registry with its credentials resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRegistry {
    pub name: String,
    pub label: String,
    /// Without trailing slash.
    pub base_url: String,
    pub credentials: Option<Credentials>,
    pub repository_prefix: Option<String>,
    pub fake_profile: Option<String>,
}

impl LiveRegistry {
    /// A push/probe client for it, answering auth challenges with its credentials.
    pub fn push_client(&self) -> PushClient {
        PushClient::with_credentials(&self.base_url, self.credentials.clone())
    }
}

/// The user's Docker config: `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`.
pub fn user_docker_config() -> Option<PathBuf> {
    std::env::var_os("DOCKER_CONFIG")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker")))
        .map(|d| d.join("config.json"))
}

impl LiveEntry {
    /// Resolves credentials from the process environment and the user's Docker config
    /// ([`user_docker_config`]).
    pub fn resolve(&self) -> Result<LiveRegistry, ConfigError> {
        self.resolve_with(|k| std::env::var(k).ok(), user_docker_config().as_deref())
    }

    /// [`Self::resolve`] with the environment and the Docker config path given (for tests).
    pub fn resolve_with(
        &self,
        env: impl Fn(&str) -> Option<String>,
        docker_config: Option<&Path>,
    ) -> Result<LiveRegistry, ConfigError> {
        let named = env_credentials(
            &self.name,
            self.username_env.as_deref(),
            self.password_env.as_deref(),
            env,
        )?;
        let credentials = match named {
            Some(c) => Some(c),
            None if self.docker_config => match docker_config {
                Some(path) if path.exists() => {
                    super::docker_config::credentials_for(&self.url, path).map_err(|e| match e {
                        DockerConfigError::CredentialHelper { host, helper } => {
                            ConfigError::CredentialHelper {
                                name: self.name.clone(),
                                host,
                                helper,
                            }
                        }
                        DockerConfigError::Invalid { path, message } => ConfigError::DockerConfig {
                            name: self.name.clone(),
                            path,
                            message,
                        },
                    })?
                }
                _ => None,
            },
            _ => None,
        };
        Ok(LiveRegistry {
            name: self.name.clone(),
            label: self
                .label
                .clone()
                .unwrap_or_else(|| format!("{} (live)", self.name)),
            base_url: self.url.trim_end_matches('/').to_string(),
            credentials,
            repository_prefix: self.repository_prefix.clone(),
            fake_profile: self.fake_profile.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    const EXAMPLE: &str = r#"
[[image]]
name = "zot"
image = "ghcr.io:443/project-zot/zot:v2.1.2"
env = { LOG_LEVEL = "info" }
wait = { stream = "stdout", message = "listening" }
fake_profile = "zot"

[[live]]
name = "harbor-prod"
url = "https://harbor.example.com"
username_env = "HARBOR_USER"
password_env = "HARBOR_PASSWORD"
"#;

    #[test]
    fn parses_images_and_live_entries() {
        let c = RealRegistriesConfig::parse(EXAMPLE, Path::new("x.toml")).unwrap();
        let spec = c.images[0].container_spec();
        assert_eq!(spec.image, "ghcr.io:443/project-zot/zot");
        assert_eq!(spec.tag, "v2.1.2");
        assert_eq!(spec.port, 5000);
        assert_eq!(spec.pull, PullPolicy::Missing);
        assert_eq!(
            spec.wait_log,
            Some((LogStream::Stdout, "listening".to_string()))
        );
        assert_eq!(spec.label, "zot (real, container)");
        assert_eq!(c.live[0].name, "harbor-prod");
    }

    #[test]
    fn image_without_tag_means_latest() {
        let c = RealRegistriesConfig::parse(
            "[[image]]\nname = \"r\"\nimage = \"localhost:5000/registry\"\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(
            c.images[0].repository_and_tag(),
            ("localhost:5000/registry".to_string(), "latest".to_string())
        );
    }

    #[test]
    fn rejects_bad_entries_with_the_entry_name() {
        for (text, needle) in [
            ("[[image]]\nname = \"a b\"\nimage = \"x\"\n", "name must be"),
            (
                "[[image]]\nname = \"a\"\nimage = \"x\"\n[[live]]\nname = \"a\"\nurl = \"https://h\"\n",
                "used twice",
            ),
            ("[[live]]\nname = \"l\"\nurl = \"ftp://h\"\n", "http(s)"),
            (
                "[[live]]\nname = \"l\"\nurl = \"https://h\"\nusername_env = \"U\"\n",
                "go together",
            ),
            ("[[image]]\nname = \"a\"\nimage = \"x\"\nport = 0\n", "port"),
            ("[[imgae]]\nname = \"a\"\n", "unknown field"),
        ] {
            let e = RealRegistriesConfig::parse(text, Path::new("x"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn live_credentials_from_env_then_docker_config() {
        let c = RealRegistriesConfig::parse(EXAMPLE, Path::new("x")).unwrap();
        let live = &c.live[0];
        let r = live
            .resolve_with(
                |k| match k {
                    "HARBOR_USER" => Some("robot".into()),
                    "HARBOR_PASSWORD" => Some("pw".into()),
                    _ => None,
                },
                None,
            )
            .unwrap();
        assert_eq!(r.credentials, Some(Credentials::new("robot", "pw")));
        assert_eq!(r.label, "harbor-prod (live)");
        let e = live.resolve_with(|_| None, None).unwrap_err().to_string();
        assert!(e.contains("HARBOR_USER"), "{e}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let no_env = LiveEntry {
            username_env: None,
            password_env: None,
            ..live.clone()
        };
        std::fs::write(
            &path,
            format!(
                r#"{{"auths":{{"https://harbor.example.com":{{"auth":"{}"}}}}}}"#,
                STANDARD.encode("alice:s3cret")
            ),
        )
        .unwrap();
        let r = no_env.resolve_with(|_| None, Some(&path)).unwrap();
        assert_eq!(r.credentials, Some(Credentials::new("alice", "s3cret")));

        std::fs::write(&path, r#"{"auths":{},"credsStore":"desktop"}"#).unwrap();
        let e = no_env
            .resolve_with(|_| None, Some(&path))
            .unwrap_err()
            .to_string();
        assert!(e.contains("desktop"), "{e}");

        std::fs::write(&path, r#"{"auths":{"other.example":{"auth":"eDp5"}}}"#).unwrap();
        assert_eq!(
            no_env
                .resolve_with(|_| None, Some(&path))
                .unwrap()
                .credentials,
            None
        );
    }
}
