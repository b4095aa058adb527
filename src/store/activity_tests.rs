use super::*;
use crate::domain::{LookupKey, Window, Writes};
use crate::sources::SourceErrorKind;
use chrono::TimeDelta;

fn t0() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::days(20_000)
}

fn query(regions: &[&str], writes: Writes) -> ActivityQuery {
    ActivityQuery {
        account_id: "111122223333".into(),
        key: LookupKey::AccessKeyId,
        value: "AKIAEXAMPLE".into(),
        window: Window::Last(TimeDelta::hours(24)),
        writes,
        regions: regions.iter().map(|r| r.to_string()).collect(),
        about: "access key AKIAEXAMPLE".into(),
    }
}

fn event(id: &str, minutes_ago: i64, region: &str, read_only: bool) -> ActivityEvent {
    ActivityEvent {
        id: id.into(),
        time: t0() - TimeDelta::minutes(minutes_ago),
        name: if read_only {
            "ListBuckets"
        } else {
            "PutObject"
        }
        .into(),
        source: "s3.amazonaws.com".into(),
        principal: "ci".into(),
        access_key: Some("AKIAEXAMPLE".into()),
        source_ip: "198.51.100.7".into(),
        user_agent: "aws-cli".into(),
        region: region.into(),
        error_code: None,
        read_only: Some(read_only),
        raw: "{}".into(),
    }
}

fn page(events: Vec<ActivityEvent>, token: Option<&str>) -> Result<ActivityPage, ActivityError> {
    Ok(ActivityPage {
        events,
        next_token: token.map(str::to_string),
    })
}

fn shown(data: &Data) -> Vec<String> {
    let results = data.activity.current().unwrap();
    results.events[..results.shown]
        .iter()
        .map(|e| e.id.clone())
        .collect()
}

fn request_of<'a>(requests: &'a [PageRequest], region: &str) -> &'a PageRequest {
    requests.iter().find(|r| r.region == region).unwrap()
}

#[test]
fn opening_asks_every_region_s_first_page_once_and_reopening_uses_the_cache() {
    let mut data = Data::default();
    let q = query(&["eu-west-1", "us-east-1"], Writes::All);
    let first = data.open_activity(q.clone(), t0());
    assert_eq!(first.len(), 2);
    assert!(first.iter().all(|r| r.token.is_none()));
    assert_eq!(first[0].end, t0());
    assert_eq!(first[0].start, t0() - TimeDelta::hours(24));
    // Opened again while loading, or later: nothing is asked again.
    assert!(data.open_activity(q.clone(), t0()).is_empty());
    for request in &first {
        data.activity_page(
            request,
            page(
                vec![event(&request.region, 1, &request.region, false)],
                None,
            ),
        );
    }
    assert!(data.open_activity(q, t0() + TimeDelta::hours(1)).is_empty());
    assert_eq!(shown(&data).len(), 2);
    assert!(data.activity.current().unwrap().complete());
}

#[test]
fn regions_merge_newest_first_and_nothing_shows_ahead_of_a_region_still_to_read() {
    let mut data = Data::default();
    let q = query(&["eu-west-1", "us-east-1"], Writes::All);
    let first = data.open_activity(q, t0());
    let (eu, us) = (
        request_of(&first, "eu-west-1"),
        request_of(&first, "us-east-1"),
    );
    data.activity_page(
        eu,
        page(
            vec![
                event("eu1", 1, "eu-west-1", true),
                event("eu2", 10, "eu-west-1", true),
            ],
            Some("eu-p2"),
        ),
    );
    assert!(shown(&data).is_empty(), "us-east-1 has not answered");
    data.activity_page(
        us,
        page(
            vec![
                event("us1", 5, "us-east-1", true),
                event("us2", 30, "us-east-1", true),
            ],
            Some("us-p2"),
        ),
    );
    // Both have more: only what is at or after the newer of the two horizons (10 minutes).
    assert_eq!(shown(&data), ["eu1", "us1", "eu2"]);
    // The region holding the view back is read next: eu-west-1 (its oldest is the newest).
    let next = data.more_activity(100).unwrap();
    assert_eq!(
        (next.region.as_str(), next.token.as_deref()),
        ("eu-west-1", Some("eu-p2"))
    );
    assert!(data.more_activity(100).is_none(), "one page at a time");
    data.activity_page(&next, page(vec![event("eu3", 40, "eu-west-1", true)], None));
    assert_eq!(shown(&data), ["eu1", "us1", "eu2", "us2"]);
    let next = data.more_activity(100).unwrap();
    assert_eq!(next.token.as_deref(), Some("us-p2"));
    data.activity_page(&next, page(vec![event("us3", 35, "us-east-1", true)], None));
    assert_eq!(shown(&data), ["eu1", "us1", "eu2", "us2", "us3", "eu3"]);
    assert!(data.more_activity(100).is_none());
}

#[test]
fn more_pages_are_read_only_while_fewer_rows_are_shown_than_wanted() {
    let mut data = Data::default();
    let first = data.open_activity(query(&["us-east-1"], Writes::All), t0());
    let events = (0..50)
        .map(|i| event(&format!("e{i:02}"), i, "us-east-1", true))
        .collect();
    data.activity_page(&first[0], page(events, Some("p2")));
    assert_eq!(shown(&data).len(), 50);
    assert!(data.more_activity(30).is_none());
    let next = data.more_activity(60).unwrap();
    assert_eq!(next.token.as_deref(), Some("p2"));
    assert_eq!(
        (next.start, next.end),
        (first[0].start, first[0].end),
        "the same window"
    );
}

#[test]
fn the_write_filter_is_applied_locally() {
    let mut data = Data::default();
    let first = data.open_activity(query(&["us-east-1"], Writes::Only), t0());
    data.activity_page(
        &first[0],
        page(
            vec![
                event("r", 1, "us-east-1", true),
                event("w", 2, "us-east-1", false),
            ],
            None,
        ),
    );
    assert_eq!(shown(&data), ["w"]);
}

#[test]
fn a_denial_is_kept_for_the_view_and_the_rest_goes_on() {
    let mut data = Data::default();
    let first = data.open_activity(query(&["eu-west-1", "us-east-1"], Writes::All), t0());
    let denied = ActivityError {
        kind: SourceErrorKind::AccessDenied {
            permission: Some("cloudtrail:LookupEvents".into()),
        },
        region: "eu-west-1".into(),
        message: "AccessDeniedException: not authorized".into(),
    };
    data.activity_page(request_of(&first, "eu-west-1"), Err(denied));
    data.activity_page(
        request_of(&first, "us-east-1"),
        page(vec![event("us1", 1, "us-east-1", true)], None),
    );
    let results = data.activity.current().unwrap();
    assert!(
        results
            .denied
            .as_deref()
            .unwrap()
            .contains("needs cloudtrail:LookupEvents")
    );
    assert_eq!(shown(&data), ["us1"]);
    assert!(results.complete());
}

#[test]
fn findings_remote_addresses_are_flagged_when_a_query_opens() {
    let mut data = Data::default();
    let finding = crate::sources::demo::DemoWorld::new(Default::default(), t0())
        .findings_at("us-east-1", t0())
        .into_iter()
        .find(|f| f.details().get("Remote IP").is_some())
        .unwrap();
    let remote = finding.details().get("Remote IP").unwrap().to_string();
    data.findings.push(finding);
    data.open_activity(query(&["us-east-1"], Writes::All), t0());
    assert!(data.activity.flagged.contains(&remote));
    assert_eq!(data.activity.flagged.len(), 1);
}
