//! The command line: `check`, `discover`, `matrix`, `merge`, `bundle`, one module per command, with their arguments in [`args`].
//!
//! Exit codes (a contract: scripts depend on it, see [`Exit`] and [`CliError::exit_code`]): 0 pass / discovery
//! complete, 1 fail / discovery incomplete / failing cells / an operation that failed, 2 usage error, 3 warn,
//! 4 info.

mod args;
mod bundle;
mod check;
mod connection;
mod discover;
mod error;
mod matrix;
mod matrix_real;
mod merge;

pub use args::{
    BundleAction, BundleExportArgs, BundleValidateArgs, CheckArgs, Cli, Command, Connection,
    DiscoverArgs, MatrixAction, MatrixArgs, MatrixFormat, MergeArgs, Subjects, TextOrJson,
};
pub use bundle::bundle_cmd;
pub use check::check;
pub use discover::discover;
pub use error::{CliError, EXIT_USAGE, Exit, exit_code};
pub use matrix::matrix_cmd;
pub use merge::merge;
