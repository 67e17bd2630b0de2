//! The `harness` command line as clap types: the commands and their flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "harness",
    version,
    about = "OCI referrers checks, discovery, and the registry compatibility matrix"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run check.integration.oci.referrers (or all four OCI checks with --all) against a registry.
    Check(CheckArgs),
    /// Discover the referrers of one or more subjects.
    Discover(DiscoverArgs),
    /// Run the scenarios against every fake profile and write the compatibility matrix.
    Matrix(MatrixArgs),
    /// Combine results files (shards or runs) into one.
    Merge(MergeArgs),
    /// Mirror bundles: export images with their referrers into one file, validate a bundle.
    #[command(subcommand)]
    Bundle(BundleAction),
}

#[derive(Debug, Subcommand)]
pub enum BundleAction {
    /// Export subjects with their referrers (and the referrers of those) into a bundle. Exit 0 complete, 1
    /// partial (the bundle is written, marked partial) unless --allow-partial.
    Export(Box<BundleExportArgs>),
    /// Validate a bundle. Exit 0 valid, 1 invalid; each finding is printed by its kind.
    Validate(BundleValidateArgs),
}

#[derive(Debug, Args)]
pub struct BundleExportArgs {
    #[command(flatten)]
    pub conn: Connection,
    #[command(flatten)]
    pub subjects: Subjects,
    /// The bundle to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Exit 0 even when a subject could not be copied whole (the bundle still records it as partial).
    #[arg(long)]
    pub allow_partial: bool,
    /// Referrers of referrers are followed this many levels below each subject.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub max_depth: u64,
    /// Largest blob copied, in MiB.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_blob_mib: u64,
    /// `max_concurrent_discoveries`.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub max_concurrent: u64,
}

#[derive(Debug, Args)]
pub struct BundleValidateArgs {
    /// The bundle to validate.
    #[arg(long)]
    pub file: PathBuf,
    /// Also check every referrer file: its digest, its subject, the counts per subject.
    #[arg(long)]
    pub check_referrers: bool,
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TextOrJson {
    Text,
    Json,
}

/// The subjects of `discover` and `bundle export`: one repository, each subject by tag or digest (the command line's
/// order is kept: `main.rs` reads it from the matches).
#[derive(Debug, Args)]
pub struct Subjects {
    #[arg(long)]
    pub repository: String,
    /// A subject by tag (repeatable).
    #[arg(long = "tag", required_unless_present = "digest")]
    pub tag: Vec<String>,
    /// A subject by digest (repeatable).
    #[arg(long = "digest")]
    pub digest: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Connection {
    /// Registry URL (`OCI:RegistryUrl`); without a scheme, https is used.
    #[arg(long, env = "OCI__RegistryUrl")]
    pub registry: String,
    #[arg(long, requires = "password_source")]
    pub username: Option<String>,
    #[arg(long, group = "password_source", conflicts_with = "password_stdin")]
    pub password: Option<String>,
    /// Read the password from standard input.
    #[arg(long, group = "password_source")]
    pub password_stdin: bool,
    /// Use credentials from a Docker config.json (including credential helpers).
    #[arg(long, conflicts_with_all = ["username", "password", "password_stdin"])]
    pub docker_config: Option<PathBuf>,
    /// PEM file of extra CA certificates to trust.
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Accept invalid TLS certificates.
    #[arg(long)]
    pub insecure: bool,
    /// The whole time budget, in seconds (`timeout_seconds`).
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_seconds: u64,
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
    /// Write the Prometheus metrics here at exit.
    #[arg(long)]
    pub metrics_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub conn: Connection,
    /// Test repository (`OCI:TestRepository`).
    #[arg(long, env = "OCI__TestRepository", default_value = "library/alpine")]
    pub repository: String,
    /// Test tag (`OCI:TestTag`).
    #[arg(long, env = "OCI__TestTag", default_value = "latest")]
    pub tag: String,
    /// Run all four OCI checks (JSON: an array).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    #[command(flatten)]
    pub conn: Connection,
    #[command(flatten)]
    pub subjects: Subjects,
    /// Only referrers of this artifactType (repeatable).
    #[arg(long = "artifact-type")]
    pub artifact_type: Vec<String>,
    /// Fetch every referrer manifest and verify its digest and subject.
    #[arg(long)]
    pub verify: bool,
    /// `max_concurrent_discoveries`.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub max_concurrent: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MatrixFormat {
    Md,
    Json,
    Junit,
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    #[command(subcommand)]
    pub action: Option<MatrixAction>,
    #[arg(long, value_enum, default_value_t = MatrixFormat::Md)]
    pub format: MatrixFormat,
    /// Where to write (md defaults to docs/compatibility-matrix.md; json and junit to standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Compare the generated document with this committed one; exit 1 when it is out of date. Writes nothing.
    #[arg(long)]
    pub check: Option<PathBuf>,
    /// Run only the cells of shard I of N (1-based), e.g. `2/4`.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Only these profiles (repeatable).
    #[arg(long, global = true)]
    pub profile: Vec<String>,
    /// Only these scenarios (repeatable).
    #[arg(long, global = true)]
    pub scenario: Vec<String>,
    /// Cells run at once.
    #[arg(long, default_value_t = 8)]
    pub parallel: usize,
    /// Scenario folder.
    #[arg(long, global = true)]
    pub scenarios: Option<PathBuf>,
    /// Re-measure the real registries and write their results files (`<real-dir>/<row>.json`): the built-in rows
    /// (images/builtin-registries.toml: containers of the project's own images), plus every entry of
    /// `--real-config` files.
    #[arg(long)]
    pub real: bool,
    /// With --real: also measure the `[[image]]` and `[[live]]` entries of this config file (repeatable; format in
    /// images/real-registries.toml and images/live-registries.example.toml).
    #[arg(long, value_name = "FILE", requires = "real")]
    pub real_config: Vec<PathBuf>,
    /// With --real: measure only the rows of the --real-config files, not the built-in ones.
    #[arg(long, requires = "real_config")]
    pub no_builtin: bool,
    /// With --real: measure only this row (repeatable), e.g. `--row container-registry`.
    #[arg(long, value_name = "NAME", requires = "real")]
    pub row: Vec<String>,
    /// Folder of real-registry results files: --real writes them there, the document renders them from there.
    #[arg(long, value_name = "DIR", global = true)]
    pub real_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum MatrixAction {
    /// List the cell ids (`<profile>/<scenario>`) and whether each applies.
    List,
    /// Run one cell and print its verdict and every HTTP exchange (credentials redacted).
    Cell {
        /// `<profile>/<scenario>`.
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON results files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?}: expected I/N, e.g. 1/4"))?;
    let i: usize = i.parse().map_err(|_| format!("{i:?} is not a number"))?;
    let n: usize = n.parse().map_err(|_| format!("{n:?} is not a number"))?;
    if n == 0 || i == 0 || i > n {
        return Err(format!("shard {i}/{n}: need 1 <= I <= N"));
    }
    Ok((i, n))
}
