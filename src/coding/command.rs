//! The commands of the coding engine: every change to the codebook, codings and memos is one of
//! these, applied in one transaction and recorded in the history so it can be undone and redone.
//!
//! Commands refer to codes, documents, codings, coders and memos by id; front ends (CLI, GUI)
//! resolve paths and names to ids first. Commands are serde-serialisable: the history stores the
//! forward command of every entry as JSON.

use serde::{Deserialize, Serialize};

use crate::model::{CodeId, CoderId, CodingId, DocumentId, ReviewStatus};

/// A memo's id.
pub type MemoId = i64;

/// One span to code: a document, a code and code point offsets (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SpanRef {
    pub document: DocumentId,
    pub code: CodeId,
    pub start: usize,
    pub end: usize,
}

/// What a memo is written about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum MemoTarget {
    Project,
    Document(DocumentId),
    Participant(crate::model::ParticipantId),
    Code(CodeId),
    Coding(CodingId),
}

impl MemoTarget {
    /// The `memo.target_kind` column value.
    pub fn kind(self) -> &'static str {
        match self {
            MemoTarget::Project => "project",
            MemoTarget::Document(_) => "document",
            MemoTarget::Participant(_) => "participant",
            MemoTarget::Code(_) => "code",
            MemoTarget::Coding(_) => "coding",
        }
    }

    /// The `memo.target_id` column value.
    pub fn id(self) -> Option<i64> {
        match self {
            MemoTarget::Project => None,
            MemoTarget::Document(id) | MemoTarget::Participant(id) | MemoTarget::Code(id) | MemoTarget::Coding(id) => {
                Some(id)
            }
        }
    }

    /// The target stored as `(target_kind, target_id)`, if the pair is valid.
    pub fn from_columns(kind: &str, id: Option<i64>) -> Option<MemoTarget> {
        match (kind, id) {
            ("project", _) => Some(MemoTarget::Project),
            ("document", Some(id)) => Some(MemoTarget::Document(id)),
            ("participant", Some(id)) => Some(MemoTarget::Participant(id)),
            ("code", Some(id)) => Some(MemoTarget::Code(id)),
            ("coding", Some(id)) => Some(MemoTarget::Coding(id)),
            _ => None,
        }
    }
}

/// Every change the command layer can make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Command {
    /// Creates the code at `path` (`Code` or `Code/Sub-code`, relative to `parent`), creating
    /// missing intermediate codes. The last part must not exist yet.
    CreateCode {
        parent: Option<CodeId>,
        path: String,
        color: Option<String>,
        description: Option<String>,
    },
    RenameCode {
        code: CodeId,
        name: String,
    },
    RecolorCode {
        code: CodeId,
        color: String,
    },
    /// Sets whichever of the definition fields are given.
    DescribeCode {
        code: CodeId,
        description: Option<String>,
        inclusion: Option<String>,
        exclusion: Option<String>,
        example: Option<String>,
    },
    SetStatus {
        code: CodeId,
        status: ReviewStatus,
    },
    /// Moves a code (with its sub-codes) under `parent`, or to the top level.
    MoveCode {
        code: CodeId,
        parent: Option<CodeId>,
    },
    /// Moves every coding, sub-code, memo and comment of `from` to `into`, then removes `from`.
    /// A coding that `into` already has (same document, span and coder) is dropped.
    MergeCodes {
        from: CodeId,
        into: CodeId,
    },
    /// Creates a new sibling of `code` called `name` and moves the chosen codings to it.
    SplitCode {
        code: CodeId,
        name: String,
        codings: Vec<CodingId>,
    },
    /// Deletes a code with its sub-codes; their codings are deleted, or reassigned to
    /// `reassign_to` (which must lie outside the deleted subtree).
    DeleteCode {
        code: CodeId,
        reassign_to: Option<CodeId>,
    },
    /// Codes spans for one coder. An identical coding that exists already is skipped.
    AddCodings {
        coder: CoderId,
        spans: Vec<SpanRef>,
        /// A memo attached to each new coding.
        memo: Option<String>,
    },
    /// Removes codings (with their memos).
    RemoveCodings {
        codings: Vec<CodingId>,
    },
    /// Makes one span of one code coded for the `coded` coders (one new coding each) and
    /// uncoded for the `uncoded` coders (their codings of the code trimmed around it): how a
    /// disagreement between coders is resolved in one step.
    ResolveSpan {
        span: SpanRef,
        coded: Vec<CoderId>,
        uncoded: Vec<CoderId>,
    },
    /// The result of an autocode run: like `AddCodings`, recorded with the rule that found it.
    Autocode {
        coder: CoderId,
        rule: String,
        spans: Vec<SpanRef>,
    },
    /// Creates a memo (`memo` is `None`) or replaces an existing memo's title and body.
    SetMemo {
        memo: Option<MemoId>,
        target: MemoTarget,
        title: String,
        body: String,
    },
    DeleteMemo {
        memo: MemoId,
    },
    /// A team member's project merged in by `fieldcode merge` (`crate::team::merge`), which
    /// records the rows it inserted so the merge undoes and redoes as one step. It is applied by
    /// the merge itself, never through [`crate::coding::apply`].
    MergeProject {
        source: String,
        source_guid: String,
    },
    /// A codebook file (.qdc or .csv) imported by `fieldcode import-codebook`
    /// (`crate::export::codebook::import`), which records the code rows it added or updated so
    /// the import undoes and redoes as one step. Applied by the import itself, never through
    /// [`crate::coding::apply`].
    ImportCodebook {
        file: String,
    },
}

impl Command {
    /// The short name stored in `history.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Command::CreateCode { .. } => "create-code",
            Command::RenameCode { .. } => "rename-code",
            Command::RecolorCode { .. } => "recolor-code",
            Command::DescribeCode { .. } => "describe-code",
            Command::SetStatus { .. } => "set-status",
            Command::MoveCode { .. } => "move-code",
            Command::MergeCodes { .. } => "merge-codes",
            Command::SplitCode { .. } => "split-code",
            Command::DeleteCode { .. } => "delete-code",
            Command::AddCodings { .. } => "add-codings",
            Command::RemoveCodings { .. } => "remove-codings",
            Command::ResolveSpan { .. } => "resolve-span",
            Command::Autocode { .. } => "autocode",
            Command::SetMemo { .. } => "set-memo",
            Command::DeleteMemo { .. } => "delete-memo",
            Command::MergeProject { .. } => "merge-project",
            Command::ImportCodebook { .. } => "import-codebook",
        }
    }
}
