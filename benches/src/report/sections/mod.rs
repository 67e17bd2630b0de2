//! The document, one function per section in the order they appear. The verdicts gathered on the way replace the
//! placeholder of the targets section once every section is written.
//!
//! - `frame`: title, machine and how to reproduce (nothing measured); `verdicts`: the targets section.
//! - `findings`: what profiling found, what was fixed, what remains (prose).
//! - `latency`: discovery of one subject, every bench id; `paired`: the interleaved ratios; `requests`: the
//!   requests each client sent.
//! - `scale`: the 1,000-subject run; `memory`: its peak memory.
//! - `throughput`: registry throughput; `callgrind`: instructions per warm discovery.
//! - `measured`: the paths and one client's measured discoveries, which several sections read.

mod callgrind;
mod findings;
mod frame;
mod latency;
mod measured;
mod memory;
mod paired;
mod requests;
mod scale;
mod throughput;
mod verdicts;

use super::inputs::Inputs;
use verdicts::Verdicts;

/// The whole document.
pub(super) fn document(inputs: &Inputs, machine: &str, command: &str) -> String {
    let mut out = String::new();
    let mut verdicts = Verdicts::default();
    let w = &mut out;
    frame::title(w, command);
    frame::machine(w, machine);
    verdicts::placeholder(w);
    findings::section(w);
    latency::section(w, inputs, &mut verdicts);
    paired::section(w, inputs.paired.as_ref());
    requests::section(w, inputs);
    scale::section(w, inputs, &mut verdicts);
    memory::section(w, inputs.scale_mem.as_ref());
    throughput::section(w, inputs, &mut verdicts);
    callgrind::section(w, inputs.callgrind.as_ref());
    frame::reproduce(w);
    verdicts.fill(out)
}
