//! CloudWatch alarms whose states move over time.
//!
//! Each flapping alarm has a flip period (60–600 s) and phase drawn from the seed; its state
//! in a period is a hash of (seed, alarm, period number), so the state at any `now` is
//! computed directly, with no history to keep.

use super::alarm_catalog::{ALARMS, Actions, AlarmTemplate, Behaviour, Steady};
use super::ids::{
    DAY, STREAM_ALARM_STATE, STREAM_ALARMS, at, between, floor_div, instance, mix, rng_for,
    unit_suffix,
};
use crate::domain::{Alarm, AlarmKind, AlarmListing, AlarmState, MetricSpec, NamedArn};
use rand::Rng;

/// How far back `state_updated` looks for the start of an unchanged run of periods.
const MAX_LOOKBACK: i64 = 24;

/// One generated alarm: which template of which unit it is, and what decides its state.
/// Its names and settings are built when it is listed, not kept: at 10,000 alarms a stored
/// copy of each would cost some 10 MB for a description that never changes.
pub struct AlarmSlot {
    template: &'static AlarmTemplate,
    unit: u32,
    behaviour: Behaviour,
    key: u64,
    period: i64,
    phase: i64,
    steady_since: i64,
    /// Composite: positions of the children in the same region's list, and AND (true) / OR.
    children: Option<(usize, usize, bool)>,
}

/// All alarms, grouped by region slot (index into `DEMO_REGIONS`).
pub fn build(seed: u64, scale: u32, anchor: i64) -> [Vec<AlarmSlot>; 3] {
    let mut regions: [Vec<AlarmSlot>; 3] = Default::default();
    let mut positions = vec![0usize; ALARMS.len()];
    for unit in 0..scale {
        let variant = opening_variant(seed, unit);
        for (t, template) in ALARMS.iter().enumerate() {
            let Some(list) = regions.get_mut(template.region_slot) else {
                continue;
            };
            let key = (unit as u64) * ALARMS.len() as u64 + t as u64;
            let children = template
                .children
                .and_then(|(a, b, and)| Some((*positions.get(a)?, *positions.get(b)?, and)));
            if let Some(slot) = positions.get_mut(t) {
                *slot = list.len();
            }
            list.push(slot(seed, unit, template, (key, variant), anchor, children));
        }
    }
    regions
}

/// One alarm of one unit; `key` numbers it across units, `variant` salts its state hash.
fn slot(
    seed: u64,
    unit: u32,
    template: &'static AlarmTemplate,
    (key, variant): (u64, u64),
    anchor: i64,
    children: Option<(usize, usize, bool)>,
) -> AlarmSlot {
    let mut rng = rng_for(seed, STREAM_ALARMS, key);
    let period = between(&mut rng, 60, 601);
    AlarmSlot {
        template,
        unit,
        behaviour: template.behaviour,
        key: state_key(seed, key, variant),
        period,
        phase: between(&mut rng, 0, period),
        steady_since: anchor - between(&mut rng, 2 * 3600, 40 * DAY),
        children,
    }
}

impl AlarmSlot {
    /// The alarm as configured, before its state at some moment is filled in; `shared` is
    /// the listing of the slot's account and region.
    fn proto(&self, seed: u64, anchor: i64, shared: &mut AlarmListing) -> Alarm {
        let template = self.template;
        let suffix = unit_suffix(self.unit);
        let (account, region) = (shared.account_id.clone(), shared.region.clone());
        let name = format!("{}{suffix}", template.name);
        let metric = template.metric.as_ref().map(|m| {
            let mut dimensions: Vec<(String, String)> = m
                .dimensions
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if let Some(index) = m.instance {
                let fleet_index = index + 12 * u64::from(self.unit);
                let host = instance(seed, template.region_slot, fleet_index);
                dimensions.push(("InstanceId".to_string(), host.id));
            }
            MetricSpec {
                namespace: shared.name(m.namespace),
                metric_name: shared.name(m.metric_name),
                statistic: shared.name(m.statistic),
                comparison: shared.name(m.comparison),
                threshold: m.threshold,
                period_secs: m.period_secs,
                evaluation_periods: m.evaluation_periods,
                dimensions,
            }
        });
        let rule = template.children.map(|(a, b, and)| {
            let child = |i: usize| ALARMS.get(i).map(|c| c.name).unwrap_or("missing");
            let op = if and { "AND" } else { "OR" };
            format!(
                "ALARM(\"{}{suffix}\") {op} ALARM(\"{}{suffix}\")",
                child(a),
                child(b)
            )
            .into_boxed_str()
        });
        let mut topic = |name: &str| shared.name(&format!("arn:aws:sns:{region}:{account}:{name}"));
        let alarm_actions = match template.actions {
            Actions::Pager => vec![topic("oncall-pager")],
            Actions::Notify => vec![topic("ops-notifications")],
            Actions::Both => vec![topic("oncall-pager"), topic("ops-notifications")],
            Actions::None => Vec::new(),
        };
        Alarm {
            id: NamedArn::new(
                &format!("arn:aws:cloudwatch:{region}:{account}:alarm:{name}"),
                &name,
            ),
            account_id: account,
            region,
            kind: if template.children.is_some() {
                AlarmKind::Composite
            } else {
                AlarmKind::Metric
            },
            description: Some(shared.name(template.description)),
            state: AlarmState::InsufficientData,
            state_reason: Box::default(),
            state_updated: at(anchor),
            metric,
            rule,
            actions_enabled: template.actions_enabled,
            alarm_actions,
            history: Vec::new(),
        }
    }
}

/// The state hash key of alarm `key` under a unit's variant.
fn state_key(seed: u64, key: u64, variant: u64) -> u64 {
    mix(seed, STREAM_ALARM_STATE, key ^ (variant << 40))
}

/// Share of a unit's alarms that should be firing when the demo opens.
const OPENING_FIRING: std::ops::RangeInclusive<usize> = 7..=9;

/// Independent alarms can all happen to be OK at the moment the demo opens, which makes a
/// dull first screen. Each unit picks the first of a few state-hash variants whose opening
/// count of firing alarms is 22–30%; later moments vary naturally around that.
fn opening_variant(seed: u64, unit: u32) -> u64 {
    let base = (unit as u64) * ALARMS.len() as u64;
    let firing_at_open = |variant: u64| {
        let mut states = Vec::with_capacity(ALARMS.len());
        for (t, template) in ALARMS.iter().enumerate() {
            let state = match (template.children, template.behaviour) {
                (Some((a, b, and)), _) => {
                    let fires = |i: usize| states.get(i) == Some(&AlarmState::Alarm);
                    let on = if and {
                        fires(a) && fires(b)
                    } else {
                        fires(a) || fires(b)
                    };
                    if on {
                        AlarmState::Alarm
                    } else {
                        AlarmState::Ok
                    }
                }
                (None, Behaviour::Steady(Steady::Alarm)) => AlarmState::Alarm,
                (None, Behaviour::Steady(_)) => AlarmState::Ok,
                // At the anchor every flapping alarm is in its period 0 (phase < period).
                (None, Behaviour::Flapping { alarm_pct }) => {
                    flap_state(state_key(seed, base + t as u64, variant), 0, alarm_pct)
                }
            };
            states.push(state);
        }
        states.iter().filter(|s| **s == AlarmState::Alarm).count()
    };
    (0..32)
        .find(|&v| OPENING_FIRING.contains(&firing_at_open(v)))
        .unwrap_or(0)
}

/// A state and when it began, in epoch seconds.
#[derive(Clone, Copy)]
struct Evaluated {
    state: AlarmState,
    since: i64,
}

/// The state of a flapping alarm in period `n`.
fn flap_state(key: u64, n: i64, alarm_pct: u64) -> AlarmState {
    let roll = mix(key, STREAM_ALARM_STATE, n as u64) % 100;
    if roll < alarm_pct {
        AlarmState::Alarm
    } else if roll < alarm_pct + 6 {
        AlarmState::InsufficientData
    } else {
        AlarmState::Ok
    }
}

fn evaluate(slot: &AlarmSlot, anchor: i64, now: i64, done: &[Evaluated]) -> Evaluated {
    if let Some((a, b, and)) = slot.children {
        let (Some(a), Some(b)) = (done.get(a), done.get(b)) else {
            return Evaluated {
                state: AlarmState::InsufficientData,
                since: slot.steady_since,
            };
        };
        let firing = |e: &Evaluated| e.state == AlarmState::Alarm;
        let state = if (and && firing(a) && firing(b)) || (!and && (firing(a) || firing(b))) {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        };
        return Evaluated {
            state,
            since: a.since.max(b.since),
        };
    }
    match slot.behaviour {
        Behaviour::Steady(steady) => Evaluated {
            state: match steady {
                Steady::Ok => AlarmState::Ok,
                Steady::Alarm => AlarmState::Alarm,
                Steady::NoData => AlarmState::InsufficientData,
            },
            since: slot.steady_since,
        },
        Behaviour::Flapping { alarm_pct } => {
            let n = floor_div(now - anchor + slot.phase, slot.period);
            let state = flap_state(slot.key, n, alarm_pct);
            let mut first = n;
            while n - first < MAX_LOOKBACK && flap_state(slot.key, first - 1, alarm_pct) == state {
                first -= 1;
            }
            Evaluated {
                state,
                since: anchor - slot.phase + first * slot.period,
            }
        }
    }
}

/// The alarms of `region` in `account` (`slots`, that region's) as they stand at `now`.
pub fn at_time(
    slots: &[AlarmSlot],
    seed: u64,
    anchor: i64,
    now: i64,
    (account, region): (&str, &str),
) -> Vec<Alarm> {
    let mut evaluated: Vec<Evaluated> = Vec::with_capacity(slots.len());
    for slot in slots {
        let e = evaluate(slot, anchor, now, &evaluated);
        evaluated.push(e);
    }
    let mut shared = AlarmListing::new(account, region);
    let mut alarms: Vec<Alarm> = slots
        .iter()
        .map(|slot| slot.proto(seed, anchor, &mut shared))
        .collect();
    for (i, (slot, e)) in slots.iter().zip(&evaluated).enumerate() {
        let state_reason = reason(slot, e, seed, (&alarms, i), &evaluated);
        if let Some(alarm) = alarms.get_mut(i) {
            alarm.state = e.state;
            alarm.state_updated = at(e.since);
            alarm.state_reason = state_reason.into_boxed_str();
        }
    }
    alarms
}

/// CloudWatch's own wording for why the alarm is in its state.
/// `alarms` are the region's alarms as configured, `own` the position of this one.
fn reason(
    slot: &AlarmSlot,
    e: &Evaluated,
    seed: u64,
    (alarms, own): (&[Alarm], usize),
    done: &[Evaluated],
) -> String {
    if let Some((a, b, _)) = slot.children {
        let (child, ce) = match (done.get(a), done.get(b)) {
            (Some(ea), Some(eb)) if eb.since > ea.since => (alarms.get(b), eb),
            (Some(ea), _) => (alarms.get(a), ea),
            _ => return "Unchecked: Initial alarm creation".to_string(),
        };
        let arn = child.map(|c| c.arn()).unwrap_or("unknown");
        let when = at(ce.since).format("%A %d %B, %Y %H:%M:%S UTC");
        return format!("{arn} transitioned to {} at {when}", ce.state.label());
    }
    let Some(metric) = alarms.get(own).and_then(|a| a.metric.as_ref()) else {
        return String::new();
    };
    let points = metric.evaluation_periods.clamp(1, 5);
    if e.state == AlarmState::InsufficientData {
        return if points == 1 {
            "Insufficient Data: 1 datapoint was unknown.".to_string()
        } else {
            format!("Insufficient Data: {points} datapoints were unknown.")
        };
    }
    let firing = e.state == AlarmState::Alarm;
    let mut rng = rng_for(seed, slot.key, e.since as u64);
    let step = i64::from(metric.period_secs.max(60));
    let last_point = e.since - e.since.rem_euclid(step) - step;
    let mut values = String::new();
    for i in 0..i64::from(points) {
        if i > 0 {
            values.push_str(", ");
        }
        let value = sample(metric, firing, rng.random::<f64>());
        let when = at(last_point - i * step).format("%d/%m/%y %H:%M:%S");
        values.push_str(&format!("{} ({when})", java_double(value)));
    }
    let relation = match metric.comparison.as_str() {
        "GreaterThanOrEqualToThreshold" => "greater than or equal to",
        "GreaterThanThreshold" => "greater than",
        "LessThanThreshold" => "less than",
        "LessThanOrEqualToThreshold" => "less than or equal to",
        _ => "outside",
    };
    let (verb, not) = match (points == 1, firing) {
        (true, true) => ("was", ""),
        (true, false) => ("was", "not "),
        (false, true) => ("were", ""),
        (false, false) => ("were", "not "),
    };
    let transition = if firing { "OK -> ALARM" } else { "ALARM -> OK" };
    let plural = if points == 1 { "" } else { "s" };
    format!(
        "Threshold Crossed: {points} out of the last {points} datapoints [{values}] {verb} {not}{relation} the threshold ({}) (minimum {points} datapoint{plural} for {transition} transition).",
        java_double(metric.threshold)
    )
}

/// A plausible datapoint on the right side of the threshold.
fn sample(metric: &MetricSpec, firing: bool, r: f64) -> f64 {
    let t = metric.threshold;
    let above = metric.comparison.starts_with("Greater");
    let high_side = above == firing;
    let value = match (high_side, t == 0.0) {
        (true, true) => 1.0 + (r * 20.0).floor(),
        (false, true) => 0.0,
        (true, false) => t * (1.02 + r * 0.6),
        (false, false) => t * (0.25 + r * 0.6),
    };
    // Counts (errors, requests, connections) are whole numbers, rounded away from the threshold.
    let counted =
        metric.statistic.as_str() == "Sum" || metric.metric_name.as_str() == "DatabaseConnections";
    match (counted, high_side) {
        (true, true) => value.ceil(),
        (true, false) => value.floor(),
        (false, _) => (value * 1000.0).round() / 1000.0,
    }
}

/// Doubles the way CloudWatch (Java) prints them: `80.0`, `1.5`, `1.073741824E10`.
fn java_double(value: f64) -> String {
    if value.abs() >= 1e7 {
        format!("{value:E}")
    } else {
        format!("{value:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composite_children_precede_their_parent_in_the_same_region() {
        for (i, template) in ALARMS.iter().enumerate() {
            if let Some((a, b, _)) = template.children {
                for child in [a, b] {
                    assert!(child < i, "{} child {child} comes later", template.name);
                    let region = ALARMS.get(child).map(|c| c.region_slot);
                    assert_eq!(region, Some(template.region_slot), "{}", template.name);
                    assert!(ALARMS.get(child).is_some_and(|c| c.children.is_none()));
                }
            }
        }
    }

    #[test]
    fn java_doubles_match_cloudwatch_formatting() {
        assert_eq!(java_double(80.0), "80.0");
        assert_eq!(java_double(1.5), "1.5");
        assert_eq!(java_double(10_737_418_240.0), "1.073741824E10");
    }
}
