//! Markdown reports: excerpts grouped by theme and code with definitions and attributed quotes,
//! and the codebook as nested headings.

use std::io::Write;

use super::excerpts::{Excerpt, ExcerptHeader, attribution, definition};
use super::report::{Plan, ReportFormat};
use crate::model::CodeNode;

/// Quotes text as a Markdown block quote (every line prefixed).
fn quote(text: &str) -> String {
    text.lines().map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") }).collect::<Vec<_>>().join("\n")
}

/// The excerpts report, written as the excerpts are read ([`super::report`]).
pub struct Markdown;

impl ReportFormat for Markdown {
    fn begin(&mut self, w: &mut dyn Write, header: &ExcerptHeader, plan: &Plan<'_>) -> std::io::Result<()> {
        write!(w, "# Coded excerpts — {}\n\n{} excerpts.\n", header.project, plan.total)
    }

    fn theme(&mut self, w: &mut dyn Write, _index: usize, theme: &str) -> std::io::Result<()> {
        write!(w, "\n## {theme}\n")
    }

    fn end_theme(&mut self, _w: &mut dyn Write) -> std::io::Result<()> {
        Ok(())
    }

    fn code(&mut self, w: &mut dyn Write, code: &CodeNode, excerpts: usize) -> std::io::Result<()> {
        write!(w, "\n### {} ({excerpts} excerpts)\n\n", code.path)?;
        for (label, text) in definition(code) {
            write!(w, "**{label}:** {}\n\n", text.trim())?;
        }
        Ok(())
    }

    fn excerpt(&mut self, w: &mut dyn Write, e: &Excerpt<'_>) -> std::io::Result<()> {
        w.write_all(quote(&e.text).as_bytes())?;
        write!(w, "\n>\n> — {}\n\n", attribution(e))?;
        if !e.memo.is_empty() {
            write!(w, "*Memo:* {}\n\n", e.memo)?;
        }
        Ok(())
    }

    fn end(&mut self, _w: &mut dyn Write) -> std::io::Result<()> {
        Ok(())
    }
}

/// The codebook as nested headings with definitions, colours, status and counts.
pub fn codebook(project: &str, codes: &[CodeNode]) -> String {
    let mut md = format!("# Codebook — {project}\n\n{} codes.\n", codes.len());
    for code in codes {
        let level = "#".repeat((code.depth + 2).min(6));
        md.push_str(&format!(
            "\n{level} {}\n\n`{}` · colour {} · {} · {} codings\n\n",
            code.name,
            code.path,
            code.color,
            code.status.as_str(),
            code.codings
        ));
        for (label, text) in definition(code) {
            md.push_str(&format!("**{label}:** {}\n\n", text.trim()));
        }
    }
    md
}
