//! The scenario file format (`scenarios/*.toml`) and its validation.
//!
//! A scenario is data: which profiles it applies to, the content to seed (the fake registry's own
//! [`SeedSpec`]), the faults to inject ([`FaultRule`], the same format as `fake-registry --faults`), the operation
//! to run through the real `referrers` code, and the expected outcome, with per-profile overrides that each name
//! the `registry-behaviours.md` fact they rest on. Adding a scenario needs no Rust code.
//!
//! Every error names the file, the field and the problem.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fake_registry::{FaultRule, Profile, SeedSpec};
use serde::{Deserialize, Serialize};

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
    /// No credentials (anonymous). For `ecr` profiles, which need Basic, the runner still sends the profile's
    /// default `AWS:demo` unless the registry was given its own credentials.
    #[default]
    Auto,
    /// The credentials the registry requires.
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

/// Expected referrers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum ExpectedReferrers {
    /// `"seeded"`: exactly the seeded ground truth (after the operation's filter), descriptors included;
    /// `"seeded-digests"`: the same referrers, with descriptors as the registry reports them (for registries
    /// whose descriptors break the spec's rules, named in an override); `"none"`: none.
    Named(String),
    /// Exactly this many.
    Count(usize),
}

/// The expected outcome. Every field is optional; `"declared"` takes the value from the profile's declaration
/// (so a difference between what a profile declares and what the cell observes fails the cell).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Check verdict: `pass`, `warn`, `info`, `fail` or `declared`.
    #[serde(default)]
    pub verdict: Option<String>,
    /// Discovery method, or `declared` (API when the profile declares it, else the fallback the seed stored).
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub referrers: Option<ExpectedReferrers>,
    #[serde(default)]
    pub complete: Option<bool>,
    /// Error kinds that must each appear at least once (in discovery errors, or the check's evidence).
    #[serde(default)]
    pub errors: Vec<String>,
    /// When true, no error may be reported.
    #[serde(default)]
    pub no_errors: bool,
    /// A substring the check message or a discovery error message must contain.
    #[serde(default)]
    pub message_contains: Option<String>,
    /// Capability probes counted by the `export_registry_capabilities_probed_total` metric.
    #[serde(default)]
    pub capability_probes: Option<u64>,
    /// The `export_referrer_discovery_failures_total` metric is at least 1.
    #[serde(default)]
    pub failure_counted: Option<bool>,
    /// After the run, the capability cache must not hold "unsupported" for the repository.
    #[serde(default)]
    pub no_cached_unsupported: bool,
    /// The client waited at least the server's `Retry-After` before repeating a rate-limited request.
    #[serde(default)]
    pub retry_after_honoured: bool,
    /// Peak number of requests the fake saw in flight at once is at most this.
    #[serde(default)]
    pub max_in_flight: Option<usize>,
    /// Whether the server said it applied the filter (`OCI-Filters-Applied`), or `declared`.
    #[serde(default)]
    pub server_filtered: Option<String>,
    /// Whether the referrers answers were paged with `Link`, or `declared`.
    #[serde(default)]
    pub paged: Option<String>,
}

/// An expectation that differs for one profile, with the fact it rests on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The `registry-behaviours.md` fact this override rests on (quoted or paraphrased, with its source).
    pub because: String,
    #[serde(flatten)]
    pub expect: Expect,
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
    /// The registry-table column of the matrix this scenario's wire observations feed, if any:
    /// `check`, `method`, `filter`, `paging`, `rate-limit` or `auth`.
    #[serde(default)]
    pub column: Option<String>,
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
        let mut e = self.spec.expect.clone();
        if let Some(o) = self.spec.profiles.get(profile) {
            let o = &o.expect;
            macro_rules! over {
                ($($f:ident),*) => { $( if o.$f.is_some() { e.$f = o.$f.clone(); } )* };
            }
            over!(
                verdict,
                method,
                referrers,
                complete,
                message_contains,
                capability_probes,
                failure_counted,
                max_in_flight,
                server_filtered,
                paged
            );
            if !o.errors.is_empty() {
                e.errors = o.errors.clone();
                e.no_errors = false;
            }
            if o.no_errors {
                e.no_errors = true;
                e.errors.clear();
            }
            if o.no_cached_unsupported {
                e.no_cached_unsupported = true;
            }
            if o.retry_after_honoured {
                e.retry_after_honoured = true;
            }
        }
        e
    }

    /// The override's reason for a profile, if it has one.
    pub fn override_reason(&self, profile: &str) -> Option<&str> {
        self.spec.profiles.get(profile).map(|o| o.because.as_str())
    }
}

/// Parses one scenario from text; `file` is only used in errors.
pub fn parse(file: &Path, text: &str) -> Result<Scenario, ScenarioError> {
    let de = toml::Deserializer::parse(text).map_err(|e| parse_error(file, text, e))?;
    let spec: ScenarioFile = serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let mut err = parse_error(file, text, inner);
        if let ScenarioError::Parse { field: f, .. } = &mut err
            && (f.is_empty() || f == "(document)")
            && field != "."
        {
            *f = field;
        }
        err
    })?;
    let id = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string();
    let scenario = Scenario {
        id,
        file: file.to_path_buf(),
        spec,
    };
    validate(&scenario)?;
    Ok(scenario)
}

fn parse_error(file: &Path, text: &str, e: toml::de::Error) -> ScenarioError {
    let mut problem = e.message().to_string();
    if let Some(span) = e.span() {
        let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
        problem = format!("{problem} (line {line})");
    }
    ScenarioError::Parse {
        file: file.to_path_buf(),
        field: String::from("(document)"),
        problem,
    }
}

const VERDICTS: &[&str] = &["pass", "warn", "info", "fail", "declared"];
const METHODS: &[&str] = &[
    "referrers-api",
    "tag-schema",
    "cosign-tags",
    "tag-schema+cosign-tags",
    "none",
    "declared",
];
/// Registry-table columns a scenario can feed.
pub const COLUMNS: &[&str] = &["check", "method", "filter", "paging", "rate-limit", "auth"];
const TRISTATE: &[&str] = &["true", "false", "declared"];

fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    let invalid = |field: &str, problem: String| ScenarioError::Invalid {
        file: s.file.clone(),
        field: field.to_string(),
        problem,
    };
    if s.id.is_empty()
        || !s
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(invalid(
            "(file name)",
            format!(
                "scenario ids are file stems of lowercase letters, digits and '-'; got {:?}",
                s.id
            ),
        ));
    }
    if s.spec.description.trim().is_empty() {
        return Err(invalid("description", "must not be empty".into()));
    }
    let known: Vec<String> = Profile::all()
        .iter()
        .map(|p| p.name().to_string())
        .collect();
    let check_profile = |field: &str, name: &str| {
        if known.iter().any(|k| k == name) {
            Ok(())
        } else {
            Err(invalid(
                field,
                format!("unknown profile {name:?}; known: {}", known.join(", ")),
            ))
        }
    };
    if let Some(only) = &s.spec.applies_to.only {
        for p in only {
            check_profile("applies_to.only", p)?;
        }
    }
    for p in &s.spec.applies_to.except {
        check_profile("applies_to.except", p)?;
    }
    let check_expect = |prefix: &str, e: &Expect| -> Result<(), ScenarioError> {
        if let Some(v) = &e.verdict
            && !VERDICTS.contains(&v.as_str())
        {
            return Err(invalid(
                &format!("{prefix}verdict"),
                format!("{v:?} is not one of {}", VERDICTS.join(", ")),
            ));
        }
        if let Some(m) = &e.method
            && !METHODS.contains(&m.as_str())
        {
            return Err(invalid(
                &format!("{prefix}method"),
                format!("{m:?} is not one of {}", METHODS.join(", ")),
            ));
        }
        if let Some(ExpectedReferrers::Named(n)) = &e.referrers
            && !["seeded", "seeded-digests", "none"].contains(&n.as_str())
        {
            return Err(invalid(
                &format!("{prefix}referrers"),
                format!("{n:?}: expected \"seeded\", \"seeded-digests\", \"none\" or a count"),
            ));
        }
        for (name, v) in [("server_filtered", &e.server_filtered), ("paged", &e.paged)] {
            if let Some(v) = v
                && !TRISTATE.contains(&v.as_str())
            {
                return Err(invalid(
                    &format!("{prefix}{name}"),
                    format!("{v:?} is not one of {}", TRISTATE.join(", ")),
                ));
            }
        }
        if e.no_errors && !e.errors.is_empty() {
            return Err(invalid(
                &format!("{prefix}no_errors"),
                "contradicts a non-empty `errors` list".into(),
            ));
        }
        Ok(())
    };
    check_expect("expect.", &s.spec.expect)?;
    for (name, o) in &s.spec.profiles {
        check_profile(&format!("profiles.{name}"), name)?;
        if o.because.trim().is_empty() {
            return Err(invalid(
                &format!("profiles.{name}.because"),
                "an override must name the registry-behaviours.md fact it rests on".into(),
            ));
        }
        check_expect(&format!("profiles.{name}."), &o.expect)?;
    }
    match &s.spec.operation {
        Operation::Check {
            timeout_seconds, ..
        }
        | Operation::Discover {
            timeout_seconds, ..
        } if *timeout_seconds == 0 => {
            return Err(invalid(
                "operation.timeout_seconds",
                "must be at least 1".into(),
            ));
        }
        Operation::Discover {
            max_concurrent: Some(0),
            ..
        } => {
            return Err(invalid(
                "operation.max_concurrent",
                "must be at least 1".into(),
            ));
        }
        Operation::Discover { repeat: 0, .. } => {
            return Err(invalid("operation.repeat", "must be at least 1".into()));
        }
        _ => {}
    }
    if let Some(c) = &s.spec.column
        && !COLUMNS.contains(&c.as_str())
    {
        return Err(invalid(
            "column",
            format!("{c:?} is not one of {}", COLUMNS.join(", ")),
        ));
    }
    if matches!(s.spec.operation, Operation::Check { .. })
        && (s.spec.expect.method.is_some() || s.spec.expect.referrers.is_some())
    {
        return Err(invalid(
            "expect",
            "`method` and `referrers` apply to discover operations, not check".into(),
        ));
    }
    Ok(())
}

/// Loads every `*.toml` in a folder, sorted by id. The first bad file stops the load with its error.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>, ScenarioError> {
    let read = |e| ScenarioError::Read {
        file: dir.to_path_buf(),
        source: e,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| ScenarioError::Read {
            file: f.clone(),
            source: e,
        })?;
        out.push(parse(&f, &text)?);
    }
    Ok(out)
}

/// The `scenarios/` folder of this workspace.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|p| p.join("scenarios"))
        .unwrap_or_else(|| PathBuf::from("scenarios"))
}
