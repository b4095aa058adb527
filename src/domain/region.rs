//! Region names as the user gives them (`--region`, `regions` in config.toml, `:region`).

/// Splits `--region a,b --region c` into distinct, trimmed region names, in order.
pub fn parse_regions<S: AsRef<str>>(values: &[S]) -> Vec<String> {
    let mut regions: Vec<String> = Vec::new();
    for part in values.iter().flat_map(|v| v.as_ref().split(',')) {
        let region = part.trim();
        if !region.is_empty() && !regions.iter().any(|r| r == region) {
            regions.push(region.to_string());
        }
    }
    regions
}

/// Whether `name` is shaped like an AWS region: lowercase words joined by hyphens, ending in
/// a number (`us-east-1`, `us-gov-west-1`, `ap-southeast-2`). Catches typos such as
/// `us-east` or `eu_west_1` before any client is built for them.
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let [first, middle @ .., number] = parts.as_slice() else {
        return false;
    };
    let word = |part: &&str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase());
    parts.len() >= 3
        && (2..=4).contains(&first.len())
        && word(first)
        && middle.iter().all(word)
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_accept_repeats_and_comma_lists() {
        let values = ["us-east-1,eu-west-1", " eu-west-1 ", "ap-southeast-2,"];
        assert_eq!(
            parse_regions(&values),
            ["us-east-1", "eu-west-1", "ap-southeast-2"]
        );
        assert!(parse_regions::<&str>(&[]).is_empty());
    }

    #[test]
    fn region_names_are_recognised() {
        for good in [
            "us-east-1",
            "eu-west-1",
            "ap-southeast-2",
            "us-gov-west-1",
            "il-central-1",
        ] {
            assert!(is_region_name(good), "{good}");
        }
        for bad in [
            "",
            "us-east",
            "eu_west_1",
            "US-EAST-1",
            "us-east-1a",
            "east-1",
            "us--1",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }
}
