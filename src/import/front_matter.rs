//! YAML-style front matter (`---` … `---` at the top of a `.txt`/`.md` file) becomes document
//! attributes and is removed from the text. Only the flat `key: value` subset is read (with
//! `- item` lists joined by ", "), which is what classification headers use in practice.

/// Attribute `(key, value)` pairs in file order.
pub type Attributes = Vec<(String, String)>;

/// Splits `text` into its front-matter attributes and the body that follows.
/// Text without front matter is returned whole with no attributes. Errors carry the line number.
pub fn split_front_matter(text: &str) -> Result<(Attributes, &str), (usize, String)> {
    let Some(rest) = text.strip_prefix("---\n") else {
        return Ok((Vec::new(), text));
    };
    let mut attributes: Vec<(String, String)> = Vec::new();
    let mut offset = 4;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        let line_no = index + 2;
        offset += line.len();
        let content = line.trim_end_matches('\n').trim_end();
        if content == "---" || content == "..." {
            let body = text[offset..].trim_start_matches('\n');
            return Ok((attributes, body));
        }
        parse_line(content, line_no, &mut attributes)?;
    }
    Err((1, "the front matter that starts on line 1 has no closing `---` line".into()))
}

fn parse_line(content: &str, line_no: usize, attributes: &mut Vec<(String, String)>) -> Result<(), (usize, String)> {
    let trimmed = content.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(());
    }
    if let Some(item) = trimmed.strip_prefix("- ") {
        let Some((_, value)) = attributes.last_mut() else {
            return Err((line_no, "a list item comes before any `key:` in the front matter".into()));
        };
        if !value.is_empty() {
            value.push_str(", ");
        }
        value.push_str(unquote(item.trim()));
        return Ok(());
    }
    let Some((key, value)) = trimmed.split_once(':') else {
        return Err((line_no, format!("expected `key: value` in the front matter, found {trimmed:?}")));
    };
    let key = key.trim();
    if key.is_empty() {
        return Err((line_no, "a front matter line has no key before `:`".into()));
    }
    let value = value.trim();
    let value = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')).map_or_else(
        || unquote(value).to_owned(),
        |inner| inner.split(',').map(|v| unquote(v.trim())).collect::<Vec<_>>().join(", "),
    );
    attributes.retain(|(k, _)| k != key);
    attributes.push((key.to_owned(), value));
    Ok(())
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote).and_then(|v| v.strip_suffix(quote)) {
            return inner;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_values_lists_and_strips_from_text() {
        let text = "---\nsite: GP surgery\nprovider: \"Northfield Wellbeing\"\n# comment\ntags:\n  - phone\n  - PROMs\nmode: [a, 'b']\n---\n\nBody line.\n";
        let (attrs, body) = split_front_matter(text).unwrap();
        assert_eq!(
            attrs,
            vec![
                ("site".into(), "GP surgery".into()),
                ("provider".into(), "Northfield Wellbeing".into()),
                ("tags".into(), "phone, PROMs".into()),
                ("mode".into(), "a, b".into()),
            ]
        );
        assert_eq!(body, "Body line.\n");
    }

    #[test]
    fn no_front_matter_leaves_text_alone() {
        let (attrs, body) = split_front_matter("Just text.\n---\n").unwrap();
        assert!(attrs.is_empty());
        assert_eq!(body, "Just text.\n---\n");
    }

    #[test]
    fn unclosed_or_malformed_front_matter_names_the_line() {
        assert_eq!(split_front_matter("---\nsite: x\n").unwrap_err().0, 1);
        assert_eq!(split_front_matter("---\nsite: x\nbody").unwrap_err().0, 3);
        let (line, message) = split_front_matter("---\nsite: x\nnot a pair\n---\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(message.contains("not a pair"));
    }
}
