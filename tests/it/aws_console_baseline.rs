//! End to end against the emulator: a security group with SSH open to the world shows in
//! the Posture tab; revoking its rule from there removes it in the emulator and journals it.

use crate::support::baseline::{ec2, open_group};
use crate::support::emulator::{ACCOUNT, Emulator};
use crate::support::pty::console_with_env_keys;

#[tokio::test(flavor = "multi_thread")]
async fn revoking_a_world_open_ssh_rule_from_the_posture_tab_changes_aws_and_is_journaled() {
    let emulator = Emulator::lock().await;
    let east = ec2(&emulator, "us-east-1").await;
    let group = open_group(&east, "bastion", 22, "0.0.0.0/0").await;
    let open = || async {
        east.describe_security_groups()
            .group_ids(&group)
            .send()
            .await
            .unwrap()
            .security_groups()[0]
            .ip_permissions()
            .len()
    };
    assert_eq!(open().await, 1);

    let args = [
        "--endpoint-url".to_string(),
        emulator.url.clone(),
        "--region".to_string(),
        "us-east-1".to_string(),
    ];
    let (console, home, preview) = tokio::task::spawn_blocking(move || {
        let (mut console, home) = console_with_env_keys(&args, &[]);
        console.send("5");
        console.wait_for("No security group admits");
        console.send("/ec2.sg-open-admin-ports\r");
        console.send("a");
        console.wait_for_dialog("Actions");
        // The first action that can run: the revoke (the restore cannot, the rule is there).
        console.send("\r");
        let preview = console.wait_for_dialog("Press y to run it");
        (console, home, preview)
    })
    .await
    .unwrap();
    assert!(preview.contains("tcp 22 from 0.0.0.0/0"), "{preview}");
    assert!(
        preview.contains("revoke-security-group-ingress"),
        "{preview}"
    );
    assert_eq!(open().await, 1, "nothing ran before y");
    let mut console = tokio::task::spawn_blocking(move || {
        let mut console = console;
        console.send("y");
        console.wait_for_dialog("is revoked from");
        console
    })
    .await
    .unwrap();
    assert_eq!(open().await, 0);

    let (journal, records) = console.journal();
    assert_eq!(records.len(), 2, "{journal}");
    assert_eq!(records[0]["phase"], "intent");
    assert_eq!(records[0]["action"], "revoke-ingress-rule");
    assert_eq!(records[0]["account_id"], ACCOUNT);
    assert_eq!(records[0]["region"], "us-east-1");
    assert!(
        records[0]["cli"].as_str().unwrap().starts_with(&format!(
            "aws ec2 revoke-security-group-ingress --region us-east-1 --group-id {group}"
        )),
        "{journal}"
    );
    assert_eq!(records[1]["phase"], "outcome");
    assert!(records[1]["error"].is_null(), "{journal}");

    let status = tokio::task::spawn_blocking(move || {
        console.send("\r");
        console.send("q");
        let status = console.wait_exit();
        drop(home);
        status
    })
    .await
    .unwrap();
    assert!(status.success());
}
