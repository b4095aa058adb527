//! CloudWatch alarms: turn the alarm's actions off (stop paging during known work) and on.

use super::{other_kind, refused, shell_quote as q};
use crate::domain::{Alarm, Call};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::catalog::ActionId;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Turns the alarm's actions on (`true`) or off.
pub struct SetActions(pub bool);

static DISABLE: ActionSpec = ActionSpec {
    name: "disable-alarm-actions",
    title: "Disable the alarm's actions",
    applies: Applies::Alarm,
    call: Call::new("cloudwatch", "DisableAlarmActions"),
    recheck: None,
    api: "cloudwatch:DisableAlarmActions",
    undo: Some(ActionId::EnableAlarmActions),
};

static ENABLE: ActionSpec = ActionSpec {
    name: "enable-alarm-actions",
    title: "Enable the alarm's actions",
    applies: Applies::Alarm,
    call: Call::new("cloudwatch", "EnableAlarmActions"),
    recheck: None,
    api: "cloudwatch:EnableAlarmActions",
    undo: Some(ActionId::DisableAlarmActions),
};

#[async_trait]
impl Action for SetActions {
    fn spec(&self) -> &'static ActionSpec {
        if self.0 { &ENABLE } else { &DISABLE }
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        match target {
            Target::Alarm {
                actions_enabled, ..
            } if *actions_enabled == self.0 => Some(if self.0 {
                "the alarm's actions are already enabled"
            } else {
                "the alarm's actions are already disabled"
            }),
            _ => None,
        }
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let Target::Alarm { region, name, .. } = target else {
            return String::new();
        };
        let verb = if self.0 {
            "enable-alarm-actions"
        } else {
            "disable-alarm-actions"
        };
        format!(
            "aws cloudwatch {verb} --region {region} --alarm-names {}",
            q(name)
        )
    }

    fn after(&self, target: &Target) -> Target {
        let mut after = target.clone();
        if let Target::Alarm {
            actions_enabled, ..
        } = &mut after
        {
            *actions_enabled = self.0;
        }
        after
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::Alarm { region, name, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        let client = aws.cloudwatch(region)?;
        if self.0 {
            client
                .enable_alarm_actions()
                .alarm_names(name.as_str())
                .send()
                .await
                .map_err(|e| refused(&offer.target, self.spec().call, &e))?;
            Ok(format!("actions of {name} are enabled"))
        } else {
            client
                .disable_alarm_actions()
                .alarm_names(name.as_str())
                .send()
                .await
                .map_err(|e| refused(&offer.target, self.spec().call, &e))?;
            Ok(format!("actions of {name} are disabled"))
        }
    }

    fn on_alarm(&self, target: &Target, alarm: &mut Alarm) {
        if let Target::Alarm { region, name, .. } = target {
            if *alarm.region == **region && alarm.name() == name.as_str() {
                alarm.actions_enabled = self.0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::remediation::{ActionId, Offer, Target};
    use chrono::Utc;

    #[test]
    fn names_are_quoted_for_the_shell() {
        let alarm = Target::Alarm {
            account_id: "1".into(),
            region: "eu-west-1".into(),
            name: "it's down".into(),
            actions_enabled: true,
        };
        assert_eq!(
            Offer::new(ActionId::DisableAlarmActions, alarm, Utc::now()).cli,
            r"aws cloudwatch disable-alarm-actions --region eu-west-1 --alarm-names 'it'\''s down'"
        );
    }
}
