//! `watchpost report` once the session is open: every source read once (a progress line on
//! stderr when it is a terminal), the report built and written, and the exit status.

use super::{
    Context, EXIT_WRITE, Filters, Progress, assemble, build, collect, exit_status, output, render,
};
use crate::cli::ReportArgs;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::sanitize::clean;
use crate::sources::Session;
use crate::worker::DEFAULT_CONCURRENT_POLLS;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// How long the report waits for one source: a large account's credential report and
/// authorization details take a while, so the console's 30 s per poll would be too short.
pub const SOURCE_TIMEOUT: Duration = Duration::from_secs(300);

/// Reads every source of `session`, writes the report `args` asks for (to `--output` or
/// stdout) and returns the exit status. Source errors and unknown `--check` IDs are also
/// printed on stderr, one line each, sanitised: they carry AWS text and file names.
pub async fn run(
    session: &mut Session,
    settings: &Settings,
    args: &ReportArgs,
    clock: &SharedClock,
) -> u8 {
    let mut progress = ProgressLine::new(session.sources.len());
    let results = collect(
        &mut session.sources,
        DEFAULT_CONCURRENT_POLLS,
        SOURCE_TIMEOUT,
        &mut |p| progress.update(p),
    )
    .await;
    progress.clear();
    let now = clock.now();
    let collected = assemble(results, &settings.thresholds, settings.alarm_severity, now);
    for id in &args.check {
        if !collected.data.checks.iter().any(|c| c.check_id() == id) {
            eprintln!(
                "watchpost: no results for check `{}` (nothing it applies to)",
                clean(id)
            );
        }
    }
    let filters = Filters {
        sections: args.source.clone(),
        severities: args.severity.clone(),
        status: args.status,
        checks: args.check.clone(),
    };
    let context = Context {
        caller: &session.caller,
        regions: &session.regions,
        demo: session.demo,
        alarm_severity: settings.alarm_severity,
        thresholds: &settings.thresholds,
        now,
    };
    let mut built = build(&collected, &context, &filters, args.fail_on);
    if let Some(org) = &session.org {
        super::org::annotate(&mut built, org);
        for line in super::org::unreachable_lines(org) {
            eprintln!("watchpost: {}", clean(&line));
        }
    }
    for error in &built.errors {
        eprintln!("watchpost: {}", clean(&error.message));
    }
    let written = render(&built, args.format)
        .map_err(|e| e.to_string())
        .and_then(|bytes| match &args.output {
            Some(path) => output::write_atomically(path, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
            None => write_stdout(&bytes).map_err(|e| format!("cannot write the report: {e}")),
        });
    if let Err(message) = written {
        eprintln!("watchpost: {}", clean(&message));
        return EXIT_WRITE;
    }
    exit_status(&built)
}

/// Writes the report to standard output. A reader that stops early (`| head`) closes the
/// pipe: that ends the report quietly, as for any filter, and the exit status still says
/// what the report found (`--fail-on`, incomplete), so a `pipefail` gate keeps working.
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// "3/7 sources read" on stderr while the report's sources load, only when stderr is a
/// terminal: nothing in logs or pipes, and never anything on stdout.
struct ProgressLine {
    enabled: bool,
    shown: bool,
}

impl ProgressLine {
    fn new(total: usize) -> Self {
        let mut line = ProgressLine {
            enabled: std::io::stderr().is_terminal(),
            shown: false,
        };
        line.show(&format!("reading {total} sources…"));
        line
    }

    fn show(&mut self, text: &str) {
        if self.enabled {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2Kwatchpost: {text}");
            let _ = stderr.flush();
            self.shown = true;
        }
    }

    fn update(&mut self, p: Progress<'_>) {
        self.show(&format!(
            "{}/{} sources read ({} done)",
            p.done, p.total, p.finished
        ));
    }

    fn clear(&mut self) {
        if self.shown {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
            self.shown = false;
        }
    }
}
