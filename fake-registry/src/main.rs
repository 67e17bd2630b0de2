//! `fake-registry`: serve an in-memory OCI registry with a vendor profile until SIGINT/SIGTERM.
//!
//! First stdout line: `listening on http://HOST:PORT` (or `https://`); with `--tls` the second line is
//! `ca-file <path>`; then `other-host http://127.0.0.2:PORT`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use fake_registry::{FakeRegistry, FaultFile, Profile};

#[derive(Debug, Parser)]
#[command(
    name = "fake-registry",
    version,
    about = "In-memory OCI 1.1 registry with vendor profiles and fault injection"
)]
struct Cli {
    /// Profile name (see --list-profiles).
    #[arg(long, default_value = "oci-1.1")]
    profile: String,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: SocketAddr,
    /// Preload content: `demo` (library/alpine:latest with an SBOM, a signature and an attestation), or a TOML
    /// file with a `[seed]` table (a scenario file works).
    #[arg(long)]
    seed: Option<String>,
    /// Require these credentials (USER:PASS).
    #[arg(long)]
    credentials: Option<String>,
    /// Fault rules, a TOML file with `[[faults]]` entries (a scenario file works).
    #[arg(long)]
    faults: Option<PathBuf>,
    /// Serve HTTPS with a self-signed CA made at start (its PEM path is printed on line 2).
    #[arg(long)]
    tls: bool,
    /// Where to write the CA PEM with --tls (default: a file in the temp dir).
    #[arg(long)]
    ca_out: Option<PathBuf>,
    /// Referrers page size where the profile pages.
    #[arg(long)]
    page_size: Option<usize>,
    /// Print `NAME<TAB>summary` for every profile and exit.
    #[arg(long)]
    list_profiles: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.list_profiles {
        let mut out = std::io::stdout().lock();
        for p in Profile::all() {
            let _ = writeln!(out, "{}\t{}", p.name(), p.summary());
        }
        return ExitCode::SUCCESS;
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fake-registry: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let profile = Profile::by_name(&cli.profile)
        .ok_or_else(|| format!("unknown profile `{}` (try --list-profiles)", cli.profile))?;
    let mut b = FakeRegistry::builder()
        .profile(profile)
        .addr(cli.addr)
        .tls(cli.tls);
    match cli.seed.as_deref() {
        None => {}
        Some("demo") => b = b.seed_demo(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--seed {path}: expected `demo` or a TOML file: {e}"))?;
            let spec =
                fake_registry::SeedSpec::from_toml(&text).map_err(|e| format!("{path}: {e}"))?;
            b = b.seed(spec);
        }
    }
    if let Some(c) = &cli.credentials {
        let (u, p) = c.split_once(':').ok_or("--credentials must be USER:PASS")?;
        b = b.credentials(u, p);
    }
    if let Some(path) = &cli.faults {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        let f = FaultFile::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        b = b.faults(f.faults);
    }
    if let Some(n) = cli.page_size {
        b = b.page_size(n);
    }
    if let Some(p) = cli.ca_out {
        b = b.ca_file(p);
    }
    let reg = b.start().map_err(|e| e.to_string())?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", reg.base_url());
        if let Some(p) = reg.ca_pem_path() {
            let _ = writeln!(out, "ca-file {}", p.display());
        }
        let _ = writeln!(out, "other-host {}", reg.other_host_url());
        let _ = writeln!(out, "profile {}", reg.profile().name());
        let _ = out.flush();
    }
    wait_for_signal()?;
    drop(reg);
    Ok(())
}

fn wait_for_signal() -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term.recv() => {},
            }
            Ok(())
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.map_err(|e| e.to_string())
        }
    })
}
