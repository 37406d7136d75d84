//! GUIDs as REFI-QDA files carry them: 8-4-4-4-12 hex in either case, optionally in braces.
//! Fieldcode compares and stores them normalised (lower-case, hyphenated) and derives stable
//! GUIDs for things its tables do not give one (attributes, selections, memo authors).

use uuid::Uuid;

/// Namespace for GUIDs Fieldcode derives (uuid v5), fixed so exports are stable.
const NAMESPACE: Uuid = Uuid::from_u128(0x5f1e_7c0d_2b6a_4d8e_9a31_0c4f_6b2e_8d17);

/// The normalised form of a GUID from a file. Something that is not a GUID at all is mapped to
/// a GUID derived from its text, so references to it still resolve consistently.
pub fn normalise(raw: &str) -> String {
    let trimmed = raw.trim();
    let inner = trimmed.strip_prefix('{').and_then(|s| s.strip_suffix('}')).unwrap_or(trimmed);
    match Uuid::try_parse(inner) {
        Ok(uuid) => uuid.hyphenated().to_string(),
        Err(_) => derived(&["not-a-guid", trimmed]),
    }
}

/// True when `raw` is a GUID as the schema allows it (with or without braces).
pub fn is_well_formed(raw: &str) -> bool {
    let inner = raw.strip_prefix('{').and_then(|s| s.strip_suffix('}')).unwrap_or(raw);
    let groups: Vec<&str> = inner.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A stable GUID derived from parts (the same parts always give the same GUID).
pub fn derived(parts: &[&str]) -> String {
    Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes()).hyphenated().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_and_case_normalise_to_one_form() {
        let a = normalise("{C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B}");
        assert_eq!(a, "c32a2bd5-537f-4838-8b17-df9efbafdf4b");
        assert_eq!(normalise(" c32a2bd5-537f-4838-8b17-df9efbafdf4b "), a);
        assert!(is_well_formed(&a));
        assert!(is_well_formed("{C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B}"));
    }

    #[test]
    fn junk_maps_to_a_stable_valid_guid() {
        let a = normalise("line:6");
        assert_eq!(a, normalise("line:6"));
        assert_ne!(a, normalise("line:7"));
        assert!(is_well_formed(&a));
        assert!(!is_well_formed("line:6"));
    }
}
