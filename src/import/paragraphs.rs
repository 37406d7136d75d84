//! Paragraph boundaries, computed once at import so that autocode, analysis and the viewer agree.
//!
//! A paragraph is a maximal run of non-blank lines; a line that starts a speaker turn starts a new
//! paragraph, which then begins at the utterance (after the speaker label).

use crate::model::Span;

use super::ParsedTurn;
use super::lines::Lines;

/// Paragraph spans of `text` (code points), given its turns sorted by start.
pub fn find_paragraphs(text: &str, turns: &[ParsedTurn]) -> Vec<Span> {
    find_paragraphs_in(&mut Lines::of(text), turns)
}

/// [`find_paragraphs`] over a walk of the text's lines.
pub fn find_paragraphs_in(lines: &mut Lines<'_>, turns: &[ParsedTurn]) -> Vec<Span> {
    find_paragraphs_within(lines, turns, usize::MAX).unwrap_or_default()
}

/// [`find_paragraphs_in`], giving up (`None`) as soon as there are more than `max` paragraphs.
pub fn find_paragraphs_within(lines: &mut Lines<'_>, turns: &[ParsedTurn], max: usize) -> Option<Vec<Span>> {
    let mut paragraphs = Vec::new();
    let mut current: Option<Span> = None;
    let mut end_paragraph = |span: Option<Span>| -> Option<()> {
        match span {
            Some(span) if span.start < span.end => {
                if paragraphs.len() == max {
                    return None;
                }
                paragraphs.push(span);
            }
            _ => {}
        }
        Some(())
    };
    let mut turn_iter = turns.iter().peekable();
    for line in lines {
        let body = line.body;
        let mut turn_here = None;
        while let Some(t) = turn_iter.peek() {
            if t.start > line.end {
                break;
            }
            if t.start >= line.start {
                turn_here = Some(t.start);
            }
            turn_iter.next();
        }
        if body.trim().is_empty() {
            end_paragraph(current.take())?;
        } else {
            let content_end = line.end - body[body.trim_end().len()..].chars().count();
            if let Some(turn_start) = turn_here {
                end_paragraph(current.take())?;
                current = Some(Span { start: turn_start, end: content_end.max(turn_start) });
            } else if let Some(span) = current.as_mut() {
                span.end = content_end;
            } else {
                let lead = body.chars().take_while(|c| c.is_whitespace()).count();
                current = Some(Span { start: line.start + lead, end: content_end });
            }
        }
    }
    end_paragraph(current)?;
    Some(paragraphs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::speakers::find_turns;

    fn texts(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        find_paragraphs(text, &find_turns(text)).into_iter().map(|p| chars[p.start..p.end].iter().collect()).collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        assert_eq!(texts("One\nstill one\n\n\n  Two  \n"), ["One\nstill one", "Two"]);
    }

    #[test]
    fn each_turn_starts_a_paragraph_at_its_utterance() {
        let text = "[00:00:01] A: hi\nmore\n[00:00:02] B: yes\n\nafter blank";
        assert_eq!(texts(text), ["hi\nmore", "yes", "after blank"]);
    }
}
