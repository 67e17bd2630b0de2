//! How a command ends: an [`Exit`] when it ran (its verdict), a [`CliError`] when it could not, each mapped to
//! the documented exit code.

use std::path::PathBuf;

use crate::matrix::model::ResultsError;
use crate::scenario::ScenarioError;

/// Exit code for a usage error.
pub const EXIT_USAGE: i32 = 2;

/// The outcome of a command that ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Pass, discovery complete, every cell as expected, a document up to date (0).
    Success,
    /// Fail, discovery incomplete, failing cells, a row that could not be measured (1).
    Failure,
    /// The check's warn verdict (3).
    Warn,
    /// The check's info verdict (4).
    Info,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Warn => 3,
            Exit::Info => 4,
        }
    }

    /// Success unless `failed`.
    pub fn failure_if(failed: bool) -> Exit {
        if failed { Exit::Failure } else { Exit::Success }
    }
}

/// Why a command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line or what it names is unusable (bad flags, an unknown profile, scenario or cell, a password
    /// that cannot be read, a registry URL or CA file that cannot be used).
    #[error("{0}")]
    Usage(String),
    /// A scenario file could not be loaded.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A real-registry config file could not be used.
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    /// A results file could not be read or merged.
    #[error(transparent)]
    Results(#[from] ResultsError),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file or folder could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `matrix --check`: the committed document differs from the generated one.
    #[error(
        "{path} is out of date; regenerate it with `cargo run --release -p harness -- matrix`:\n{diff}"
    )]
    Drift { path: PathBuf, diff: String },
}

impl CliError {
    /// The documented exit code: 2 for what the user must change on the command line or in the files it names,
    /// 1 for the rest.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) | CliError::Scenario(_) | CliError::Config { .. } => EXIT_USAGE,
            CliError::Results(_)
            | CliError::Read { .. }
            | CliError::Write { .. }
            | CliError::Drift { .. } => 1,
        }
    }

    /// Prints the error on standard error and returns its exit code.
    pub fn report(&self) -> i32 {
        match self {
            CliError::Drift { .. } => eprintln!("{self}"),
            other => eprintln!("error: {other}"),
        }
        self.exit_code()
    }
}

/// The exit code of a command's result.
pub fn exit_code(result: Result<Exit, CliError>) -> i32 {
    match result {
        Ok(exit) => exit.code(),
        Err(e) => e.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!(exit_code(Ok(Exit::Success)), 0);
        assert_eq!(exit_code(Ok(Exit::Failure)), 1);
        assert_eq!(exit_code(Ok(Exit::Warn)), 3);
        assert_eq!(exit_code(Ok(Exit::Info)), 4);
        assert_eq!(CliError::Usage("x".into()).exit_code(), 2);
        let config = CliError::Config {
            path: "r.toml".into(),
            message: "bad".into(),
        };
        assert_eq!(config.exit_code(), 2);
        let drift = CliError::Drift {
            path: "m.md".into(),
            diff: "line 1".into(),
        };
        assert_eq!(drift.exit_code(), 1);
        assert!(drift.to_string().contains("out of date"));
    }
}
