//! The integration tests: one binary, one module per area. `util` runs the real `fieldcode` binary.
#![allow(dead_code)]

mod util;

mod import_cli;
mod store_open;
#[cfg(feature = "gui")]
mod gui_flows;
