//! Corpus search with keyword-in-context results: words through the SQLite FTS5 index, patterns
//! through the regex crate.
//!
//! `document_fts` is an external-content FTS5 table that import does not maintain, so word
//! search first brings it up to date: documents added since the last search are indexed, and
//! anything else (a deleted document) triggers a full rebuild. The state is kept in the
//! `project` table under `fts_indexed` as `count:max_id`.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::autocode::{Pattern, Rule, find_matches};
use super::units::Layout;
use crate::error::{Error, Result};
use crate::model::{DocumentId, Span};
use crate::store::documents;

/// One occurrence with its context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub document_id: DocumentId,
    pub document: String,
    pub start: usize,
    pub end: usize,
    pub left: String,
    pub matched: String,
    pub right: String,
}

/// Characters of context either side of a hit.
pub const CONTEXT: usize = 40;

/// Every match of a regular expression across the corpus.
pub fn regex(conn: &Connection, pattern: &str, ignore_case: bool) -> Result<Vec<SearchHit>> {
    let rule = Rule { pattern: Pattern::Regex(pattern.to_owned()), ignore_case, whole_word: false };
    let re = rule.compile()?;
    let docs: Vec<(DocumentId, String)> = documents::list(conn)?.into_iter().map(|d| (d.id, d.name)).collect();
    collect(conn, &re, &docs)
}

/// Every occurrence of any of the words (case-insensitive, whole words; `word*` matches a
/// prefix; `"two words"` in double quotes is a phrase: those words in that order, with only
/// spaces or punctuation between them), finding the documents through the FTS5 index.
pub fn words(conn: &Connection, query: &str) -> Result<Vec<SearchHit>> {
    let terms = query_terms(query);
    if terms.is_empty() {
        return Err(Error::invalid("nothing to search for; give one or more words"));
    }
    let mut fts_terms = Vec::new();
    let mut alternatives = Vec::new();
    for (words, prefix) in &terms {
        let words: Vec<String> = words.iter().map(|w| clean_word(w)).filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            continue;
        }
        fts_terms.push(format!("\"{}\"{}", words.join(" ").replace('"', "\"\""), if *prefix { "*" } else { "" }));
        let phrase: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
        alternatives.push(format!("{}{}", phrase.join(r"\W+"), if *prefix { r"\w*" } else { "" }));
    }
    if fts_terms.is_empty() {
        return Err(Error::invalid(format!(
            "{query:?} has no words to search for; search with a regular expression for patterns"
        )));
    }
    ensure_index(conn)?;
    let docs = fts_documents(conn, &fts_terms.join(" OR "))?;
    let re = regex::RegexBuilder::new(&format!(r"\b(?:{})\b", alternatives.join("|")))
        .case_insensitive(true)
        .build()
        .map_err(|e| Error::invalid(format!("cannot search for {query:?}: {e}")))?;
    collect(conn, &re, &docs)
}

/// A query's terms: each the words of a word or of a quoted phrase, and whether it ends in `*`.
/// Outside quotes, white space and commas separate terms; an unclosed quote runs to the end.
/// The one parser of word queries: the search and the workbench's autocode preview share it.
pub fn query_terms(query: &str) -> Vec<(Vec<String>, bool)> {
    let mut terms = Vec::new();
    let mut rest = query.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
    while !rest.is_empty() {
        let (raw, tail) = match rest.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.find('"').unwrap_or(quoted.len());
                let after = quoted.get(end + 1..).unwrap_or("");
                let star = after.starts_with('*');
                let inner = &quoted[..end];
                terms.push((inner.split_whitespace().map(str::to_owned).collect(), star));
                (None, if star { &after[1..] } else { after })
            }
            None => {
                let end = rest.find(|c: char| c.is_whitespace() || c == ',' || c == '"').unwrap_or(rest.len());
                (Some(&rest[..end]), &rest[end..])
            }
        };
        if let Some(word) = raw {
            let (word, prefix) = word.strip_suffix('*').map_or((word, false), |w| (w, true));
            terms.push((vec![word.to_owned()], prefix));
        }
        rest = tail.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
    }
    terms
}

/// A word as the index knows it: letters, digits, apostrophes and hyphens.
fn clean_word(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '’' || *c == '-').collect()
}

fn fts_documents(conn: &Connection, fts_query: &str) -> Result<Vec<(DocumentId, String)>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.name FROM document_fts f JOIN document d ON d.id = f.rowid WHERE document_fts MATCH ?1
         ORDER BY d.name",
    )?;
    let rows = stmt.query_map([fts_query], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn collect(conn: &Connection, re: &regex::Regex, docs: &[(DocumentId, String)]) -> Result<Vec<SearchHit>> {
    let mut hits = Vec::new();
    for (id, name) in docs {
        let text = documents::text(conn, *id)?;
        let matches: Vec<Span> = find_matches(re, &text);
        if matches.is_empty() {
            continue;
        }
        let layout =
            Layout { text: &text, index: crate::text::CharIndex::new(&text), paragraphs: vec![], turns: vec![] };
        for m in matches {
            let (left, matched, right) = super::autocode::context(&layout, m, CONTEXT);
            hits.push(SearchHit {
                document_id: *id,
                document: name.clone(),
                start: m.start,
                end: m.end,
                left,
                matched,
                right,
            });
        }
    }
    Ok(hits)
}

/// Brings the word index up to date with the documents (see the module docs).
pub fn ensure_index(conn: &Connection) -> Result<()> {
    let (count, max): (i64, i64) =
        conn.query_row("SELECT count(*), coalesce(max(id), 0) FROM document", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let state = format!("{count}:{max}");
    let stored: Option<String> =
        conn.query_row("SELECT value FROM project WHERE key = 'fts_indexed'", [], |r| r.get(0)).optional()?;
    if stored.as_deref() == Some(state.as_str()) {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    let previous = stored
        .as_deref()
        .and_then(|s| s.split_once(':'))
        .and_then(|(c, m)| Some((c.parse::<i64>().ok()?, m.parse::<i64>().ok()?)));
    let appended = match previous {
        Some((old_count, old_max)) => {
            let newer: i64 = tx.query_row("SELECT count(*) FROM document WHERE id > ?1", [old_max], |r| r.get(0))?;
            old_count + newer == count
        }
        None => false,
    };
    match previous {
        Some((_, old_max)) if appended => {
            tx.execute(
                "INSERT INTO document_fts (rowid, text) SELECT id, text FROM document WHERE id > ?1",
                [old_max],
            )?;
        }
        _ => {
            tx.execute("INSERT INTO document_fts (document_fts) VALUES ('rebuild')", [])?;
        }
    }
    tx.execute("INSERT OR REPLACE INTO project (key, value) VALUES ('fts_indexed', ?1)", [state])?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::query_terms;

    fn term(words: &[&str], prefix: bool) -> (Vec<String>, bool) {
        (words.iter().map(|w| (*w).to_owned()).collect(), prefix)
    }

    #[test]
    fn words_commas_prefixes_and_quoted_phrases() {
        let expected = [term(&["referr"], true), term(&["GP"], false), term(&["surgery"], false)];
        assert_eq!(query_terms("referr* GP, surgery"), expected);
        assert_eq!(query_terms(r#""waiting list" food"#), [term(&["waiting", "list"], false), term(&["food"], false)]);
        let expected = [term(&["social", "presc"], true), term(&["unclosed", "phrase"], false)];
        assert_eq!(query_terms(r#""social presc"*,"unclosed phrase"#), expected);
        assert!(query_terms(" , ").is_empty());
    }
}
