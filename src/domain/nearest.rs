//! "Did you mean …?": the closest of a set of known names to a mistyped one, for region
//! names, check IDs and account names.

/// The edit distance between two strings, in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.get(j).copied().unwrap_or(0) + 1;
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

/// The known name closest to `wanted` (case ignored), the first one on a tie. Always
/// answers when `known` is not empty: a hint that is far off still shows what names look
/// like.
pub fn nearest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = wanted.to_lowercase();
    known
        .into_iter()
        .map(|name| (distance(&wanted, &name.to_lowercase()), name))
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_name_wins_whatever_the_case() {
        assert_eq!(distance("eu-wset-1", "eu-west-1"), 2);
        let known = ["us-east-1", "eu-west-1", "eu-west-2"];
        assert_eq!(nearest("eu-wset-1", known), Some("eu-west-1"));
        assert_eq!(nearest("US-EAST-1", known), Some("us-east-1"));
        assert_eq!(nearest("x", std::iter::empty()), None);
    }
}
