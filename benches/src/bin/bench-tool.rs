//! `bench-tool`: the measurements that need their own process, and the report.
//!
//! ```text
//! bench-tool serve <fixture>                     serve a fixture; print one JSON line (url, digests, warm requests)
//! bench-tool warm-loop <url> <repo> <digest> <ours|floor|floor-reqwest|oci-client> <n> [replay.json [token|open]]
//! bench-tool scale-mem                           peak memory of the 1,000-subject run (fake in a child process)
//! bench-tool callgrind [n1 n2]                   instructions per warm discovery under valgrind
//! bench-tool paired [rounds per-round]            interleaved ratios of ours to every reference (paired.json)
//! bench-tool load <url> <replay.json> <conns> <requests>   closed-loop load: requests/s of the first request
//! bench-tool machine                             describe this machine (machine.json)
//! bench-tool report [out.md]                     write docs/benchmarks.md from the report dir
//! ```
//! Results go to the report dir (`$BENCH_REPORT_DIR`, else `<target dir>/bench-report`).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Instant;

use benches::fixture::{self, Fixture, Kind};
use benches::floor::{self, FloorConn, ReplayRequest};
use benches::report::{Callgrind, CallgrindRow, ScaleMem};
use benches::{peer, procfs, record};
use serde::{Deserialize, Serialize};

/// What `serve` prints.
#[derive(Debug, Serialize, Deserialize)]
struct Served {
    url: String,
    repository: String,
    digests: Vec<String>,
    expected_referrers: usize,
    warm_requests: Vec<ReplayRequest>,
}

fn rt_current() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn serve(kind: Kind) -> Result<(), String> {
    let fx = Fixture::start(kind);
    let rt = rt_current();
    let d = fixture::discoverer(&fx.url(), kind);
    let subject = fx.subject();
    rt.block_on(d.discover(&subject));
    fx.registry.clear_log();
    let r = rt.block_on(d.discover(&subject));
    if !r.complete {
        return Err(format!("warm discovery incomplete: {:?}", r.errors));
    }
    let served = Served {
        url: fx.url(),
        repository: fx.repository.clone(),
        digests: fx.digests.clone(),
        expected_referrers: fx.expected_referrers,
        warm_requests: floor::from_log(&fx.registry.request_log()),
    };
    fx.registry.clear_log();
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &served).map_err(|e| e.to_string())?;
    writeln!(out)
        .and_then(|_| out.flush())
        .map_err(|e| e.to_string())?;
    drop(out);
    // Serve until stdin closes (the parent ends us).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    Ok(())
}

/// A `serve` child and what it printed.
struct ServeChild {
    child: Child,
    served: Served,
}

impl Drop for ServeChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_serve(kind: Kind) -> Result<ServeChild, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args(["serve", kind.name()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("spawning serve: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let served: Served =
        serde_json::from_str(&line).map_err(|e| format!("serve printed {line:?}: {e}"))?;
    Ok(ServeChild { child, served })
}

/// The requests of a replay file (`serve`'s `warm_requests`, as written by `callgrind`).
fn read_replay(path: &str) -> Result<Vec<ReplayRequest>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{path}: {e}"))
}

fn warm_loop(args: &[String]) -> Result<(), String> {
    let [url, repo, digest, client, n, rest @ ..] = args else {
        return Err(
            "warm-loop <url> <repo> <digest> <ours|floor|floor-reqwest|oci-client> <n> [replay.json [token|open]]".into(),
        );
    };
    let n: u64 = n.parse().map_err(|_| "n is a number")?;
    let rt = rt_current();
    let mut found = 0usize;
    match client.as_str() {
        "ours" => {
            let d = fixture::discoverer(url, Kind::Api);
            let s = referrers::discovery::Subject::digest(repo, digest);
            rt.block_on(async {
                d.discover(&s).await;
                for _ in 0..n {
                    found += d.discover(&s).await.referrers.len();
                }
            });
        }
        "floor" => {
            let reqs = read_replay(rest.first().ok_or("floor needs the replay file")?)?;
            rt.block_on(async {
                let mut c = FloorConn::connect(floor::addr_of(url))
                    .await
                    .map_err(|e| e.to_string())?;
                c.replay(&reqs).await.map_err(|e| e.to_string())?;
                for _ in 0..n {
                    found += c.replay(&reqs).await.map_err(|e| e.to_string())?;
                }
                Ok::<(), String>(())
            })?;
        }
        "floor-reqwest" => {
            let reqs = read_replay(rest.first().ok_or("floor-reqwest needs the replay file")?)?;
            let c = floor::ReqwestFloor::new(url);
            rt.block_on(async {
                c.replay(&reqs).await?;
                for _ in 0..n {
                    found += c.replay(&reqs).await?;
                }
                Ok::<(), String>(())
            })?;
        }
        "oci-client" => {
            let c = peer::client();
            let r = peer::reference(url, repo, digest);
            let token = rest.get(1).is_some_and(|t| t == "token");
            rt.block_on(async {
                if token {
                    let _ = peer::login(&c, &r).await;
                }
                let _ = peer::pull(&c, &r).await;
                for _ in 0..n {
                    found += peer::pull(&c, &r).await.map(|s| s.len()).unwrap_or(0);
                }
            });
        }
        other => return Err(format!("unknown client {other}")),
    }
    println!("{found}");
    Ok(())
}

fn load(args: &[String]) -> Result<(), String> {
    let [url, replay, conns, total, ..] = args else {
        return Err("load <url> <replay.json> <conns> <requests>".into());
    };
    let reqs = read_replay(replay)?;
    let req = reqs.into_iter().next().ok_or("empty replay file")?;
    let conns: usize = conns.parse().map_err(|_| "conns is a number")?;
    let total: u64 = total.parse().map_err(|_| "requests is a number")?;
    let rt = rt_current();
    rt.block_on(async {
        let mut l = benches::load::Load::open(floor::addr_of(url), conns, req, 200).await?;
        l.run(total / 10).await?;
        let took = l.run(total).await?;
        println!(
            "{total} requests over {conns} connections in {:.3} s: {:.0} requests/s",
            took.as_secs_f64(),
            total as f64 / took.as_secs_f64()
        );
        Ok(())
    })
}

fn write_json(name: &str, v: &impl Serialize) -> Result<PathBuf, String> {
    let dir = record::report_dir();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).map_err(|e| e.to_string())?)
        .map_err(|e| format!("{}: {e}", p.display()))?;
    Ok(p)
}

fn scale_mem() -> Result<(), String> {
    let child = spawn_serve(Kind::Scale)?;
    let s = &child.served;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let d = fixture::discoverer(&s.url, Kind::Scale);
    let subjects: Vec<_> = s
        .digests
        .iter()
        .map(|dg| referrers::discovery::Subject::digest(&s.repository, dg))
        .collect();
    let before = procfs::peak_rss_kb().unwrap_or(0);
    let t = Instant::now();
    let first = rt.block_on(d.discover_many(&subjects));
    let first_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let second = rt.block_on(d.discover_many(&subjects));
    let second_ms = t.elapsed().as_secs_f64() * 1e3;
    let m = ScaleMem {
        subjects: subjects.len(),
        referrers: second.iter().map(|r| r.referrers.len()).sum(),
        complete: first.iter().chain(&second).all(|r| r.complete),
        peak_before_kb: before,
        peak_after_kb: procfs::peak_rss_kb().unwrap_or(0),
        rss_after_kb: procfs::rss_kb().unwrap_or(0),
        first_run_ms: first_ms,
        second_run_ms: second_ms,
    };
    let p = write_json("scale-mem.json", &m)?;
    println!(
        "{}\n-> {}",
        serde_json::to_string(&m).unwrap_or_default(),
        p.display()
    );
    Ok(())
}

fn callgrind_total(path: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("{}: no totals line", path.display()))
}

fn callgrind(args: &[String]) -> Result<(), String> {
    let n1: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(20);
    let n2: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(220);
    let version = Command::new("valgrind").arg("--version").output();
    let version = match version {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => {
            let cg = Callgrind {
                skipped: Some("valgrind not installed".into()),
                ..Callgrind::default()
            };
            write_json("callgrind.json", &cg)?;
            println!("callgrind: skipped: valgrind not installed");
            return Ok(());
        }
    };
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let tmp = record::report_dir().join("callgrind");
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for kind in Kind::PATHS.into_iter().chain([Kind::Paging]) {
        // A paging discovery costs ~70 api discoveries: fewer of them give as many instructions to count.
        let (n1, n2) = if kind == Kind::Paging {
            ((n1 / 20).max(1), (n2 / 20).max(2))
        } else {
            (n1, n2)
        };
        let child = spawn_serve(kind)?;
        let s = &child.served;
        let replay = tmp.join(format!("{}-replay.json", kind.name()));
        std::fs::write(
            &replay,
            serde_json::to_vec(&s.warm_requests).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        let clients: &[&str] = if kind == Kind::Paging {
            // oci-client reads one page of ten: not the same work.
            &["ours", "floor", "floor-reqwest"]
        } else {
            &["ours", "floor", "floor-reqwest", "oci-client"]
        };
        for &client in clients {
            let mut ir = [0u64; 2];
            for (i, n) in [n1, n2].into_iter().enumerate() {
                let out = tmp.join(format!("{}-{client}-{n}.out", kind.name()));
                let o = Command::new("valgrind")
                    .arg("--tool=callgrind")
                    .arg(format!("--callgrind-out-file={}", out.display()))
                    .arg(&exe)
                    .args(["warm-loop", &s.url, &s.repository, &s.digests[0], client])
                    .arg(n.to_string())
                    .arg(&replay)
                    .arg(if kind.needs_token() { "token" } else { "open" })
                    .stdin(Stdio::null())
                    .output()
                    .map_err(|e| format!("valgrind: {e}"))?;
                if !o.status.success() {
                    return Err(format!(
                        "valgrind {} {client} {n}: {}",
                        kind.name(),
                        String::from_utf8_lossy(&o.stderr)
                    ));
                }
                ir[i] = callgrind_total(&out)?;
            }
            let per = ir[1].saturating_sub(ir[0]) / (n2 - n1).max(1);
            println!(
                "callgrind {} {client}: {per} instructions per warm discovery",
                kind.name()
            );
            rows.push(CallgrindRow {
                path: kind.name().into(),
                client: client.into(),
                n: (n1, n2),
                ir: (ir[0], ir[1]),
                per_discovery: per,
            });
        }
    }
    let p = write_json(
        "callgrind.json",
        &Callgrind {
            rows,
            skipped: None,
            valgrind: Some(version),
        },
    )?;
    println!("-> {}", p.display());
    Ok(())
}

fn paired(args: &[String]) -> Result<(), String> {
    let rounds: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(51);
    let per_round: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(25);
    let p = benches::paired::measure_all(rounds, per_round);
    for r in &p.rows {
        println!(
            "paired {} ours ÷ {}: {:.3}× (95% CI {:.3}–{:.3})",
            r.path, r.against, r.median, r.ci95.0, r.ci95.1
        );
    }
    let path = write_json("paired.json", &p)?;
    println!("-> {}", path.display());
    Ok(())
}

fn sh(cmd: &str, args: &[&str]) -> Option<String> {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// A Markdown list describing this machine, saved as machine.md in the report dir (taken when the benches run).
fn machine() -> Result<(), String> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|kb| format!("{:.1} GiB", kb as f64 / 1048576.0))
        .unwrap_or_else(|| "unknown".into());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let kernel = sh("uname", &["-sr"]).unwrap_or_default();
    let rustc = sh("rustc", &["-V"]).unwrap_or_default();
    let date = sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    let text = format!(
        "- CPU: {cpu}, {cores} cores available to the process (shared with other jobs)\n- memory: {mem}\n\
         - kernel: {kernel}\n- {rustc}, release profile (`cargo bench`)\n- load average when the run began: {load}\n\
         - date: {date}"
    );
    let dir = record::report_dir();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("machine.md"), &text).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

fn report(args: &[String]) -> Result<(), String> {
    let out = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/benchmarks.md"));
    let dir = record::report_dir();
    let machine = std::fs::read_to_string(dir.join("machine.md"))
        .unwrap_or_else(|_| "(not recorded: run `bench-tool machine` before the benches)".into());
    let text = benches::report::render(&dir, &machine, "bash benches/run.sh");
    std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("wrote {}", out.display());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args.first().map(String::as_str) {
        Some("serve") => match args.get(1).and_then(|k| Kind::parse(k)) {
            Some(k) => serve(k),
            None => Err("serve <api|tag-schema|cosign|paging|scale>".into()),
        },
        Some("warm-loop") => warm_loop(&args[1..]),
        Some("scale-mem") => scale_mem(),
        Some("callgrind") => callgrind(&args[1..]),
        Some("paired") => paired(&args[1..]),
        Some("machine") => machine(),
        Some("load") => load(&args[1..]),
        Some("report") => report(&args[1..]),
        _ => Err("usage: bench-tool serve|warm-loop|scale-mem|callgrind|paired|machine|report (see the source's docs)".into()),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-tool: {e}");
            ExitCode::FAILURE
        }
    }
}
