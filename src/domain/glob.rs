//! The patterns of account rules (`[[accounts]] match`, `read_only_accounts`,
//! `read_only_profiles`), matched against account IDs and profile names.

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    if parts.len() == 1 {
        return pattern == text;
    }
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_names_and_ids() {
        assert!(glob_match("prod-*", "prod-eu"));
        assert!(!glob_match("prod-*", "staging"));
        assert!(glob_match("111122223333", "111122223333"));
        assert!(glob_match("*-audit-*", "org-audit-ro"));
        assert!(glob_match("*", "anything"));
        assert!(!glob_match("a*b", "ab-"));
        assert!(glob_match("a*b", "a-b"));
    }
}
