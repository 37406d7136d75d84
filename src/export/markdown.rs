//! Markdown reports: excerpts grouped by theme and code with definitions and attributed quotes,
//! and the codebook as nested headings.

use std::io::Write;

use super::excerpts::{Excerpt, ExcerptHeader, attribution_into, definition};
use super::report::{Plan, ReportFormat};
use crate::model::CodeNode;

/// The excerpts report, written as the excerpts are read ([`super::report`]).
#[derive(Default)]
pub struct Markdown {
    /// The attribution line of the excerpt being written, reused from one to the next.
    attribution: String,
}

/// Quotes text as a Markdown block quote (every line prefixed), straight to `w`.
fn write_quote(w: &mut dyn Write, text: &str) -> std::io::Result<()> {
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            w.write_all(b"\n")?;
        }
        w.write_all(if line.is_empty() { b">" } else { b"> " })?;
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

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
        write_quote(w, &e.text)?;
        self.attribution.clear();
        attribution_into(&mut self.attribution, e);
        write!(w, "\n>\n> — {}\n\n", self.attribution)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_prefix_every_line_and_mark_blank_ones() {
        let quoted = |text: &str| {
            let mut out = Vec::new();
            write_quote(&mut out, text).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(quoted("one\n\nthree\n"), "> one\n>\n> three");
        assert_eq!(quoted("a\r\nb"), "> a\n> b");
        assert_eq!(quoted(""), "");
        assert_eq!(quoted("\n"), ">");
    }
}
