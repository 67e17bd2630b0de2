//! `harness`: the command line of the project (`check`, `discover`, `matrix`, `merge`, `bundle`).

use clap::{CommandFactory, FromArgMatches};
use harness::cli::{self, Cli, Command};
use referrers::discovery::SubjectRef;

fn main() {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() { cli::EXIT_USAGE } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let parsed = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            std::process::exit(cli::EXIT_USAGE);
        }
    };
    // The matrix runs hundreds of discoveries: their per-registry log lines would drown its summary.
    let default_level = if matches!(parsed.command, Command::Matrix(_)) {
        "error"
    } else {
        "info"
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(async move {
        match parsed.command {
            Command::Check(a) => cli::check(a).await,
            Command::Discover(a) => {
                let order = subject_order(&matches);
                cli::discover(a, order).await
            }
            Command::Matrix(a) => cli::matrix_cmd(a).await,
            Command::Merge(a) => cli::merge(a),
            Command::Bundle(a) => {
                let order = subject_order(&matches);
                cli::bundle_cmd(a, order).await
            }
        }
    });
    std::process::exit(cli::exit_code(result));
}

/// The `--tag` and `--digest` subjects in the order they were given on the command line.
fn subject_order(matches: &clap::ArgMatches) -> Vec<SubjectRef> {
    let Some(m) = matches.subcommand_matches("discover").or_else(|| {
        matches
            .subcommand_matches("bundle")
            .and_then(|b| b.subcommand_matches("export"))
    }) else {
        return Vec::new();
    };
    let mut all: Vec<(usize, SubjectRef)> = Vec::new();
    for (id, make) in [
        ("tag", SubjectRef::Tag as fn(String) -> SubjectRef),
        ("digest", SubjectRef::Digest as fn(String) -> SubjectRef),
    ] {
        if let (Some(values), Some(idx)) = (m.get_many::<String>(id), m.indices_of(id)) {
            for (v, i) in values.zip(idx) {
                all.push((i, make(v.clone())));
            }
        }
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, s)| s).collect()
}
