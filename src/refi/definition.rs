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

/// Where an unlabelled paragraph goes: the value of the label before it (values may run over
/// several paragraphs), or the description.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Description,
    Inclusion,
    Exclusion,
    Example,
}

/// Splits a `Description` back into its parts. Each labelled paragraph is read on its own: a
/// paragraph that starts with a label begins that part, and the unlabelled paragraphs after it
/// continue it. The review status is one line; whatever follows it (text another tool added after
/// it, or a status that is not one of Fieldcode's) is description, so one foreign line never
/// undoes the other parts. Text without labels is all description.
pub fn parse(text: &str) -> Definition {
    let text = crate::text::normalise_newlines(text);
    let mut d = Definition {
        description: String::new(),
        inclusion: String::new(),
        exclusion: String::new(),
        example: String::new(),
        status: None,
    };
    let mut slot = Slot::Description;
    for paragraph in text.trim_end().split("\n\n") {
        let labelled = [(INCLUDE, Slot::Inclusion), (EXCLUDE, Slot::Exclusion), (EXAMPLE, Slot::Example)]
            .into_iter()
            .find_map(|(label, slot)| paragraph.strip_prefix(label).map(|value| (slot, value)));
        if let Some((to, value)) = labelled {
            slot = to;
            append(field(&mut d, slot), value);
            continue;
        }
        if let Some(value) = paragraph.strip_prefix(STATUS) {
            let (line, rest) = value.split_once('\n').unwrap_or((value, ""));
            if let (None, Ok(status)) = (d.status, line.trim().parse::<ReviewStatus>()) {
                d.status = Some(status);
                slot = Slot::Description;
                if !rest.trim().is_empty() {
                    append(&mut d.description, rest);
                }
                continue;
            }
            // Not a status Fieldcode knows (or a second one): plain description text.
            slot = Slot::Description;
        }
        append(field(&mut d, slot), paragraph);
    }
    d
}

fn field(d: &mut Definition, slot: Slot) -> &mut String {
    match slot {
        Slot::Description => &mut d.description,
        Slot::Inclusion => &mut d.inclusion,
        Slot::Exclusion => &mut d.exclusion,
        Slot::Example => &mut d.example,
    }
}

/// Adds a paragraph to a part, a blank line after what it already holds.
fn append(to: &mut String, paragraph: &str) {
    if !to.is_empty() {
        to.push_str("\n\n");
    }
    to.push_str(paragraph);
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

    #[test]
    fn text_another_tool_added_after_the_status_is_description_and_the_rest_still_parses() {
        let d = parse(
            "Talk about waiting.\n\nInclude when: any delay\n\nExclude when: none\n\nExample: six weeks\n\nReview status: agreed\n\nEdited in NVivo",
        );
        assert_eq!(d.description, "Talk about waiting.\n\nEdited in NVivo");
        assert_eq!(
            (d.inclusion.as_str(), d.exclusion.as_str(), d.example.as_str()),
            ("any delay", "none", "six weeks")
        );
        assert_eq!(d.status, Some(ReviewStatus::Agreed));
        let same_paragraph = parse("Include when: x\n\nReview status: reviewed\nnote from ATLAS.ti");
        assert_eq!(same_paragraph.status, Some(ReviewStatus::Reviewed));
        assert_eq!(
            (same_paragraph.inclusion.as_str(), same_paragraph.description.as_str()),
            ("x", "note from ATLAS.ti")
        );
    }

    #[test]
    fn an_unknown_status_stays_text_without_undoing_the_labelled_parts() {
        let d = parse("Include when: x\n\nReview status: pending");
        assert_eq!(d.inclusion, "x");
        assert_eq!(d.status, None);
        assert_eq!(d.description, "Review status: pending");
    }

    #[test]
    fn crlf_descriptions_parse_like_lf_ones() {
        let d = parse("About.\r\n\r\nInclude when: a\r\n\r\nReview status: agreed\r\n");
        assert_eq!(
            (d.description.as_str(), d.inclusion.as_str(), d.status),
            ("About.", "a", Some(ReviewStatus::Agreed))
        );
    }
}
