//! Excerpt reports (Markdown, HTML) written while the excerpts are read: the excerpts arrive in
//! codebook order, so theme and code sections open as the stream crosses into them. Headings
//! state counts before their excerpts, so the counts are taken first ([`ExcerptReader::counts`],
//! which cuts no text) and laid out as a [`Plan`].

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::excerpt_rows::{ExcerptReader, theme_of};
use super::excerpts::{Excerpt, ExcerptHeader};
use crate::error::{Error, Result};
use crate::model::{CodeId, CodeNode};

/// The sections of a report: themes in codebook order, each with its codes that have excerpts
/// and their counts.
pub struct Plan<'h> {
    pub themes: Vec<(&'h str, Vec<(&'h CodeNode, usize)>)>,
    pub total: usize,
}

impl<'h> Plan<'h> {
    fn new(header: &'h ExcerptHeader, counts: &HashMap<CodeId, usize>) -> Plan<'h> {
        let mut themes: Vec<(&str, Vec<(&CodeNode, usize)>)> = Vec::new();
        for code in &header.codes {
            let Some(&n) = counts.get(&code.id).filter(|n| **n > 0) else { continue };
            let theme = theme_of(code);
            match themes.last_mut() {
                Some((t, codes)) if *t == theme => codes.push((code, n)),
                _ => themes.push((theme, vec![(code, n)])),
            }
        }
        Plan { total: counts.values().sum(), themes }
    }

    /// The theme (index) and count of a code.
    fn locate(&self) -> HashMap<CodeId, (usize, &'h CodeNode, usize)> {
        let mut at = HashMap::new();
        for (i, (_, codes)) in self.themes.iter().enumerate() {
            for (code, n) in codes {
                at.insert(code.id, (i, *code, *n));
            }
        }
        at
    }
}

/// One report format: what to write at each point of the stream.
pub trait ReportFormat {
    fn begin(&mut self, w: &mut dyn Write, header: &ExcerptHeader, plan: &Plan<'_>) -> std::io::Result<()>;
    fn theme(&mut self, w: &mut dyn Write, index: usize, theme: &str) -> std::io::Result<()>;
    fn end_theme(&mut self, w: &mut dyn Write) -> std::io::Result<()>;
    fn code(&mut self, w: &mut dyn Write, code: &CodeNode, excerpts: usize) -> std::io::Result<()>;
    fn excerpt(&mut self, w: &mut dyn Write, e: &Excerpt<'_>) -> std::io::Result<()>;
    fn end(&mut self, w: &mut dyn Write) -> std::io::Result<()>;
}

/// Writes the whole report; returns the number of excerpts. `out` names the file in errors.
pub fn write(
    reader: &ExcerptReader<'_>,
    format: &mut dyn ReportFormat,
    w: &mut dyn Write,
    out: &Path,
) -> Result<usize> {
    let io = |e: std::io::Error| Error::io(out, e);
    let counts = reader.counts()?;
    let plan = Plan::new(&reader.header, &counts);
    let at = plan.locate();
    format.begin(w, &reader.header, &plan).map_err(io)?;
    let (mut code_now, mut theme_now) = (None, None);
    let written = reader.for_each(|e| {
        if code_now != Some(e.code_id) {
            let Some(&(theme, code, n)) = at.get(&e.code_id) else {
                return Err(Error::invalid(format!(
                    "the excerpts of {} changed while the report was written",
                    e.code_path
                )));
            };
            if theme_now != Some(theme) {
                if theme_now.is_some() {
                    format.end_theme(w).map_err(io)?;
                }
                format.theme(w, theme, plan.themes[theme].0).map_err(io)?;
                theme_now = Some(theme);
            }
            format.code(w, code, n).map_err(io)?;
            code_now = Some(e.code_id);
        }
        format.excerpt(w, e).map_err(io)
    })?;
    if theme_now.is_some() {
        format.end_theme(w).map_err(io)?;
    }
    format.end(w).map_err(io)?;
    Ok(written)
}
