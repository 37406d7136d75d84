//! Frequencies: codings per code, document, participant or coder, with the documents they fall
//! in and the characters they cover.

use std::str::FromStr;

use serde::Serialize;

use super::group::NONE_LABEL;
use super::load::{Corpus, NONE};

/// What to count codings by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrequencyBy {
    Code,
    Document,
    Participant,
    Coder,
}

impl FrequencyBy {
    pub fn as_str(self) -> &'static str {
        match self {
            FrequencyBy::Code => "code",
            FrequencyBy::Document => "document",
            FrequencyBy::Participant => "participant",
            FrequencyBy::Coder => "coder",
        }
    }
}

impl FromStr for FrequencyBy {
    type Err = String;

    fn from_str(s: &str) -> Result<FrequencyBy, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "code" => Ok(FrequencyBy::Code),
            "document" => Ok(FrequencyBy::Document),
            "participant" => Ok(FrequencyBy::Participant),
            "coder" => Ok(FrequencyBy::Coder),
            other => Err(format!("cannot count by {other:?}; use code, document, participant or coder")),
        }
    }
}

/// One row: a code path, document name, participant label or coder name, and its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Frequency {
    pub key: String,
    pub codings: u32,
    pub documents: u32,
    pub characters: u64,
}

/// Counts the selected codings. Every code, document and coder has a row (zeros included), in
/// codebook order / by name; participants too, plus `(none)` for codings outside speaker turns
/// when there are any. With `rollup` a code's row includes its descendants' codings.
pub fn frequencies(corpus: &Corpus, selection: &[u32], by: FrequencyBy, rollup: bool) -> Vec<Frequency> {
    let c = &corpus.codings;
    let keys: Vec<String> = match by {
        FrequencyBy::Code => corpus.codes.iter().map(|k| k.path.clone()).collect(),
        FrequencyBy::Document => corpus.documents.iter().map(|d| d.name.clone()).collect(),
        FrequencyBy::Participant => {
            corpus.participants.iter().map(|p| p.1.clone()).chain([NONE_LABEL.into()]).collect()
        }
        FrequencyBy::Coder => corpus.coders.iter().map(|k| k.1.clone()).collect(),
    };
    let none = keys.len() as u32 - u32::from(by == FrequencyBy::Participant);
    let mut rows: Vec<Frequency> =
        keys.into_iter().map(|key| Frequency { key, codings: 0, documents: 0, characters: 0 }).collect();
    let mut last_doc = vec![NONE; rows.len()];
    let mut targets = Vec::with_capacity(4);
    for &i in selection {
        let i = i as usize;
        targets.clear();
        match by {
            FrequencyBy::Code => targets.extend_from_slice(corpus.chain(c.code[i], rollup)),
            FrequencyBy::Document => targets.push(c.doc[i]),
            FrequencyBy::Participant => targets.push(if c.participant[i] == NONE { none } else { c.participant[i] }),
            FrequencyBy::Coder => targets.push(c.coder[i]),
        }
        for &t in &targets {
            let Some(row) = rows.get_mut(t as usize) else { continue };
            row.codings += 1;
            row.characters += u64::from(c.end[i].saturating_sub(c.start[i]));
            if std::mem::replace(&mut last_doc[t as usize], c.doc[i]) != c.doc[i] {
                row.documents += 1;
            }
        }
    }
    if by == FrequencyBy::Participant && rows.last().is_some_and(|r| r.codings == 0) {
        rows.pop();
    }
    if by == FrequencyBy::Document {
        rows.sort_by(|a, b| a.key.cmp(&b.key));
    }
    rows
}
