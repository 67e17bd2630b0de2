//! Tests of the harness itself: scenario validation, the results model, renderers, drift, and the CLI contract.

mod bundle;
mod cli_contract;
mod results;
mod scenario_files;
