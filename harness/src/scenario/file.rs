//! The types of a scenario file (`scenarios/*.toml`) and of a loaded scenario: where it applies, the registry set-up,
//! the seed and faults, the operation, the expectation with its per-profile overrides, and the load errors.

use std::collections::BTreeMap;
use std::path::PathBuf;

use fake_registry::{FaultRule, Profile, SeedSpec};
use serde::{Deserialize, Serialize};

use super::expect::{Column, Expect};

/// A scenario file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The folder or a file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The TOML is malformed or a field has the wrong type or name.
    #[error("{file}: {field}: {problem}")]
    Parse {
        file: PathBuf,
        field: String,
        problem: String,
    },
    /// The file parses but says something inconsistent.
    #[error("{file}: field `{field}`: {problem}")]
    Invalid {
        file: PathBuf,
        field: String,
        problem: String,
    },
}

/// Which profiles a scenario applies to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    /// Only these profiles (absent: all).
    #[serde(default)]
    pub only: Option<Vec<String>>,
    /// All but these.
    #[serde(default)]
    pub except: Vec<String>,
    /// Only profiles that declare the referrers API (`true`) or that do not (`false`).
    #[serde(default)]
    pub referrers_api: Option<bool>,
}

/// How the client authenticates in a scenario.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ClientCredentials {
    /// The credentials the registry accepts, as a correctly configured client would send them (the default; also
    /// spelled `auto`): the scenario's `[registry] credentials`, else the registry's own default (ECR's `AWS:demo`
    /// on the `ecr` profiles, a real row's configured user), and anonymous where the registry has none.
    #[default]
    #[serde(alias = "auto")]
    Correct,
    /// Credentials the registry rejects.
    Wrong,
    /// Nothing at all, even where the registry needs it.
    None,
}

/// The registry set-up beyond the profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegistrySetup {
    /// Credentials the fake requires (`USER:PASS`); absent = the profile's default (anonymous, ECR `AWS:demo`).
    #[serde(default)]
    pub credentials: Option<String>,
    /// Referrers page size where the profile pages.
    #[serde(default)]
    pub page_size: Option<usize>,
}

/// Which seeded subjects an operation addresses.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectSelection {
    /// The first seeded subject, by tag.
    #[default]
    FirstByTag,
    /// The first seeded subject, by digest.
    FirstByDigest,
    /// Every seeded subject, by digest, as one batch.
    All,
    /// A digest that does not exist in the repository.
    Missing,
    /// The first seeded subject's digest, in a repository nothing was pushed to ([`MISSING_REPOSITORY`]).
    MissingRepository,
}

/// The repository `subjects = "missing-repository"` discovers in: no seed pushes there.
pub const MISSING_REPOSITORY: &str = "never/pushed";

/// The operation a cell runs through the real code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Operation {
    /// `check.integration.oci.referrers` against the first seeded subject's repository and tag.
    Check {
        /// Override the tag the check resolves (e.g. one that does not exist).
        #[serde(default)]
        tag: Option<String>,
        #[serde(default)]
        credentials: ClientCredentials,
        #[serde(default = "default_timeout")]
        timeout_seconds: u64,
    },
    /// Referrer discovery.
    Discover {
        #[serde(default)]
        subjects: SubjectSelection,
        #[serde(default)]
        artifact_types: Vec<String>,
        #[serde(default)]
        verify: bool,
        #[serde(default)]
        max_concurrent: Option<usize>,
        #[serde(default)]
        credentials: ClientCredentials,
        #[serde(default = "default_timeout")]
        timeout_seconds: u64,
        /// Run discovery this many times with the same discoverer (to observe the capability cache).
        #[serde(default = "one")]
        repeat: u32,
    },
}

fn default_timeout() -> u64 {
    10
}
fn one() -> u32 {
    1
}

/// An expectation that differs for one profile, with the fact it rests on: a `[profiles."<name>"]` table holding
/// `because` and any fields of [`Expect`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Override {
    /// The registry fact this override rests on, with its primary source (a spec section, a vendor source file, an
    /// issue thread), quoted or paraphrased.
    pub because: String,
    #[serde(flatten)]
    pub expect: Expect,
}

impl<'de> Deserialize<'de> for Override {
    /// Read by hand rather than with `#[serde(flatten)]`, so that an error inside the expectation names its field
    /// (`errors[0]: unknown variant …`) instead of only the profile.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut table = toml::Table::deserialize(d)?;
        let because = match table.remove("because") {
            Some(toml::Value::String(s)) => s,
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "because: expected a string, found {}",
                    other.type_str()
                )));
            }
            None => return Err(D::Error::missing_field("because")),
        };
        let expect: Expect =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let path = e.path().to_string();
                D::Error::custom(format!("{path}: {}", e.into_inner()))
            })?;
        Ok(Override { because, expect })
    }
}

/// One scenario file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// One line: what the scenario exercises.
    pub description: String,
    #[serde(default)]
    pub applies_to: AppliesTo,
    #[serde(default)]
    pub registry: RegistrySetup,
    #[serde(default)]
    pub seed: SeedSpec,
    #[serde(default)]
    pub faults: Vec<FaultRule>,
    pub operation: Operation,
    #[serde(default)]
    pub expect: Expect,
    /// Per-profile expectations, keyed by profile name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Override>,
    /// The registry-table column of the matrix this scenario's wire observations feed, if any.
    #[serde(default)]
    pub column: Option<Column>,
}

/// A loaded, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file stem: the scenario's stable id.
    pub id: String,
    pub file: PathBuf,
    pub spec: ScenarioFile,
}

impl Scenario {
    /// Whether this scenario applies to a profile: its `[applies_to]` rules, and never a scenario whose registry
    /// needs credentials on a profile that declares no auth (`auth_scheme = "none"`).
    pub fn applies_to(&self, profile: &Profile) -> bool {
        let a = &self.spec.applies_to;
        // A registry set up with credentials cannot be one that implements no auth (ferro-oci-server 1.0).
        if self.spec.registry.credentials.is_some() && profile.declared().auth_scheme == "none" {
            return false;
        }
        if let Some(only) = &a.only
            && !only.iter().any(|p| p == profile.name())
        {
            return false;
        }
        if a.except.iter().any(|p| p == profile.name()) {
            return false;
        }
        if let Some(api) = a.referrers_api
            && api != profile.declared().referrers_api
        {
            return false;
        }
        true
    }

    /// The expectation for one profile: the base with that profile's override fields laid over it.
    pub fn expect_for(&self, profile: &str) -> Expect {
        match self.spec.profiles.get(profile) {
            Some(o) => self.spec.expect.overlaid(&o.expect),
            None => self.spec.expect.clone(),
        }
    }

    /// The artifactType filter of a discover operation (empty: none, and for checks).
    pub fn artifact_types(&self) -> &[String] {
        match &self.spec.operation {
            Operation::Discover { artifact_types, .. } => artifact_types,
            Operation::Check { .. } => &[],
        }
    }

    /// The operation's time budget, in seconds, over all its repeats.
    pub fn operation_seconds(&self) -> u64 {
        match &self.spec.operation {
            Operation::Check {
                timeout_seconds, ..
            } => *timeout_seconds,
            Operation::Discover {
                timeout_seconds,
                repeat,
                ..
            } => *timeout_seconds * u64::from(*repeat),
        }
    }

    /// The override's reason for a profile, if it has one.
    pub fn override_reason(&self, profile: &str) -> Option<&str> {
        self.spec.profiles.get(profile).map(|o| o.because.as_str())
    }
}
