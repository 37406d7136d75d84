//! Markdown reports: excerpts grouped by theme and code with definitions and attributed quotes,
//! and the codebook as nested headings.

use super::excerpts::{ExcerptSet, attribution, definition, grouped};
use crate::model::CodeNode;

/// Quotes text as a Markdown block quote (every line prefixed).
fn quote(text: &str) -> String {
    text.lines().map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") }).collect::<Vec<_>>().join("\n")
}

/// The excerpts report.
pub fn excerpts(set: &ExcerptSet) -> String {
    let mut md = format!("# Coded excerpts — {}\n\n{} excerpts.\n", set.project, set.excerpts.len());
    for (theme, codes) in grouped(set) {
        md.push_str(&format!("\n## {theme}\n"));
        for (code, excerpts) in codes {
            md.push_str(&format!("\n### {} ({} excerpts)\n\n", code.path, excerpts.len()));
            for (label, text) in definition(code) {
                md.push_str(&format!("**{label}:** {}\n\n", text.trim()));
            }
            for e in excerpts {
                md.push_str(&quote(&e.text));
                md.push_str(&format!("\n>\n> — {}\n\n", attribution(e)));
                if !e.memo.is_empty() {
                    md.push_str(&format!("*Memo:* {}\n\n", e.memo));
                }
            }
        }
    }
    md
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
