//! Real registries as local processes on `127.0.0.1:<free port>` (no containers): CNCF Distribution 2.8.2
//! (Debian's `docker-registry`) and ferro-oci-server 1.0.0 (the crates.io binary). Each gets a fresh storage
//! directory, one pushed image (config + one layer + an OCI manifest tagged `latest`), and is killed on drop.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::floor::{FloorConn, ReplayRequest};

/// OCI image manifest media type.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// Which real registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RealKind {
    /// CNCF Distribution 2.8.2.
    Distribution,
    /// ferro-oci-server 1.0.0.
    Ferro,
}

impl RealKind {
    /// Name in bench ids.
    pub fn name(self) -> &'static str {
        match self {
            RealKind::Distribution => "distribution-2.8.2",
            RealKind::Ferro => "ferro-oci-server-1.0.0",
        }
    }

    /// The binary, or why there is none. Overrides: `$DOCKER_REGISTRY_BIN`, `$FERRO_OCI_SERVER_BIN`.
    pub fn binary(self) -> Result<PathBuf, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let (var, candidates, how): (&str, Vec<PathBuf>, &str) = match self {
            RealKind::Distribution => (
                "DOCKER_REGISTRY_BIN",
                vec![PathBuf::from("/usr/bin/docker-registry")],
                "apt-get install -y docker-registry",
            ),
            RealKind::Ferro => (
                "FERRO_OCI_SERVER_BIN",
                {
                    // images/build.sh caches the binary outside the work tree (OCI_REFERRERS_CACHE overrides).
                    let cache = std::env::var_os("OCI_REFERRERS_CACHE")
                        .map(PathBuf::from)
                        .or_else(|| {
                            std::env::var_os("XDG_CACHE_HOME")
                                .map(|x| PathBuf::from(x).join("oci-referrers-compat"))
                        })
                        .or_else(|| {
                            std::env::var_os("HOME")
                                .map(|h| PathBuf::from(h).join(".cache/oci-referrers-compat"))
                        });
                    let mut v = vec![root.join("target-bench/tools/bin/ferro-oci-server")];
                    if let Some(c) = cache {
                        v.push(c.join("ferro-oci-server-1.0.0/bin/ferro-oci-server"));
                    }
                    v
                },
                "cargo install ferro-oci-server --version =1.0.0 --locked --root target-bench/tools",
            ),
        };
        if let Some(p) = std::env::var_os(var) {
            return Ok(PathBuf::from(p));
        }
        candidates
            .iter()
            .find(|p| p.is_file())
            .cloned()
            .ok_or_else(|| {
                format!(
                    "{} not found (looked at ${var}, {}); install with `{how}`",
                    self.name(),
                    candidates
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

/// A running real registry with one image pushed.
pub struct RealRegistry {
    /// Which.
    pub kind: RealKind,
    /// Listening address.
    pub addr: SocketAddr,
    /// Digest of the pushed manifest.
    pub manifest_digest: String,
    /// Repository.
    pub repository: String,
    child: Child,
    dir: PathBuf,
}

impl Drop for RealRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn sha256(b: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(b)))
}

impl RealRegistry {
    /// Start `kind` and push one image (call inside a tokio runtime).
    pub async fn start(kind: RealKind) -> Result<RealRegistry, String> {
        let bin = kind.binary()?;
        let port = free_port()?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let dir = std::env::temp_dir().join(format!(
            "bench-{}-{}-{port}",
            kind.name(),
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut cmd = Command::new(&bin);
        match kind {
            RealKind::Distribution => {
                let cfg = dir.join("config.yml");
                let text = format!(
                    "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  cache:\n    \
                     blobdescriptor: inmemory\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {addr}\n",
                    dir.join("data").display()
                );
                std::fs::write(&cfg, text).map_err(|e| format!("{}: {e}", cfg.display()))?;
                cmd.arg("serve").arg(&cfg);
            }
            RealKind::Ferro => {
                cmd.env("FERRO_OCI_LISTEN", addr.to_string())
                    .env("FERRO_OCI_STORAGE_DIR", dir.join("data"))
                    .env("RUST_LOG", "error")
                    .env("NO_COLOR", "1");
            }
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", bin.display()))?;
        let mut reg = RealRegistry {
            kind,
            addr,
            manifest_digest: String::new(),
            repository: "library/alpine".into(),
            child,
            dir,
        };
        reg.wait_ready().await?;
        reg.manifest_digest = reg.push_image().await?;
        Ok(reg)
    }

    fn host(&self) -> String {
        self.addr.to_string()
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                return Err(format!("{} exited at start: {st}", self.kind.name()));
            }
            if let Ok(mut c) = FloorConn::connect(self.addr).await
                && let Ok(a) = c
                    .send(&ReplayRequest::get(&self.host(), "/v2/", None))
                    .await
                && (a.status == 200 || a.status == 401)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("{} not ready after 15 s", self.kind.name()));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn push_blob(&self, c: &mut FloorConn, data: &[u8]) -> Result<String, String> {
        let digest = sha256(data);
        let repo = &self.repository;
        let mut post =
            ReplayRequest::get(&self.host(), &format!("/v2/{repo}/blobs/uploads/"), None);
        post.method = "POST".into();
        post.headers.push(("content-length".into(), "0".into()));
        let a = c.send(&post).await.map_err(|e| e.to_string())?;
        let loc = a
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .filter(|_| a.status == 202)
            .ok_or_else(|| format!("upload start answered {}", a.status))?;
        let path = match loc.parse::<http::Uri>() {
            Ok(u) => u
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            Err(_) => loc.to_string(),
        };
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut put =
            ReplayRequest::get(&self.host(), &format!("{path}{sep}digest={digest}"), None);
        put.method = "PUT".into();
        put.headers
            .push(("content-type".into(), "application/octet-stream".into()));
        put.headers
            .push(("content-length".into(), data.len().to_string()));
        put.body = data.to_vec();
        let a = c.send(&put).await.map_err(|e| e.to_string())?;
        if a.status != 201 {
            return Err(format!(
                "blob PUT answered {}: {}",
                a.status,
                String::from_utf8_lossy(&a.body)
            ));
        }
        Ok(digest)
    }

    async fn push_image(&self) -> Result<String, String> {
        let mut c = FloorConn::connect(self.addr)
            .await
            .map_err(|e| e.to_string())?;
        let config =
            br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
        let layer = b"bench layer".to_vec();
        let config_digest = self.push_blob(&mut c, config).await?;
        let layer_digest = self.push_blob(&mut c, &layer).await?;
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": layer.len()}]
        }))
        .map_err(|e| e.to_string())?;
        let digest = sha256(&manifest);
        let mut put = ReplayRequest::get(
            &self.host(),
            &format!("/v2/{}/manifests/latest", self.repository),
            None,
        );
        put.method = "PUT".into();
        put.headers
            .push(("content-type".into(), OCI_MANIFEST.into()));
        put.headers
            .push(("content-length".into(), manifest.len().to_string()));
        put.body = manifest;
        let a = c.send(&put).await.map_err(|e| e.to_string())?;
        if a.status != 201 {
            return Err(format!(
                "manifest PUT answered {}: {}",
                a.status,
                String::from_utf8_lossy(&a.body)
            ));
        }
        Ok(digest)
    }

    /// The manifest GET the load sends.
    pub fn manifest_get(&self) -> ReplayRequest {
        ReplayRequest::get(
            &self.host(),
            &format!("/v2/{}/manifests/{}", self.repository, self.manifest_digest),
            Some(OCI_MANIFEST),
        )
    }
}
