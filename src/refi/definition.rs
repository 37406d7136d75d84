//! A code's definition in one QDA-XML `Description`. REFI-QDA has a single description per
//! code; Fieldcode keeps description, inclusion and exclusion criteria, an example and the
//! review status. They are written as labelled paragraphs after the description (readable in
//! any tool) and parsed back on import.

use crate::model::ReviewStatus;

const INCLUDE: &str = "Include when: ";
const EXCLUDE: &str = "Exclude when: ";
const EXAMPLE: &str = "Example: ";
const STATUS: &str = "Review status: ";

/// The parts of a code's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub description: String,
    pub inclusion: String,
    pub exclusion: String,
    pub example: String,
    pub status: Option<ReviewStatus>,
}

/// One `Description` text holding all parts.
pub fn compose(d: &Definition) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !d.description.is_empty() {
        parts.push(d.description.clone());
    }
    for (label, value) in [(INCLUDE, &d.inclusion), (EXCLUDE, &d.exclusion), (EXAMPLE, &d.example)] {
        if !value.is_empty() {
            parts.push(format!("{label}{value}"));
        }
    }
    if let Some(status) = d.status {
        parts.push(format!("{STATUS}{}", status.as_str()));
    }
    parts.join("\n\n")
}

/// Splits a `Description` back into its parts; text without labels is all description.
pub fn parse(text: &str) -> Definition {
    let mut rest = text.trim_end().to_owned();
    let mut found: [String; 4] = Default::default();
    for (slot, label) in [(3, STATUS), (2, EXAMPLE), (1, EXCLUDE), (0, INCLUDE)] {
        let at = if rest.starts_with(label) { Some(0) } else { rest.rfind(&format!("\n\n{label}")).map(|i| i + 2) };
        if let Some(at) = at {
            found[slot] = rest[at + label.len()..].to_owned();
            rest.truncate(at.saturating_sub(2));
        }
    }
    let status = found[3].trim().parse::<ReviewStatus>().ok();
    if !found[3].is_empty() && status.is_none() {
        // Not ours after all: keep the paragraph as description text.
        rest = text.trim_end().to_owned();
        return Definition {
            description: rest,
            inclusion: String::new(),
            exclusion: String::new(),
            example: String::new(),
            status: None,
        };
    }
    let [inclusion, exclusion, example, _] = found;
    Definition { description: rest, inclusion, exclusion, example, status }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_part_including_multi_paragraph_values() {
        let d = Definition {
            description: "Talk about waiting.\n\nSecond paragraph.".into(),
            inclusion: "Any delay".into(),
            exclusion: "".into(),
            example: "\"We waited six weeks\"\n\nand more".into(),
            status: Some(ReviewStatus::Agreed),
        };
        assert_eq!(parse(&compose(&d)), d);
    }

    #[test]
    fn plain_descriptions_stay_whole() {
        let d = parse("the foods people might eat for breakfast");
        assert_eq!(d.description, "the foods people might eat for breakfast");
        assert_eq!(d.status, None);
        assert_eq!(parse("").description, "");
    }
}
