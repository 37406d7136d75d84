//! A self-contained HTML report of excerpts: inline CSS, no scripts or external files, every
//! piece of project text escaped. Grouped by theme, each code with its definition and quotes
//! with attribution.

use std::io::Write;

use super::excerpts::{Excerpt, ExcerptHeader, attribution_into, definition};
use super::report::{Plan, ReportFormat};
use crate::model::CodeNode;

const CSS: &str = "body{font-family:Georgia,serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}\
h1,h2,h3{font-family:system-ui,sans-serif}h2{border-bottom:2px solid #ccc;padding-bottom:.2rem;margin-top:2.5rem}\
h3{border-left:.5rem solid #888;padding-left:.5rem}.meta,footer{color:#666;font-size:.85rem}\
dl.def{background:#f6f6f6;padding:.5rem 1rem;border-radius:4px}dl.def dt{font-weight:bold}dl.def dd{margin:0 0 .4rem 0}\
blockquote{margin:1rem 0;padding:.3rem 1rem;border-left:3px solid #bbb;background:#fcfcfc}\
blockquote p{margin:.3rem 0;white-space:pre-wrap}.memo{font-style:italic;color:#444}";

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for_each_escaped(s, |piece| out.push_str(piece));
    out
}

/// [`escape`] appended to a byte buffer.
fn escape_into(out: &mut Vec<u8>, s: &str) {
    for_each_escaped(s, |piece| out.extend_from_slice(piece.as_bytes()));
}

/// The bytes [`for_each_escaped`] replaces.
const SPECIAL: [bool; 256] = {
    let mut special = [false; 256];
    let mut i = 0;
    while i < 5 {
        special[b"&<>\"'"[i] as usize] = true;
        i += 1;
    }
    special
};

/// Hands `s` to `out` escaped, piece by piece: each run without special characters whole, then
/// the entity for the special character that ends it.
fn for_each_escaped(s: &str, mut out: impl FnMut(&str)) {
    let bytes = s.as_bytes();
    let (mut from, mut at) = (0, 0);
    while at < bytes.len() {
        // Runs between special characters are long: look at them eight bytes at a time.
        if let Some(chunk) = bytes.get(at..at + 8)
            && !chunk.iter().any(|b| SPECIAL[*b as usize])
        {
            at += 8;
            continue;
        }
        let entity = match bytes[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => {
                at += 1;
                continue;
            }
        };
        // `at` holds an ASCII byte, so both slices end on character boundaries.
        out(&s[from..at]);
        out(entity);
        at += 1;
        from = at;
    }
    out(&s[from..]);
}

/// A colour safe to put in CSS (`#rrggbb` / `#rgb`), else grey.
fn css_color(c: &str) -> &str {
    crate::refi::xml_write::valid_color(c).unwrap_or("#888888")
}

/// The whole report, written as the excerpts are read ([`super::report`]).
#[derive(Default)]
pub struct Html {
    /// The excerpt being written and its attribution line, reused from one to the next.
    block: Vec<u8>,
    attribution: String,
}

impl ReportFormat for Html {
    fn begin(&mut self, w: &mut dyn Write, header: &ExcerptHeader, plan: &Plan<'_>) -> std::io::Result<()> {
        let title = escape(&format!("Coded excerpts — {}", header.project));
        writeln!(
            w,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<p class=\"meta\">{} excerpts · exported {}</p>",
            plan.total,
            crate::store::now_utc()
        )?;
        if !plan.themes.is_empty() {
            w.write_all(b"<nav><ul>\n")?;
            for (i, (theme, codes)) in plan.themes.iter().enumerate() {
                let n: usize = codes.iter().map(|(_, n)| n).sum();
                writeln!(w, "<li><a href=\"#theme-{i}\">{}</a> ({n})</li>", escape(theme))?;
            }
            w.write_all(b"</ul></nav>\n")?;
        }
        Ok(())
    }

    fn theme(&mut self, w: &mut dyn Write, index: usize, theme: &str) -> std::io::Result<()> {
        writeln!(w, "<section id=\"theme-{index}\">\n<h2>{}</h2>", escape(theme))
    }

    fn end_theme(&mut self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(b"</section>\n")
    }

    fn code(&mut self, w: &mut dyn Write, code: &CodeNode, excerpts: usize) -> std::io::Result<()> {
        writeln!(
            w,
            "<h3 style=\"border-color:{}\">{} <span class=\"meta\">({excerpts} excerpts)</span></h3>",
            css_color(&code.color),
            escape(&code.path),
        )?;
        let def = definition(code);
        if !def.is_empty() {
            w.write_all(b"<dl class=\"def\">\n")?;
            for (label, text) in def {
                writeln!(w, "<dt>{label}</dt><dd>{}</dd>", escape(text))?;
            }
            w.write_all(b"</dl>\n")?;
        }
        Ok(())
    }

    fn excerpt(&mut self, w: &mut dyn Write, e: &Excerpt<'_>) -> std::io::Result<()> {
        let block = &mut self.block;
        block.clear();
        block.extend_from_slice(b"<blockquote>\n<p>");
        escape_into(block, &e.text);
        block.extend_from_slice(b"</p>\n");
        if !e.memo.is_empty() {
            block.extend_from_slice(b"<p class=\"memo\">Memo: ");
            escape_into(block, &e.memo);
            block.extend_from_slice(b"</p>\n");
        }
        self.attribution.clear();
        attribution_into(&mut self.attribution, e);
        block.extend_from_slice("<footer>— ".as_bytes());
        escape_into(block, &self.attribution);
        block.extend_from_slice(b"</footer>\n</blockquote>\n");
        w.write_all(block)
    }

    fn end(&mut self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(b"</body>\n</html>\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_character_is_escaped_wherever_it_stands() {
        let naive = |s: &str| {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_owned(),
                    '<' => "&lt;".to_owned(),
                    '>' => "&gt;".to_owned(),
                    '"' => "&quot;".to_owned(),
                    '\'' => "&#39;".to_owned(),
                    c => c.to_string(),
                })
                .collect::<String>()
        };
        for s in
            ["", "plain", "a&b", "<é>\"'", "twelve bytes & more after the eighth: <tag attr='x'>", "😀😀😀&😀😀😀😀😀'"]
        {
            assert_eq!(escape(s), naive(s), "{s}");
            let mut bytes = Vec::new();
            escape_into(&mut bytes, s);
            assert_eq!(bytes, naive(s).into_bytes());
        }
    }
}
