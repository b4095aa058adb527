//! Seeding the resources of the resource checks into the emulator through the real SDK
//! clients: buckets open by policy or ACL (or neutralised by Block Public Access), instances
//! with and without a role and IMDSv2, volumes, RDS instances, KMS keys, and internet-facing
//! load balancers with and without a WAF web ACL.

use super::baseline::{default_vpc, ec2};
use super::emulator::Emulator;

const REGION: &str = "us-east-1";

/// S3 on the emulator: path-style, as watchpost's own client against an IP address.
pub async fn s3(emulator: &Emulator) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&emulator.sdk(REGION).await)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// A bucket whose policy lets everyone read its objects.
pub async fn public_policy_bucket(s3: &aws_sdk_s3::Client, name: &str) {
    s3.create_bucket().bucket(name).send().await.unwrap();
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{name}/*"),
        }],
    });
    s3.put_bucket_policy()
        .bucket(name)
        .policy(policy.to_string())
        .send()
        .await
        .unwrap();
}

/// A bucket whose ACL lets everyone read it.
pub async fn public_acl_bucket(s3: &aws_sdk_s3::Client, name: &str) {
    s3.create_bucket()
        .bucket(name)
        .acl(aws_sdk_s3::types::BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
}

/// The bucket's own Block Public Access: `IgnorePublicAcls` only, or all four.
pub async fn block_bucket(s3: &aws_sdk_s3::Client, name: &str, all: bool) {
    let config = aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
        .block_public_acls(all)
        .ignore_public_acls(true)
        .block_public_policy(all)
        .restrict_public_buckets(all)
        .build();
    s3.put_public_access_block()
        .bucket(name)
        .public_access_block_configuration(config)
        .send()
        .await
        .unwrap();
}

/// The bucket's Block Public Access settings, as `(acls, ignore, policy, restrict)`.
pub async fn bucket_block(s3: &aws_sdk_s3::Client, name: &str) -> Option<[Option<bool>; 4]> {
    let out = s3
        .get_public_access_block()
        .bucket(name)
        .send()
        .await
        .ok()?;
    let c = out.public_access_block_configuration()?;
    Some([
        c.block_public_acls(),
        c.ignore_public_acls(),
        c.block_public_policy(),
        c.restrict_public_buckets(),
    ])
}

/// An instance profile `name` (with a role of the same name); its ARN.
pub async fn instance_profile(emulator: &Emulator, name: &str) -> String {
    let iam = aws_sdk_iam::Client::new(&emulator.sdk(REGION).await);
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let profile = iam
        .create_instance_profile()
        .instance_profile_name(name)
        .send()
        .await
        .unwrap();
    iam.add_role_to_instance_profile()
        .instance_profile_name(name)
        .role_name(name)
        .send()
        .await
        .unwrap();
    profile.instance_profile().unwrap().arn().to_string()
}

/// A running instance named `name`, with `profile` and IMDSv2 required or not; its ID.
pub async fn instance(
    emulator: &Emulator,
    name: &str,
    profile: Option<&str>,
    imds_v2: bool,
) -> String {
    use aws_sdk_ec2::types::{
        HttpTokensState, IamInstanceProfileSpecification, InstanceMetadataOptionsRequest,
        ResourceType, Tag, TagSpecification,
    };
    let tokens = if imds_v2 {
        HttpTokensState::Required
    } else {
        HttpTokensState::Optional
    };
    let mut run = ec2(emulator, REGION)
        .await
        .run_instances()
        .image_id("ami-12c6146b")
        .min_count(1)
        .max_count(1)
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(tokens)
                .build(),
        )
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value(name).build())
                .build(),
        );
    if let Some(profile) = profile {
        run = run.iam_instance_profile(
            IamInstanceProfileSpecification::builder()
                .arn(profile)
                .build(),
        );
    }
    let out = run.send().await.unwrap();
    out.instances()[0].instance_id().unwrap().to_string()
}

/// Whether the instance requires IMDSv2 now.
pub async fn requires_imds_v2(emulator: &Emulator, instance: &str) -> bool {
    let out = ec2(emulator, REGION)
        .await
        .describe_instances()
        .instance_ids(instance)
        .send()
        .await
        .unwrap();
    out.reservations()[0].instances()[0]
        .metadata_options()
        .and_then(|m| m.http_tokens())
        == Some(&aws_sdk_ec2::types::HttpTokensState::Required)
}

/// A volume attached to `instance`, encrypted or not; its ID.
pub async fn attached_volume(emulator: &Emulator, instance: &str, encrypted: bool) -> String {
    let ec2 = ec2(emulator, REGION).await;
    let volume = ec2
        .create_volume()
        .availability_zone(format!("{REGION}a"))
        .size(8)
        .encrypted(encrypted)
        .send()
        .await
        .unwrap()
        .volume_id()
        .unwrap()
        .to_string();
    ec2.attach_volume()
        .volume_id(&volume)
        .instance_id(instance)
        .device("/dev/sdf")
        .send()
        .await
        .unwrap();
    volume
}

/// An RDS instance, encrypted or not, publicly accessible or not.
pub async fn db_instance(emulator: &Emulator, id: &str, encrypted: bool, public: bool) {
    aws_sdk_rds::Client::new(&emulator.sdk(REGION).await)
        .create_db_instance()
        .db_instance_identifier(id)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-real-password-1")
        .storage_encrypted(encrypted)
        .publicly_accessible(public)
        .send()
        .await
        .unwrap();
}

/// A customer managed symmetric key, rotating or not; its ID.
pub async fn kms_key(emulator: &Emulator, rotating: bool) -> String {
    let kms = aws_sdk_kms::Client::new(&emulator.sdk(REGION).await);
    let id = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_string();
    if rotating {
        kms.enable_key_rotation().key_id(&id).send().await.unwrap();
    }
    id
}

/// An asymmetric signing key (rotation does not apply); its ID.
pub async fn signing_key(emulator: &Emulator) -> String {
    aws_sdk_kms::Client::new(&emulator.sdk(REGION).await)
        .create_key()
        .key_spec(aws_sdk_kms::types::KeySpec::Rsa2048)
        .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify)
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_string()
}

/// An Application Load Balancer in the default VPC's subnets; its ARN.
pub async fn load_balancer(emulator: &Emulator, name: &str, internet_facing: bool) -> String {
    use aws_sdk_elasticloadbalancingv2::types::{LoadBalancerSchemeEnum, LoadBalancerTypeEnum};
    let ec2 = ec2(emulator, REGION).await;
    let vpc = default_vpc(&ec2).await;
    let subnets: Vec<String> = ec2
        .describe_subnets()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(vpc)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .take(2)
        .collect();
    let scheme = if internet_facing {
        LoadBalancerSchemeEnum::InternetFacing
    } else {
        LoadBalancerSchemeEnum::Internal
    };
    aws_sdk_elasticloadbalancingv2::Client::new(&emulator.sdk(REGION).await)
        .create_load_balancer()
        .name(name)
        .r#type(LoadBalancerTypeEnum::Application)
        .scheme(scheme)
        .set_subnets(Some(subnets))
        .send()
        .await
        .unwrap()
        .load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string()
}

/// A regional WAFv2 web ACL associated with `resource`; its ARN.
pub async fn web_acl_for(emulator: &Emulator, resource: &str) -> String {
    use aws_sdk_wafv2::types::{DefaultAction, Scope, VisibilityConfig};
    let waf = aws_sdk_wafv2::Client::new(&emulator.sdk(REGION).await);
    let acl = waf
        .create_web_acl()
        .name("edge")
        .scope(Scope::Regional)
        .default_action(
            DefaultAction::builder()
                .allow(aws_sdk_wafv2::types::AllowAction::builder().build())
                .build(),
        )
        .visibility_config(
            VisibilityConfig::builder()
                .sampled_requests_enabled(false)
                .cloud_watch_metrics_enabled(false)
                .metric_name("edge")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let arn = acl.summary().unwrap().arn().unwrap().to_string();
    waf.associate_web_acl()
        .web_acl_arn(&arn)
        .resource_arn(resource)
        .send()
        .await
        .unwrap();
    arn
}
