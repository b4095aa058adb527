//! End to end: the real binary on the demo account in a pseudo-terminal. Keys are typed,
//! the screen is parsed with a terminal emulator (vt100), and after quitting the terminal
//! must be back as it was: main screen, visible cursor, cooked mode.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use nix::sys::termios::LocalFlags;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 30;
const COLS: u16 = 100;
const TIMEOUT: Duration = Duration::from_secs(20);

struct Console {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    _dirs: tempfile::TempDir,
}

impl Console {
    fn start(args: &[&str]) -> Console {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let dirs = tempfile::tempdir().unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_watchpost"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("XDG_CONFIG_HOME", dirs.path().join("config"));
        cmd.env("XDG_STATE_HOME", dirs.path().join("state"));
        cmd.env_remove("NO_COLOR");
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pty.master.take_writer().unwrap();
        Console {
            parser,
            raw,
            writer,
            child,
            master: pty.master,
            _dirs: dirs,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        if keys.ends_with('\x1b') {
            // A lone Esc followed at once by a key reads as Alt+key, as in any terminal.
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread drain the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("the console did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

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
    console.wait_for("Key age");
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
