//! The words for a REFI-QDA export's summary and an import's report, shared by the CLI (which
//! prints them a line each) and the workbench (which shows them in the exchange dialogs), so
//! the two never drift apart.

use std::path::Path;

use super::export::{Positions, QdpxSummary};
use super::import::QdpxReport;

/// What `export-qdpx` wrote, a line each: the counts, then a note when positions are UTF-16.
pub fn export_lines(out: &Path, s: &QdpxSummary) -> Vec<String> {
    let mut lines = vec![format!(
        "Wrote {}: {} documents, {} codes, {} codings, {} users, {} cases, {} notes, {} codebook snapshots.",
        out.display(),
        s.documents,
        s.codes,
        s.codings,
        s.users,
        s.cases,
        s.notes,
        s.snapshots
    )];
    if s.recordings > 0 {
        lines.push(format!(
            "Linked recordings: {} (as AudioSource/VideoSource with a Transcript), {} sync points.",
            s.recordings, s.sync_points
        ));
    }
    if s.positions == Positions::Utf16 {
        lines.push("Positions count UTF-16 code units.".to_owned());
    }
    lines
}

/// What `import-qdpx` created, a line each: the counts, then positions notes, skipped sources
/// and sources read from outside the archive.
pub fn import_lines(project: &Path, r: &QdpxReport) -> Vec<String> {
    let mut lines = vec![format!(
        "Created {} from {:?} ({}): {} documents, {} codes, {} codings, {} coders, {} participants, {} memos, {} attribute values, {} codebook snapshots.",
        project.display(),
        r.name,
        if r.origin.is_empty() { "unknown origin" } else { &r.origin },
        r.documents,
        r.codes,
        r.codings,
        r.coders,
        r.participants,
        r.memos,
        r.attribute_values,
        r.snapshots
    )];
    if r.transcripts + r.media_links + r.sync_points_skipped > 0 {
        lines.push(format!(
            "Recordings: {} transcripts, {} sync points ({} skipped), {} recordings linked.",
            r.transcripts, r.sync_points, r.sync_points_skipped, r.media_links
        ));
    }
    lines.extend(r.positions.iter().map(|l| format!("positions: {l}")));
    lines.extend(r.skipped.iter().map(|l| format!("skipped: {l}")));
    lines.extend(r.external_sources.iter().map(|l| format!("read from outside the archive: {l}")));
    lines
}
