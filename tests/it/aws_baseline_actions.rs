//! The baseline remediation actions against the emulator, with targets taken from the
//! Posture rows: the state before, after, and after the undo where there is one. The
//! revoke goes through the `Runner`, so it is journaled too.

use crate::support::baseline::{self as seed, ec2};
use crate::support::emulator::{ACCOUNT, Emulator, connect};
use chrono::Utc;
use std::sync::Arc;
use watchpost::remediation::{ActionId, Execute, Offer, Runner, Target};
use watchpost::sources::Session;

fn executor(session: &Session) -> Arc<dyn Execute> {
    session.executor.clone().expect("a writable session")
}

async fn open_rules(ec2: &aws_sdk_ec2::Client, group: &str) -> Vec<(i32, String)> {
    let out = ec2
        .describe_security_groups()
        .group_ids(group)
        .send()
        .await
        .unwrap();
    out.security_groups()[0]
        .ip_permissions()
        .iter()
        .flat_map(|p| {
            p.ip_ranges().iter().map(|r| {
                (
                    p.from_port().unwrap_or(-1),
                    r.cidr_ip().unwrap().to_string(),
                )
            })
        })
        .collect()
}

#[tokio::test]
async fn revoking_a_world_open_ssh_rule_removes_it_and_journals_it() {
    let emulator = Emulator::lock().await;
    let east = ec2(&emulator, "us-east-1").await;
    let group = seed::open_group(&east, "bastion", 22, "0.0.0.0/0").await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let data = seed::load(&mut session).await;

    let targets = seed::posture_targets(&data, "ec2.sg-open-admin-ports");
    assert_eq!(targets.len(), 1);
    let offer = Offer::new(ActionId::RevokeIngress, targets[0].clone(), Utc::now());
    assert_eq!(offer.available, Ok(()));
    assert_eq!(
        offer.target.describe(),
        format!("inbound rule tcp 22 from 0.0.0.0/0 of security group {group} (bastion)")
    );
    assert_eq!(
        offer.cli,
        format!(
            r#"aws ec2 revoke-security-group-ingress --region us-east-1 --group-id {group} --ip-permissions '[{{"FromPort":22,"IpProtocol":"tcp","IpRanges":[{{"CidrIp":"0.0.0.0/0"}}],"ToPort":22}}]'"#
        )
    );

    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let runner = Runner::new(
        executor(&session),
        Some(journal.clone()),
        &session.caller.arn,
    );
    assert_eq!(
        open_rules(&east, &group).await,
        [(22, "0.0.0.0/0".to_string())]
    );
    let said = runner.run(&offer).await.1.unwrap();
    assert!(said.contains("revoked"), "{said}");
    assert!(open_rules(&east, &group).await.is_empty());

    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&journal)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "an intent and an outcome: {lines:?}");
    let text = lines[0].to_string();
    assert!(text.contains("revoke-ingress-rule"), "{text}");
    assert!(text.contains(&group), "{text}");

    // The posture follows, and the undo puts the rule back.
    let after = seed::load(&mut session).await;
    assert!(
        after
            .checks
            .iter()
            .filter(|c| c.check_id() == "ec2.sg-open-admin-ports")
            .all(|c| !c.failed())
    );
    let undo = offer.undo(Utc::now()).unwrap();
    assert_eq!(undo.action, ActionId::RestoreIngress);
    runner.run(&undo).await.1.unwrap();
    assert_eq!(
        open_rules(&east, &group).await,
        [(22, "0.0.0.0/0".to_string())]
    );
}

#[tokio::test]
async fn ebs_default_encryption_on_and_back_off() {
    let emulator = Emulator::lock().await;
    let east = ec2(&emulator, "us-east-1").await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let data = seed::load(&mut session).await;
    let target = seed::posture_targets(&data, "ec2.ebs-default-encryption").remove(0);
    let enabled = || async {
        east.get_ebs_encryption_by_default()
            .send()
            .await
            .unwrap()
            .ebs_encryption_by_default()
    };
    assert_eq!(enabled().await, Some(false));
    let offer = Offer::new(ActionId::EnableEbsDefaultEncryption, target, Utc::now());
    assert_eq!(
        offer.cli,
        "aws ec2 enable-ebs-encryption-by-default --region us-east-1"
    );
    executor(&session).perform(&offer).await.unwrap();
    assert_eq!(enabled().await, Some(true));
    let undo = offer.undo(Utc::now()).unwrap();
    executor(&session).perform(&undo).await.unwrap();
    assert_eq!(enabled().await, Some(false));
}

#[tokio::test]
async fn block_public_access_turns_all_four_on() {
    let emulator = Emulator::lock().await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let data = seed::load(&mut session).await;
    let target = seed::posture_targets(&data, "s3.account-public-access-block").remove(0);
    assert_eq!(
        target,
        Target::PublicAccessBlock {
            account_id: ACCOUNT.into(),
            all_on: false
        }
    );
    let offer = Offer::new(ActionId::BlockPublicAccess, target, Utc::now());
    executor(&session).perform(&offer).await.unwrap();
    let config = seed::s3control(&emulator)
        .await
        .get_public_access_block()
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap();
    let c = config.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            c.block_public_acls(),
            c.ignore_public_acls(),
            c.block_public_policy(),
            c.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let data = seed::load(&mut session).await;
    assert!(
        data.checks
            .iter()
            .any(|c| c.check_id() == "s3.account-public-access-block" && !c.failed())
    );
}

#[tokio::test]
async fn start_logging_on_a_stopped_trail() {
    let emulator = Emulator::lock().await;
    seed::bucket(&emulator);
    seed::trail(&emulator, false).await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let data = seed::load(&mut session).await;
    let target = seed::posture_targets(&data, "cloudtrail.multi-region-logging").remove(0);
    let offer = Offer::new(ActionId::StartTrailLogging, target, Utc::now());
    assert!(
        offer.cli.starts_with(
            "aws cloudtrail start-logging --region us-east-1 --name arn:aws:cloudtrail:us-east-1:"
        ),
        "{}",
        offer.cli
    );
    executor(&session).perform(&offer).await.unwrap();
    let status = aws_sdk_cloudtrail::Client::new(&emulator.sdk("us-east-1").await)
        .get_trail_status()
        .name(seed::TRAIL)
        .send()
        .await
        .unwrap();
    assert_eq!(status.is_logging(), Some(true));
}

#[tokio::test]
async fn read_only_clients_refuse_the_revoke_before_sending_it() {
    let emulator = Emulator::lock().await;
    let east = ec2(&emulator, "us-east-1").await;
    let group = seed::open_group(&east, "bastion", 22, "0.0.0.0/0").await;
    let config = emulator.sdk("us-east-1").await;
    let guarded = watchpost::aws::Clients::new(
        &config,
        &watchpost::aws::read_only::ReadOnlySwitch::new(true),
        &["us-east-1".to_string()],
    );
    let target = Target::IngressRule {
        account_id: ACCOUNT.into(),
        region: "us-east-1".into(),
        group_id: group.clone().into(),
        group_name: "bastion".into(),
        rule: watchpost::domain::OpenIngress {
            rule_id: None,
            protocol: "tcp".into(),
            from_port: Some(22),
            to_port: Some(22),
            cidr: "0.0.0.0/0".into(),
        },
        present: true,
    };
    emulator.start_recording();
    let offer = Offer::new(ActionId::RevokeIngress, target, Utc::now());
    let error = guarded.executor().perform(&offer).await.unwrap_err();
    assert!(error.to_string().contains("read-only"), "{error}");
    assert!(emulator.recording().is_empty());
    assert_eq!(
        open_rules(&east, &group).await,
        [(22, "0.0.0.0/0".to_string())]
    );
}
