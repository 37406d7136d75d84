//! Which group a coding falls in when matrices are split by an attribute: the value of the
//! participant whose turn contains the coding's start, else the document's value, else `(none)`.

use crate::error::{Error, Result};

use super::load::{Corpus, NONE};

/// The label of codings that have no value for the grouping attribute.
pub const NONE_LABEL: &str = "(none)";

/// Every coding's group: `labels[of_coding[i]]` is the group of coding `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    /// The attribute grouped by, or `None` for one overall group.
    pub attribute: Option<String>,
    /// Group labels: the attribute's values in order, then `(none)`; `[""]` without an attribute.
    pub labels: Vec<String>,
    /// Group index per coding of the corpus (empty means every coding is in group 0).
    pub of_coding: Vec<u32>,
}

impl Grouping {
    /// One group holding every coding.
    pub fn overall() -> Grouping {
        Grouping { attribute: None, labels: vec![String::new()], of_coding: Vec::new() }
    }

    /// Groups codings by an attribute's value (rule in the module doc). O(codings).
    pub fn by_attribute(corpus: &Corpus, name: &str) -> Result<Grouping> {
        let attribute = corpus.attribute(name).ok_or_else(|| unknown_attribute(corpus, name))?;
        let none = attribute.values.len() as u32;
        let c = &corpus.codings;
        let of_coding = (0..c.len())
            .map(|i| {
                let value = value_of(corpus, attribute, i);
                if value == NONE { none } else { value }
            })
            .collect();
        let mut labels = attribute.values.clone();
        labels.push(NONE_LABEL.to_owned());
        Ok(Grouping { attribute: Some(name.to_owned()), labels, of_coding })
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

/// The value index of `attribute` for coding `i`, or [`NONE`].
pub(crate) fn value_of(corpus: &Corpus, attribute: &super::load::Attribute, i: usize) -> u32 {
    let c = &corpus.codings;
    let by_person = match c.participant[i] {
        NONE => NONE,
        p => attribute.of_participant.get(p as usize).copied().unwrap_or(NONE),
    };
    if by_person != NONE {
        return by_person;
    }
    attribute.of_document.get(c.doc[i] as usize).copied().unwrap_or(NONE)
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
