//! End to end against the emulator: the real binary, dummy keys in its environment, pointed
//! at a seeded emulator over two regions, shows the emulator's account and what was seeded.

use crate::support;
use crate::support::emulator::{ACCOUNT, Emulator, access_keys};
use crate::support::pty::console_with_env_keys;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn the_console_shows_a_seeded_account_across_two_regions() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    support::emulator::user_with_key(&iam, "deploy-bot").await;
    for (region, alarm) in [
        ("us-east-1", "orders-5xx"),
        ("eu-west-1", "payments-latency"),
    ] {
        let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk(region).await);
        support::emulator::put_alarm(&cloudwatch, alarm).await;
        cloudwatch
            .set_alarm_state()
            .alarm_name(alarm)
            .state_value(aws_sdk_cloudwatch::types::StateValue::Alarm)
            .state_reason("Threshold crossed")
            .send()
            .await
            .unwrap();
    }
    emulator.detector("eu-west-1").await;
    emulator.seed_findings(
        "eu-west-1",
        json!([{
            "type": "CryptoCurrency:EC2/BitcoinTool.B!DNS",
            "severity": 8.0,
            "title": "EC2 instance i-0feed is querying a domain name associated with Bitcoin",
        }]),
    );

    let args = [
        "--endpoint-url".to_string(),
        emulator.url.clone(),
        "--region".to_string(),
        "us-east-1,eu-west-1".to_string(),
    ];
    // The console runs in a pseudo-terminal on a blocking thread; this test keeps its turn
    // at the emulator meanwhile.
    let screens = tokio::task::spawn_blocking(move || {
        let (mut console, _home) = console_with_env_keys(&args, &[]);
        let overview = console.wait_for("orders-5xx");
        console.send("2");
        let alarms = console.wait_for("payments-latency");
        console.send("3");
        let findings = console.wait_for("Bitcoin");
        console.send("4");
        let identity = console.wait_for("deploy-bot");
        console.send("q");
        let status = console.wait_exit();
        (overview, alarms, findings, identity, status)
    })
    .await
    .unwrap();
    let (overview, alarms, findings, identity, status) = screens;
    assert!(status.success(), "{status:?}");
    let header = overview.lines().next().unwrap_or_default();
    assert!(header.contains(ACCOUNT), "{header}");
    assert!(
        header.contains(&format!("arn:aws:sts::{ACCOUNT}:user/moto")),
        "{header}"
    );
    assert!(!header.contains("DEMO"), "{header}");
    assert!(overview.contains("us-east-1,eu-west-1"), "{overview}");
    assert!(alarms.contains("orders-5xx"), "{alarms}");
    assert!(alarms.contains("ALARM"), "{alarms}");
    assert!(findings.contains("eu-west-1"), "{findings}");
    assert!(identity.contains("deploy-bot"), "{identity}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_standard_endpoint_and_region_variables_are_honoured() {
    let emulator = Emulator::lock().await;
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk("eu-west-1").await);
    support::emulator::put_alarm(&cloudwatch, "set-through-env").await;
    let url = emulator.url.clone();
    let screen = tokio::task::spawn_blocking(move || {
        let (mut console, _home) = console_with_env_keys(
            &[],
            &[("AWS_ENDPOINT_URL", &url), ("AWS_REGION", "eu-west-1")],
        );
        console.send("2");
        let screen = console.wait_for("set-through-env");
        console.send("q");
        console.wait_exit();
        screen
    })
    .await
    .unwrap();
    assert!(screen.contains(ACCOUNT), "{screen}");
    assert!(screen.contains("eu-west-1"), "{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivating_a_key_in_the_console_changes_aws_and_is_journaled() {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    support::emulator::user_with_key(&iam, "deploy-bot").await;
    let statuses = || async {
        access_keys(&iam, "deploy-bot")
            .await
            .into_iter()
            .map(|(_, status)| status)
            .collect::<Vec<_>>()
    };
    assert_eq!(statuses().await, ["Active"]);

    let args = [
        "--endpoint-url".to_string(),
        emulator.url.clone(),
        "--region".to_string(),
        "us-east-1".to_string(),
    ];
    let (mut console, home) = tokio::task::spawn_blocking(move || {
        let (mut console, home) = console_with_env_keys(&args, &[]);
        console.send("4");
        console.wait_for("deploy-bot");
        console.send("/deploy-bot\r");
        console.send("a");
        console.wait_for_dialog("Actions");
        // The menu opens on the first action that can run (quarantine); the key's
        // deactivation is two rows down.
        console.send("jj\r");
        console.wait_for_dialog("Press y to run it");
        (console, home)
    })
    .await
    .unwrap();
    assert_eq!(statuses().await, ["Active"], "nothing ran before y");
    let mut console = tokio::task::spawn_blocking(move || {
        console.send("y");
        console.wait_for_dialog("is now Inactive");
        console
    })
    .await
    .unwrap();
    assert_eq!(statuses().await, ["Inactive"]);

    let (journal, records) = console.journal();
    assert_eq!(records.len(), 2, "{journal}");
    assert_eq!(records[0]["phase"], "intent");
    assert_eq!(records[0]["action"], "deactivate-access-key");
    assert_eq!(records[0]["account_id"], ACCOUNT);
    assert!(
        records[0]["cli"]
            .as_str()
            .unwrap()
            .starts_with("aws iam update-access-key")
    );
    // Who was at the keyboard, beside the AWS caller: the OS user and host.
    let command = |program: &str, arg: &str| {
        let output = std::process::Command::new(program)
            .arg(arg)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    };
    assert_eq!(records[0]["local_user"], command("id", "-un"), "{journal}");
    assert_eq!(records[0]["host"], command("uname", "-n"), "{journal}");
    assert!(
        records[0]["caller_arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:")
    );
    assert_eq!(records[1]["phase"], "outcome");
    assert_eq!(records[1]["id"], records[0]["id"]);
    assert!(records[1]["error"].is_null());
    assert!(!journal.contains("testing"), "no secret in the journal");

    // Undo from the outcome: reactivate.
    let status = tokio::task::spawn_blocking(move || {
        console.send("u");
        console.wait_for_dialog("Press y to run it");
        console.send("y");
        console.wait_for_dialog("is now Active");
        console.send("\r");
        console.send("6");
        console.wait_for("reactivate-access-key");
        console.send("q");
        let status = console.wait_exit();
        drop(home);
        status
    })
    .await
    .unwrap();
    assert!(status.success());
    assert_eq!(statuses().await, ["Active"]);
}

/// Seeds an account with something on every tab, starts the console (`args` decide how it
/// becomes read-only: the flag, or `:readonly` typed once it shows), then on every tab opens
/// the action menu and tries every way to confirm: `y`, Enter, the row's name typed, in the
/// table and in the detail view. Returns the requests the emulator recorded meanwhile.
async fn drive_every_action_menu(read_only_by_command: bool) -> Vec<serde_json::Value> {
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    support::emulator::user_with_key(&iam, "auditee").await;
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&emulator.sdk("us-east-1").await);
    support::emulator::put_alarm(&cloudwatch, "audit-alarm").await;
    emulator.detector("us-east-1").await;
    emulator.seed_findings("us-east-1", json!([{"severity": 8.0}]));

    emulator.start_recording();
    let mut args = vec![
        "--endpoint-url".to_string(),
        emulator.url.clone(),
        "--region".to_string(),
        "us-east-1".to_string(),
    ];
    if !read_only_by_command {
        args.push("--read-only".to_string());
    }
    let screen = tokio::task::spawn_blocking(move || {
        let (mut console, _home) = console_with_env_keys(&args, &[]);
        console.wait_for("auditee");
        if read_only_by_command {
            console.wait_for("CAN WRITE");
            console.send(":readonly\r");
        }
        console.wait_for("READ-ONLY");
        for tab in ["1", "2", "3", "4", "5", "6"] {
            console.send(tab);
            for keys in ["a", "j", "\r", "y", "Y", "jj\r", "y", "auditee\r"] {
                console.send(keys);
                // Past the dialog's settling time, so every key counts.
                std::thread::sleep(std::time::Duration::from_millis(350));
            }
            console.send("\x1b");
            console.send("\r");
            console.send("a");
            std::thread::sleep(std::time::Duration::from_millis(350));
            console.send("\ry");
            std::thread::sleep(std::time::Duration::from_millis(350));
            console.send("\x1b");
            console.send("\x1b");
        }
        console.send("2");
        let screen = console.wait_for("audit-alarm");
        console.send("q");
        console.wait_exit();
        screen
    })
    .await
    .unwrap();
    assert!(screen.contains("READ-ONLY"), "{screen}");
    emulator.recording()
}

/// Something was sent, and nothing of it could change the account.
fn assert_reads_only(sent: &[serde_json::Value]) {
    assert!(!sent.is_empty());
    let writes = support::emulator::mutating_requests(sent);
    assert!(writes.is_empty(), "mutating requests: {writes:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_console_sends_only_reads_whatever_is_pressed() {
    assert_reads_only(&drive_every_action_menu(false).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_console_turned_read_only_with_the_command_sends_only_reads() {
    assert_reads_only(&drive_every_action_menu(true).await);
}

/// A user with a console password and one access key of the given status; its key ID.
async fn user_with_password_and_key(iam: &aws_sdk_iam::Client, name: &str, active: bool) -> String {
    use aws_sdk_iam::types::StatusType;
    support::emulator::user_with_key(iam, name).await;
    support::emulator::console_password(iam, name, "a-long-passphrase-3!").await;
    let key = support::emulator::first_key_id(iam, name).await;
    let status = if active {
        StatusType::Active
    } else {
        StatusType::Inactive
    };
    iam.update_access_key()
        .user_name(name)
        .access_key_id(&key)
        .status(status)
        .send()
        .await
        .unwrap();
    key
}

/// Moves the open action menu's selection down to `title`.
fn select_in_menu(console: &mut support::pty::Console, title: &str) {
    let marker = format!("▸ {title}");
    for _ in 0..10 {
        if console.screen().contains(&marker) {
            return;
        }
        console.send("j");
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    console.wait_for(&marker);
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_reports_slot_numbers_and_pastes_run_nothing() {
    use aws_sdk_iam::types::StatusType;
    let emulator = Emulator::lock().await;
    let iam = aws_sdk_iam::Client::new(&emulator.sdk("us-east-1").await);
    // The credential report (renewed at most every 4 hours) will say both keys are inactive.
    let bob_key = user_with_password_and_key(&iam, "ops-bob", false).await;
    let carol_key = user_with_password_and_key(&iam, "ops-carol", false).await;

    let args = [
        "--endpoint-url".to_string(),
        emulator.url.clone(),
        "--region".to_string(),
        "us-east-1".to_string(),
    ];
    let (console, home) = tokio::task::spawn_blocking(move || {
        let (console, home) = console_with_env_keys(&args, &[]);
        console.wait_for("Alarms");
        (console, home)
    })
    .await
    .unwrap();
    let mut console = tokio::task::spawn_blocking(move || {
        let mut console = console;
        console.send("4");
        console.wait_for("ops-carol");
        console
    })
    .await
    .unwrap();
    // Behind the console's back, bob's key is active again; the report still says inactive.
    iam.update_access_key()
        .user_name("ops-bob")
        .access_key_id(&bob_key)
        .status(StatusType::Active)
        .send()
        .await
        .unwrap();
    emulator.start_recording();

    let carol = carol_key.clone();
    let (console, screens) = tokio::task::spawn_blocking(move || {
        let mut screens = Vec::new();
        // 1. Delete is offered on the stale report, but IAM says Active: refused at the
        //    preview, with nothing to confirm.
        console.send("/ops-bob\r");
        console.send("a");
        console.wait_for_dialog("Actions");
        select_in_menu(&mut console, "Delete access key");
        console.send("\r");
        screens.push(console.wait_for_dialog("not available now"));
        console.send("\r");
        console.wait_for_absent("not available now");

        // 2. The confirmation names the real key ID; the report's slot number confirms
        //    nothing.
        console.send("/\x15ops-carol\r");
        console.send("a");
        console.wait_for_dialog("Actions");
        select_in_menu(&mut console, "Delete access key");
        console.send("\r");
        screens.push(console.wait_for_dialog(&format!("Type {carol}")));
        console.send("#1\r");
        // A slot is not the key's ID: it does not match, and the confirmation stays.
        screens.push(console.wait_for("does not match"));
        console.send("\x1b");
        console.wait_for_absent("Confirm:");

        // 3. Pastes over a row, bracketed (one piece of text) and as a burst of keys (a
        //    terminal that drops bracketed paste).
        for paste in ["a\ry\r", "a\rops-carol\r", &format!("a\r{carol}\r")] {
            console.paste(paste);
            screens.push(console.wait_for("Paste ignored"));
            console.send(paste);
            std::thread::sleep(std::time::Duration::from_millis(800));
            screens.push(console.screen());
            console.send("\x1b");
            console.wait_for_absent("Actions");
        }
        (console, screens)
    })
    .await
    .unwrap();
    let sent = emulator.recording();
    let mutating = support::emulator::mutating_requests(&sent);
    assert!(mutating.is_empty(), "mutating requests: {mutating:#?}");
    assert!(
        sent.iter()
            .any(|r| support::emulator::recorded_operation(r) == "ListAccessKeys"),
        "the keys were read live"
    );
    assert_eq!(
        access_keys(&iam, "ops-bob").await,
        [(bob_key, "Active".to_string())]
    );
    assert_eq!(
        access_keys(&iam, "ops-carol").await,
        [(carol_key.clone(), "Inactive".to_string())]
    );
    assert!(
        iam.get_login_profile()
            .user_name("ops-carol")
            .send()
            .await
            .is_ok()
    );
    assert!(
        screens[0].contains("deactivate the key first"),
        "{}",
        screens[0]
    );
    assert!(screens[1].contains(&carol_key), "{}", screens[1]);
    for screen in &screens[2..] {
        assert!(!screen.contains("Running"), "{screen}");
        assert!(!screen.contains("Done:"), "{screen}");
    }
    tokio::task::spawn_blocking(move || {
        let mut console = console;
        console.send("q");
        assert!(console.wait_exit().success());
        drop(home);
    })
    .await
    .unwrap();
}
