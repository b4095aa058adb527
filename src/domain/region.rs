//! Region names as the user gives them (`--region`, `regions` in config.toml, `:region`),
//! checked against the regions AWS has (`region_list.rs`).

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

/// Whether `name` is a region watchpost knows: on AWS's list as pinned in the project
/// ([`KNOWN_REGIONS`](super::region_list::KNOWN_REGIONS)) or among `extra` (config.toml's
/// `extra_regions`, for regions newer than the list). Names are compared exactly: AWS's
/// are lowercase.
pub fn is_known_region(name: &str, extra: &[String]) -> bool {
    super::region_list::KNOWN_REGIONS.contains(&name) || extra.iter().any(|r| r == name)
}

/// Why `name` is refused as a region, naming the nearest known one; `None` when it is
/// known. Checked wherever a region enters (`--region`, config.toml `regions`, `:region`)
/// before anything is called.
pub fn unknown_region(name: &str, extra: &[String]) -> Option<String> {
    if is_known_region(name, extra) {
        return None;
    }
    let known = super::region_list::KNOWN_REGIONS
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str));
    let hint = super::nearest::nearest(name, known)
        .map(|r| format!("; did you mean {r}?"))
        .unwrap_or_default();
    Some(format!(
        "unknown region {name:?}{hint} (a region newer than watchpost's list goes in \
         `extra_regions` in config.toml)"
    ))
}

/// The first of `names` that is not a known region, as [`unknown_region`] words it.
pub fn check_regions<S: AsRef<str>>(names: &[S], extra: &[String]) -> Result<(), String> {
    match names
        .iter()
        .find_map(|name| unknown_region(name.as_ref(), extra))
    {
        Some(message) => Err(message),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_regions_pass_and_the_nearest_is_named() {
        assert!(check_regions(&["us-east-1", "eu-west-1", "cn-north-1"], &[]).is_ok());
        let err = check_regions(&["us-east-1", "eu-wset-1"], &[]).unwrap_err();
        assert!(err.contains("\"eu-wset-1\""), "{err}");
        assert!(err.contains("did you mean eu-west-1?"), "{err}");
        assert!(err.contains("extra_regions"), "{err}");
        let err = unknown_region("US-EAST-1", &[]).unwrap_or_default();
        assert!(err.contains("did you mean us-east-1?"), "{err}");
        assert!(unknown_region("foo", &[]).is_some());
        // A region newer than the list, named in config.toml.
        let extra = vec!["xx-future-1".to_string()];
        assert!(unknown_region("xx-future-1", &extra).is_none());
        let err = unknown_region("xx-futrue-1", &extra).unwrap_or_default();
        assert!(err.contains("did you mean xx-future-1?"), "{err}");
    }

    #[test]
    fn every_pinned_region_is_shaped_like_one_and_listed_once() {
        let known = super::super::region_list::KNOWN_REGIONS;
        for (i, region) in known.iter().enumerate() {
            assert!(is_region_name(region), "{region}");
            assert!(!known[..i].contains(region), "{region} twice");
        }
    }

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
