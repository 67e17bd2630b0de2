//! The scenario file format (`scenarios/*.toml`) and its validation.
//!
//! A scenario is data: which profiles it applies to, the content to seed (the fake registry's own
//! [`SeedSpec`], which real registries receive too), the faults to inject ([`FaultRule`], the same format as
//! `fake-registry --faults`), the operation to run through the real `referrers` code, and the expected outcome
//! ([`Expect`], in the `referrers` crate's own types), with per-profile overrides that each name the registry fact
//! they rest on and its primary source. Adding a scenario needs no Rust code.
//!
//! Every error names the file, the field and the problem; unknown verdicts, methods, error kinds and columns are
//! refused when the file loads, with the values allowed.

mod expect;
mod file;
mod validate;

pub use expect::{Column, Expect, Expected, ExpectedReferrers, Term};
pub use file::{
    AppliesTo, ClientCredentials, MISSING_REPOSITORY, Operation, Override, RegistrySetup, Scenario,
    ScenarioError, ScenarioFile, SubjectSelection,
};

use std::path::{Path, PathBuf};

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
    validate::validate(&scenario)?;
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
