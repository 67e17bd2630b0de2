//! One real-registry row of the matrix: where it comes from (a built-in image, an image a config file names, or a
//! live registry reached by URL), how it is started and reached, and what it is compared with.
//!
//! Container rows get a fresh container per cell (an empty registry, as a fake cell gets a fresh fake). Live rows
//! are one registry that keeps its content, so every cell seeds fresh repositories under the row's
//! `repository_prefix`, named by the run and the scenario (see [`RealAccess`]).
//!
//! A row measured in one run is a [`RealRow`], the [`Target`] the runner runs its cells through.

use std::time::Duration;

use fake_registry::Profile;

use super::auth::Credentials;
use super::config::{ConfigError, ImageEntry, LiveRegistry, RealRegistriesConfig};
use super::docker;
use super::fidelity::FidelityError;
use super::fidelity::{self, FidelityGap, FidelityReport, MISSING_REPO, PROBE_REPO};
use super::images;
use super::launcher::{ContainerSpec, LaunchError, RealRegistry, start_container};
use super::push::{PushClient, PushError};
use crate::scenario::Scenario;
use crate::target::{ServeError, Served, Target, UserPass};

/// The fake profile a row is compared with when its entry names none: the spec-exact profile.
pub const DEFAULT_COUNTERPART: Profile = Profile::OCI_1_1;

/// The repository prefix of a live row whose entry names none.
pub const DEFAULT_PREFIX: &str = "oci-referrers-compat";

/// The project's own rows (`images/builtin-registries.toml`), built into the harness.
const BUILTIN_ROWS: &str = include_str!("../../../images/builtin-registries.toml");

/// How a row's registry comes to exist.
#[derive(Debug, Clone)]
pub enum Launch {
    /// A container per cell. `build` names the `images/` folder that builds the image locally when it is missing.
    Container {
        spec: ContainerSpec,
        build: Option<String>,
    },
    /// A live registry: nothing is started.
    Live { base_url: String },
}

/// One real-registry row.
#[derive(Debug, Clone)]
pub struct RealTarget {
    /// Row id and results file name (`docs/real/<name>.json`).
    pub name: String,
    /// Row title, e.g. "Distribution 2.8.2 (real, container)".
    pub title: String,
    /// The fake profile whose declarations the cells expect and whose fidelity is measured against this registry.
    pub counterpart: Profile,
    pub launch: Launch,
    /// The credentials the registry requires (`None`: open).
    pub credentials: Option<Credentials>,
    /// Live rows: the repositories cells push to start with this.
    pub repository_prefix: Option<String>,
    /// What was measured, for the document ("the locally built image `…`").
    pub measured_against: String,
    /// The differences from [`Self::counterpart`] the fake does not reproduce, with why (image rows only).
    pub fidelity_gaps: Vec<FidelityGap>,
}

/// A started (or, for live rows, reached) registry. Dropping it removes its container.
#[derive(Debug)]
pub struct Instance {
    base_url: String,
    /// Held for its `Drop`, which removes the container.
    _container: Option<RealRegistry>,
}

impl Instance {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// A config file entry that cannot become a row.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(
        "entry `{entry}`: fake profile `{profile}` does not exist (`harness matrix list` shows the profiles)"
    )]
    NoProfile { entry: String, profile: String },
}

impl RealTarget {
    /// The project's own rows, in the order of `images/builtin-registries.toml`: Distribution 2.8.2 open and with
    /// htpasswd auth, ferro-oci-server, container-registry.
    pub fn builtin() -> Result<Vec<RealTarget>, TargetError> {
        let config = RealRegistriesConfig::parse(
            BUILTIN_ROWS,
            std::path::Path::new("images/builtin-registries.toml"),
        )?;
        Self::from_config(&config, |_| None, None)
    }

    /// The built-in row `name`, if there is one.
    pub fn builtin_row(name: &str) -> Result<Option<RealTarget>, TargetError> {
        Ok(Self::builtin()?.into_iter().find(|t| t.name == name))
    }

    /// A `[[image]]` entry of a config file, with the credentials it names (already resolved).
    pub fn from_image(
        entry: &ImageEntry,
        credentials: Option<Credentials>,
    ) -> Result<RealTarget, TargetError> {
        let spec = entry.container_spec();
        let mut measured_against = match &entry.build {
            Some(_) => format!("the locally built image `{}`", spec.image_ref()),
            None => format!("the image `{}` (config file)", spec.image_ref()),
        };
        // What makes two rows of one image differ: the environment it runs with, the fixture user it is given.
        if !entry.env.is_empty() {
            let env: Vec<String> = entry
                .env
                .iter()
                .map(|(k, v)| format!("`{k}={v}`"))
                .collect();
            measured_against.push_str(&format!(" with {}", env.join(", ")));
        }
        if let Some(user) = &entry.username {
            measured_against.push_str(&format!(" (fixture user `{user}`)"));
        }
        Ok(RealTarget {
            name: entry.name.clone(),
            title: entry.row_label(),
            counterpart: counterpart(&entry.name, entry.fake_profile.as_deref())?,
            measured_against,
            launch: Launch::Container {
                spec,
                build: entry.build.clone(),
            },
            credentials,
            repository_prefix: None,
            fidelity_gaps: entry.fidelity_gaps.clone(),
        })
    }

    /// A `[[live]]` entry with its credentials resolved.
    pub fn from_live(live: &LiveRegistry) -> Result<RealTarget, TargetError> {
        Ok(RealTarget {
            name: live.name.clone(),
            title: live.label.clone(),
            counterpart: counterpart(&live.name, live.fake_profile.as_deref())?,
            launch: Launch::Live {
                base_url: live.base_url.clone(),
            },
            credentials: live.credentials.clone(),
            repository_prefix: Some(
                live.repository_prefix
                    .clone()
                    .unwrap_or_else(|| DEFAULT_PREFIX.to_string()),
            ),
            measured_against: format!("the live registry {}", live.base_url),
            fidelity_gaps: Vec::new(),
        })
    }

    /// Every entry of a config file as a row, credentials read through `env` (and, for live entries, the user's
    /// Docker config), counterparts checked.
    pub fn from_config(
        config: &RealRegistriesConfig,
        env: impl Fn(&str) -> Option<String> + Copy,
        docker_config: Option<&std::path::Path>,
    ) -> Result<Vec<RealTarget>, TargetError> {
        let mut out = Vec::new();
        for entry in &config.images {
            out.push(Self::from_image(entry, entry.credentials_with(env)?)?);
        }
        for entry in &config.live {
            out.push(Self::from_live(&entry.resolve_with(env, docker_config)?)?);
        }
        Ok(out)
    }

    /// Whether this row needs Docker (container rows do, live rows do not).
    pub fn needs_docker(&self) -> bool {
        matches!(self.launch, Launch::Container { .. })
    }

    /// Starts a fresh container (building the project's own image first when it is missing), or reaches the live
    /// registry.
    pub async fn start(&self) -> Result<Instance, LaunchError> {
        match &self.launch {
            Launch::Container { spec, build } => {
                if let Some(build) = build {
                    images::ensure_image(build, &spec.image_ref()).await?;
                }
                let container = start_container(spec).await?;
                Ok(Instance {
                    base_url: container.base_url().to_string(),
                    _container: Some(container),
                })
            }
            Launch::Live { base_url } => Ok(Instance {
                base_url: base_url.clone(),
                _container: None,
            }),
        }
    }

    /// How a cell reaches this row: its credentials and, for a live row, the namespace `<prefix>/<run>-<scope>`.
    pub fn access(&self, run_id: &str, scope: &str) -> RealAccess {
        RealAccess {
            credentials: self.credentials.clone(),
            namespace: self
                .repository_prefix
                .as_ref()
                .map(|p| format!("{}/{run_id}-{scope}", p.trim_end_matches('/'))),
        }
    }

    /// This row as the target of one run's cells (`run_id` names a live row's fresh repositories).
    pub fn row<'a>(&'a self, run_id: &'a str) -> RealRow<'a> {
        RealRow {
            target: self,
            run_id,
        }
    }

    /// The probe set answered by a fresh instance of this row and by `candidate_url` (a fake with any profile),
    /// side by side, this registry as the reference. Both registries should be empty: the probes push their own
    /// content.
    pub async fn fidelity_against(
        &self,
        candidate_label: &str,
        candidate_url: &str,
    ) -> Result<FidelityReport, FidelityError> {
        let instance = self.start().await?;
        let report = fidelity::fidelity(
            &self.title,
            instance.base_url(),
            candidate_label,
            candidate_url,
        )
        .await;
        drop(instance);
        Ok(report?)
    }

    /// The fidelity of [`Self::counterpart`] against this registry: the probe set answered by a fresh instance
    /// (or the live registry, in fresh repositories) and by a fresh fake with the counterpart profile, given the
    /// same credentials when the row has some, side by side.
    pub async fn fidelity(&self, run_id: &str) -> Result<FidelityReport, FidelityError> {
        let mut builder = fake_registry::FakeRegistry::builder().profile(self.counterpart);
        if let Some(c) = &self.credentials {
            builder = builder.credentials(&c.username, &c.password);
        }
        let fake = builder
            .start()
            .map_err(|e| FidelityError::Fake(e.to_string()))?;
        let (repo, missing) = match &self.access(run_id, "fidelity").namespace {
            Some(ns) => (format!("{ns}-probe"), format!("{ns}-never-pushed")),
            None => (PROBE_REPO.to_string(), MISSING_REPO.to_string()),
        };
        let instance = self.start().await?;
        let real = PushClient::with_credentials(instance.base_url(), self.credentials.clone());
        let reference = fidelity::run_probes_in(&real, &repo, &missing).await;
        drop(instance);
        let candidate = PushClient::with_credentials(&fake.base_url(), self.credentials.clone());
        let candidate = fidelity::run_probes_in(&candidate, &repo, &missing).await?;
        let mut report = fidelity::compare(
            &self.title,
            &reference?,
            &format!("fake {}", self.counterpart.name()),
            &candidate,
        );
        report.declare(&self.fidelity_gaps);
        Ok(report)
    }
}

/// The profile a config entry names as its counterpart (none: [`DEFAULT_COUNTERPART`]).
fn counterpart(entry: &str, named: Option<&str>) -> Result<Profile, TargetError> {
    match named {
        None => Ok(DEFAULT_COUNTERPART),
        Some(name) => Profile::by_name(name).ok_or_else(|| TargetError::NoProfile {
            entry: entry.to_string(),
            profile: name.to_string(),
        }),
    }
}

/// How the harness reaches a real row in one cell.
#[derive(Debug, Clone, Default)]
pub struct RealAccess {
    /// The credentials the registry is configured to require (`None`: an open registry). Seeding uses them, and
    /// the code under test gets them wherever a scenario's client is given "the correct credentials".
    pub credentials: Option<Credentials>,
    /// For live registries, which keep content between cells: every repository a scenario seeds becomes
    /// `<namespace>-<repository with '/' as '-'>`, so a cell never sees another cell's (or run's) content.
    pub namespace: Option<String>,
}

impl RealAccess {
    /// The repository a scenario's `repository` is pushed to and discovered in.
    pub fn repository(&self, repository: &str) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}-{}", repository.replace('/', "-")),
            None => repository.to_string(),
        }
    }
}

/// Why a scenario cannot run against a real registry whose counterpart is `counterpart` (no fault injection there,
/// no request log; scenarios whose registry requires credentials need a row configured with some), or `None`
/// when it can.
pub fn skip_reason(
    scenario: &Scenario,
    counterpart: &Profile,
    has_credentials: bool,
) -> Option<String> {
    let spec = &scenario.spec;
    if !scenario.applies_to(counterpart) {
        return Some(format!(
            "does not apply to the fake counterpart `{}`",
            counterpart.name()
        ));
    }
    if !spec.faults.is_empty() {
        return Some("needs fault injection, which only the fake has".into());
    }
    if spec.registry.credentials.is_some() && !has_credentials {
        return Some(
            "needs a registry that requires credentials (this row is configured without any)"
                .into(),
        );
    }
    if spec.expect.needs_wire_log() {
        return Some("judged on the fake's request log".into());
    }
    if spec
        .seed
        .subjects
        .iter()
        .any(|s| s.digest_algorithm != fake_registry::seed::DigestAlgorithm::Sha256)
    {
        return Some("the push client seeds sha256 subjects only".into());
    }
    None
}

/// A real row within one run: the [`Target`] its cells run through. Each cell gets a fresh container (or, on a
/// live row, fresh repositories), seeded through the registry's own push API.
#[derive(Debug, Clone, Copy)]
pub struct RealRow<'a> {
    pub target: &'a RealTarget,
    pub run_id: &'a str,
}

impl Target for RealRow<'_> {
    fn row(&self) -> &str {
        &self.target.name
    }

    fn counterpart(&self) -> Profile {
        self.target.counterpart
    }

    fn skip_reason(&self, scenario: &Scenario) -> Option<String> {
        skip_reason(
            scenario,
            &self.target.counterpart,
            self.target.credentials.is_some(),
        )
    }

    /// Real registries answer over real containers and networks: a fixed, generous guard.
    fn guard(&self, _: &Scenario) -> Duration {
        Duration::from_secs(120)
    }

    async fn serve(&self, scenario: &Scenario) -> Result<Served, ServeError> {
        let access = self.target.access(self.run_id, &scenario.id);
        let instance = self
            .target
            .start()
            .await
            .map_err(|e| ServeError::Failed(format!("{}: {e}", self.target.title)))?;
        let client = PushClient::with_credentials(instance.base_url(), access.credentials.clone());
        let seeded =
            super::seed::seed_spec_renamed(&client, &scenario.spec.seed, |r| access.repository(r))
                .await
                .map_err(|e| match e {
                    PushError::Refused { .. } | PushError::Unsupported(_) => {
                        ServeError::Unsupported(e.to_string())
                    }
                    e => ServeError::Failed(format!("seeding the real registry failed: {e}")),
                })?;
        Ok(Served {
            base_url: instance.base_url().to_string(),
            seeded,
            accepted: access
                .credentials
                .as_ref()
                .map(|c| UserPass::new(&c.username, &c.password)),
            log: None,
            keep_alive: Box::new(instance),
        })
    }
}

/// A run id for live namespaces: `r<unix seconds>` (each run pushes to fresh repositories).
pub fn run_id() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("r{secs}")
}

/// Whether container rows can run here (Docker reachable), with the reason when not.
pub async fn docker_available() -> Result<(), String> {
    match docker::run_decision().await {
        docker::RunDecision::Run => Ok(()),
        docker::RunDecision::Skip(why) | docker::RunDecision::Fail(why) => Err(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn builtin_rows_are_distinct_and_name_their_counterparts() {
        let rows = RealTarget::builtin().unwrap();
        let names: Vec<&str> = rows.iter().map(|t| t.name.as_str()).collect();
        let distinct: std::collections::BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            names.len(),
            "row names are distinct: {names:?}"
        );
        assert_eq!(
            names[..3],
            ["distribution", "distribution-htpasswd", "ferro-oci-server"]
        );
        assert_eq!(rows[0].counterpart, Profile::DISTRIBUTION_2_8);
        assert_eq!(rows[2].counterpart, Profile::FERRO_OCI_SERVER_1_0);
        for t in &rows {
            assert!(t.needs_docker());
        }
        assert!(rows[0].credentials.is_none());
        assert_eq!(
            rows[1].credentials,
            Some(Credentials::new("oci-test", "oci-test-password"))
        );
        assert!(
            rows.iter()
                .all(|t| matches!(&t.launch, Launch::Container { build: Some(_), spec } if spec.pull == super::super::launcher::PullPolicy::Never))
        );
        assert!(
            RealTarget::builtin_row("ferro-oci-server")
                .unwrap()
                .is_some()
        );
        assert!(RealTarget::builtin_row("nope").unwrap().is_none());
    }

    #[test]
    fn config_entries_become_rows_with_credentials_and_namespaces() {
        let text = "[[image]]\nname = \"zot\"\nimage = \"zot:2\"\nusername_env = \"U\"\npassword_env = \"P\"\n\
                    [[live]]\nname = \"h\"\nurl = \"https://h.example\"\nusername_env = \"U\"\npassword_env = \"P\"\n\
                    fake_profile = \"harbor-2.11\"\nrepository_prefix = \"team/compat/\"\n";
        let config = RealRegistriesConfig::parse(text, Path::new("x")).unwrap();
        let env = |k: &str| match k {
            "U" => Some("u".to_string()),
            "P" => Some("p".to_string()),
            _ => None,
        };
        let rows = RealTarget::from_config(&config, env, None).unwrap();
        assert_eq!(rows[0].counterpart, DEFAULT_COUNTERPART);
        assert_eq!(rows[0].credentials, Some(Credentials::new("u", "p")));
        assert!(rows[0].access("r1", "s").namespace.is_none());
        assert!(rows[0].needs_docker());
        assert!(!rows[1].needs_docker());
        let access = rows[1].access("r1", "three-referrers");
        assert_eq!(
            access.repository("library/alpine"),
            "team/compat/r1-three-referrers-library-alpine"
        );

        let missing = RealTarget::from_config(&config, |_| None, None)
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("`zot`") && missing.contains('U'),
            "{missing}"
        );

        let bad = RealRegistriesConfig::parse(
            "[[image]]\nname = \"z\"\nimage = \"z\"\nfake_profile = \"nope\"\n",
            Path::new("x"),
        )
        .unwrap();
        let e = RealTarget::from_config(&bad, env, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope"), "{e}");
    }
}
