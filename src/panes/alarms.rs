use super::{Cell, Column, DetailLine, Fields, Pane, SortKey, Tone, Width, age, timestamp};
use crate::domain::{Alarm, AlarmKind, AlarmState};
use crate::remediation::Target;
use crate::store::Data;
use chrono::{DateTime, Utc};

pub struct AlarmsPane;

const COLUMNS: &[Column] = &[
    Column {
        title: "",
        width: Width::Fixed(1),
    },
    Column {
        title: "State",
        width: Width::Fixed(5),
    },
    Column {
        title: "Alarm",
        width: Width::Fill(18),
    },
    Column {
        title: "Region",
        width: Width::Fixed(14),
    },
    Column {
        title: "Condition",
        width: Width::Fill(16),
    },
    Column {
        title: "Since",
        width: Width::Fixed(5),
    },
    Column {
        title: "Act",
        width: Width::Fixed(3),
    },
];

fn state_rank(state: AlarmState) -> i64 {
    match state {
        AlarmState::Alarm => 2,
        AlarmState::InsufficientData => 1,
        AlarmState::Ok => 0,
    }
}

fn short_state(state: AlarmState) -> &'static str {
    match state {
        AlarmState::Alarm => "ALARM",
        AlarmState::Ok => "OK",
        AlarmState::InsufficientData => "INSUF",
    }
}

fn condition(alarm: &Alarm) -> String {
    match (&alarm.metric, &alarm.rule) {
        (Some(m), _) => format!("{} {}", m.metric_name, m.condition()),
        (None, Some(rule)) => rule.to_string(),
        (None, None) => String::new(),
    }
}

fn alarm(data: &Data, row: usize) -> Option<&Alarm> {
    data.alarms.get(row)
}

impl Pane for AlarmsPane {
    fn title(&self) -> &'static str {
        "Alarms"
    }

    /// The `●` of an alarm whose state changed at the last poll.
    fn unnamed_column(&self) -> &'static str {
        "Changed"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn default_sort(&self) -> (usize, bool) {
        (1, true)
    }

    fn len(&self, data: &Data) -> usize {
        data.alarms.len()
    }

    fn key(&self, data: &Data, row: usize) -> String {
        alarm(data, row)
            .map(|a| a.arn().to_string())
            .unwrap_or_default()
    }

    fn haystack(&self, data: &Data, row: usize, out: &mut Fields<'_>) {
        if let Some(a) = alarm(data, row) {
            for part in [a.state.label(), a.name(), &a.region, &condition(a)] {
                out.push(part);
            }
            if let Some(m) = &a.metric {
                out.push(&m.namespace);
            }
        }
    }

    fn sort_key(&self, data: &Data, row: usize, column: usize) -> SortKey {
        let Some(a) = alarm(data, row) else {
            return SortKey::Num(0);
        };
        match column {
            0 => SortKey::Num(i64::from(data.changed_alarms.contains(a.arn()))),
            1 => SortKey::Pair(state_rank(a.state), a.state_updated.timestamp()),
            2 => SortKey::text(a.name()),
            3 => SortKey::text(&a.region),
            4 => SortKey::text(&condition(a)),
            5 => SortKey::time(Some(a.state_updated)),
            _ => SortKey::Num(i64::from(a.actions_enabled)),
        }
    }

    fn cells<'a>(&self, data: &'a Data, row: usize, now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some(a) = alarm(data, row) else {
            return Vec::new();
        };
        let changed = data.changed_alarms.contains(a.arn());
        vec![
            if changed {
                Cell::toned("●", Tone::Changed)
            } else {
                Cell::plain("")
            },
            Cell::toned(short_state(a.state), Tone::Alarm(a.state)),
            if changed {
                Cell::toned(a.name(), Tone::Changed)
            } else {
                Cell::plain(a.name())
            },
            Cell::dim(a.region.as_str()),
            Cell::plain(condition(a)),
            Cell::dim(age(now, a.state_updated)).at(Some(a.state_updated)),
            if a.actions_enabled {
                Cell::plain("on")
            } else {
                Cell::toned("off", Tone::Fail)
            },
        ]
    }

    fn account<'a>(&self, data: &'a Data, row: usize) -> Option<&'a str> {
        alarm(data, row).map(|a| a.account_id.as_str())
    }

    fn account_column(&self) -> Option<usize> {
        Some(2)
    }

    fn targets(&self, data: &Data, row: usize) -> Vec<Target> {
        alarm(data, row)
            .map(|a| vec![alarm_target(a)])
            .unwrap_or_default()
    }

    fn detail(&self, data: &Data, row: usize, now: DateTime<Utc>) -> Vec<DetailLine> {
        alarm(data, row)
            .map(|a| detail(a, data, now))
            .unwrap_or_default()
    }

    fn empty_message(&self, _data: &Data) -> String {
        "No CloudWatch alarms in the selected regions (or none loaded yet).".to_string()
    }

    /// A region whose history was denied: its alarms are there, their transitions are not.
    fn title_note(&self, data: &Data) -> Option<String> {
        let (id, why) = data.alarm_history_denied.iter().next()?;
        let others = data.alarm_history_denied.len() - 1;
        let region = id.region.as_deref().unwrap_or("?");
        let more = if others > 0 {
            format!(" and {others} more region(s)")
        } else {
            String::new()
        };
        Some(format!(
            "no history in {region}{more}: access denied (needs {})",
            why.permission
        ))
    }
}

pub fn detail(a: &Alarm, data: &Data, now: DateTime<Utc>) -> Vec<DetailLine> {
    let mut lines = vec![
        DetailLine::Section(format!("Alarm {}", a.name())),
        DetailLine::Field("State".into(), a.state.label().into(), Tone::Alarm(a.state)),
        DetailLine::field(
            "Since",
            format!(
                "{} ({} ago)",
                timestamp(a.state_updated),
                age(now, a.state_updated)
            ),
        ),
        DetailLine::field("Reason", a.state_reason.clone()),
    ];
    if data.changed_alarms.contains(a.arn()) {
        lines.push(DetailLine::Field(
            "Changed".into(),
            "state changed in the latest poll".into(),
            Tone::Changed,
        ));
    }
    lines.extend([
        DetailLine::field(
            "Kind",
            match a.kind {
                AlarmKind::Metric => "metric alarm",
                AlarmKind::Composite => "composite alarm",
            },
        ),
        super::account_field(data, &a.account_id),
        DetailLine::field("Region", a.region.to_string()),
        DetailLine::field("ARN", a.arn().to_string()),
    ]);
    if let Some(description) = &a.description {
        lines.push(DetailLine::field("Description", description.to_string()));
    }
    if let Some(m) = &a.metric {
        lines.push(DetailLine::Blank);
        lines.push(DetailLine::Section("Metric".into()));
        lines.push(DetailLine::field("Namespace", m.namespace.to_string()));
        lines.push(DetailLine::field("Metric", m.metric_name.to_string()));
        lines.push(DetailLine::field("Statistic", m.statistic.to_string()));
        lines.push(DetailLine::field(
            "Condition",
            format!("{} ({})", m.condition(), m.comparison),
        ));
        lines.push(DetailLine::field(
            "Evaluation",
            format!("{} period(s) of {}s", m.evaluation_periods, m.period_secs),
        ));
        for (name, value) in &m.dimensions {
            lines.push(DetailLine::field("Dimension", format!("{name} = {value}")));
        }
    }
    if let Some(rule) = &a.rule {
        lines.push(DetailLine::field("Rule", rule.clone()));
    }
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Section("Transitions".into()));
    let transitions = data.transitions_of(a);
    if transitions.is_empty() {
        lines.push(DetailLine::field(
            "History",
            "none known yet (changes appear as they happen)",
        ));
    }
    for t in transitions {
        let change = match t.from {
            Some(from) => format!("{} → {}", from.label(), t.to.label()),
            None => format!("→ {}", t.to.label()),
        };
        lines.push(DetailLine::Field(
            format!("{} ago", age(now, t.at)),
            format!("{change} at {} · {}", timestamp(t.at), t.summary),
            Tone::Alarm(t.to),
        ));
    }
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Section("Actions".into()));
    lines.push(DetailLine::Field(
        "Enabled".into(),
        if a.actions_enabled {
            "yes".into()
        } else {
            "no: this alarm notifies no one".into()
        },
        if a.actions_enabled {
            Tone::Pass
        } else {
            Tone::Fail
        },
    ));
    for action in &a.alarm_actions {
        lines.push(DetailLine::field("On ALARM", action.to_string()));
    }
    lines
}

pub fn alarm_target(a: &Alarm) -> Target {
    Target::Alarm {
        account_id: a.account_id.as_str().into(),
        region: a.region.as_str().into(),
        name: a.name().into(),
        actions_enabled: a.actions_enabled,
    }
}
