//! The command line: `check`, `discover`, `matrix`, `merge`.
//!
//! Exit codes (a contract: scripts depend on it): 0 pass / discovery complete, 1 fail / discovery incomplete /
//! failing cells, 2 usage error, 3 warn, 4 info.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use referrers::check::{CheckConfig, CheckResult, Status};
use referrers::discovery::{Discoverer, DiscoveryOptions, DiscoveryResult, Subject, SubjectRef};
use referrers::telemetry::Metrics;
use referrers::{Credentials, RegistryConfig};

use crate::matrix::{self, RunResults, Target};
use crate::runner::{self, CellStatus};
use crate::scenario;

/// Exit code for a usage error.
pub const EXIT_USAGE: i32 = 2;

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
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TextOrJson {
    Text,
    Json,
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
    #[arg(long)]
    pub repository: String,
    /// A subject by tag (repeatable).
    #[arg(long = "tag", required_unless_present = "digest")]
    pub tag: Vec<String>,
    /// A subject by digest (repeatable).
    #[arg(long = "digest")]
    pub digest: Vec<String>,
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
    /// (Distribution 2.8.2 open and with htpasswd, ferro-oci-server; containers), plus every entry of
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

fn credentials(conn: &Connection) -> Result<Credentials, String> {
    if let Some(p) = &conn.docker_config {
        return Ok(Credentials::DockerConfig(p.clone()));
    }
    let password = if conn.password_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        Some(s.trim_end_matches(['\r', '\n']).to_string())
    } else {
        conn.password.clone()
    };
    Ok(match (&conn.username, password) {
        (Some(u), Some(p)) => Credentials::Basic {
            username: u.clone(),
            password: p,
        },
        (None, Some(_)) => return Err("--password needs --username".into()),
        _ => Credentials::Anonymous,
    })
}

fn registry_config(conn: &Connection) -> Result<RegistryConfig, String> {
    Ok(RegistryConfig {
        credentials: credentials(conn)?,
        ca_file: conn.ca_file.clone(),
        insecure: conn.insecure,
        timeout: Duration::from_secs(conn.timeout_seconds),
        ..RegistryConfig::new(conn.registry.clone())
    })
}

fn write_metrics(path: &Option<PathBuf>, m: &Metrics) -> Result<(), String> {
    if let Some(p) = path {
        std::fs::write(p, m.render_prometheus())
            .map_err(|e| format!("cannot write metrics to {}: {e}", p.display()))?;
    }
    Ok(())
}

fn status_exit(s: Status) -> i32 {
    match s {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Warn => 3,
        Status::Info => 4,
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Warn => "WARN",
        Status::Info => "INFO",
    }
}

fn print_check_text(r: &CheckResult) {
    println!("{} {}: {}", status_word(r.status), r.check_id, r.message);
    if let Some(obj) = r.evidence.as_object() {
        for (k, v) in obj {
            if k == "requests" {
                continue;
            }
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            println!("  {k}: {v}");
        }
        if let Some(reqs) = obj.get("requests").and_then(|r| r.as_array()) {
            println!("  requests:");
            for q in reqs {
                println!(
                    "    {} {} -> {} {} ({} ms)",
                    q["method"].as_str().unwrap_or(""),
                    q["path"].as_str().unwrap_or(""),
                    q["status"],
                    q["content_type"].as_str().unwrap_or(""),
                    q["duration_ms"]
                );
            }
        }
    }
    if !r.remediation.is_empty() && r.status != Status::Pass {
        println!("  remediation:");
        for line in &r.remediation {
            println!("    - {line}");
        }
    }
}

/// `harness check`.
pub async fn check(args: CheckArgs) -> i32 {
    let registry = match registry_config(&args.conn) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let cfg = CheckConfig {
        registry,
        repository: args.repository.clone(),
        tag: args.tag.clone(),
    };
    let metrics = Metrics::default();
    let results = if args.all {
        referrers::check::all_checks(&cfg, &metrics).await
    } else {
        vec![referrers::check::referrers_check(&cfg, &metrics).await]
    };
    match args.conn.format {
        TextOrJson::Json if args.all => {
            println!(
                "{}",
                serde_json::to_string_pretty(&results).unwrap_or_default()
            )
        }
        TextOrJson::Json => println!(
            "{}",
            serde_json::to_string_pretty(&results[0]).unwrap_or_default()
        ),
        TextOrJson::Text => {
            for r in &results {
                print_check_text(r);
            }
        }
    }
    if let Err(e) = write_metrics(&args.conn.metrics_out, &metrics) {
        eprintln!("error: {e}");
    }
    let worst = results
        .iter()
        .map(|r| r.status)
        .fold(Status::Pass, |acc, s| {
            let rank = |s: Status| match s {
                Status::Pass => 0,
                Status::Info => 1,
                Status::Warn => 2,
                Status::Fail => 3,
            };
            if rank(s) > rank(acc) { s } else { acc }
        });
    status_exit(worst)
}

fn print_discovery_text(d: &DiscoveryResult) {
    let state = if d.complete { "COMPLETE" } else { "INCOMPLETE" };
    println!(
        "{state} {}@{}: {} referrer(s) via {} ({} requests, {} ms)",
        d.repository,
        if d.subject.is_empty() {
            "?"
        } else {
            &d.subject
        },
        d.referrers.len(),
        d.method.as_str(),
        d.request_count,
        d.duration_ms
    );
    for r in &d.referrers {
        println!(
            "  {} {} {} {}B [{}]",
            r.digest,
            r.artifact_type.as_deref().unwrap_or("-"),
            r.media_type,
            r.size,
            r.source
        );
    }
    for e in &d.errors {
        match &e.digest {
            Some(dg) => println!("  error {} ({dg}): {}", e.kind, e.message),
            None => println!("  error {}: {}", e.kind, e.message),
        }
    }
    for n in &d.notes {
        println!("  note: {n}");
    }
}

/// `harness discover`. `order` lists the subjects in command-line order.
pub async fn discover(args: DiscoverArgs, order: Vec<SubjectRef>) -> i32 {
    let registry = match registry_config(&args.conn) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let opts = DiscoveryOptions {
        artifact_types: args.artifact_type.clone(),
        verify: args.verify,
        max_concurrent: args.max_concurrent as usize,
        timeout: Duration::from_secs(args.conn.timeout_seconds),
        // `--timeout-seconds` is the whole budget, also across several subjects.
        batch_timeout: Some(Duration::from_secs(args.conn.timeout_seconds)),
        ..DiscoveryOptions::default()
    };
    let metrics = Metrics::default();
    let discoverer = match Discoverer::new(registry, opts, metrics.clone()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let subjects: Vec<Subject> = order
        .into_iter()
        .map(|reference| Subject {
            repository: args.repository.clone(),
            reference,
        })
        .collect();
    let results = if subjects.len() == 1 {
        vec![discoverer.discover(&subjects[0]).await]
    } else {
        discoverer.discover_many(&subjects).await
    };
    match args.conn.format {
        TextOrJson::Json if results.len() == 1 => println!(
            "{}",
            serde_json::to_string_pretty(&results[0]).unwrap_or_default()
        ),
        TextOrJson::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&results).unwrap_or_default()
            )
        }
        TextOrJson::Text => {
            for d in &results {
                print_discovery_text(d);
            }
        }
    }
    if let Err(e) = write_metrics(&args.conn.metrics_out, &metrics) {
        eprintln!("error: {e}");
    }
    if results.iter().all(|d| d.complete) {
        0
    } else {
        1
    }
}

/// `harness merge`.
pub fn merge(args: MergeArgs) -> i32 {
    let mut files = Vec::new();
    for f in &args.files {
        match RunResults::read(f) {
            Ok(r) => files.push((f.display().to_string(), r)),
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
    }
    match RunResults::merge(&files) {
        Ok(r) => {
            if let Err(e) = std::fs::write(&args.out, matrix::render_json(&r)) {
                eprintln!("error: cannot write {}: {e}", args.out.display());
                return 1;
            }
            eprintln!("merged {} cells into {}", r.cells.len(), args.out.display());
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// `harness matrix`.
pub async fn matrix_cmd(args: MatrixArgs) -> i32 {
    let dir = args.scenarios.clone().unwrap_or_else(scenario::default_dir);
    let scenarios = match scenario::load_dir(&dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let all_profiles = fake_registry::Profile::all();
    for p in &args.profile {
        if fake_registry::Profile::by_name(p).is_none() {
            eprintln!(
                "error: --profile {p:?}: no such profile (see `fake-registry --list-profiles`)"
            );
            return EXIT_USAGE;
        }
    }
    for s in &args.scenario {
        if !scenarios.iter().any(|x| &x.id == s) {
            eprintln!(
                "error: --scenario {s:?}: no such scenario in {}",
                dir.display()
            );
            return EXIT_USAGE;
        }
    }
    let profiles: Vec<_> = all_profiles
        .iter()
        .filter(|p| args.profile.is_empty() || args.profile.iter().any(|x| x == p.name()))
        .cloned()
        .collect();
    let selected: Vec<Arc<scenario::Scenario>> = scenarios
        .iter()
        .filter(|s| args.scenario.is_empty() || args.scenario.contains(&s.id))
        .cloned()
        .map(Arc::new)
        .collect();
    let mut cells = runner::all_cells(&profiles, &selected);

    match &args.action {
        Some(MatrixAction::List) => {
            for c in &cells {
                let applies = if c.scenario.applies_to(&c.profile) {
                    "applies"
                } else {
                    "skip"
                };
                println!("{}\t{applies}", c.id());
            }
            return 0;
        }
        Some(MatrixAction::Cell { id }) => {
            let Some(cell) = cells.iter().find(|c| &c.id() == id) else {
                eprintln!("error: no cell {id:?} (see `harness matrix list`)");
                return EXIT_USAGE;
            };
            let r = runner::run_cell(cell).await;
            println!("{} {}", r.status.as_str().to_uppercase(), r.id);
            for why in &r.reasons {
                println!("  reason: {why}");
            }
            println!(
                "  observed: {}",
                serde_json::to_string(&r.observed).unwrap_or_default()
            );
            println!("  exchanges ({}):", r.exchanges.len());
            for x in &r.exchanges {
                println!(
                    "    [{}] {} {} -> {}{}{}",
                    x.host,
                    x.method,
                    x.path,
                    x.status,
                    if x.authorization {
                        " (Authorization: [redacted])"
                    } else {
                        ""
                    },
                    x.fault
                        .as_ref()
                        .map_or(String::new(), |f| format!(" fault={f}"))
                );
                for (k, v) in &x.headers {
                    println!("        {k}: {v}");
                }
            }
            return if r.status == CellStatus::Pass || r.status == CellStatus::Skip {
                0
            } else {
                1
            };
        }
        None => {}
    }

    let real_dir = args
        .real_dir
        .clone()
        .unwrap_or_else(matrix::real_results_dir);
    if args.real {
        return measure_real_rows(&selected, &args.real_config, args.no_builtin, &real_dir).await;
    }

    if let Some((i, n)) = args.shard {
        cells = cells
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % n == i - 1)
            .map(|(_, c)| c)
            .collect();
    }
    let total = cells.len() as u64;
    let show_bar = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let bar = if show_bar {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} cells {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let bar2 = bar.clone();
    let started = std::time::Instant::now();
    let results = runner::run_cells(cells, args.parallel, move |r| {
        if let Some(b) = &bar2 {
            b.inc(1);
            if matches!(r.status, CellStatus::Fail | CellStatus::Error) {
                b.println(format!("{} {}", r.status.as_str(), r.id));
            }
        }
    })
    .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let elapsed = started.elapsed();
    let shard = args.shard.map(|(i, n)| format!("{i}/{n}"));
    let run = RunResults::new(matrix::model::provenance_now(shard), Target::Fake, results);
    let counts = run.counts();
    let n = |s| counts.get(&s).copied().unwrap_or(0);
    eprintln!(
        "{} cells in {:.1} s: {} pass, {} fail, {} error, {} skip",
        run.cells.len(),
        elapsed.as_secs_f64(),
        n(CellStatus::Pass),
        n(CellStatus::Fail),
        n(CellStatus::Error),
        n(CellStatus::Skip)
    );
    for c in run
        .cells
        .iter()
        .filter(|c| matches!(c.status, CellStatus::Fail | CellStatus::Error))
    {
        eprintln!("  {} {}: {}", c.status.as_str(), c.id, c.reasons.join("; "));
    }
    let failed = n(CellStatus::Fail) + n(CellStatus::Error) > 0;

    let text = match args.format {
        MatrixFormat::Json => matrix::render_json(&run),
        MatrixFormat::Junit => matrix::render_junit(&run),
        MatrixFormat::Md => {
            let real = match matrix::read_real_results(&real_dir) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return 1;
                }
            };
            let shown: Vec<scenario::Scenario> = selected.iter().map(|s| (**s).clone()).collect();
            matrix::markdown::render(&run, &real, &profiles, &shown)
        }
    };
    if let Some(committed) = &args.check {
        let old = match std::fs::read_to_string(committed) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", committed.display());
                return 1;
            }
        };
        if let Some(diff) = matrix::describe_drift(&old, &text) {
            eprintln!(
                "{} is out of date; regenerate it with `cargo run --release -p harness -- matrix`:\n{diff}",
                committed.display()
            );
            return 1;
        }
        eprintln!("{} is up to date", committed.display());
        return i32::from(failed);
    }
    let out = match (&args.out, args.format) {
        (Some(p), _) => Some(p.clone()),
        (None, MatrixFormat::Md) => Some(matrix::document_path()),
        (None, _) => None,
    };
    match out {
        Some(p) => {
            if let Some(parent) = p.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            if let Err(e) = std::fs::write(&p, &text) {
                eprintln!("error: cannot write {}: {e}", p.display());
                return 1;
            }
            eprintln!("wrote {}", p.display());
        }
        None => print!("{text}"),
    }
    i32::from(failed)
}

/// `matrix --real`: re-measures the real rows (built-in and from config files) and writes `<dir>/<row>.json`.
/// Exit 0 when every row was measured without a failing cell, 1 on a failing cell or a row that could not run,
/// 2 on a bad config file.
async fn measure_real_rows(
    scenarios: &[Arc<scenario::Scenario>],
    configs: &[PathBuf],
    no_builtin: bool,
    dir: &std::path::Path,
) -> i32 {
    let mut targets = if no_builtin {
        Vec::new()
    } else {
        crate::real::RealTarget::builtin()
    };
    let docker_config = crate::real::config::user_docker_config();
    for path in configs {
        let loaded = crate::real::RealRegistriesConfig::load(path)
            .map_err(crate::real::TargetError::from)
            .and_then(|c| {
                crate::real::RealTarget::from_config(
                    &c,
                    |k| std::env::var(k).ok(),
                    docker_config.as_deref(),
                )
            });
        match loaded {
            Ok(t) => targets.extend(t),
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return 2;
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(t) = targets.iter().find(|t| !seen.insert(t.name.clone())) {
        eprintln!(
            "error: two real rows are named `{}` (a config entry may not reuse a built-in row's name)",
            t.name
        );
        return 2;
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return 1;
    }
    let run_id = crate::real::target::run_id();
    let mut failed = false;
    for target in &targets {
        eprintln!("measuring {} ...", target.title);
        match crate::real_rows::measure(target, scenarios, &run_id).await {
            Ok(r) => {
                let (pass, bad, skip) = crate::real_rows::summary(&r);
                eprintln!("  {pass} pass, {bad} fail/error, {skip} skip");
                for c in r
                    .cells
                    .iter()
                    .filter(|c| matches!(c.status, CellStatus::Fail | CellStatus::Error))
                {
                    eprintln!("  {} {}: {}", c.status.as_str(), c.id, c.reasons.join("; "));
                }
                failed |= bad > 0;
                let path = dir.join(format!("{}.json", target.name));
                if let Err(e) = std::fs::write(&path, matrix::render_json(&r)) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return 1;
                }
                eprintln!("  wrote {}", path.display());
            }
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    eprintln!("run `cargo run --release -p harness -- matrix` to render them into the document");
    i32::from(failed)
}
