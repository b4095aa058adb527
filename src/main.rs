use clap::Parser;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Runtime;
use watchpost::app::{App, Msg, update};
use watchpost::cli::{Cli, Command, ConfigAction, JournalAction, JournalArgs, ReportArgs};
use watchpost::clock::{SharedClock, SystemClock};
use watchpost::config::{self, ConfigRequest, Settings};
use watchpost::report;
use watchpost::sanitize::clean;
use watchpost::session::{AwsAccess, SessionFactory};
use watchpost::sources::Session;
use watchpost::sources::demo::{DemoOptions, demo_org_session, demo_session};
use watchpost::worker::PollSettings;
use watchpost::{aws, console, domain, journal, logging, private_fs};

/// Exit statuses, documented in the README (the report's own are in `watchpost::report`).
const EXIT_USAGE: u8 = 2;
const EXIT_CREDENTIALS: u8 = 3;

fn main() -> ExitCode {
    watchpost::allocator::tune();
    let cli = Cli::parse();
    let misplaced = cli.misplaced_console_options();
    if !misplaced.is_empty() {
        let verb = if misplaced.len() == 1 {
            "applies"
        } else {
            "apply"
        };
        eprintln!(
            "watchpost: {} only {verb} to the console, not to `{}`",
            misplaced.join(", "),
            cli.command_words()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    match &cli.command {
        Some(Command::Report(args)) => return run_report(&cli, args),
        Some(Command::Journal(args)) => return run_journal(&cli, args),
        Some(Command::Config { action }) => return run_config(action),
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "watchpost", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Some(Command::Man) => {
            let command = <Cli as clap::CommandFactory>::command();
            return match watchpost::man::render(command, &mut std::io::stdout()) {
                // `watchpost man | head`: a reader that stops early is not an error.
                Ok(()) => ExitCode::SUCCESS,
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("watchpost: {}", clean(&err.to_string()));
                    ExitCode::FAILURE
                }
            };
        }
        None => {}
    }
    // Configuration is validated before the terminal is touched, so an error is a plain
    // line on stderr.
    let request = ConfigRequest {
        theme: cli.theme.clone(),
        keymap: cli.keymap.clone(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        color_depth: Some(config::theme::ColorDepth::detect(
            std::env::var("COLORTERM").ok().as_deref(),
            std::env::var("TERM").ok().as_deref(),
        )),
    };
    let config_dir = config::config_dir();
    let loaded = match config::load(config_dir.as_deref(), &request) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("watchpost: {}", clean(&err.to_string()));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let state_dir = config::state_dir();
    // The state directory holds the journal and the log: it must be the user's own and not
    // a symbolic link. When it is refused, neither is written and the console says why.
    let state_refused = state_dir
        .as_deref()
        .and_then(|dir| private_fs::ensure_private_dir(dir).err())
        .map(|err| err.to_string());
    let _log_guard = match state_refused {
        None => logging::init(state_dir.as_deref()).ok().flatten(),
        Some(_) => None,
    };
    // Reachable from the panic hook, which flushes the log before it ends the process.
    let _log_guard = logging::keep_for_flush(_log_guard);

    let Some(runtime) = runtime() else {
        return ExitCode::FAILURE;
    };
    let clock: SharedClock = Arc::new(SystemClock);
    let (session, access) = match open_session(&cli, &loaded.settings, &runtime, &clock, false) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let mut settings = loaded.settings;
    if let Some(refresh) = cli.refresh {
        settings.refresh_secs = refresh;
    }
    let poll = PollSettings::every(Duration::from_secs(settings.refresh_secs));
    // The demo journal is kept apart from the real one, so practice never mixes with audit.
    let journal_file = if session.demo {
        "demo-journal.jsonl"
    } else {
        "journal.jsonl"
    };
    let journal_path = state_dir.as_ref().map(|d| d.join(journal_file));
    let history = session.journal_history.clone();
    let demo = session.demo;
    let factory = SessionFactory::new(
        settings.clone(),
        config_dir,
        request,
        loaded.theme,
        journal_path.clone(),
        cli.read_only || settings.read_only,
    )
    .with_aws(access)
    .spanning_accounts(session.org.is_some());
    // Per-account safety: the first `[[accounts]]` rule matching the account or profile.
    let established = match factory.establish(session, false) {
        Ok(established) => established,
        Err(err) => {
            eprintln!("watchpost: {}", clean(&err.to_string()));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let ids: Vec<_> = established.sources.iter().map(|s| s.id().clone()).collect();
    let mut app = App::new(
        established.header.clone(),
        Arc::new(loaded.keymap),
        settings,
        ids,
        clock.now(),
    );
    app.data.org = established.org.clone();
    if app.data.org.is_some() {
        // Thousands of sources arrive over the first minutes: posture once a second, not
        // once per source.
        app.data.posture_interval = chrono::TimeDelta::seconds(1);
    }
    let contents = match journal_path {
        Some(path) if state_refused.is_some() => {
            let why = state_refused.unwrap_or_default();
            // The runner refuses to open the journal there too, so no action can run.
            app.data.journal_path = Some(format!("{}, which is refused: {why}", path.display()));
            // Kept in `:messages`, and on the status line until a key is pressed.
            app.say(format!("No journal, no log, no actions: {why}"));
            app.status_since = None;
            journal::JournalContents::default()
        }
        Some(path) => {
            app.data.journal_path = Some(path.display().to_string());
            if demo {
                // The demo account starts anew at every start, and its journal with it: the
                // sample history is in the file like any journal's, so `watchpost --demo
                // journal` and `journal verify` read what the tab shows.
                let written = journal::JournalWriter::open(&path)
                    .and_then(|mut writer| writer.start_over(history));
                if let Err(err) = written {
                    app.say(format!(
                        "cannot write the demo journal {}: {err}",
                        path.display()
                    ));
                    app.status_since = None;
                }
            }
            journal::read_checked(&path).unwrap_or_else(|err| {
                app.say(format!("cannot read the journal {}: {err}", path.display()));
                app.status_since = None;
                journal::JournalContents::default()
            })
        }
        None => journal::JournalContents::default(),
    };
    update(&mut app, Msg::Journal(contents));

    let result = runtime.block_on(console::run(app, established, factory, poll, clock));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("watchpost: terminal error: {}", clean(&err.to_string()));
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Option<Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => Some(runtime),
        Err(err) => {
            eprintln!(
                "watchpost: cannot start the async runtime: {}",
                clean(&err.to_string())
            );
            None
        }
    }
}

/// The demo account, or the AWS account the options and settings point at (with how it was
/// opened, to open others from the console); on failure the error is printed and the exit
/// status returned. `read_only` forces audit mode.
fn open_session(
    cli: &Cli,
    settings: &Settings,
    runtime: &Runtime,
    clock: &SharedClock,
    read_only: bool,
) -> Result<(Session, Option<AwsAccess>), ExitCode> {
    if cli.demo {
        let options = DemoOptions {
            seed: cli.demo_seed,
            scale: cli.demo_scale,
        };
        let session = runtime.block_on(async {
            if cli.org {
                demo_org_session(options, clock.clone())
            } else {
                demo_session(options, clock.clone())
            }
        });
        return Ok((session, None));
    }
    runtime
        .block_on(connect_to_aws(cli, settings, read_only))
        .map_err(|err| {
            eprintln!("watchpost: {}", clean(&err.to_string()));
            ExitCode::from(if err.is_usage() {
                EXIT_USAGE
            } else {
                EXIT_CREDENTIALS
            })
        })
}

/// `watchpost report`: every source once, the report on stdout or in `--output`.
fn run_report(cli: &Cli, args: &ReportArgs) -> ExitCode {
    if let Some(path) = &args.output {
        if let Err(message) = report::output::check_target(path) {
            eprintln!("watchpost: {}", clean(&message));
            return ExitCode::from(report::EXIT_USAGE);
        }
    }
    for id in &args.check {
        if let Err(why) = watchpost::cli::parse_check_id(id) {
            eprintln!("watchpost: --check `{}`: {why}", clean(id));
            return ExitCode::from(report::EXIT_USAGE);
        }
    }
    // Only config.toml matters here: a broken theme or keymap must not stop an audit.
    let settings = match Settings::load(config::config_dir().as_deref()) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("watchpost: {}", clean(&err.to_string()));
            return ExitCode::from(report::EXIT_USAGE);
        }
    };
    // The report runs without a log rather than log into a refused state directory.
    let _log_guard = logging::init(config::state_dir().as_deref()).unwrap_or_else(|err| {
        eprintln!("watchpost: not logging: {}", clean(&err.to_string()));
        None
    });
    let Some(runtime) = runtime() else {
        return ExitCode::from(101);
    };
    let clock: SharedClock = Arc::new(SystemClock);
    if args.dry_run {
        return runtime.block_on(report_dry_run(cli, &settings));
    }
    // Always read-only: the clients refuse anything but reads and no executor is built.
    let mut session = match open_session(cli, &settings, &runtime, &clock, true) {
        Ok((session, _)) => session,
        Err(code) => return code,
    };
    ExitCode::from(runtime.block_on(report::run(&mut session, &settings, args, &clock)))
}

/// `watchpost report --org --dry-run`: the discovery calls only, and the cost of one refresh.
async fn report_dry_run(cli: &Cli, settings: &Settings) -> ExitCode {
    let request = match org_request(cli, settings) {
        Ok(Some(request)) if !cli.demo => request,
        Ok(_) => {
            eprintln!(
                "watchpost: --dry-run prices a multi-account report: give --org or --accounts \
                 (with --member-role)"
            );
            return ExitCode::from(report::EXIT_USAGE);
        }
        Err(err) => {
            eprintln!("watchpost: {}", clean(&err.to_string()));
            return ExitCode::from(report::EXIT_USAGE);
        }
    };
    let options = aws_options(cli, settings, true);
    let signed_in = match aws::check_options(&options).await {
        Ok(()) => {
            let loader = aws::config_loader(&options).await;
            aws::sign_in(&options, loader, &mut prompt_mfa_code).await
        }
        Err(err) => Err(err),
    };
    let answer = match signed_in {
        Ok(signed_in) => aws::org::dry_run(&options, &signed_in, &request)
            .await
            .map_err(OpenError::from),
        Err(err) => Err(err.into()),
    };
    match answer {
        Ok(text) => {
            // Names come from Organizations: each line is cleaned of control characters.
            for line in text.lines() {
                println!("{}", clean(line));
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("watchpost: {}", clean(&err.to_string()));
            ExitCode::from(if err.is_usage() {
                EXIT_USAGE
            } else {
                EXIT_CREDENTIALS
            })
        }
    }
}

/// `watchpost config path|dump`.
fn run_config(action: &ConfigAction) -> ExitCode {
    let dir = config::config_dir();
    match action {
        ConfigAction::Path => {
            let show = |p: Option<std::path::PathBuf>| {
                p.map_or_else(
                    || "(none: set HOME or XDG_*)".to_string(),
                    |p| p.display().to_string(),
                )
            };
            println!("config directory: {}", show(dir.clone()));
            if let Some(dir) = &dir {
                for file in ["config.toml", "keymaps", "themes"] {
                    let path = dir.join(file);
                    let state = if path.exists() { "present" } else { "absent" };
                    println!("  {} ({state})", path.display());
                }
            }
            println!("state directory:  {}", show(config::state_dir()));
            ExitCode::SUCCESS
        }
        ConfigAction::Schema => {
            let schema = schemars::schema_for!(Settings);
            match serde_json::to_string_pretty(&schema) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("watchpost: {}", clean(&err.to_string()));
                    ExitCode::FAILURE
                }
            }
        }
        ConfigAction::Dump => match Settings::load(dir.as_deref()) {
            Ok(settings) => match toml::to_string(&settings) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("watchpost: {}", clean(&err.to_string()));
                    ExitCode::FAILURE
                }
            },
            Err(err) => {
                eprintln!("watchpost: {}", clean(&err.to_string()));
                ExitCode::from(EXIT_USAGE)
            }
        },
    }
}

/// `watchpost journal [verify]`: the journal printed, or its hash chain checked.
fn run_journal(cli: &Cli, args: &JournalArgs) -> ExitCode {
    let path = match (&args.file, config::state_dir()) {
        (Some(file), _) => file.clone(),
        (None, Some(dir)) => dir.join(if cli.demo {
            "demo-journal.jsonl"
        } else {
            "journal.jsonl"
        }),
        (None, None) => {
            eprintln!("watchpost: no state directory: set XDG_STATE_HOME or pass --file");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match &args.action {
        None => match journal::read(&path) {
            Ok(contents) => {
                // An empty listing alone would not say where it looked: stderr does.
                if contents.entries.is_empty() && contents.problems.is_empty() {
                    let why = if path.exists() {
                        "has no records"
                    } else {
                        "does not exist: no action has been journaled there yet"
                    };
                    let message = format!("no journal entries: {} {why}", path.display());
                    eprintln!("watchpost: {}", clean(&message));
                }
                print!("{}", journal::print(&contents));
                ExitCode::SUCCESS
            }
            Err(err) => {
                let message = format!("cannot read {}: {err}", path.display());
                eprintln!("watchpost: {}", clean(&message));
                ExitCode::from(EXIT_USAGE)
            }
        },
        Some(JournalAction::Verify { expect_head }) => {
            let verified = match expect_head {
                Some(head) => journal::verify_expecting(&path, head),
                None => journal::verify(&path),
            };
            match verified {
                Ok(verification) => {
                    // A journal's lines and its path are not trusted text.
                    let report = format!("{}: {verification}", path.display());
                    for line in report.lines() {
                        println!("{}", watchpost::sanitize::clean_unbounded(line));
                    }
                    match &verification.head {
                        Some(head) => println!("head: {} (line {})", head.hash, head.line),
                        None => println!("head: none (no record)"),
                    }
                    ExitCode::from(journal_exit_status(&verification))
                }
                // Only a missing file is an empty journal; anything else that stops the
                // read (permissions, a directory) must not pass for one.
                Err(err) => {
                    let message = format!("cannot read {}: {err}", path.display());
                    eprintln!("watchpost: {}", clean(&message));
                    ExitCode::from(EXIT_USAGE)
                }
            }
        }
    }
}

/// `journal verify`'s exit status (README, `watchpost journal --help`): 0 intact; 1
/// tampering (or not ending at the expected head); 3 only torn lines, a crash while writing.
fn journal_exit_status(verification: &journal::Verification) -> u8 {
    const EXIT_TAMPERED: u8 = 1;
    const EXIT_TORN: u8 = 3;
    if verification.is_tampered() {
        EXIT_TAMPERED
    } else if verification.is_intact() {
        0
    } else {
        EXIT_TORN
    }
}

/// Opens the AWS session: `--region` wins over `regions` in config.toml, which wins over
/// the AWS profile's region.
async fn connect_to_aws(
    cli: &Cli,
    settings: &Settings,
    read_only: bool,
) -> Result<(Session, Option<AwsAccess>), OpenError> {
    let options = aws_options(cli, settings, read_only);
    aws::check_options(&options).await?;
    let loader = aws::config_loader(&options).await;
    let signed_in = aws::sign_in(&options, loader, &mut prompt_mfa_code).await?;
    let Some(request) = org_request(cli, settings)? else {
        let session = aws::open(&options, &signed_in).await?;
        return Ok((session, Some(AwsAccess { options, signed_in })));
    };
    let profile = cli
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_else(|| "default".to_string());
    let rule = |account: &str| settings.read_only_reason(account, &profile);
    let mut session = aws::org::open(&options, &signed_in, &request, &rule).await?;
    // Each account's banner from its `[[accounts]]` rule, shown on its rows.
    for account in session
        .org
        .iter_mut()
        .flat_map(|org| org.accounts.iter_mut())
    {
        account.banner = settings
            .account_rule(&account.id, &profile)
            .and_then(|rule| rule.banner.clone());
    }
    // `:region` and `:profile` reopen one account; a multi-account session is not switched.
    Ok((session, None))
}

/// Where and as whom to connect: `--region` wins over `regions` in config.toml, which wins
/// over the AWS profile's region.
fn aws_options(cli: &Cli, settings: &Settings, read_only: bool) -> aws::AwsOptions {
    let regions = if cli.region.is_empty() {
        domain::parse_regions(&settings.regions)
    } else {
        domain::parse_regions(&cli.region)
    };
    aws::AwsOptions {
        profile: cli.profile.clone(),
        regions,
        extra_regions: settings.extra_regions.clone(),
        endpoint_url: cli.endpoint_url.clone(),
        role_arn: cli.role_arn.clone(),
        external_id: cli.external_id.clone(),
        mfa_serial: cli.mfa_serial.clone(),
        report_max_age: Duration::from_secs(
            u64::from(settings.credential_report_max_age_hours) * 3600,
        ),
        // Account rules need the account: the session applies them (`session.rs`).
        read_only: read_only || cli.read_only || settings.read_only,
    }
}

/// The accounts a multi-account session covers, from `--org`, `--accounts` or `[org]`;
/// `None` for one account. A multi-account session needs a member role: there is no
/// default (OrganizationAccountAccessRole is full admin and absent from invited accounts).
fn org_request(cli: &Cli, settings: &Settings) -> Result<Option<aws::org::OrgRequest>, OpenError> {
    let accounts = if cli.accounts.is_empty() {
        settings.org.accounts.clone()
    } else {
        cli.accounts.clone()
    };
    if !cli.org && accounts.is_empty() {
        return Ok(None);
    }
    let member_role = cli
        .member_role
        .clone()
        .or_else(|| settings.org.member_role.clone())
        .ok_or(OpenError::NoMemberRole)?;
    Ok(Some(aws::org::OrgRequest {
        discover: cli.org,
        ous: cli.org_ou.clone(),
        accounts,
        skip: settings.org.skip.clone(),
        member_role,
        external_id: cli
            .external_id
            .clone()
            .filter(|_| cli.role_arn.is_none())
            .or_else(|| settings.org.external_id.clone()),
    }))
}

/// Why no session could be opened: a single account's connection, or the organisation's.
#[derive(Debug, thiserror::Error)]
enum OpenError {
    #[error(transparent)]
    Connect(#[from] aws::ConnectError),
    #[error(transparent)]
    Org(#[from] aws::org::OrgError),
    #[error(
        "name the role to assume in each member account: --member-role NAME (or [org] \
         member_role in config.toml), e.g. WatchpostAudit from docs/org/watchpost-audit-role.yaml. \
         There is no default: OrganizationAccountAccessRole is full admin and missing from \
         invited accounts"
    )]
    NoMemberRole,
}

impl OpenError {
    fn is_usage(&self) -> bool {
        match self {
            OpenError::Connect(err) | OpenError::Org(aws::org::OrgError::Connect(err)) => {
                err.is_usage()
            }
            OpenError::Org(_) => false,
            OpenError::NoMemberRole => true,
        }
    }
}

/// Asks for the MFA code on a plain prompt, before the console takes the terminal. On a
/// terminal the code is not echoed (see [`read_hidden_line`]); from a pipe it is read as a
/// line.
fn prompt_mfa_code(serial: &str) -> std::io::Result<String> {
    let mut stderr = std::io::stderr();
    write!(stderr, "MFA code for {}: ", clean(serial))?;
    stderr.flush()?;
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let code = read_hidden_line();
        // The Enter that ended the code was not echoed either.
        writeln!(stderr)?;
        return code;
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

/// A line typed on the terminal without echo: raw mode (left on every path), keys read one
/// by one. Enter ends it, Backspace deletes, Ctrl-U clears; Ctrl-C, Ctrl-D and Esc cancel.
fn read_hidden_line() -> std::io::Result<String> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
    struct Cooked;
    impl Drop for Cooked {
        fn drop(&mut self) {
            let _ = crossterm::terminal::disable_raw_mode();
        }
    }
    crossterm::terminal::enable_raw_mode()?;
    let _cooked = Cooked;
    let cancelled = || std::io::Error::new(std::io::ErrorKind::Interrupted, "cancelled");
    let mut line = String::new();
    loop {
        match crossterm::event::read()? {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                let control = key.modifiers.contains(KeyModifiers::CONTROL);
                match key.code {
                    KeyCode::Enter => return Ok(line),
                    // Ctrl-J is a newline: what Enter sends on some terminals.
                    KeyCode::Char('j') if control => return Ok(line),
                    KeyCode::Char('c' | 'd') if control => return Err(cancelled()),
                    KeyCode::Char('u') if control => line.clear(),
                    KeyCode::Esc => return Err(cancelled()),
                    KeyCode::Backspace => {
                        line.pop();
                    }
                    KeyCode::Char(c) if !control => line.push(c),
                    _ => {}
                }
            }
            Event::Paste(text) => line.push_str(&text),
            _ => {}
        }
    }
}
