//! The in-memory form of a QDA-XML project: what [`super::qde_read`] produces from any tool's
//! file and what [`super::xml_write`] writes. Only the parts Fieldcode models are kept; the rest
//! is listed in `skipped` so an import can say what it left out.

/// A whole project (`project.qde`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefiProject {
    pub name: String,
    pub origin: Option<String>,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub users: Vec<User>,
    pub codes: Vec<Code>,
    pub variables: Vec<Variable>,
    pub cases: Vec<Case>,
    pub sources: Vec<Source>,
    pub notes: Vec<Note>,
    pub links: Vec<Link>,
    pub description: String,
    pub note_refs: Vec<String>,
    /// Human-readable lines about elements that were not kept (pictures, PDFs, sets, graphs…).
    pub skipped: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct User {
    pub guid: String,
    pub name: String,
}

/// A code with its sub-codes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Code {
    pub guid: String,
    pub name: String,
    pub color: Option<String>,
    pub description: String,
    pub note_refs: Vec<String>,
    pub children: Vec<Code>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variable {
    pub guid: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariableValue {
    pub variable: String,
    pub value: String,
}

/// A case; Fieldcode maps cases to participants.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Case {
    pub guid: String,
    pub name: String,
    pub description: String,
    pub values: Vec<VariableValue>,
    pub source_refs: Vec<String>,
}

/// A text source (document).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    pub guid: String,
    pub name: String,
    pub description: String,
    pub inline_text: Option<String>,
    pub plain_text_path: Option<String>,
    pub rich_text_path: Option<String>,
    pub created: Option<String>,
    pub creating_user: Option<String>,
    pub selections: Vec<Selection>,
    /// Codings of the whole source.
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
    pub values: Vec<VariableValue>,
}

/// A `PlainTextSelection`: positions as written in the file, in the writer's convention.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub guid: String,
    pub name: Option<String>,
    pub start: i64,
    pub end: i64,
    pub description: String,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coding {
    pub guid: String,
    pub code: String,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub note_refs: Vec<String>,
}

/// A note (memo).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Note {
    pub guid: String,
    pub name: String,
    pub inline_text: Option<String>,
    pub plain_text_path: Option<String>,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Link {
    pub guid: String,
    pub name: String,
    pub origin: Option<String>,
    pub target: Option<String>,
}
