//! CloudTrail activity: what a principal or a resource did, as `LookupEvents` returns it.
//! A query names one lookup attribute (the API takes exactly one per call), a time window,
//! the regions to ask (each watched region plus us-east-1, where the events of global
//! services are recorded) and whether only write events are wanted (filtered locally).

use chrono::{DateTime, TimeDelta, Utc};

/// Region where IAM, STS and console sign-in events (global services) are recorded.
pub const GLOBAL_EVENTS_REGION: &str = "us-east-1";

/// The activity window when none is asked for.
pub const DEFAULT_WINDOW: TimeDelta = TimeDelta::hours(24);

/// `LookupEvents` keeps 90 days of management events.
pub const MAX_WINDOW: TimeDelta = TimeDelta::days(90);

/// The lookup attribute of a query (`LookupAttribute.AttributeKey`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LookupKey {
    AccessKeyId,
    Username,
    ResourceName,
    /// `true` or `false`: read or write events, whoever made them.
    ReadOnly,
}

impl LookupKey {
    /// The API's name for it.
    pub fn name(self) -> &'static str {
        match self {
            LookupKey::AccessKeyId => "AccessKeyId",
            LookupKey::Username => "Username",
            LookupKey::ResourceName => "ResourceName",
            LookupKey::ReadOnly => "ReadOnly",
        }
    }
}

/// Which events of the window a query keeps (the API cannot combine `ReadOnly` with
/// another attribute, so this is done locally).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Writes {
    All,
    Only,
}

/// The time window: the last stretch of time up to when the query is opened, or a fixed
/// span around a moment (an alarm's last transition).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Window {
    Last(TimeDelta),
    Around {
        at: DateTime<Utc>,
        before: TimeDelta,
        after: TimeDelta,
    },
}

impl Window {
    /// Start and end of the window, for a query opened at `now`.
    pub fn span(self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        match self {
            Window::Last(length) => (now - length, now),
            Window::Around { at, before, after } => (at - before, (at + after).min(now)),
        }
    }
}

/// What the activity view is asked for. Equal queries share one cached result.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ActivityQuery {
    /// The account whose CloudTrail is read (the row's, in an organisation).
    pub account_id: String,
    pub key: LookupKey,
    pub value: String,
    pub window: Window,
    pub writes: Writes,
    /// Regions to ask, in order, without repeats.
    pub regions: Vec<String>,
    /// What the query is about, for the view's title (`access key AKIA…`).
    pub about: String,
}

impl ActivityQuery {
    /// `regions` plus us-east-1 (global services), each once.
    pub fn regions_with_global(watched: &[String]) -> Vec<String> {
        let mut regions: Vec<String> = Vec::with_capacity(watched.len() + 1);
        for region in watched
            .iter()
            .map(String::as_str)
            .chain([GLOBAL_EVENTS_REGION])
        {
            if !regions.iter().any(|r| r == region) {
                regions.push(region.to_string());
            }
        }
        regions
    }

    /// Whether an event belongs in the view (the local read/write filter).
    pub fn keeps(&self, event: &ActivityEvent) -> bool {
        match self.writes {
            Writes::All => true,
            Writes::Only => event.read_only != Some(true),
        }
    }
}

/// One CloudTrail management event, with what the view's columns show lifted out of the
/// record; `raw` is the record exactly as CloudTrail sent it (`CloudTrailEvent`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityEvent {
    pub id: String,
    pub time: DateTime<Utc>,
    pub name: String,
    /// e.g. `iam.amazonaws.com`.
    pub source: String,
    /// The user name, or the caller's ARN when there is none.
    pub principal: String,
    pub access_key: Option<String>,
    pub source_ip: String,
    pub user_agent: String,
    pub region: String,
    pub error_code: Option<String>,
    /// `None` when CloudTrail did not say.
    pub read_only: Option<bool>,
    pub raw: String,
}

/// One page to read: the query, its window as fixed when it was opened (later pages
/// continue the same window), the region, and where the previous page ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub query: ActivityQuery,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub region: String,
    pub token: Option<String>,
}

/// One page of one region's answer.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ActivityPage {
    pub events: Vec<ActivityEvent>,
    pub next_token: Option<String>,
}

/// Parses a window length as typed after `:activity`: `24h`, `7d`, `90m`, `2w`; at most
/// [`MAX_WINDOW`].
pub fn parse_window(text: &str) -> Result<TimeDelta, String> {
    let text = text.trim();
    let usage = || format!("not a window: {text:?} (e.g. 24h, 7d, 90m)");
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(usage)?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| usage())?;
    let length = match unit {
        "m" => TimeDelta::try_minutes(n),
        "h" => TimeDelta::try_hours(n),
        "d" => TimeDelta::try_days(n),
        "w" => TimeDelta::try_weeks(n),
        _ => None,
    }
    .ok_or_else(usage)?;
    if length <= TimeDelta::zero() {
        return Err(usage());
    }
    if length > MAX_WINDOW {
        return Err(format!(
            "{text} is longer than the 90 days CloudTrail keeps"
        ));
    }
    Ok(length)
}

/// `24h`, `7d`, `90m`: a window length as `:activity` takes it.
pub fn window_label(length: TimeDelta) -> String {
    let minutes = length.num_minutes();
    // A day or two reads better in hours (`24h`), as it is typed.
    if minutes % (24 * 60) == 0 && minutes > 48 * 60 {
        format!("{}d", minutes / (24 * 60))
    } else if minutes % 60 == 0 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(read_only: Option<bool>) -> ActivityEvent {
        ActivityEvent {
            id: "e".into(),
            time: DateTime::UNIX_EPOCH,
            name: "PutObject".into(),
            source: "s3.amazonaws.com".into(),
            principal: "alice".into(),
            access_key: None,
            source_ip: "198.51.100.7".into(),
            user_agent: "aws-cli".into(),
            region: "us-east-1".into(),
            error_code: None,
            read_only,
            raw: "{}".into(),
        }
    }

    fn query(writes: Writes) -> ActivityQuery {
        ActivityQuery {
            account_id: "111122223333".into(),
            key: LookupKey::ReadOnly,
            value: "false".into(),
            window: Window::Last(DEFAULT_WINDOW),
            writes,
            regions: vec!["us-east-1".into()],
            about: "x".into(),
        }
    }

    #[test]
    fn the_write_filter_drops_reads_and_keeps_what_it_cannot_tell() {
        let only = query(Writes::Only);
        assert!(!only.keeps(&event(Some(true))));
        assert!(only.keeps(&event(Some(false))));
        assert!(only.keeps(&event(None)));
        let all = query(Writes::All);
        assert!(all.keeps(&event(Some(true))));
    }

    #[test]
    fn global_events_are_asked_in_us_east_1_once() {
        let watched = vec!["eu-west-1".to_string(), "us-east-1".to_string()];
        assert_eq!(
            ActivityQuery::regions_with_global(&watched),
            ["eu-west-1", "us-east-1"]
        );
        assert_eq!(
            ActivityQuery::regions_with_global(&["ap-southeast-2".to_string()]),
            ["ap-southeast-2", "us-east-1"]
        );
    }

    #[test]
    fn windows_parse_and_print() {
        assert_eq!(parse_window("7d"), Ok(TimeDelta::days(7)));
        assert_eq!(parse_window("24h"), Ok(TimeDelta::hours(24)));
        assert_eq!(parse_window("90m"), Ok(TimeDelta::minutes(90)));
        assert_eq!(parse_window("2w"), Ok(TimeDelta::weeks(2)));
        for bad in ["", "d", "7", "0d", "7y", "-1d", "91d", "99999999999999d"] {
            assert!(parse_window(bad).is_err(), "{bad}");
        }
        assert_eq!(window_label(TimeDelta::days(7)), "7d");
        assert_eq!(window_label(TimeDelta::hours(24)), "24h");
        assert_eq!(window_label(TimeDelta::days(3)), "3d");
        assert_eq!(window_label(TimeDelta::hours(5)), "5h");
        assert_eq!(window_label(TimeDelta::minutes(90)), "90m");
    }

    #[test]
    fn a_window_around_a_moment_ends_no_later_than_now() {
        let at = DateTime::UNIX_EPOCH + TimeDelta::hours(10);
        let window = Window::Around {
            at,
            before: TimeDelta::hours(1),
            after: TimeDelta::minutes(15),
        };
        let now = at + TimeDelta::minutes(5);
        assert_eq!(window.span(now), (at - TimeDelta::hours(1), now));
    }
}
