//! A self-contained HTML report of excerpts: inline CSS, no scripts or external files, every
//! piece of project text escaped. Grouped by theme, each code with its definition and quotes
//! with attribution.

use super::excerpts::{ExcerptSet, attribution, definition, grouped};

const CSS: &str = "body{font-family:Georgia,serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}\
h1,h2,h3{font-family:system-ui,sans-serif}h2{border-bottom:2px solid #ccc;padding-bottom:.2rem;margin-top:2.5rem}\
h3{border-left:.5rem solid #888;padding-left:.5rem}.meta,footer{color:#666;font-size:.85rem}\
dl.def{background:#f6f6f6;padding:.5rem 1rem;border-radius:4px}dl.def dt{font-weight:bold}dl.def dd{margin:0 0 .4rem 0}\
blockquote{margin:1rem 0;padding:.3rem 1rem;border-left:3px solid #bbb;background:#fcfcfc}\
blockquote p{margin:.3rem 0;white-space:pre-wrap}.memo{font-style:italic;color:#444}";

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A colour safe to put in CSS (`#rrggbb` / `#rgb`), else grey.
fn css_color(c: &str) -> &str {
    crate::refi::xml_write::valid_color(c).unwrap_or("#888888")
}

/// The whole report.
pub fn excerpts(set: &ExcerptSet) -> String {
    let title = format!("Coded excerpts — {}", set.project);
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"meta\">{} excerpts · exported {}</p>\n",
        escape(&title),
        escape(&title),
        set.excerpts.len(),
        crate::store::now_utc()
    );
    let groups = grouped(set);
    if !groups.is_empty() {
        h.push_str("<nav><ul>\n");
        for (i, (theme, codes)) in groups.iter().enumerate() {
            let n: usize = codes.iter().map(|(_, e)| e.len()).sum();
            h.push_str(&format!("<li><a href=\"#theme-{i}\">{}</a> ({n})</li>\n", escape(theme)));
        }
        h.push_str("</ul></nav>\n");
    }
    for (i, (theme, codes)) in groups.iter().enumerate() {
        h.push_str(&format!("<section id=\"theme-{i}\">\n<h2>{}</h2>\n", escape(theme)));
        for (code, excerpts) in codes {
            h.push_str(&format!(
                "<h3 style=\"border-color:{}\">{} <span class=\"meta\">({} excerpts)</span></h3>\n",
                css_color(&code.color),
                escape(&code.path),
                excerpts.len()
            ));
            let def = definition(code);
            if !def.is_empty() {
                h.push_str("<dl class=\"def\">\n");
                for (label, text) in def {
                    h.push_str(&format!("<dt>{label}</dt><dd>{}</dd>\n", escape(text)));
                }
                h.push_str("</dl>\n");
            }
            for e in excerpts {
                h.push_str(&format!("<blockquote>\n<p>{}</p>\n", escape(&e.text)));
                if !e.memo.is_empty() {
                    h.push_str(&format!("<p class=\"memo\">Memo: {}</p>\n", escape(&e.memo)));
                }
                h.push_str(&format!("<footer>— {}</footer>\n</blockquote>\n", escape(&attribution(e))));
            }
        }
        h.push_str("</section>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}
