//! What a merge did (or, in a dry run, would do): counts, what was created, and the conflicts a
//! team should look at.

use serde::Serialize;

/// A code whose GUID matched but whose path differs between the projects (ours is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeConflict {
    pub guid: String,
    pub here: String,
    pub there: String,
}

/// A document of the other project whose text is not in this one; its codings were skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingDocument {
    pub name: String,
    pub sha256: String,
    pub codings: usize,
}

/// A coding of the other project that does not fit its document here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadSpan {
    pub document: String,
    pub code: String,
    pub coder: String,
    pub start: usize,
    pub end: usize,
    pub length: usize,
}

/// A coding of the other project carried onto a document this project edited differently,
/// whose covered text is no longer the same (or, for a dropped one, is gone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedCoding {
    pub document: String,
    pub code: String,
    pub coder: String,
    /// What it covers in the other project.
    pub old_text: String,
    /// What it covers here (empty for a dropped coding).
    pub new_text: String,
}

/// An attribute value that differs between the projects (ours is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeConflict {
    /// `document` or `participant`.
    pub scope: String,
    /// The document's name or the participant's label.
    pub owner: String,
    pub attribute: String,
    pub here: String,
    pub there: String,
}

/// The outcome of [`super::merge`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    pub source: String,
    pub source_guid: String,
    pub dry_run: bool,
    /// The history entry that undoes the merge; `None` when nothing was added (or a dry run).
    pub history_id: Option<i64>,
    /// How many times a project with this GUID was merged in before.
    pub previous_merges: usize,
    pub documents_matched: usize,
    pub documents_missing: Vec<MissingDocument>,
    pub codes_matched: usize,
    /// Paths (here) of codes created by the merge.
    pub codes_created: Vec<String>,
    pub code_conflicts: Vec<CodeConflict>,
    pub coders_created: Vec<String>,
    pub codings_added: usize,
    /// Codings whose GUID (or identical span, code and coder) is already here.
    pub codings_already_present: usize,
    pub codings_out_of_range: Vec<BadSpan>,
    pub memos_added: usize,
    pub memos_already_present: usize,
    /// Memos whose target (a document, code or coding) did not come across.
    pub memos_without_target: usize,
    pub comments_added: usize,
    /// Document and participant attribute values this project did not have.
    pub attribute_values_added: usize,
    pub attribute_values_already_present: usize,
    pub attribute_conflicts: Vec<AttributeConflict>,
    /// Values of documents or participants that are not in this project.
    pub attribute_values_without_owner: usize,
    /// Documents matched by GUID whose texts differ: codings were carried over through a diff.
    pub documents_realigned: usize,
    /// Codings added to realigned documents.
    pub realigned_codings: usize,
    /// Realigned codings whose covered text differs between the copies.
    pub changed_codings: Vec<ChangedCoding>,
    /// Codings whose whole text this project deleted: not brought in.
    pub dropped_codings: Vec<ChangedCoding>,
}

impl MergeReport {
    /// The report as lines for a terminal.
    pub fn lines(&self) -> Vec<String> {
        let verb = if self.dry_run { "Would merge" } else { "Merged" };
        let mut out = vec![format!(
            "{verb} {}: {} codings added ({} already here), {} codes created, {} matched, {} memos, {} comments.",
            self.source,
            self.codings_added,
            self.codings_already_present,
            self.codes_created.len(),
            self.codes_matched,
            self.memos_added,
            self.comments_added
        )];
        if self.history_id.is_some() && !self.dry_run {
            out.push("Undo takes the whole merge back.".to_owned());
        }
        if self.previous_merges > 0 {
            out.push(format!(
                "This project was merged in {} time(s) before; nothing is added twice.",
                self.previous_merges
            ));
        }
        out.push(format!("{} documents matched by content.", self.documents_matched));
        if self.documents_realigned > 0 {
            out.push(format!(
                "{} documents were edited differently here; {} codings carried onto this text.",
                self.documents_realigned, self.realigned_codings
            ));
        }
        for c in &self.changed_codings {
            out.push(format!(
                "changed: a coding of {} by {} in {:?} covered {:?}, here {:?}",
                c.code, c.coder, c.document, c.old_text, c.new_text
            ));
        }
        for c in &self.dropped_codings {
            out.push(format!(
                "conflict: a coding of {} by {} in {:?} covered {:?}, which this project deleted; skipped",
                c.code, c.coder, c.document, c.old_text
            ));
        }
        out.extend(self.coders_created.iter().map(|c| format!("new coder: {c}")));
        out.extend(self.codes_created.iter().map(|c| format!("new code: {c}")));
        for c in &self.code_conflicts {
            out.push(format!(
                "conflict: code {} is {:?} here and {:?} there; kept {:?}",
                c.guid, c.here, c.there, c.here
            ));
        }
        for d in &self.documents_missing {
            out.push(format!(
                "conflict: document {:?} is not in this project; its {} codings were skipped (import it, then merge again)",
                d.name, d.codings
            ));
        }
        for b in &self.codings_out_of_range {
            out.push(format!(
                "conflict: a coding of {} by {} at {}-{} lies outside {:?} ({} characters); skipped",
                b.code, b.coder, b.start, b.end, b.document, b.length
            ));
        }
        if self.attribute_values_added + self.attribute_values_already_present > 0 {
            out.push(format!(
                "{} attribute values added ({} already here).",
                self.attribute_values_added, self.attribute_values_already_present
            ));
        }
        for c in &self.attribute_conflicts {
            out.push(format!(
                "conflict: {} of {} {:?} is {:?} here and {:?} there; kept {:?}",
                c.attribute, c.scope, c.owner, c.here, c.there, c.here
            ));
        }
        if self.memos_without_target > 0 {
            out.push(format!("{} memos skipped: what they annotate is not in this project", self.memos_without_target));
        }
        out
    }

    /// Whether anything needs the team's attention.
    pub fn has_conflicts(&self) -> bool {
        !self.code_conflicts.is_empty()
            || !self.documents_missing.is_empty()
            || !self.codings_out_of_range.is_empty()
            || !self.attribute_conflicts.is_empty()
            || !self.dropped_codings.is_empty()
    }
}
