//! The one place where the workbench changes a project's codebook and codings: each coding
//! [`Action`] becomes a command of the library's command layer (`fieldcode::coding`), applied in
//! one transaction and recorded for undo. The GUI never writes SQL.

use super::action::Action;
use super::workbench::Workbench;
use crate::error::{Error, Result};

/// Applies a coding action; returns the summary line to show. Until the command layer is
/// merged, coding changes are refused and nothing changes.
pub fn perform(wb: &mut Workbench, coder: &str, action: &Action) -> Result<String> {
    let _ = (wb, coder, action);
    Err(Error::invalid("coding needs the command layer, which is not in this build yet"))
}
