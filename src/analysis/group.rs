//! Which group a coding falls in when matrices are split by an attribute. An attribute can be set
//! on documents and on participants (a focus group's document says `provider: Mixed`, each
//! speaker has their own provider), so the grouping names which value it means:
//!
//! * `ATTR`: the value of the speaker (the participant whose turn holds the coding's start), else
//!   the document's value, else `(none)`;
//! * `document:ATTR`: the document's value, else `(none)`;
//! * `participant:ATTR`: the speaker's value, else `(none)`.
//!
//! Pairs whose two codings fall in different groups belong to no group; the co-occurrence
//! reports them in a bucket of their own, [`ACROSS_LABEL`].

use crate::error::{Error, Result};

use super::load::{Attribute, Corpus, NONE};

/// The label of codings that have no value for the grouping attribute.
pub const NONE_LABEL: &str = "(none)";

/// The label of the bucket of pairs whose codings fall in different groups.
pub const ACROSS_LABEL: &str = "(across groups)";

/// Whose value of an attribute a coding takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The speaker's value, else the document's.
    SpeakerElseDocument,
    /// The document's value only.
    Document,
    /// The speaker's value only.
    Participant,
}

impl Scope {
    /// Splits `document:ATTR` / `participant:ATTR` / `ATTR` into the scope and the name.
    pub fn parse(spec: &str) -> (Scope, &str) {
        let spec = spec.trim();
        for (prefix, scope) in [("document:", Scope::Document), ("participant:", Scope::Participant)] {
            if let (Some(head), Some(rest)) = (spec.get(..prefix.len()), spec.get(prefix.len()..))
                && head.eq_ignore_ascii_case(prefix)
                && !rest.trim().is_empty()
            {
                return (scope, rest.trim());
            }
        }
        (Scope::SpeakerElseDocument, spec)
    }

    /// The rule in words, e.g. "the speaker's value, else the document's".
    pub fn rule(self) -> &'static str {
        match self {
            Scope::SpeakerElseDocument => "the speaker's value, else the document's",
            Scope::Document => "the document's value",
            Scope::Participant => "the speaker's value",
        }
    }
}

/// Every coding's group: `labels[of_coding[i]]` is the group of coding `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    /// The attribute grouped by as asked (`site`, `document:provider`), or `None` for one
    /// overall group.
    pub attribute: Option<String>,
    /// Whose value counts.
    pub scope: Scope,
    /// Group labels: the attribute's values in order, then `(none)`; `[""]` without an attribute.
    pub labels: Vec<String>,
    /// Group index per coding of the corpus (empty means every coding is in group 0).
    pub of_coding: Vec<u32>,
}

impl Grouping {
    /// One group holding every coding.
    pub fn overall() -> Grouping {
        Grouping {
            attribute: None,
            scope: Scope::SpeakerElseDocument,
            labels: vec![String::new()],
            of_coding: Vec::new(),
        }
    }

    /// Groups codings by an attribute's value; `spec` is `ATTR`, `document:ATTR` or
    /// `participant:ATTR` (rules in the module doc). O(codings).
    pub fn by_attribute(corpus: &Corpus, spec: &str) -> Result<Grouping> {
        let (attribute, scope) = resolve(corpus, spec)?;
        let none = attribute.values.len() as u32;
        let of_coding = (0..corpus.codings.len())
            .map(|i| match value_of(corpus, attribute, scope, i) {
                NONE => none,
                value => value,
            })
            .collect();
        let mut labels = attribute.values.clone();
        labels.push(NONE_LABEL.to_owned());
        Ok(Grouping { attribute: Some(spec.trim().to_owned()), scope, labels, of_coding })
    }

    /// Whether codings are split into groups (else there is one overall group).
    pub fn is_grouped(&self) -> bool {
        self.attribute.is_some()
    }

    /// The rule that puts a coding in a group, in words; `None` without an attribute.
    pub fn rule(&self) -> Option<&'static str> {
        self.is_grouped().then(|| self.scope.rule())
    }

    /// The group of coding `i`.
    #[inline]
    pub fn of(&self, i: u32) -> u32 {
        if self.of_coding.is_empty() { 0 } else { self.of_coding[i as usize] }
    }

    /// The index of a label.
    pub fn label_index(&self, label: &str) -> Option<u32> {
        self.labels.iter().position(|l| l == label).map(|i| i as u32)
    }
}

/// The attribute and scope named by `ATTR`, `document:ATTR` or `participant:ATTR`. A scope in
/// which the attribute has no value at all is refused: every coding would be `(none)`.
pub(crate) fn resolve<'c>(corpus: &'c Corpus, spec: &str) -> Result<(&'c Attribute, Scope)> {
    let (scope, name) = Scope::parse(spec);
    let Some(attribute) = corpus.attribute(name) else {
        // An attribute whose own name starts with `document:` still resolves.
        return corpus
            .attribute(spec.trim())
            .map(|a| (a, Scope::SpeakerElseDocument))
            .ok_or_else(|| unknown_attribute(corpus, name));
    };
    let set = |values: &[u32]| values.iter().any(|&v| v != NONE);
    let (owner, other) = match scope {
        Scope::Document if !set(&attribute.of_document) => ("document", "participants"),
        Scope::Participant if !set(&attribute.of_participant) => ("participant", "documents"),
        _ => return Ok((attribute, scope)),
    };
    Err(Error::invalid(format!("no {owner} has a value for the attribute \"{name}\" (only {other} do)")))
}

/// The value index of `attribute` for coding `i` under `scope`, or [`NONE`].
pub(crate) fn value_of(corpus: &Corpus, attribute: &Attribute, scope: Scope, i: usize) -> u32 {
    let c = &corpus.codings;
    let by_person = || match c.participant[i] {
        NONE => NONE,
        p => attribute.of_participant.get(p as usize).copied().unwrap_or(NONE),
    };
    let by_document = || attribute.of_document.get(c.doc[i] as usize).copied().unwrap_or(NONE);
    match scope {
        Scope::Document => by_document(),
        Scope::Participant => by_person(),
        Scope::SpeakerElseDocument => match by_person() {
            NONE => by_document(),
            value => value,
        },
    }
}

pub(crate) fn unknown_attribute(corpus: &Corpus, name: &str) -> Error {
    let known: Vec<&str> = corpus.attributes.iter().map(|a| a.name.as_str()).collect();
    let hint = if known.is_empty() {
        "; this project has no attributes yet".to_owned()
    } else {
        format!("; attributes in this project: {}", known.join(", "))
    };
    Error::NotFound { what: "attribute", name: name.to_owned(), hint }
}
