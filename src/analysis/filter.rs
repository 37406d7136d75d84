//! Which codings take part in an analysis: by document, kind, coder, attribute value (per the
//! grouping rule) and code subtree.

use crate::error::{Error, Result};
use crate::model::{CodeId, CoderId, DocumentId, DocumentKind};

use super::group::{NONE_LABEL, Scope, resolve, value_of};
use super::load::{Attribute, Corpus, NONE};

/// Conditions on codings; an empty field means "any". All conditions must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub documents: Option<Vec<DocumentId>>,
    pub kinds: Option<Vec<DocumentKind>>,
    pub coders: Option<Vec<CoderId>>,
    /// `(attribute, value)`: the coding's value must equal it. The attribute is named as for a
    /// [`super::Grouping`]: `ATTR` (the speaker's value, else the document's), `document:ATTR`
    /// or `participant:ATTR`.
    pub attributes: Vec<(String, String)>,
    /// Only codings of this code and its descendants.
    pub code: Option<CodeId>,
}

/// Indexes of the selected codings, in corpus order (document, start).
pub type Selection = Vec<u32>;

impl Filter {
    /// Every coding.
    pub fn all(corpus: &Corpus) -> Selection {
        (0..corpus.codings.len() as u32).collect()
    }

    /// The codings that pass every condition.
    pub fn select(&self, corpus: &Corpus) -> Result<Selection> {
        let docs = self.document_mask(corpus);
        let coders = self.coder_mask(corpus);
        let codes = self.code_mask(corpus)?;
        let attrs = self.attribute_conditions(corpus)?;
        let c = &corpus.codings;
        Ok((0..c.len())
            .filter(|&i| {
                docs[c.doc[i] as usize]
                    && coders.as_ref().is_none_or(|m| m.get(c.coder[i] as usize).copied().unwrap_or(false))
                    && codes.as_ref().is_none_or(|m| m[c.code[i] as usize])
                    && attrs.iter().all(|&(attribute, scope, value)| value_of(corpus, attribute, scope, i) == value)
            })
            .map(|i| i as u32)
            .collect())
    }

    fn document_mask(&self, corpus: &Corpus) -> Vec<bool> {
        corpus
            .documents
            .iter()
            .map(|d| {
                self.documents.as_ref().is_none_or(|ids| ids.contains(&d.id))
                    && self.kinds.as_ref().is_none_or(|k| k.contains(&d.kind))
            })
            .collect()
    }

    fn coder_mask(&self, corpus: &Corpus) -> Option<Vec<bool>> {
        let ids = self.coders.as_ref()?;
        Some(corpus.coders.iter().map(|(id, _)| ids.contains(id)).collect())
    }

    fn code_mask(&self, corpus: &Corpus) -> Result<Option<Vec<bool>>> {
        let Some(root) = self.code else { return Ok(None) };
        let root = corpus.code_index(root).ok_or_else(|| Error::not_found("code", format!("#{root}")))?;
        Ok(Some((0..corpus.codes.len() as u32).map(|c| corpus.chain(c, true).contains(&root)).collect()))
    }

    fn attribute_conditions<'c>(&self, corpus: &'c Corpus) -> Result<Vec<(&'c Attribute, Scope, u32)>> {
        self.attributes
            .iter()
            .map(|(name, value)| {
                let (attribute, scope) = resolve(corpus, name)?;
                let index = match attribute.values.iter().position(|v| v == value) {
                    Some(i) => i as u32,
                    None if value == NONE_LABEL => NONE,
                    None => NONE - 1,
                };
                Ok((attribute, scope, index))
            })
            .collect()
    }
}
