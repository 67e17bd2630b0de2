//! `harness merge`: results files (shards or runs) combined into one.

use crate::matrix::{self, RunResults};

use super::args::MergeArgs;
use super::error::{CliError, Exit};

/// `harness merge`.
pub fn merge(args: MergeArgs) -> Result<Exit, CliError> {
    let mut files = Vec::new();
    for f in &args.files {
        files.push((f.display().to_string(), RunResults::read(f)?));
    }
    let merged = RunResults::merge(&files)?;
    std::fs::write(&args.out, matrix::render_json(&merged)).map_err(|source| CliError::Write {
        path: args.out.clone(),
        source,
    })?;
    eprintln!(
        "merged {} cells into {}",
        merged.cells.len(),
        args.out.display()
    );
    Ok(Exit::Success)
}
