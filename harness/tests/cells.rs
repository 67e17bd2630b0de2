//! Every matrix cell as its own named test: `<profile>/<scenario>`.
//!
//! A cell that does not apply is reported as ignored (with the reason in its name's listing), never as passed.

use std::sync::Arc;

use harness::cell::CellStatus;
use harness::fake_target::FakeTarget;
use harness::runner;
use harness::scenario;
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let mut args = Arguments::from_args();
    // Most cells wait on the network or on timers (Retry-After, stalls), not the CPU: run more than the core count.
    if args.test_threads.is_none() {
        args.test_threads = Some(8);
    }
    let scenarios = match scenario::load_dir(&scenario::default_dir()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot load scenarios: {e}");
            std::process::exit(101);
        }
    };
    let scenarios: Vec<Arc<scenario::Scenario>> = scenarios.into_iter().map(Arc::new).collect();
    let cells = runner::all_cells(&FakeTarget::all(&fake_registry::Profile::all()), &scenarios);
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("tokio runtime"),
    );
    let trials = cells
        .into_iter()
        .map(|cell| {
            let applies = cell.applies();
            let rt = runtime.clone();
            Trial::test(cell.id(), move || {
                let r = rt.block_on(cell.run());
                match r.status {
                    CellStatus::Pass => Ok(()),
                    CellStatus::Skip => Ok(()),
                    CellStatus::Fail | CellStatus::Error => {
                        let mut msg = format!("{} {}\n", r.status.as_str(), r.id);
                        for why in &r.reasons {
                            msg.push_str(&format!("  reason: {why}\n"));
                        }
                        msg.push_str("  exchanges:\n");
                        for x in &r.exchanges {
                            msg.push_str(&format!(
                                "    [{}] {} {} -> {}{}\n",
                                x.host.as_str(),
                                x.method,
                                x.path,
                                x.status,
                                x.fault
                                    .as_ref()
                                    .map_or(String::new(), |f| format!(" fault={f}"))
                            ));
                        }
                        Err(Failed::from(msg))
                    }
                }
            })
            .with_ignored_flag(!applies)
            .with_kind(if applies { "" } else { "does-not-apply" })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
