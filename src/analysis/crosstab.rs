//! Code × attribute value: how many codings, documents and participants each code has for each
//! value of an attribute, with row and column percentages of codings.

use serde::Serialize;

use super::group::Grouping;
use super::load::{Corpus, NONE};

/// One cell of a crosstab.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrosstabCell {
    pub value: String,
    pub codings: u32,
    pub documents: u32,
    pub participants: u32,
    /// Share of the code's codings (across all values) that fall in this value, in percent.
    pub row_pct: f64,
    /// Share of the value's codings (all codes) that have this code, in percent.
    pub col_pct: f64,
}

/// One code's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrosstabRow {
    pub code: String,
    pub codings: u32,
    pub cells: Vec<CrosstabCell>,
}

/// A code × value table. `column_codings` are the distinct selected codings of each value, the
/// base of the column percentages (with roll-up a theme's row includes its codes' codings, so a
/// column's percentages can add up to more than 100).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crosstab {
    pub attribute: String,
    pub values: Vec<String>,
    pub column_codings: Vec<u32>,
    pub rows: Vec<CrosstabRow>,
}

/// Builds the crosstab of the selected codings by `grouping` (which must group by an attribute).
/// Rows are the codes with at least one selected coding, in codebook order; columns the values
/// that have at least one coding. Participants are the speakers of the turns holding the codings'
/// starts (codings outside turns add none).
pub fn crosstab(corpus: &Corpus, selection: &[u32], grouping: &Grouping, rollup: bool) -> Crosstab {
    let (n, groups) = (corpus.codes.len(), grouping.labels.len());
    let c = &corpus.codings;
    let mut codings = vec![0u32; n * groups];
    let mut documents = vec![0u32; n * groups];
    let mut last_doc = vec![NONE; n * groups];
    let mut people: Vec<(u32, u32)> = Vec::new();
    let mut column_codings = vec![0u32; groups];
    for &i in selection {
        let g = grouping.of(i) as usize;
        column_codings[g] += 1;
        for &a in corpus.chain(c.code[i as usize], rollup) {
            let cell = a as usize * groups + g;
            codings[cell] += 1;
            if std::mem::replace(&mut last_doc[cell], c.doc[i as usize]) != c.doc[i as usize] {
                documents[cell] += 1;
            }
            if c.participant[i as usize] != NONE {
                people.push((cell as u32, c.participant[i as usize]));
            }
        }
    }
    people.sort_unstable();
    people.dedup();
    let mut participants = vec![0u32; n * groups];
    for (cell, _) in people {
        participants[cell as usize] += 1;
    }
    let columns: Vec<usize> = (0..groups).filter(|&g| column_codings[g] > 0).collect();
    let rows = (0..n)
        .filter_map(|a| {
            let total: u32 = (0..groups).map(|g| codings[a * groups + g]).sum();
            (total > 0).then(|| CrosstabRow {
                code: corpus.codes[a].path.clone(),
                codings: total,
                cells: columns
                    .iter()
                    .map(|&g| {
                        let cell = a * groups + g;
                        CrosstabCell {
                            value: grouping.labels[g].clone(),
                            codings: codings[cell],
                            documents: documents[cell],
                            participants: participants[cell],
                            row_pct: percent(codings[cell], total),
                            col_pct: percent(codings[cell], column_codings[g]),
                        }
                    })
                    .collect(),
            })
        })
        .collect();
    Crosstab {
        attribute: grouping.attribute.clone().unwrap_or_default(),
        values: columns.iter().map(|&g| grouping.labels[g].clone()).collect(),
        column_codings: columns.iter().map(|&g| column_codings[g]).collect(),
        rows,
    }
}

fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 { 0.0 } else { (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0 }
}
