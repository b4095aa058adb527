use chrono::{DateTime, Utc};

/// A compact age such as `42s`, `5m`, `3h`, `12d` or `2y`.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    if secs < 0 {
        return "now".to_string();
    }
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 => format!("{}h", secs / 3600),
        86_400..63_072_000 => format!("{}d", secs / 86_400),
        _ => format!("{}y", secs / 31_536_000),
    }
}

/// `2026-11-28 18:40 UTC`: minutes are enough to read; the detail view has full RFC 3339.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn ages_pick_the_largest_sensible_unit() {
        let now = Utc::now();
        assert_eq!(age(now, now - Duration::seconds(42)), "42s");
        assert_eq!(age(now, now - Duration::minutes(5)), "5m");
        assert_eq!(age(now, now - Duration::hours(3)), "3h");
        assert_eq!(age(now, now - Duration::days(120)), "120d");
        assert_eq!(age(now, now - Duration::days(800)), "2y");
        assert_eq!(age(now, now + Duration::seconds(5)), "now");
    }
}
