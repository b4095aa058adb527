//! The local AWS emulator (moto, pinned, with watchpost's extensions) for integration tests.
//!
//! One emulator serves a whole test binary: `scripts/test` starts one and passes its URL in
//! `WATCHPOST_EMULATOR_URL`; a bare `cargo test` starts one here (and the emulator exits
//! when the test binary does). Tests take turns: [`Emulator::lock`], the one lock of every
//! module of the binary, serialises them and resets all emulator state
//! (`POST /moto-api/reset`) before each. An emulator that cannot be installed or started
//! fails the test — it never skips.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use serde_json::Value;
use std::process::Command;
use std::sync::OnceLock;
use tokio::sync::{Mutex, MutexGuard};
use watchpost::aws::AwsOptions;

/// moto's default account.
pub const ACCOUNT: &str = "123456789012";

static URL: OnceLock<Result<String, String>> = OnceLock::new();
static TURN: Mutex<()> = Mutex::const_new(());

fn start() -> Result<String, String> {
    if let Ok(url) = std::env::var("WATCHPOST_EMULATOR_URL") {
        return Ok(url);
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/emulator");
    let output = Command::new(script)
        .arg("start")
        .env("WATCHPOST_EMULATOR_PARENT", std::process::id().to_string())
        .output()
        .map_err(|e| format!("cannot run {script}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "{script} start failed ({}):\n{}{}",
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("EMULATOR_URL="))
        .map(str::to_string)
        .ok_or_else(|| format!("{script} start printed no EMULATOR_URL:\n{stdout}"))
}

/// A turn at the emulator: state was reset when it began, and no other test of this
/// binary touches the emulator until it is dropped.
pub struct Emulator {
    pub url: String,
    _turn: MutexGuard<'static, ()>,
}

impl Emulator {
    pub async fn lock() -> Emulator {
        let url = match URL.get_or_init(start) {
            Ok(url) => url.clone(),
            Err(err) => panic!(
                "the AWS emulator is required for this test and could not start \
                 (it needs python3 with venv; see tests/emulator/README.md):\n{err}"
            ),
        };
        let turn = TURN.lock().await;
        let emulator = Emulator { url, _turn: turn };
        emulator.post("/moto-api/reset", &Value::Null);
        emulator
    }

    /// POSTs JSON to an emulator route (`/moto-api/…` or the seeding routes under
    /// `/_watchpost/`) and returns the JSON answer.
    pub fn post(&self, path: &str, body: &Value) -> Value {
        let url = format!("{}{path}", self.url);
        let mut response = ureq::post(&url)
            .send_json(body)
            .unwrap_or_else(|e| panic!("POST {url}: {e}"));
        let text = response.body_mut().read_to_string().unwrap_or_default();
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    }

    pub fn get(&self, path: &str) -> String {
        let url = format!("{}{path}", self.url);
        let mut response = ureq::get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        response.body_mut().read_to_string().unwrap_or_default()
    }

    pub fn start_recording(&self) {
        self.post("/moto-api/recorder/reset-recording", &Value::Null);
        self.post("/moto-api/recorder/start-recording", &Value::Null);
    }

    /// Every request the emulator saw since [`start_recording`], one JSON object each.
    pub fn recording(&self) -> Vec<Value> {
        self.post("/moto-api/recorder/stop-recording", &Value::Null);
        self.get("/moto-api/recorder/download-recording")
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The bodies of the recorded requests (decoded where the recorder base64-encoded them).
    pub fn recorded_bodies(&self) -> Vec<String> {
        self.recording().iter().map(request_body).collect()
    }

    /// Seeds GuardDuty findings (partial findings in the API's shape) through the emulator's
    /// seeding route; returns their IDs. The region's detector must exist.
    pub fn seed_findings(&self, region: &str, findings: Value) -> Vec<String> {
        let answer = self.post(
            "/_watchpost/guardduty/findings",
            &serde_json::json!({ "accountId": ACCOUNT, "region": region, "findings": findings }),
        );
        answer["findingIds"]
            .as_array()
            .unwrap_or_else(|| panic!("seeding failed: {answer}"))
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Turns GuardDuty on in `region`; returns the detector's ID.
    pub async fn detector(&self, region: &str) -> String {
        aws_sdk_guardduty::Client::new(&self.sdk(region).await)
            .create_detector()
            .enable(true)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateDetector {region}: {e}"))
            .detector_id
            .unwrap_or_else(|| panic!("CreateDetector {region}: no detector ID"))
    }

    /// Options that point watchpost at the emulator for `regions`.
    pub fn options(&self, regions: &[&str]) -> AwsOptions {
        AwsOptions {
            regions: regions.iter().map(|r| r.to_string()).collect(),
            endpoint_url: Some(self.url.clone()),
            ..AwsOptions::default()
        }
    }

    /// SDK configuration for seeding the emulator through the real API in `region`.
    pub async fn sdk(&self, region: &str) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(&self.url)
            .region(Region::new(region.to_string()))
            .credentials_provider(test_credentials())
            .load()
            .await
    }

    /// The same, as another account: credentials from `AssumeRole` into a role of it. The
    /// role must exist ([`Emulator::create_role`]): the emulator refuses the others, as AWS
    /// does.
    pub async fn sdk_as(&self, region: &str, role_arn: &str) -> SdkConfig {
        let base = self.sdk(region).await;
        let provider = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name("seed")
            .configure(&base)
            .build()
            .await;
        base.to_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider),
            )
            .build()
    }
}

/// A trust policy that lets every principal of `account` assume the role, and set the source
/// identity and session tags that watchpost's `AssumeRole` sends.
pub fn trust_policy(account: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:aws:iam::{account}:root") },
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        }],
    })
    .to_string()
}

impl Emulator {
    /// Makes the role `name` in `account`, trusting the emulator's default account
    /// ([`trust_policy`]); returns its ARN. The account is named by moto's
    /// `x-moto-account-id` header: no credentials of that account are needed.
    pub async fn create_role(&self, account: &str, name: &str) -> String {
        let iam = aws_sdk_iam::Client::new(&self.sdk("us-east-1").await);
        let header = account.to_string();
        iam.create_role()
            .role_name(name)
            .assume_role_policy_document(trust_policy(ACCOUNT))
            .customize()
            .mutate_request(move |request| {
                request
                    .headers_mut()
                    .insert("x-moto-account-id", header.clone());
            })
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateRole {name} in {account}: {e:?}"))
            .role
            .unwrap_or_else(|| panic!("CreateRole {name} in {account}: no role"))
            .arn
    }
}

/// What `watchpost report --format json` answered: its exit status, the report, stderr.
pub struct JsonReport {
    pub code: i32,
    pub json: Value,
    pub stderr: String,
}

impl Emulator {
    /// `watchpost report --format json` against the emulator in us-east-1, then `extra`,
    /// signed with `credentials` from its environment and with no other AWS configuration.
    pub fn report(&self, credentials: &Credentials, extra: &[&str]) -> JsonReport {
        self.report_configured(credentials, extra, None)
    }

    /// [`Emulator::report`] with `config` as the user's config.toml.
    pub fn report_configured(
        &self,
        credentials: &Credentials,
        extra: &[&str],
        config: Option<&str>,
    ) -> JsonReport {
        let home = tempfile::tempdir().unwrap();
        if let Some(config) = config {
            let dir = home.path().join("config").join("watchpost");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("config.toml"), config).unwrap();
        }
        let output = super::watchpost_with_keys(home.path())
            .env("AWS_ACCESS_KEY_ID", credentials.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key())
            .args(["report", "--format", "json", "--region", "us-east-1"])
            .args(["--endpoint-url", &self.url])
            .args(extra)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let json = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"));
        JsonReport {
            code: output.status.code().unwrap_or(-1),
            json,
            stderr,
        }
    }
}

/// One recorded request's body as text.
pub fn request_body(request: &Value) -> String {
    let body = request["body"].as_str().unwrap_or_default();
    if request["body_encoded"].as_bool() == Some(true) {
        let bytes = aws_smithy_types::base64::decode(body).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        body.to_string()
    }
}

/// Dummy keys: the emulator needs signed requests, not valid ones.
pub fn test_credentials() -> Credentials {
    Credentials::new("testing", "testing", None, None, "watchpost-tests")
}

/// Connects watchpost to the emulator with `options`, as a user with keys in the
/// environment would, and no MFA prompt.
pub async fn connect(options: &AwsOptions) -> watchpost::sources::Session {
    try_connect(options, &mut |serial| {
        panic!("unexpected MFA prompt for {serial}")
    })
    .await
    .unwrap_or_else(|e| panic!("connect: {e}"))
}

pub async fn try_connect(
    options: &AwsOptions,
    mfa: &mut (dyn FnMut(&str) -> std::io::Result<String> + Send),
) -> Result<watchpost::sources::Session, watchpost::aws::ConnectError> {
    let loader = watchpost::aws::config_loader(options)
        .await
        .credentials_provider(test_credentials());
    watchpost::aws::connect(options, loader, mfa).await
}

/// A metric alarm on EC2 CPU (average over a minute, above the threshold), ready to send;
/// the caller sets the threshold and whatever else the test needs.
pub fn cpu_alarm(
    client: &aws_sdk_cloudwatch::Client,
    name: impl Into<String>,
) -> aws_sdk_cloudwatch::operation::put_metric_alarm::builders::PutMetricAlarmFluentBuilder {
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
    client
        .put_metric_alarm()
        .alarm_name(name)
        .namespace("AWS/EC2")
        .metric_name("CPUUtilization")
        .statistic(Statistic::Average)
        .period(60)
        .evaluation_periods(1)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
}

/// A plain metric alarm (EC2 CPU above a threshold), for tests that need alarms to exist.
pub async fn put_alarm(client: &aws_sdk_cloudwatch::Client, name: &str) {
    cpu_alarm(client, name)
        .threshold(90.0)
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutMetricAlarm {name}: {e}"));
}

/// An alarm whose description holds a raw control character: moto writes it into its XML
/// as it is, so `DescribeAlarms` answers with a document no parser accepts.
pub async fn put_unparsable_alarm(client: &aws_sdk_cloudwatch::Client) {
    cpu_alarm(client, "broken")
        .alarm_description("bell \u{7} in the description")
        .threshold(1.0)
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutMetricAlarm broken: {e}"));
}

/// An alarm on EC2 CPU at 80% for two five-minute periods that pages
/// `arn:aws:sns:<region>:<ACCOUNT>:pager`, ready to send.
pub fn paging_alarm(
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
    name: &str,
) -> aws_sdk_cloudwatch::operation::put_metric_alarm::builders::PutMetricAlarmFluentBuilder {
    cpu_alarm(client, name)
        .period(300)
        .evaluation_periods(2)
        .threshold(80.0)
        .comparison_operator(
            aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanOrEqualToThreshold,
        )
        .alarm_actions(format!("arn:aws:sns:{region}:{ACCOUNT}:pager"))
}

/// The operation of a JSON-protocol request (CloudTrail, AWS Config, CloudWatch Logs): the
/// part of its `X-Amz-Target` header after the dot, e.g. `DescribeTrails`.
pub fn json_operation(request: &Value) -> Option<String> {
    let headers = request["headers"].as_object()?;
    headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-amz-target"))
        .and_then(|(_, value)| value.as_str())
        .and_then(|target| target.rsplit('.').next())
        .map(str::to_string)
}

/// Each access key of `user` with its status (`Active`/`Inactive`), as IAM has them now.
pub async fn access_keys(iam: &aws_sdk_iam::Client, user: &str) -> Vec<(String, String)> {
    iam.list_access_keys()
        .user_name(user)
        .send()
        .await
        .unwrap_or_else(|e| panic!("ListAccessKeys {user}: {e}"))
        .access_key_metadata()
        .iter()
        .map(|k| {
            (
                k.access_key_id().unwrap_or_default().to_string(),
                k.status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// The ID of `user`'s first access key.
pub async fn first_key_id(iam: &aws_sdk_iam::Client, user: &str) -> String {
    access_keys(iam, user)
        .await
        .into_iter()
        .next()
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("{user} has no access key"))
}

/// An IAM user with one access key.
pub async fn user_with_key(iam: &aws_sdk_iam::Client, name: &str) {
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateUser {name}: {e}"));
    new_key(iam, name).await;
}

/// A new access key of `user` (its ID, secret and creation date).
pub async fn new_key(iam: &aws_sdk_iam::Client, user: &str) -> aws_sdk_iam::types::AccessKey {
    iam.create_access_key()
        .user_name(user)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateAccessKey {user}: {e}"))
        .access_key
        .unwrap_or_else(|| panic!("CreateAccessKey {user}: no key"))
}

/// A console password for `user`.
pub async fn console_password(iam: &aws_sdk_iam::Client, user: &str, password: &str) {
    iam.create_login_profile()
        .user_name(user)
        .password(password)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateLoginProfile {user}: {e}"));
}

/// What the account-level identity checks want: a strong password policy (14 characters,
/// 24 remembered, every character class) and a root account with (hardware) MFA.
pub async fn strong_account(emulator: &Emulator, iam: &aws_sdk_iam::Client) {
    iam.update_account_password_policy()
        .minimum_password_length(14)
        .password_reuse_prevention(24)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .send()
        .await
        .unwrap_or_else(|e| panic!("UpdateAccountPasswordPolicy: {e}"));
    emulator.post(
        "/_watchpost/iam/root",
        &serde_json::json!({ "mfaActive": true }),
    );
}

/// IAM enforcement in the emulator, on while this guard lives: every request then needs the
/// credentials of an IAM user or role whose policies allow it (dummy keys are refused).
/// Dropping the guard, or the next [`Emulator::lock`] (a reset), turns it off again.
pub struct IamEnforced<'a> {
    emulator: &'a Emulator,
}

impl Drop for IamEnforced<'_> {
    fn drop(&mut self) {
        // Never panics (it may run while a failed test unwinds); a reset turns it off anyway.
        let _ = self.emulator.try_post_text("/moto-api/reset-auth", "inf");
    }
}

impl Emulator {
    /// Turns IAM enforcement on from the next request (`POST /moto-api/reset-auth` with 0).
    /// Seed first: the seeding clients' dummy keys are refused from then on.
    pub fn enforce_iam(&self) -> IamEnforced<'_> {
        self.try_post_text("/moto-api/reset-auth", "0")
            .unwrap_or_else(|e| panic!("reset-auth: {e}"));
        IamEnforced { emulator: self }
    }

    /// POSTs a `text/plain` body; returns the answer's text.
    pub fn try_post_text(&self, path: &str, body: &str) -> Result<String, String> {
        let url = format!("{}{path}", self.url);
        let mut response = ureq::post(&url)
            .content_type("text/plain")
            .send(body)
            .map_err(|e| format!("POST {url}: {e}"))?;
        Ok(response.body_mut().read_to_string().unwrap_or_default())
    }

    /// Makes these AWS managed policies (e.g. `SecurityAudit`) exist in the default account,
    /// loaded on demand from moto's copy of them; returns their ARNs.
    pub fn aws_managed_policies(&self, names: &[&str]) -> Vec<String> {
        let answer = self.post(
            "/_watchpost/iam/aws-managed-policies",
            &serde_json::json!({ "accountId": ACCOUNT, "names": names }),
        );
        answer["policyArns"]
            .as_array()
            .unwrap_or_else(|| panic!("loading {names:?} failed: {answer}"))
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }
}

/// An IAM user allowed by `policy` (an inline policy document, when given) and the managed
/// policies `managed`; returns its access key as SDK credentials.
pub async fn user_with_policy(
    iam: &aws_sdk_iam::Client,
    name: &str,
    policy: Option<&Value>,
    managed: &[String],
) -> Credentials {
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateUser {name}: {e}"));
    if let Some(policy) = policy {
        iam.put_user_policy()
            .user_name(name)
            .policy_name("under-test")
            .policy_document(policy.to_string())
            .send()
            .await
            .unwrap_or_else(|e| panic!("PutUserPolicy {name}: {e}"));
    }
    for arn in managed {
        iam.attach_user_policy()
            .user_name(name)
            .policy_arn(arn)
            .send()
            .await
            .unwrap_or_else(|e| panic!("AttachUserPolicy {name} {arn}: {e}"));
    }
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateAccessKey {name}: {e}"));
    let key = key
        .access_key()
        .unwrap_or_else(|| panic!("no key for {name}"));
    Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "watchpost-tests",
    )
}

/// The operation a recorded request called: the Query `Action=`, the JSON `X-Amz-Target`,
/// or, for the REST APIs (GuardDuty, S3 Control), the operation its method and path name in
/// the API reference. Unknown REST requests are named by method and path.
pub fn recorded_operation(request: &Value) -> String {
    let body = request_body(request);
    if let Some(action) = body.split('&').find_map(|p| p.strip_prefix("Action=")) {
        return action.to_string();
    }
    if let Some(operation) = json_operation(request) {
        return operation;
    }
    let method = request["method"].as_str().unwrap_or_default();
    let url = request["url"].as_str().unwrap_or_default();
    let path = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.find('/').map(|at| &rest[at..]))
        .unwrap_or(url)
        .split('?')
        .next()
        .unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let operation = match (method, segments.as_slice()) {
        ("GET", ["detector"]) => "ListDetectors",
        ("GET", ["detector", _]) => "GetDetector",
        ("POST", ["detector"]) => "CreateDetector",
        ("POST", ["detector", _]) => "UpdateDetector",
        ("DELETE", ["detector", _]) => "DeleteDetector",
        ("POST", ["detector", _, "findings"]) => "ListFindings",
        ("POST", ["detector", _, "findings", "get"]) => "GetFindings",
        ("POST", ["detector", _, "findings", "statistics"]) => "GetFindingsStatistics",
        ("POST", ["detector", _, "findings", "archive"]) => "ArchiveFindings",
        ("POST", ["detector", _, "findings", "unarchive"]) => "UnarchiveFindings",
        ("POST", ["detector", _, "findings", "feedback"]) => "UpdateFindingsFeedback",
        ("POST", ["detector", _, "findings", "create"]) => "CreateSampleFindings",
        ("GET", ["detector", _, "filter"]) => "ListFilters",
        ("GET", ["detector", _, "member"]) => "ListMembers",
        ("POST", ["detector", _, "member"]) => "CreateMembers",
        ("POST", ["detector", _, "member", "get"]) => "GetMembers",
        ("POST", ["detector", _, "filter"]) => "CreateFilter",
        ("GET", ["detector", _, "filter", _]) => "GetFilter",
        ("POST", ["detector", _, "filter", _]) => "UpdateFilter",
        ("DELETE", ["detector", _, "filter", _]) => "DeleteFilter",
        ("GET", ["v20180820", "configuration", "publicAccessBlock"]) => "GetPublicAccessBlock",
        ("PUT", ["v20180820", "configuration", "publicAccessBlock"]) => "PutPublicAccessBlock",
        ("DELETE", ["v20180820", "configuration", "publicAccessBlock"]) => {
            "DeletePublicAccessBlock"
        }
        _ => return format!("{method} {path}"),
    };
    operation.to_string()
}

/// The verbs AWS gives operations that change an account. This is the tests' own oracle,
/// independent of watchpost's read allowlist (`watchpost::aws::read_only::is_read`): a
/// request passes as "not mutating" only if its operation starts with none of these and is
/// not an unknown REST request.
const MUTATING_VERBS: &[&str] = &[
    "Activate",
    "Add",
    "Archive",
    "Associate",
    "Attach",
    "Authorize",
    "Cancel",
    "Change",
    "Create",
    "Deactivate",
    "Delete",
    "Detach",
    "Disable",
    "Disassociate",
    "Enable",
    "Modify",
    "Put",
    "Register",
    "Remove",
    "Reset",
    "Revoke",
    "Set",
    "Start",
    "Stop",
    "Tag",
    "Unarchive",
    "Untag",
    "Update",
    "Upload",
];

/// Every recorded request that could change the account, as `operation: body`.
pub fn mutating_requests(recording: &[Value]) -> Vec<String> {
    recording
        .iter()
        .filter_map(|request| {
            let operation = recorded_operation(request);
            let unknown_rest = operation.contains(' ') && !operation.starts_with("GET ");
            let mutating = unknown_rest || MUTATING_VERBS.iter().any(|v| operation.starts_with(v));
            mutating.then(|| format!("{operation}: {}", request_body(request)))
        })
        .collect()
}
