//! The resource checks against the emulator, through `watchpost report --format json`: for
//! each, a seeded failing resource fails and a seeded passing one passes, with the evidence
//! that says why; and the actions on them (IMDSv2, a key's rotation, a bucket's Block
//! Public Access) change what the emulator holds as their preview says.

use crate::support::baseline::{self as seed, ec2};
use crate::support::emulator::{ACCOUNT, Emulator, connect, test_credentials};
use crate::support::resources as res;
use chrono::Utc;
use serde_json::Value;
use std::collections::BTreeMap;
use watchpost::remediation::{ActionId, Offer, Target};

/// (check, resource) → (status, evidence) of every result of the report.
fn results(report: &Value) -> BTreeMap<(String, String), (String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            ((s("check_id"), s("resource")), (s("status"), s("evidence")))
        })
        .collect()
}

/// The status and evidence of `check` on `resource`.
fn verdict<'a>(
    results: &'a BTreeMap<(String, String), (String, String)>,
    check: &str,
    resource: &str,
) -> (&'a str, &'a str) {
    let (status, evidence) = results
        .get(&(check.to_string(), resource.to_string()))
        .unwrap_or_else(|| {
            let of_check: Vec<_> = results.keys().filter(|(c, _)| c == check).collect();
            panic!("no {check} result on {resource}; its results: {of_check:?}")
        });
    (status, evidence)
}

#[tokio::test]
async fn each_resource_check_fails_its_seeded_fault_and_passes_its_clean_twin() {
    let emulator = Emulator::lock().await;
    // Buckets: public by policy; public by ACL; public by ACL but ignored by the bucket's
    // IgnorePublicAcls; private.
    let s3 = res::s3(&emulator).await;
    res::public_policy_bucket(&s3, "open-policy").await;
    res::public_acl_bucket(&s3, "open-acl").await;
    res::public_acl_bucket(&s3, "acl-ignored").await;
    res::block_bucket(&s3, "acl-ignored", false).await;
    s3.create_bucket().bucket("private").send().await.unwrap();
    // Instances: with a role and IMDSv2; with neither. A volume on each.
    let profile = res::instance_profile(&emulator, "web").await;
    let good = res::instance(&emulator, "web-1", Some(&profile), true).await;
    let bad = res::instance(&emulator, "legacy", None, false).await;
    let sealed = res::attached_volume(&emulator, &good, true).await;
    let plain = res::attached_volume(&emulator, &bad, false).await;
    // RDS: one encrypted and private, one neither.
    res::db_instance(&emulator, "orders", true, false).await;
    res::db_instance(&emulator, "reports", false, true).await;
    // KMS: rotating, not rotating, and a signing key rotation does not apply to.
    let rotating = res::kms_key(&emulator, true).await;
    let stale = res::kms_key(&emulator, false).await;
    let signing = res::signing_key(&emulator).await;
    // Load balancers: internet-facing with and without a web ACL, and an internal one.
    let shielded = res::load_balancer(&emulator, "shop", true).await;
    let acl = res::web_acl_for(&emulator, &shielded).await;
    res::load_balancer(&emulator, "api", true).await;
    res::load_balancer(&emulator, "internal", false).await;
    // Security groups: 8443 open (not authorised), 443 open (authorised), 22 open (the
    // admin control's, not counted again).
    let east = ec2(&emulator, "us-east-1").await;
    let alt_https = seed::open_group(&east, "alt-https", 8443, "0.0.0.0/0").await;
    let web = seed::open_group(&east, "web", 443, "::/0").await;
    let ssh = seed::open_group(&east, "bastion", 22, "0.0.0.0/0").await;

    let report = emulator.report(&test_credentials(), &[]);
    assert_eq!(report.json["complete"], true, "{}", report.stderr);
    let r = results(&report.json);

    let check = "s3.bucket-public-access";
    assert_eq!(
        verdict(&r, check, "open-policy"),
        ("fail", "its bucket policy is public")
    );
    assert_eq!(
        verdict(&r, check, "open-acl"),
        ("fail", "its ACL grants READ to AllUsers")
    );
    assert_eq!(
        verdict(&r, check, "acl-ignored"),
        (
            "pass",
            "its ACL grants READ to AllUsers, ignored by the bucket's IgnorePublicAcls"
        )
    );
    assert_eq!(verdict(&r, check, "private").0, "pass");

    let good_name = format!("{good} (web-1)");
    let bad_name = format!("{bad} (legacy)");
    assert_eq!(verdict(&r, "ec2.instance-iam-role", &good_name).0, "pass");
    let (status, evidence) = verdict(&r, "ec2.instance-iam-role", &bad_name);
    assert_eq!(status, "fail");
    assert!(
        evidence.starts_with("no instance profile (running)"),
        "{evidence}"
    );
    assert_eq!(verdict(&r, "ec2.imdsv2", &good_name).0, "pass");
    assert_eq!(
        verdict(&r, "ec2.imdsv2", &bad_name),
        (
            "fail",
            "HttpTokens = optional: IMDSv1 answers unauthenticated GETs"
        )
    );

    assert_eq!(verdict(&r, "ec2.ebs-volume-encryption", &sealed).0, "pass");
    let (status, evidence) = verdict(&r, "ec2.ebs-volume-encryption", &plain);
    assert_eq!(status, "fail");
    assert!(
        evidence.starts_with(&format!("not encrypted, attached to {bad}")),
        "{evidence}"
    );

    assert_eq!(verdict(&r, "rds.storage-encryption", "orders").0, "pass");
    assert_eq!(verdict(&r, "rds.storage-encryption", "reports").0, "fail");
    assert_eq!(verdict(&r, "rds.public-access", "orders").0, "pass");
    assert_eq!(verdict(&r, "rds.public-access", "reports").0, "fail");

    assert_eq!(
        verdict(&r, "kms.key-rotation", &rotating),
        ("pass", "automatic rotation is on")
    );
    assert_eq!(
        verdict(&r, "kms.key-rotation", &stale),
        ("fail", "automatic rotation is off")
    );
    assert!(
        !r.contains_key(&("kms.key-rotation".to_string(), signing.clone())),
        "an asymmetric key is not judged"
    );

    assert_eq!(
        verdict(&r, "elb.alb-waf", "shop"),
        ("pass", format!("web ACL {acl}").as_str())
    );
    assert_eq!(verdict(&r, "elb.alb-waf", "api").0, "fail");
    assert!(!r.contains_key(&("elb.alb-waf".to_string(), "internal".to_string())));

    let check = "ec2.sg-open-unauthorized-ports";
    assert_eq!(
        verdict(&r, check, &format!("{alt_https} (alt-https)")),
        (
            "fail",
            "open to the internet beyond the authorised ports (80, 443): tcp 8443 from 0.0.0.0/0"
        )
    );
    assert_eq!(verdict(&r, check, &format!("{web} (web)")).0, "pass");
    assert_eq!(verdict(&r, check, &format!("{ssh} (bastion)")).0, "pass");
    assert_eq!(
        verdict(&r, "ec2.sg-open-admin-ports", &format!("{ssh} (bastion)")).0,
        "fail"
    );
}

#[tokio::test]
async fn the_authorised_ports_come_from_the_config_file() {
    let emulator = Emulator::lock().await;
    let east = ec2(&emulator, "us-east-1").await;
    let imaps = seed::open_group(&east, "mail", 993, "0.0.0.0/0").await;
    let resource = format!("{imaps} (mail)");
    let check = "ec2.sg-open-unauthorized-ports";
    let report = emulator.report(&test_credentials(), &[]);
    assert_eq!(verdict(&results(&report.json), check, &resource).0, "fail");
    let report = emulator.report_configured(
        &test_credentials(),
        &[],
        Some("[thresholds]\nauthorized_ports = [443, 993]\n"),
    );
    assert_eq!(
        verdict(&results(&report.json), check, &resource),
        (
            "pass",
            "the internet reaches only authorised TCP ports (443, 993), or none"
        ),
        "{}",
        report.stderr
    );
}

#[tokio::test]
async fn requiring_imdsv2_and_allowing_imdsv1_again_change_the_instance() {
    let emulator = Emulator::lock().await;
    let instance = res::instance(&emulator, "legacy", None, false).await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let data = seed::load(&mut session).await;
    let targets = seed::posture_targets(&data, "ec2.imdsv2");
    assert_eq!(
        targets,
        [Target::Instance {
            account_id: ACCOUNT.into(),
            region: "us-east-1".into(),
            instance_id: instance.clone(),
            name: "legacy".into(),
            imds_v2_required: false,
        }]
    );
    let offer = Offer::new(ActionId::RequireImdsV2, targets[0].clone(), Utc::now());
    assert_eq!(offer.available, Ok(()));
    assert_eq!(
        offer.cli,
        format!(
            "aws ec2 modify-instance-metadata-options --region us-east-1 --instance-id {instance} --http-tokens required"
        )
    );
    let executor = session.executor.clone().unwrap();
    assert!(!res::requires_imds_v2(&emulator, &instance).await);
    let said = executor.perform(&offer).await.unwrap();
    assert!(said.contains("requires IMDSv2"), "{said}");
    assert!(res::requires_imds_v2(&emulator, &instance).await);
    let after = seed::load(&mut session).await;
    assert!(
        after
            .checks
            .iter()
            .filter(|c| c.check_id() == "ec2.imdsv2")
            .all(|c| !c.failed())
    );

    let undo = offer.undo(Utc::now()).unwrap();
    assert_eq!(undo.action, ActionId::AllowImdsV1);
    assert!(undo.cli.ends_with("--http-tokens optional"), "{}", undo.cli);
    executor.perform(&undo).await.unwrap();
    assert!(!res::requires_imds_v2(&emulator, &instance).await);
}

#[tokio::test]
async fn key_rotation_on_and_back_off() {
    let emulator = Emulator::lock().await;
    let key = res::kms_key(&emulator, false).await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let data = seed::load(&mut session).await;
    let target = seed::posture_targets(&data, "kms.key-rotation").remove(0);
    let offer = Offer::new(ActionId::EnableKeyRotation, target, Utc::now());
    assert_eq!(
        offer.cli,
        format!("aws kms enable-key-rotation --region us-east-1 --key-id {key}")
    );
    let kms = aws_sdk_kms::Client::new(&emulator.sdk("us-east-1").await);
    let rotating = || async {
        kms.get_key_rotation_status()
            .key_id(&key)
            .send()
            .await
            .unwrap()
            .key_rotation_enabled()
    };
    assert!(!rotating().await);
    let executor = session.executor.clone().unwrap();
    executor.perform(&offer).await.unwrap();
    assert!(rotating().await);
    let undo = offer.undo(Utc::now()).unwrap();
    assert_eq!(undo.action, ActionId::DisableKeyRotation);
    executor.perform(&undo).await.unwrap();
    assert!(!rotating().await);
}

#[tokio::test]
async fn blocking_a_buckets_public_access_turns_its_four_settings_on() {
    let emulator = Emulator::lock().await;
    let s3 = res::s3(&emulator).await;
    res::public_policy_bucket(&s3, "open-policy").await;
    let mut session = connect(&emulator.options(&["us-east-1"])).await;
    let data = seed::load(&mut session).await;
    let targets = seed::posture_targets(&data, "s3.bucket-public-access");
    assert_eq!(
        targets,
        [Target::Bucket {
            account_id: ACCOUNT.into(),
            region: "us-east-1".into(),
            name: "open-policy".into(),
            blocked: false,
        }]
    );
    let offer = Offer::new(
        ActionId::BlockBucketPublicAccess,
        targets[0].clone(),
        Utc::now(),
    );
    assert_eq!(offer.spec().undo, None, "no undo: typed confirmation");
    assert!(offer.target.is_confirmed_by("open-policy"));
    assert_eq!(
        offer.cli,
        "aws s3api put-public-access-block --region us-east-1 --bucket open-policy --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
    );
    assert_eq!(res::bucket_block(&s3, "open-policy").await, None);
    let executor = session.executor.clone().unwrap();
    executor.perform(&offer).await.unwrap();
    assert_eq!(
        res::bucket_block(&s3, "open-policy").await,
        Some([Some(true); 4])
    );
    let after = seed::load(&mut session).await;
    let result = after
        .checks
        .iter()
        .find(|c| c.check_id() == "s3.bucket-public-access")
        .unwrap();
    assert!(!result.failed(), "{result:?}");
    assert_eq!(
        result.evidence(),
        "its public policy is neutralised by the bucket's RestrictPublicBuckets"
    );
    // Done already: the re-check refuses before anything is sent.
    let again = executor.perform(&offer).await.unwrap_err();
    assert!(again.to_string().contains("on already"), "{again}");
}
