//! `fieldcode merge`: bringing a team member's project into this one.
//!
//! Documents match by GUID, then by the hash of their text; when the two copies of a document
//! were edited differently, the colleague's codings are carried onto this text through a diff
//! ([`realign`]) and those whose words changed are reported; codes by GUID then by path (missing codes are
//! created with their GUID under the matched parent), coders by name, participants by label,
//! codings and memos by GUID, comments by their exact content, attribute values by owner and
//! attribute name (a value this project lacks is added; a different one is a conflict). A team member's codings keep their
//! coder, so agreement can compare them afterwards. Conflicts (a code renamed differently, a
//! document this project lacks, a span that does not fit) are reported, never guessed at.
//! Everything happens in one transaction recorded in `merge_source` and, as one
//! `merge-project` entry, in the command history, so `fieldcode undo` takes the whole merge back
//! (and `redo` brings it back). Running the same merge again adds nothing.

pub mod apply;
pub mod realign;
pub mod report;
pub mod source;
mod values;

use std::path::Path;

use serde_json::json;

use crate::coding::{Bulk, Mode, record};
use crate::error::{Error, Result};
use crate::store::{Project, now_utc};

pub use report::{AttributeConflict, BadSpan, ChangedCoding, CodeConflict, MergeReport, MissingDocument};

/// How to merge.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Work everything out, report it, and roll back.
    pub dry_run: bool,
    /// Who merges, recorded in the history.
    pub actor: String,
}

/// Merges the project at `other` into `project` in one transaction.
pub fn merge(project: &mut Project, other: &Path, options: &MergeOptions) -> Result<MergeReport> {
    refuse_self(project, other)?;
    let source = {
        let theirs = Project::open_to_read(other)?;
        crate::store::check_integrity(&theirs)?;
        let guid = theirs.info("guid")?.unwrap_or_default();
        source::read(theirs.conn(), guid)?
    };
    let mut report = MergeReport {
        source: other.display().to_string(),
        source_guid: source.guid.clone(),
        dry_run: options.dry_run,
        ..MergeReport::default()
    };
    if !options.dry_run {
        crate::store::backup::take(project, "before-merge")?;
    }
    let entry = Bulk::MergeProject { source: report.source.clone(), source_guid: source.guid.clone() };
    let mode = if options.dry_run { Mode::DryRun } else { Mode::Commit };
    let written = record(project, &options.actor, &entry, mode, |rec| {
        report.previous_merges =
            rec.conn().query_row("SELECT count(*) FROM merge_source WHERE project_guid = ?1", [&source.guid], |r| {
                r.get::<_, i64>(0)
            })? as usize;
        let created = apply::apply(rec, &source, &mut report)?;
        let summary = json!({ "source": report.source, "report": report, "created": created });
        rec.conn().execute(
            "INSERT INTO merge_source (project_guid, merged_at, summary) VALUES (?1, ?2, ?3)",
            rusqlite::params![source.guid, now_utc(), summary.to_string()],
        )?;
        Ok((summary_line(&report), ()))
    })?;
    report.history_id = written.history_id;
    Ok(report)
}

/// The one line the history shows for a merge.
fn summary_line(report: &MergeReport) -> String {
    format!(
        "merged {}: {} codings, {} new codes, {} memos, {} comments, {} attribute values",
        report.source,
        report.codings_added,
        report.codes_created.len(),
        report.memos_added,
        report.comments_added,
        report.attribute_values_added
    )
}

/// Merging a file into itself would only confuse; copies of a project (same GUID) are fine and
/// are the usual way a team starts.
fn refuse_self(project: &Project, other: &Path) -> Result<()> {
    let here = std::fs::canonicalize(project.path()).ok();
    let there = std::fs::canonicalize(other).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::Missing { path: other.to_path_buf() },
        _ => Error::io(other, e),
    })?;
    if here.as_ref() == Some(&there) {
        return Err(Error::invalid(format!(
            "{}: that is this project itself; merge a team member's copy instead",
            other.display()
        )));
    }
    Ok(())
}
