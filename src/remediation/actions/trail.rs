//! CloudTrail trails: start logging on a trail that stopped.

use super::{other_kind, refused, shell_quote as q};
use crate::domain::{AccountBaseline, Call};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub struct StartLogging;

/// The read before the call: the trail must not be logging already.
const GET_TRAIL_STATUS: Call = Call::new("cloudtrail", "GetTrailStatus");

static START_LOGGING: ActionSpec = ActionSpec {
    name: "start-trail-logging",
    title: "Start logging on the trail",
    applies: Applies::Trail,
    call: Call::new("cloudtrail", "StartLogging"),
    recheck: Some(GET_TRAIL_STATUS),
    api: "cloudtrail:StartLogging",
    undo: None,
};

#[async_trait]
impl Action for StartLogging {
    fn spec(&self) -> &'static ActionSpec {
        &START_LOGGING
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        matches!(target, Target::Trail { logging: true, .. })
            .then_some("the trail is already logging")
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let Target::Trail { region, arn, .. } = target else {
            return String::new();
        };
        format!(
            "aws cloudtrail start-logging --region {region} --name {}",
            q(arn)
        )
    }

    async fn recheck(&self, aws: &AwsClients, offer: &Offer) -> Result<(), ActionError> {
        let Target::Trail {
            region, name, arn, ..
        } = &offer.target
        else {
            return Err(other_kind(&offer.target));
        };
        let status = aws
            .cloudtrail(region)?
            .get_trail_status()
            .name(arn)
            .send()
            .await
            .map_err(|e| refused(&offer.target, GET_TRAIL_STATUS, &e))?;
        if status.is_logging() == Some(true) {
            Err(ActionError::Changed(format!(
                "trail {name} is logging already"
            )))
        } else {
            Ok(())
        }
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::Trail {
            region, name, arn, ..
        } = &offer.target
        else {
            return Err(other_kind(&offer.target));
        };
        aws.cloudtrail(region)?
            .start_logging()
            .name(arn)
            .send()
            .await
            .map_err(|e| refused(&offer.target, START_LOGGING.call, &e))?;
        Ok(format!("trail {name} is logging"))
    }

    fn on_account(&self, target: &Target, baseline: &mut AccountBaseline) {
        let Target::Trail { arn, .. } = target else {
            return;
        };
        if *target.account_id() != *baseline.account_id {
            return;
        }
        if let Ok(trails) = baseline.trails.as_mut() {
            for trail in trails.iter_mut().filter(|t| &t.arn == arn) {
                trail.logging = Ok(true);
            }
        }
    }
}
