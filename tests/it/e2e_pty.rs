//! End to end: the real binary on the demo account in a pseudo-terminal. Keys are typed,
//! the screen is parsed with a terminal emulator (vt100), and after quitting the terminal
//! must be back as it was: main screen, visible cursor, cooked mode.

use crate::support;
use nix::sys::termios::LocalFlags;

use crate::support::pty::Console;

#[test]
fn demo_console_switches_tabs_filters_helps_and_restores_the_terminal() {
    let mut console = Console::start(&["--demo"]);
    // Every source loads: the header shows an age for each, and the queue is filled.
    let screen = console.wait_for("Potential");
    assert!(screen.contains("111122223333"), "{screen}");
    assert!(screen.contains("DEMO"), "{screen}");
    console.wait_for("40 users");

    console.send("2");
    let screen = console.wait_for("State");
    assert!(screen.contains("ALARM"), "{screen}");

    console.send("/cpu");
    let screen = console.wait_for("/cpu (");
    assert!(screen.contains("CPUUtilization"), "{screen}");
    console.send("\r");
    console.send("\x1b");
    console.wait_for(" Alarms 31 ");

    console.send("4");
    console.wait_for("Pwd used");
    console.send("?");
    let screen = console.wait_for("Keys (? or Esc closes)");
    assert!(screen.contains("Quit"), "{screen}");
    console.send("\x1b");

    console.send("q");
    let status = console.wait_exit();
    assert!(status.success(), "{status:?}");

    let parser = console.parser.lock().unwrap();
    assert!(
        !parser.screen().alternate_screen(),
        "still on the alternate screen"
    );
    assert!(!parser.screen().hide_cursor(), "cursor left hidden");
    drop(parser);
    let termios = console.master.get_termios().expect("termios of the pty");
    assert!(
        termios.local_flags.contains(LocalFlags::ICANON),
        "left in raw mode"
    );
    assert!(
        termios.local_flags.contains(LocalFlags::ECHO),
        "echo left off"
    );
    let raw = console.raw.lock().unwrap();
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(64)..]).to_string();
    assert!(
        tail.contains("\x1b[?1049l"),
        "no leave-alternate-screen at exit: {tail:?}"
    );
}

#[test]
fn at_60x15_identity_names_its_users_and_a_confirmation_its_target_and_account() {
    let mut console = Console::start_sized(&["--demo"], 15, 60);
    console.wait_for("Potential");
    console.send("4");
    let screen = console.wait_for("<root_account>");
    // Every row of the table starts with its user's name.
    let rows: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.contains("User"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .collect();
    assert!(rows.len() >= 5, "{screen}");
    for row in rows {
        let name = row.trim_start_matches('│').split(' ').next().unwrap_or("");
        assert!(name.len() >= 3, "a row without a name: {row:?}\n{screen}");
    }

    console.send("3");
    console.wait_for(" Findings ");
    console.send("a");
    console.wait_for_dialog("Actions");
    console.send("\r");
    let screen = console.wait_for_dialog("Target");
    for field in ["Account", "111122223333", "Region", "API call"] {
        assert!(screen.contains(field), "{field}:\n{screen}");
    }
    // ↑ and ↓ scroll; the target and account stay, and the dialog stays open.
    console.send("\x1b[B\x1b[B\x1b[B\x1b[A");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let screen = console.wait_for("Target");
    assert!(screen.contains("111122223333"), "{screen}");
    assert!(screen.contains("Run: y"), "{screen}");
    console.send("\x1b");
    console.wait_for_absent("Target");
    console.send("q");
    assert!(console.wait_exit().success());
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut console = Console::start(&["--demo"]);
    console.wait_for("Potential");
    let pid = console.child.process_id().unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    console.wait_exit();
    assert!(!console.parser.lock().unwrap().screen().alternate_screen());
    let termios = console.master.get_termios().unwrap();
    assert!(termios.local_flags.contains(LocalFlags::ICANON));
}

#[test]
fn a_panic_restores_the_terminal() {
    // `examples/panic_restore` takes the terminal as the console does, then panics.
    let example = support::example("panic_restore");
    let mut console = Console::start_program(example.to_str().unwrap(), &[], &[]);
    console.wait_for("about to panic");
    let status = console.wait_exit();
    assert_eq!(status.exit_code(), 101, "a panic ends the process with 101");
    assert!(
        !console.parser.lock().unwrap().screen().alternate_screen(),
        "still on the alternate screen after a panic"
    );
    let termios = console.master.get_termios().unwrap();
    assert!(
        termios.local_flags.contains(LocalFlags::ICANON),
        "left in raw mode"
    );
    assert!(
        termios.local_flags.contains(LocalFlags::ECHO),
        "echo left off"
    );
    let raw = String::from_utf8_lossy(&console.raw.lock().unwrap()).to_string();
    assert!(
        raw.contains("deliberate panic"),
        "the report is printed: {raw}"
    );
    // The hook ends the process with `exit`, which runs no destructor: the log's queued
    // lines, the panic's own among them, must have been written out before.
    let log = std::fs::read_to_string(console.state_dir().join("watchpost.log")).unwrap();
    let panic_line = log
        .lines()
        .find(|l| l.contains("ERROR") && l.contains("panic"));
    assert!(panic_line.is_some(), "no panic line in the log: {log:?}");
    assert!(log.contains("deliberate panic"), "{log:?}");
}

#[test]
fn the_mfa_code_is_not_echoed_on_a_terminal() {
    // Nothing listens on this port: the role cannot be assumed, once the code is read.
    let endpoint = support::dead_endpoint();
    let (mut console, _home) = support::pty::aws_console(
        &[
            "--region",
            "us-east-1",
            "--endpoint-url",
            &endpoint,
            "--role-arn",
            "arn:aws:iam::222233334444:role/audit",
            "--mfa-serial",
            "arn:aws:iam::111122223333:mfa/oncall\u{1b}]0;pwned\u{7}",
        ],
        &[],
    );
    // The serial is shown sanitised.
    console.wait_for("MFA code for arn:aws:iam::111122223333:mfa/oncall␛]0;pwned␇: ");
    let start = std::time::Instant::now();
    while console
        .master
        .get_termios()
        .unwrap()
        .local_flags
        .contains(LocalFlags::ECHO)
    {
        assert!(
            start.elapsed() < support::pty::TIMEOUT,
            "echo stayed on at the prompt"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    console.send("65\x7f54321\r");
    let status = console.wait_exit();
    let screen = console.screen();
    assert_eq!(status.exit_code(), 3, "{screen}");
    let raw = String::from_utf8_lossy(&console.raw.lock().unwrap()).to_string();
    assert!(
        !raw.contains("654321") && !raw.contains("6554321"),
        "{raw:?}"
    );
    assert!(!raw.contains("\u{1b}]0;pwned"), "{raw:?}");
    // The code was read (Backspace included) and sent: the error is the role's, not the code's.
    assert!(screen.contains("cannot"), "{screen}");
    assert!(!screen.contains("no MFA code"), "{screen}");
    let termios = console.master.get_termios().unwrap();
    assert!(
        termios.local_flags.contains(LocalFlags::ECHO),
        "echo left off"
    );
    assert!(
        termios.local_flags.contains(LocalFlags::ICANON),
        "left in raw mode"
    );
}

#[test]
fn with_no_color_the_selection_stays_visible_in_every_terminal_type() {
    for term in ["xterm", "screen", "tmux-256color"] {
        let mut console = Console::start_with(
            &["--demo"],
            &[("NO_COLOR", Some("1")), ("TERM", Some(term))],
        );
        console.wait_for("Potential");
        let inverse_rows = {
            let parser = console.parser.lock().unwrap();
            let screen = parser.screen();
            let (rows, cols) = screen.size();
            (0..rows)
                .filter(|&row| {
                    (0..cols).any(|col| screen.cell(row, col).is_some_and(|c| c.inverse()))
                })
                .count()
        };
        assert!(
            inverse_rows >= 1,
            "TERM={term}: no reverse-video row, the selection is invisible"
        );
        let colored = {
            let parser = console.parser.lock().unwrap();
            let screen = parser.screen();
            let (rows, cols) = screen.size();
            (0..rows).any(|row| {
                (0..cols).any(|col| {
                    screen.cell(row, col).is_some_and(|c| {
                        c.fgcolor() != vt100::Color::Default || c.bgcolor() != vt100::Color::Default
                    })
                })
            })
        };
        assert!(!colored, "TERM={term}: NO_COLOR drew a colour");
        console.send("q");
        assert!(console.wait_exit().success());
    }
}

#[test]
fn an_account_rule_sets_a_banner_and_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("watchpost");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[[accounts]]\nmatch = \"1111*\"\nbanner = \"PRODUCTION\"\ntheme = \"high-contrast\"\nread_only = true\n",
    )
    .unwrap();
    let config_home = dir.path().to_string_lossy().to_string();
    let mut console = Console::start_with(&["--demo"], &[("XDG_CONFIG_HOME", Some(&config_home))]);
    let screen = console.wait_for("PRODUCTION");
    let header = screen.lines().next().unwrap_or_default().to_string();
    assert!(header.contains("READ-ONLY"), "{header}");
    assert!(!header.contains("CAN WRITE"), "{header}");
    console.send("q");
    assert!(console.wait_exit().success());
}

#[test]
fn demo_activity_of_a_finding_opens_in_its_tab_and_shows_an_event() {
    for args in [&["--demo"][..], &["--demo", "--org"][..]] {
        let mut console = Console::start(args);
        console.wait_for("Potential");
        console.send("3");
        console.wait_for("Sev");
        console.send("t");
        let screen = console.wait_for("⚑");
        assert!(screen.contains("· Activity"), "{args:?}: {screen}");
        assert!(screen.contains("last 24h"), "{args:?}: {screen}");
        console.send("\r");
        let detail = console.wait_for("CloudTrail event (JSON, as CloudTrail sent it)");
        assert!(detail.contains("\"eventName\""), "{args:?}: {detail}");
        // `q` goes back from a detail view; `:q` quits from anywhere.
        console.send(":q\r");
        assert!(console.wait_exit().success());
    }
}
