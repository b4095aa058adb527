//! The remediation journal on disk: intent and outcome through the writer and the reader, a
//! crash between them, a torn last line, and the hash chain against edits, removals and moves.

use crate::support;
use chrono::{DateTime, Duration, Utc};
use std::path::{Path, PathBuf};
use std::process::Output;
use watchpost::journal::{
    JournalRecord, JournalWriter, Outcome, Phase, Verification, VerifyProblem, line_hash, print,
    read, verify, verify_expecting,
};

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::seconds(seconds)
}

fn intent(target: &str, seconds: i64) -> JournalRecord {
    JournalRecord::intent(
        "access-key.deactivate",
        target,
        "123456789012",
        None,
        "arn:aws:iam::123456789012:user/oncall",
        format!(
            "aws iam update-access-key --user-name {target} --access-key-id AKIA1 --status Inactive"
        ),
        at(seconds),
    )
}

fn journal() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchpost/journal.jsonl");
    (dir, path)
}

/// Five records, each action with its outcome but the last.
fn five_records(path: &Path) {
    let mut writer = JournalWriter::open(path).unwrap();
    for (n, target) in ["alice", "bob"].iter().enumerate() {
        let t = n as i64 * 10;
        let stored = writer.append(intent(target, t)).unwrap();
        writer
            .append(JournalRecord::outcome(&stored, None, at(t + 1)))
            .unwrap();
    }
    writer.append(intent("carol", 30)).unwrap();
}

/// The file's lines; a torn multi-byte character shows as U+FFFD.
fn lines(path: &Path) -> Vec<String> {
    String::from_utf8_lossy(&std::fs::read(path).unwrap())
        .lines()
        .map(str::to_string)
        .collect()
}

fn rewrite(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn broken_links(verification: &Verification) -> Vec<usize> {
    verification
        .problems
        .iter()
        .filter(|p| matches!(p, VerifyProblem::BrokenLink { .. }))
        .map(VerifyProblem::line)
        .collect()
}

#[test]
fn intent_then_outcome_round_trips_through_read() {
    let (_dir, path) = journal();
    let mut writer = JournalWriter::open(&path).unwrap();
    let mut record = intent("alice", 0);
    record.region = Some("us-east-1".into());
    let stored = writer.append(record.clone()).unwrap();
    assert_eq!(stored.prev_hash, None);
    assert_eq!(
        JournalRecord {
            prev_hash: None,
            ..stored.clone()
        },
        record
    );
    writer
        .append(JournalRecord::outcome(
            &stored,
            Some("AccessDenied: not authorized".into()),
            at(2),
        ))
        .unwrap();

    let contents = read(&path).unwrap();
    assert!(contents.problems.is_empty(), "{:?}", contents.problems);
    assert_eq!(contents.entries.len(), 1);
    let entry = &contents.entries[0];
    assert_eq!(entry.intent, stored);
    assert_eq!(entry.intent.phase, Phase::Intent);
    assert_eq!(entry.finished, Some(at(2)));
    assert_eq!(
        entry.outcome,
        Outcome::Failed("AccessDenied: not authorized".into())
    );
}

#[test]
fn a_crash_between_intent_and_outcome_shows_as_unknown() {
    let (_dir, path) = journal();
    {
        let mut writer = JournalWriter::open(&path).unwrap();
        writer.append(intent("alice", 0)).unwrap();
        // The process dies here: no outcome.
    }
    let contents = read(&path).unwrap();
    assert_eq!(contents.incomplete(), 1);
    assert_eq!(contents.entries[0].outcome, Outcome::Unknown);
    assert_eq!(contents.entries[0].finished, None);
    assert!(verify(&path).unwrap().is_intact());
}

#[test]
fn a_torn_last_line_is_reported_and_the_next_append_is_intact() {
    let (_dir, path) = journal();
    {
        let mut writer = JournalWriter::open(&path).unwrap();
        let stored = writer.append(intent("alice", 0)).unwrap();
        writer
            .append(JournalRecord::outcome(&stored, None, at(1)))
            .unwrap();
    }
    // A crash in the middle of writing the third record, inside a multi-byte character.
    let torn = serde_json::to_string(&intent("zoë", 5)).unwrap();
    let cut = torn.find('ë').unwrap() + 1;
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&torn.as_bytes()[..cut]);
    std::fs::write(&path, &bytes).unwrap();

    let contents = read(&path).unwrap();
    assert_eq!(contents.entries.len(), 1);
    assert_eq!(contents.problems.len(), 1);
    assert!(
        contents.problems[0].starts_with("line 3: "),
        "{:?}",
        contents.problems
    );
    let verification = verify(&path).unwrap();
    assert_eq!(verification.records, 2);
    assert_eq!(
        verification
            .problems
            .iter()
            .map(VerifyProblem::line)
            .collect::<Vec<_>>(),
        vec![3]
    );

    let mut writer = JournalWriter::open(&path).unwrap();
    let stored = writer.append(intent("dave", 10)).unwrap();
    let lines = lines(&path);
    assert_eq!(lines.len(), 4);
    assert_eq!(
        stored.prev_hash.as_deref(),
        Some(line_hash(lines[1].as_bytes()).as_str()),
        "the new record links to the last readable one"
    );
    let contents = read(&path).unwrap();
    assert_eq!(contents.entries.len(), 2);
    assert_eq!(contents.entries[0].intent.target, "dave");
    assert_eq!(contents.problems.len(), 1);
    assert!(contents.problems[0].starts_with("line 3: "));
    let verification = verify(&path).unwrap();
    assert_eq!(verification.records, 3, "{verification}");
    assert!(
        matches!(
            verification.problems.as_slice(),
            [VerifyProblem::Torn { line: 3, .. }]
        ),
        "a crash, still told apart from damage once records follow it: {verification}"
    );
    assert!(!verification.is_tampered());
}

#[test]
fn an_untouched_journal_verifies() {
    let (_dir, path) = journal();
    five_records(&path);
    let verification = verify(&path).unwrap();
    assert!(verification.is_intact(), "{verification}");
    assert_eq!(verification.records, 5);
    assert_eq!(verification.to_string(), "5 record(s), hash chain intact");
}

#[test]
fn an_edited_middle_record_is_detected_at_the_next_line() {
    let (_dir, path) = journal();
    five_records(&path);
    let mut lines = lines(&path);
    lines[2] = lines[2].replace("\"target\":\"bob\"", "\"target\":\"mallory\"");
    assert!(lines[2].contains("mallory"));
    rewrite(&path, &lines);

    let verification = verify(&path).unwrap();
    assert!(!verification.is_intact());
    assert_eq!(broken_links(&verification), vec![4]);
    assert!(matches!(
        verification.problems[0],
        VerifyProblem::BrokenLink {
            line: 4,
            previous: Some(3),
            links_to: None,
            ..
        }
    ));
    let text = verification.to_string();
    assert!(
        text.lines()
            .any(|l| l.starts_with("line 4: ") && l.contains("line 3 was changed")),
        "{text}"
    );
    // The reader still shows what is there.
    assert_eq!(read(&path).unwrap().entries.len(), 3);
}

#[test]
fn a_rewritten_link_is_detected_on_its_own_line() {
    let (_dir, path) = journal();
    five_records(&path);
    let mut lines = lines(&path);
    let mut record: JournalRecord = serde_json::from_str(&lines[2]).unwrap();
    record.prev_hash = None;
    lines[2] = serde_json::to_string(&record).unwrap();
    rewrite(&path, &lines);
    assert_eq!(broken_links(&verify(&path).unwrap()), vec![3, 4]);
}

#[test]
fn a_deleted_middle_line_is_detected() {
    let (_dir, path) = journal();
    five_records(&path);
    let mut lines = lines(&path);
    lines.remove(2);
    rewrite(&path, &lines);

    let verification = verify(&path).unwrap();
    assert_eq!(broken_links(&verification), vec![3]);
    assert_eq!(verification.records, 3);
    assert!(verification.to_string().contains("line 3: "));
}

#[test]
fn a_deleted_first_line_is_detected() {
    let (_dir, path) = journal();
    five_records(&path);
    let mut lines = lines(&path);
    lines.remove(0);
    rewrite(&path, &lines);
    assert_eq!(broken_links(&verify(&path).unwrap()), vec![1]);
}

#[test]
fn reordered_lines_are_detected() {
    let (_dir, path) = journal();
    five_records(&path);
    let mut lines = lines(&path);
    lines.swap(1, 2);
    rewrite(&path, &lines);

    let verification = verify(&path).unwrap();
    assert_eq!(broken_links(&verification), vec![2, 3, 4]);
    assert!(matches!(
        verification.problems[0],
        VerifyProblem::BrokenLink {
            line: 2,
            previous: Some(1),
            links_to: Some(3),
            ..
        }
    ));
    assert!(
        verification
            .to_string()
            .contains("line 2: the record links to line 3, not to line 1")
    );
}

#[cfg(unix)]
#[test]
fn the_journal_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path) = journal();
    JournalWriter::open(&path)
        .unwrap()
        .append(intent("alice", 0))
        .unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);

    // An existing journal that others could read is tightened.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    JournalWriter::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_reopened_writer_continues_the_chain() {
    let (_dir, path) = journal();
    five_records(&path);
    let last_line = lines(&path)[4].clone();
    let mut writer = JournalWriter::open(&path).unwrap();
    let stored = writer.append(intent("erin", 40)).unwrap();
    assert_eq!(
        stored.prev_hash.as_deref(),
        Some(line_hash(last_line.as_bytes()).as_str())
    );
    writer
        .append(JournalRecord::outcome(&stored, None, at(41)))
        .unwrap();
    let verification = verify(&path).unwrap();
    assert!(verification.is_intact(), "{verification}");
    assert_eq!(verification.records, 7);
    let contents = read(&path).unwrap();
    assert_eq!(contents.entries.len(), 4);
    assert_eq!(contents.incomplete(), 1, "carol's action never finished");
}

#[test]
fn the_listing_has_one_line_per_action_newest_last() {
    let (_dir, path) = journal();
    five_records(&path);
    let listing = print(&read(&path).unwrap());
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains("alice") && lines[0].ends_with("succeeded"));
    assert!(lines[2].contains("carol") && lines[2].ends_with("unknown: no outcome recorded"));
    assert!(lines[2].starts_with("2027-01-15 08:00:30Z  access-key.deactivate  carol"));
}

#[test]
fn the_journal_command_prints_and_verify_detects_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchpost").join("journal.jsonl");
    let mut writer = watchpost::journal::JournalWriter::open(&path).unwrap();
    let now = chrono::Utc::now();
    let intent = writer
        .append(watchpost::journal::JournalRecord::intent(
            "deactivate-access-key",
            "access key AKIAEXAMPLE of user alice",
            "123456789012",
            None,
            "arn:aws:iam::123456789012:user/oncall",
            "aws iam update-access-key --user-name alice --access-key-id AKIAEXAMPLE --status Inactive",
            now,
        ))
        .unwrap();
    writer
        .append(watchpost::journal::JournalRecord::outcome(
            &intent, None, now,
        ))
        .unwrap();
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("watchpost")
            .unwrap()
            .env("XDG_STATE_HOME", dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let printed = run(&["journal"]);
    assert!(printed.status.success());
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(text.contains("deactivate-access-key"), "{text}");
    assert!(text.contains("succeeded"), "{text}");
    assert!(run(&["journal", "verify"]).status.success());

    let edited = std::fs::read_to_string(&path)
        .unwrap()
        .replace("alice", "mallory");
    std::fs::write(&path, edited).unwrap();
    let verified = run(&["journal", "verify"]);
    assert_eq!(verified.status.code(), Some(1));
    let text = String::from_utf8_lossy(&verified.stdout);
    assert!(text.contains("line 2"), "{text}");
}

/// `watchpost journal --file PATH ARGS…`.
fn journal_command(path: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("watchpost")
        .unwrap()
        .env("XDG_STATE_HOME", path.parent().unwrap())
        .env("XDG_CONFIG_HOME", path.parent().unwrap())
        .arg("journal")
        .arg("--file")
        .arg(path)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The head `journal verify` printed.
fn printed_head(output: &Output) -> String {
    let text = stdout(output);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("head: "))
        .unwrap_or_else(|| panic!("no head in {text}"));
    line.split_whitespace().next().unwrap().to_string()
}

#[test]
fn verify_prints_the_count_and_the_head_the_next_record_links_to() {
    let (_dir, path) = journal();
    five_records(&path);
    let output = journal_command(&path, &["verify"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("5 record(s), hash chain intact"), "{text}");
    let head = printed_head(&output);
    assert_eq!(head, line_hash(lines(&path)[4].as_bytes()));
    assert!(text.contains(&format!("head: {head} (line 5)")), "{text}");
    let next = JournalWriter::open(&path)
        .unwrap()
        .append(intent("dave", 50))
        .unwrap();
    assert_eq!(next.prev_hash.as_deref(), Some(head.as_str()));

    let empty = journal_command(&path.with_file_name("none.jsonl"), &["verify"]);
    assert_eq!(empty.status.code(), Some(0));
    assert!(stdout(&empty).contains("head: none"), "{}", stdout(&empty));
}

#[test]
fn expect_head_detects_a_removed_last_record() {
    let (_dir, path) = journal();
    five_records(&path);
    let head = printed_head(&journal_command(&path, &["verify"]));
    let anchored = journal_command(&path, &["verify", "--expect-head", &head]);
    assert_eq!(anchored.status.code(), Some(0), "{}", stdout(&anchored));

    // The last record goes: the chain that is left is intact, which only the head shows.
    let mut kept = lines(&path);
    kept.pop();
    rewrite(&path, &kept);
    assert_eq!(journal_command(&path, &["verify"]).status.code(), Some(0));
    let output = journal_command(&path, &["verify", "--expect-head", &head]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("no line has the expected head") && text.contains("removed from the end"),
        "{text}"
    );
}

#[test]
fn expect_head_detects_a_cut_tail_a_deleted_file_and_a_rewritten_chain() {
    let (_dir, path) = journal();
    five_records(&path);
    let head = verify(&path).unwrap().head.unwrap().hash;

    // Cut to nothing.
    let original = std::fs::read(&path).unwrap();
    std::fs::write(&path, b"").unwrap();
    let verification = verify_expecting(&path, &head).unwrap();
    assert!(verification.is_tampered(), "{verification}");
    assert!(
        verification.to_string().contains("emptied"),
        "{verification}"
    );

    // Deleted: an absent journal is empty, but not where a head was expected.
    std::fs::remove_file(&path).unwrap();
    assert!(verify(&path).unwrap().is_intact());
    let output = journal_command(&path, &["verify", "--expect-head", &head]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("deleted or moved"),
        "{}",
        stdout(&output)
    );

    // Rewritten from the start with a fresh, intact chain holding other records.
    {
        let mut writer = JournalWriter::open(&path).unwrap();
        for target in ["alice", "bob", "carol", "dave", "erin"] {
            writer.append(intent(target, 0)).unwrap();
        }
    }
    assert!(verify(&path).unwrap().is_intact());
    let verification = verify_expecting(&path, &head).unwrap();
    assert!(verification.is_tampered(), "{verification}");

    // Records appended after the head was noted: the journal no longer ends there.
    std::fs::write(&path, &original).unwrap();
    assert!(verify_expecting(&path, &head).unwrap().is_intact());
    JournalWriter::open(&path)
        .unwrap()
        .append(intent("frank", 60))
        .unwrap();
    let grown = verify_expecting(&path, &head).unwrap();
    assert!(
        grown.to_string().contains("records were added after it"),
        "{grown}"
    );
}

#[test]
fn expect_head_must_be_a_hash() {
    let (_dir, path) = journal();
    five_records(&path);
    let output = journal_command(&path, &["verify", "--expect-head", "abc"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("64 hexadecimal digits"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_torn_last_line_is_a_crash_not_tampering_and_exits_3() {
    let (_dir, path) = journal();
    five_records(&path);
    let head = verify(&path).unwrap().head.unwrap().hash;
    let torn = serde_json::to_string(&intent("dave", 40)).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&torn.as_bytes()[..torn.len() / 2]);
    std::fs::write(&path, &bytes).unwrap();

    let output = journal_command(&path, &["verify"]);
    assert_eq!(output.status.code(), Some(3), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("incomplete last line, a write cut short"),
        "{text}"
    );
    assert!(text.contains("torn"), "{text}");
    assert!(text.contains("not tampering"), "{text}");
    // The head is still the last whole record, so an anchor noted before the crash holds.
    let anchored = journal_command(&path, &["verify", "--expect-head", &head]);
    assert_eq!(anchored.status.code(), Some(3), "{}", stdout(&anchored));

    // Tampering as well: tampering wins.
    let mut damaged = lines(&path);
    damaged[1] = damaged[1].replace("alice", "mallory");
    let mut text = damaged.join("\n");
    text.truncate(text.len() - torn.len() / 4);
    std::fs::write(&path, text).unwrap();
    assert_eq!(journal_command(&path, &["verify"]).status.code(), Some(1));
}

#[test]
fn a_journal_that_cannot_be_read_is_an_error_not_an_empty_journal() {
    let (dir, _) = journal();
    // A directory where the journal should be (tests run as root, so a mode-000 file would
    // still be readable).
    let path = dir.path().join("journal.jsonl");
    std::fs::create_dir_all(&path).unwrap();
    assert!(verify(&path).is_err());
    assert!(read(&path).is_err());
    for args in [&["verify"][..], &[][..]] {
        let output = journal_command(&path, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stdout(&output)
        );
        assert!(
            stderr(&output).contains("cannot read"),
            "{}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    }
}

const CHILD_RECORDS: usize = 500;

#[test]
fn two_processes_appending_to_one_journal_keep_one_chain() {
    let (_dir, path) = journal();
    // Both start on an existing journal, so both must see each other's records.
    JournalWriter::open(&path).unwrap();
    // `examples/journal_append` appends through watchpost's writer as a process of its own.
    let example = support::example("journal_append");
    let children: Vec<_> = (0..2)
        .map(|_| {
            std::process::Command::new(&example)
                .arg(&path)
                .arg(CHILD_RECORDS.to_string())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let verification = verify(&path).unwrap();
    assert!(verification.is_intact(), "{verification}");
    assert_eq!(verification.records, 2 * CHILD_RECORDS);
}

#[test]
fn file_may_come_before_or_after_verify() {
    let (_dir, path) = journal();
    five_records(&path);
    let after = assert_cmd::Command::cargo_bin("watchpost")
        .unwrap()
        .env("XDG_STATE_HOME", path.parent().unwrap())
        .env("XDG_CONFIG_HOME", path.parent().unwrap())
        .args(["journal", "verify", "--file"])
        .arg(&path)
        .output()
        .unwrap();
    let before = journal_command(&path, &["verify"]);
    assert_eq!(after.status.code(), Some(0), "{}", stderr(&after));
    assert_eq!(stdout(&after), stdout(&before));
    assert!(stdout(&after).contains("5 record(s)"), "{}", stdout(&after));
}

#[test]
fn printing_an_absent_journal_says_which_file_was_looked_for() {
    let (_dir, path) = journal();
    let output = journal_command(&path, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let text = stderr(&output);
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("does not exist"), "{text}");
}
