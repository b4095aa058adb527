//! The real binary in a pseudo-terminal: keys typed, the screen parsed with a terminal
//! emulator (vt100).

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const ROWS: u16 = 30;
pub const COLS: u16 = 100;
/// Generous: a loaded 2-core CI machine runs many of these at once; only a failure waits it out.
pub const TIMEOUT: Duration = Duration::from_secs(45);

pub struct Console {
    pub parser: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    pub master: Box<dyn MasterPty + Send>,
    _dirs: tempfile::TempDir,
}

impl Console {
    pub fn start(args: &[&str]) -> Console {
        Console::start_with(args, &[])
    }

    /// Starts the binary with extra environment variables (`None` removes one).
    pub fn start_with(args: &[&str], env: &[(&str, Option<&str>)]) -> Console {
        Console::start_program(env!("CARGO_BIN_EXE_watchpost"), args, env)
    }

    /// The binary in a terminal of `rows`×`cols` instead of the usual size.
    pub fn start_sized(args: &[&str], rows: u16, cols: u16) -> Console {
        let program = env!("CARGO_BIN_EXE_watchpost");
        Console::start_program_sized(program, args, &[], (rows, cols))
    }

    /// Starts any program (e.g. an example built with the tests) in the pseudo-terminal.
    pub fn start_program(program: &str, args: &[&str], env: &[(&str, Option<&str>)]) -> Console {
        Console::start_program_sized(program, args, env, (ROWS, COLS))
    }

    fn start_program_sized(
        program: &str,
        args: &[&str],
        env: &[(&str, Option<&str>)],
        (rows, cols): (u16, u16),
    ) -> Console {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let dirs = tempfile::tempdir().unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("XDG_CONFIG_HOME", dirs.path().join("config"));
        cmd.env("XDG_STATE_HOME", dirs.path().join("state"));
        cmd.env_remove("NO_COLOR");
        for (key, value) in env {
            match value {
                Some(value) => cmd.env(key, value),
                None => cmd.env_remove(key),
            }
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
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

    /// `$XDG_STATE_HOME/watchpost` of the running binary (log and journal).
    pub fn state_dir(&self) -> std::path::PathBuf {
        self._dirs.path().join("state").join("watchpost")
    }

    /// The journal the console wrote, as text (for messages) and as one JSON value a line.
    pub fn journal(&self) -> (String, Vec<serde_json::Value>) {
        let text = std::fs::read_to_string(self.state_dir().join("journal.jsonl")).unwrap();
        let records = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        (text, records)
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn wait_for(&self, what: &str) -> String {
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

    /// Waits for a step of the remediation dialog to show `what`, then for it to settle:
    /// the console drops keys that arrive within its settling time (300 ms) of a new step,
    /// so a burst of typed-ahead or pasted keys cannot confirm anything.
    pub fn wait_for_dialog(&self, what: &str) -> String {
        let screen = self.wait_for(what);
        std::thread::sleep(Duration::from_millis(450));
        screen
    }

    /// Pastes `text` as a terminal with bracketed paste sends it.
    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    /// Waits until `what` is no longer on the screen.
    pub fn wait_for_absent(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if !screen.contains(what) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what:?} to go; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        if keys.ends_with('\x1b') {
            // A lone Esc followed at once by a key reads as Alt+key, as in any terminal.
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
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

/// The binary with dummy keys in its environment and no other AWS configuration.
pub fn console_with_env_keys(
    args: &[String],
    extra: &[(&str, &str)],
) -> (Console, tempfile::TempDir) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    aws_console(&args, extra)
}

/// The real binary with dummy AWS keys in its environment and no other AWS configuration
/// (an isolated HOME); `extra` adds or overrides variables.
pub fn aws_console(args: &[&str], extra: &[(&str, &str)]) -> (Console, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_string_lossy().to_string();
    let no_file = home.path().join("none").to_string_lossy().to_string();
    let mut env: Vec<(&str, Option<&str>)> = vec![
        ("AWS_ACCESS_KEY_ID", Some("testing")),
        ("AWS_SECRET_ACCESS_KEY", Some("testing")),
        ("AWS_EC2_METADATA_DISABLED", Some("true")),
        ("HOME", Some(&home_path)),
        ("AWS_CONFIG_FILE", Some(&no_file)),
        ("AWS_SHARED_CREDENTIALS_FILE", Some(&no_file)),
        ("AWS_PROFILE", None),
        ("AWS_REGION", None),
        ("AWS_DEFAULT_REGION", None),
        ("AWS_ENDPOINT_URL", None),
    ];
    for (key, value) in extra {
        env.retain(|(k, _)| k != key);
        env.push((key, Some(value)));
    }
    (Console::start_with(args, &env), home)
}
