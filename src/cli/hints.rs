//! What the command line adds to a library error: the command or flag that helps. The library's
//! messages describe the problem in words any front end can show; the hints that name
//! `fieldcode` commands and flags live here, once.

use crate::error::Error;

/// The hint for `err`, if the command line has one.
pub fn hint(err: &Error) -> Option<&'static str> {
    match err {
        Error::Missing { .. } => Some("create a project with `fieldcode new PROJECT`"),
        Error::NotFound { what, hint, .. } if hint.is_empty() => not_found(what),
        Error::Busy { .. } | Error::Locked { .. } => {
            Some("close the project in the other program, or wait, and run the command again")
        }
        Error::Invalid(message) | Error::Import { reason: message, .. } => invalid(message),
        _ => None,
    }
}

fn not_found(what: &str) -> Option<&'static str> {
    Some(match what {
        "code" => "`fieldcode codes PROJECT` lists the codebook",
        "document" => "`fieldcode docs PROJECT` lists the documents",
        "participant" | "participant with" => "`fieldcode speakers PROJECT` lists participants and their attributes",
        "snapshot" => "`fieldcode snapshots PROJECT` lists them",
        "coder" => "`fieldcode frequencies PROJECT --by coder` shows who has coded",
        _ => return None,
    })
}

fn invalid(message: &str) -> Option<&'static str> {
    let starts = |prefix: &str| message.starts_with(prefix);
    Some(if starts("a coder needs a name") || starts("a comment needs an author") {
        "pass --coder NAME or set FIELDCODE_CODER"
    } else if starts("compare at least two different coders") {
        "name them with --coders, e.g. --coders Ana,Ben"
    } else if message.contains("source text file(s) are missing") {
        "pass --skip-missing-sources to import the rest"
    } else if message.contains("has no words to search for") {
        "use --regex for patterns"
    } else if starts("no words to look for") {
        "give a comma-separated list, e.g. --words GP,surgery"
    } else if starts("a synthetic project needs") {
        "set --docs, --codes and --chars"
    } else if message.contains("there is already a snapshot named") {
        "`fieldcode snapshots PROJECT` lists them"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_hints_name_the_flag_the_library_does_not() {
        let coder = Error::invalid("a coder needs a name");
        assert_eq!(hint(&coder), Some("pass --coder NAME or set FIELDCODE_CODER"));
        let code = Error::not_found("code", "Nope");
        assert!(hint(&code).is_some_and(|h| h.contains("fieldcode codes")));
        let similar = Error::NotFound { what: "code", name: "x".into(), hint: "; did you mean \"y\"?".into() };
        assert_eq!(hint(&similar), None, "a suggestion from the data is hint enough");
        assert_eq!(hint(&Error::invalid("something else")), None);
    }
}
