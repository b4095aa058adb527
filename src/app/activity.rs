//! The activity view in the app: which CloudTrail query a row stands for (`t`,
//! `:activity [WINDOW]`), opening it (cached queries open at once, new ones ask their first
//! pages), the pages as they come back, and the next page when the selection nears the end
//! of what is shown. Reads go out as `Effect::LookupActivity`; nothing here waits.

use super::{App, Effect, Mode};
use crate::domain::activity::DEFAULT_WINDOW;
use crate::domain::{ActivityPage, ActivityQuery, LookupKey, PageRequest, Window, Writes};
use crate::panes::Tab;
use crate::remediation::Target;
use crate::sources::activity::ActivityError;
use crate::store::Data;
use chrono::TimeDelta;

/// How far before an alarm's last transition "what changed" looks, and after it.
const BEFORE_ALARM: TimeDelta = TimeDelta::hours(1);
const AFTER_ALARM: TimeDelta = TimeDelta::minutes(15);

/// Opens the activity of the selected row (or the item of the open detail view), over
/// `window` (the default 24 hours, or before an alarm's transition, the hour before it).
pub fn open_from_row(app: &mut App, window: Option<TimeDelta>) -> Vec<Effect> {
    let pane = app.tab.pane();
    let row = match &app.mode {
        Mode::Detail { key, .. } => pane.find(&app.data, key),
        _ => app.view(app.tab).selected_row(),
    };
    let targets = row.map(|r| pane.targets(&app.data, r)).unwrap_or_default();
    let watched = app.header.regions.clone();
    let query = targets
        .iter()
        .find_map(|target| query_for(&app.data, target, &watched, window));
    match query {
        Some(query) => open(app, query),
        None if app.tab == Tab::Activity => Vec::new(),
        None => {
            let text = "No activity to show for this row: use t on a finding, user, access key, \
                        role, security group or alarm";
            super::update::set_status(app, text.to_string());
            Vec::new()
        }
    }
}

/// Shows `query` in the Activity tab and asks for what it still needs.
pub fn open(app: &mut App, query: ActivityQuery) -> Vec<Effect> {
    let requests = app.data.open_activity(query, app.now);
    app.tab = Tab::Activity;
    app.mode = Mode::Normal;
    app.pending_keys.clear();
    app.rebuild_view(Tab::Activity);
    app.view_mut(Tab::Activity).select_first();
    requests.into_iter().map(Effect::LookupActivity).collect()
}

/// A page came back: the tab shows what is settled, and asks for more if the screen is not
/// full yet.
pub fn page(
    app: &mut App,
    request: &PageRequest,
    result: Result<ActivityPage, ActivityError>,
) -> Vec<Effect> {
    let keep = app
        .view(Tab::Activity)
        .selected_row()
        .map(|row| Tab::Activity.pane().key(&app.data, row));
    app.data.activity_page(request, result);
    app.rebuild_view_selecting(Tab::Activity, keep);
    more(app)
}

/// The next page, when the selection is within a page of the last row shown.
pub fn more(app: &mut App) -> Vec<Effect> {
    if app.tab != Tab::Activity || app.data.activity.open.is_none() {
        return Vec::new();
    }
    let page = app.page_rows();
    let selected = app.view(Tab::Activity).selected_row().unwrap_or(0);
    // Rows wanted: the selection plus two screens, so paging down rarely waits.
    let wanted = selected.saturating_add(page.saturating_mul(2));
    app.data
        .more_activity(wanted)
        .map(Effect::LookupActivity)
        .into_iter()
        .collect()
}

/// The query a row's target stands for, if it has one.
pub fn query_for(
    data: &Data,
    target: &Target,
    watched: &[String],
    window: Option<TimeDelta>,
) -> Option<ActivityQuery> {
    let everywhere = ActivityQuery::regions_with_global(watched);
    let last = Window::Last(window.unwrap_or(DEFAULT_WINDOW));
    let query =
        |account: &str, key, value: &str, about: String, regions: Vec<String>| ActivityQuery {
            account_id: account.to_string(),
            key,
            value: value.to_string(),
            window: last,
            writes: Writes::All,
            regions,
            about,
        };
    match target {
        Target::Finding { account_id, id, .. } => {
            let finding = data.finding(id)?;
            let resource = finding.text.resource_id();
            let user = finding.details().get("User name");
            let (key, value, about) = match (finding.resource.kind.as_str(), user) {
                ("AccessKey", _) if !resource.is_empty() => (
                    LookupKey::AccessKeyId,
                    resource,
                    format!("access key {resource}"),
                ),
                ("Instance" | "S3Bucket", _) if !resource.is_empty() => {
                    (LookupKey::ResourceName, resource, resource.to_string())
                }
                (_, Some(user)) => (LookupKey::Username, user, format!("user {user}")),
                _ => return None,
            };
            Some(query(account_id, key, value, about, everywhere))
        }
        Target::AccessKey {
            account_id,
            user,
            key,
            ..
        } => Some(match key.id() {
            Some(id) => query(
                account_id,
                LookupKey::AccessKeyId,
                id,
                format!("access key {id}"),
                everywhere,
            ),
            // The credential report names keys by slot: the user's activity instead.
            None => query(
                account_id,
                LookupKey::Username,
                user,
                format!("user {user}"),
                everywhere,
            ),
        }),
        Target::User {
            account_id, name, ..
        } => Some(query(
            account_id,
            LookupKey::Username,
            name,
            format!("user {name}"),
            everywhere,
        )),
        Target::Role { account_id, name } => {
            // Events about a role (AssumeRole, policy changes) name it by ARN.
            let arn = format!("arn:aws:iam::{account_id}:role/{name}");
            Some(query(
                account_id,
                LookupKey::ResourceName,
                &arn,
                format!("role {name}"),
                everywhere,
            ))
        }
        Target::IngressRule {
            account_id,
            region,
            group_id,
            group_name,
            ..
        } => Some(query(
            account_id,
            LookupKey::ResourceName,
            group_id,
            format!("security group {group_id} ({group_name})"),
            vec![region.to_string()],
        )),
        Target::Alarm {
            account_id,
            region,
            name,
            ..
        } => {
            let alarm = data.alarms.iter().find(|a| {
                a.name() == name.as_str()
                    && a.region.as_str() == region.as_str()
                    && a.account_id.as_str() == account_id.as_str()
            })?;
            Some(ActivityQuery {
                window: Window::Around {
                    at: alarm.state_updated,
                    before: window.unwrap_or(BEFORE_ALARM),
                    after: AFTER_ALARM,
                },
                writes: Writes::Only,
                ..query(
                    account_id,
                    LookupKey::ReadOnly,
                    "false",
                    format!("changes before alarm {name}"),
                    vec![region.to_string()],
                )
            })
        }
        _ => None,
    }
}
