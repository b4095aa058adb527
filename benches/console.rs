//! Console hot paths: drawing a frame, one keystroke of the `/` filter, and merging a batch
//! of updated findings, with a large account loaded (100,000 findings, 20,000 IAM users,
//! 10,000 alarms) and, for comparison, the small demo account.
//!
//! `cargo bench --bench console` (a filter such as `-- render/` runs part of it).
//! Targets: a frame ≤ 2 ms whatever the data size; a filter keystroke ≤ 10 ms; a merge of
//! 1,000 updated findings into 100,000, with what the console derives from it, ≤ 5 ms.
//! And a simulated organisation of 500 accounts × 3 regions (`--demo --org`, at least
//! 100,000 findings, 50,000 users and 20,000 alarms): its load (every source through
//! `update`, as the console receives them), first frame, frames and `/` keystrokes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration as ChronoDuration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use watchpost::app::{App, HeaderInfo, Msg, SourceEvent, update};
use watchpost::clock::{FixedClock, SharedClock};
use watchpost::config::{self, ConfigRequest, Theme};
use watchpost::domain::{Finding, SourceId, SourceKind};
use watchpost::input::{Key, KeyCode};
use watchpost::panes::Tab;
use watchpost::sources::demo::{DemoOptions, DemoScale, demo_org_session, demo_session};
use watchpost::sources::{Session, SourceData};
use watchpost::ui;

/// Findings, users and alarms of the large account, and the demo scale it is cut from: the
/// demo account has about 60 findings per scale unit (its largest population), so 1,700
/// units yield at least 100,000; users and alarms are cut to their targets. Run as a test
/// (`cargo test --benches`, no `--bench` flag), a small account checks that the benches work.
fn large_size() -> (usize, usize, usize, u32) {
    let mut args = std::env::args().skip(1);
    if args.any(|a| a == "--bench") && !std::env::args().any(|a| a == "--test") {
        (100_000, 20_000, 10_000, 1_700)
    } else {
        (1_000, 200, 100, 20)
    }
}

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
        .single()
        .unwrap()
}

fn theme() -> Theme {
    config::load(None, &ConfigRequest::default()).unwrap().theme
}

fn empty_app(session: &Session) -> App {
    let loaded = config::load(None, &ConfigRequest::default()).unwrap();
    let header = HeaderInfo {
        caller: session.caller.clone(),
        profile: None,
        regions: session.regions.clone(),
        demo: true,
        read_only: false,
        banner: None,
    };
    let ids = session.sources.iter().map(|s| s.id().clone());
    let mut app = App::new(header, Arc::new(loaded.keymap), loaded.settings, ids, now());
    update(
        &mut app,
        Msg::Resize {
            width: WIDTH,
            height: HEIGHT,
        },
    );
    app
}

/// Polls every demo source once, cuts each population to its limit, and feeds the data to
/// the app through `update`, as the console does.
fn loaded_app(scale: u32, limits: Option<(usize, usize, usize)>) -> App {
    let clock: SharedClock = Arc::new(FixedClock(now()));
    let mut session = demo_session(
        DemoOptions {
            seed: 7,
            scale: DemoScale::uniform(scale),
        },
        clock,
    );
    let mut app = empty_app(&session);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let mut polled: Vec<(SourceId, SourceData)> = session
        .sources
        .iter_mut()
        .map(|source| {
            let id = source.id().clone();
            (id, runtime.block_on(source.poll()).unwrap())
        })
        .collect();
    if let Some((findings, users, alarms)) = limits {
        let regions = polled
            .iter()
            .filter(|(id, _)| id.kind == SourceKind::Alarms)
            .count()
            .max(1);
        let mut findings_left = findings;
        for (_, data) in &mut polled {
            match data {
                SourceData::Alarms { alarms: list, .. } => list.truncate(alarms.div_ceil(regions)),
                SourceData::Identity(inventory) => {
                    Arc::make_mut(&mut inventory.users).truncate(users)
                }
                SourceData::Findings { upserts, .. } => {
                    upserts.truncate(findings_left);
                    findings_left -= upserts.len();
                }
                SourceData::RegionalBaseline(_) | SourceData::AccountBaseline(_) => {}
            }
        }
        assert_eq!(findings_left, 0, "scale {scale} gives too few findings");
    }
    for (id, data) in polled {
        update(
            &mut app,
            Msg::Source(SourceEvent::Data {
                id,
                data,
                at: now(),
            }),
        );
    }
    let history = watchpost::journal::assemble(session.journal_history.clone(), Vec::new());
    update(&mut app, Msg::Journal(history));
    app
}

fn large_app() -> App {
    let (findings, users, alarms, scale) = large_size();
    let app = loaded_app(scale, Some((findings, users, alarms)));
    let identity = app.data.identities.users();
    eprintln!(
        "large account: {} findings, {} users, {} alarms, {} triage rows, {} checks",
        app.data.findings.len(),
        identity,
        app.data.alarms.len(),
        app.data.triage.len(),
        app.data.checks.len()
    );
    app
}

/// The organisation's size: 500 accounts with 4, 3 and 2 units of findings, users and alarms
/// each (120,000 findings, 60,000 users, 31,000 alarms); as a test, 20 accounts of one unit.
fn org_scale() -> DemoScale {
    let mut args = std::env::args().skip(1);
    if args.any(|a| a == "--bench") && !std::env::args().any(|a| a == "--test") {
        DemoScale {
            findings: 4,
            users: 3,
            alarms: 2,
            accounts: Some(500),
        }
    } else {
        DemoScale {
            accounts: Some(20),
            ..DemoScale::uniform(1)
        }
    }
}

/// Peak resident memory of this process so far (`VmHWM`), in MB.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// The simulated organisation with every source polled once and fed through `update` in
/// the order polls would finish, as the console gets them; prints how long that took.
fn org_app() -> App {
    let clock: SharedClock = Arc::new(FixedClock(now()));
    let mut session = demo_org_session(
        DemoOptions {
            seed: 7,
            scale: org_scale(),
        },
        clock,
    );
    let mut app = empty_app(&session);
    app.data.org = session.org.clone();
    app.data.posture_interval = ChronoDuration::seconds(1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let theme = theme();
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    let start = Instant::now();
    terminal
        .draw(|frame| ui::render(frame, &app, &theme))
        .unwrap();
    eprintln!(
        "organisation: first frame (no data yet) in {:.1?}",
        start.elapsed()
    );
    let start = Instant::now();
    let mut slowest = Duration::ZERO;
    let sources = session.sources.len();
    for (index, source) in session.sources.iter_mut().enumerate() {
        let id = source.id().clone();
        let data = runtime.block_on(source.poll()).unwrap();
        // Sources land over the first minutes; a second passes every 1/40th of them here.
        let at = now() + ChronoDuration::seconds((index * 40 / sources.max(1)) as i64);
        let before = Instant::now();
        update(&mut app, Msg::Source(SourceEvent::Data { id, data, at }));
        slowest = slowest.max(before.elapsed());
    }
    update(&mut app, Msg::Tick(now() + ChronoDuration::seconds(45)));
    eprintln!(
        "organisation: {} accounts, {} sources loaded through update in {:.1?} (slowest \
         message {:.1?}); {} findings, {} users, {} alarms, {} checks; peak RSS {} MB",
        app.data.org.as_ref().map_or(0, |o| o.accounts.len()),
        sources,
        start.elapsed(),
        slowest,
        app.data.findings.len(),
        app.data.identities.users(),
        app.data.alarms.len(),
        app.data.checks.len(),
        peak_rss_mb(),
    );
    app
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(Key::from(code))
}

fn type_keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        update(app, key(KeyCode::Char(c)));
    }
}

fn tab_key(tab: Tab) -> char {
    char::from_digit(tab.index() as u32 + 1, 10).unwrap()
}

fn tab_name(tab: Tab) -> String {
    tab.title().to_lowercase()
}

fn bench_render(c: &mut Criterion, app: &mut App, size: &str) {
    let theme = theme();
    let mut group = c.benchmark_group(format!("render/{size}"));
    for tab in Tab::ALL {
        type_keys(app, &tab_key(tab).to_string());
        // Move off the first row, as a user reading the table would.
        type_keys(app, "jjjjj");
        let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
        group.bench_function(tab_name(tab), |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| ui::render(frame, black_box(&*app), &theme))
                    .unwrap();
            })
        });
    }
    // The detail view of the selected finding.
    type_keys(app, &tab_key(Tab::Findings).to_string());
    update(app, key(KeyCode::Enter));
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    group.bench_function("finding-detail", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| ui::render(frame, black_box(&*app), &theme))
                .unwrap();
        })
    });
    // Reading it: a scroll key down and one back up, each with the frame it causes.
    group.bench_function("finding-detail-scroll", |b| {
        b.iter(|| {
            for code in [KeyCode::Char('j'), KeyCode::Char('k')] {
                update(app, key(code));
                terminal
                    .draw(|frame| ui::render(frame, black_box(&*app), &theme))
                    .unwrap();
            }
        })
    });
    update(app, key(KeyCode::Esc));
    group.finish();
}

/// Times `keystroke` only; `undo` puts the filter back before the next round.
fn time_keystroke(
    app: &mut App,
    iters: u64,
    keystroke: impl Fn(&mut App),
    undo: impl Fn(&mut App),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        keystroke(app);
        total += start.elapsed();
        black_box(app.view(app.tab).rows().len());
        undo(app);
    }
    total
}

fn bench_filter(c: &mut Criterion, app: &mut App, group: &str) {
    let mut group = c.benchmark_group(group);
    group.sample_size(20);
    type_keys(app, &tab_key(Tab::Findings).to_string());
    // `/` opens the filter line; the rows' filter text is gathered while the console is idle.
    group.bench_function("slash", |b| {
        b.iter_custom(|iters| {
            time_keystroke(
                app,
                iters,
                |app| type_keys(app, "/"),
                |app| {
                    update(app, key(KeyCode::Esc));
                    // As if data had arrived: the filter text is gathered again.
                    app.rebuild_view(Tab::Findings);
                },
            )
        })
    });
    // A character typed at once, before any of the text is gathered: read from the data.
    type_keys(app, "/");
    group.bench_function("first-char-at-once", |b| {
        b.iter_custom(|iters| {
            time_keystroke(
                app,
                iters,
                |app| type_keys(app, "s"),
                |app| {
                    update(app, key(KeyCode::Esc));
                    app.rebuild_view(Tab::Findings);
                    type_keys(app, "/");
                },
            )
        })
    });
    // What the console does between `/` and the next keystroke: slices of a few ms.
    let (mut steps, mut slowest) = (0, Duration::ZERO);
    let start = Instant::now();
    while app.idle_pending() {
        let step = Instant::now();
        update(app, Msg::Idle);
        slowest = slowest.max(step.elapsed());
        steps += 1;
    }
    eprintln!(
        "filter text of {} rows gathered while idle in {:.1?} ({steps} steps, slowest {:.1?})",
        app.data.findings.len(),
        start.elapsed(),
        slowest
    );
    // The first character searches every row.
    group.bench_function("first-char", |b| {
        b.iter_custom(|iters| {
            time_keystroke(
                app,
                iters,
                |app| type_keys(app, "s"),
                |app| {
                    update(app, key(KeyCode::Backspace));
                },
            )
        })
    });
    // A further character narrows what already matched.
    type_keys(app, "ssh");
    eprintln!(
        "filter /ssh keeps {} of {} rows",
        app.view(Tab::Findings).rows().len(),
        app.data.findings.len()
    );
    group.bench_function("next-char", |b| {
        b.iter_custom(|iters| {
            time_keystroke(
                app,
                iters,
                |app| type_keys(app, "b"),
                |app| {
                    update(app, key(KeyCode::Backspace));
                },
            )
        })
    });
    // Backspace widens the filter: every row is searched again.
    group.bench_function("backspace", |b| {
        b.iter_custom(|iters| {
            time_keystroke(
                app,
                iters,
                |app| {
                    update(app, key(KeyCode::Backspace));
                },
                |app| type_keys(app, "h"),
            )
        })
    });
    update(app, key(KeyCode::Esc));
    group.finish();
}

/// 1 % of the account's findings (1,000 of 100,000), updated as a GuardDuty poll would
/// return them.
fn updated_batch(app: &App, region: &str) -> (SourceId, SourceData) {
    let id = SourceId {
        kind: SourceKind::Findings,
        account_id: app.header.caller.account_id.clone(),
        region: Some(region.to_string()),
    };
    let detector = app
        .data
        .detectors
        .iter()
        .find(|d| d.region == region)
        .cloned()
        .unwrap();
    let upserts: Vec<Finding> = app
        .data
        .findings
        .iter()
        .filter(|f| *f.region == region)
        .step_by(7)
        .take(app.data.findings.len() / 100)
        .map(|f| {
            let mut f = f.clone();
            f.count += 1;
            f.last_seen = now() - ChronoDuration::seconds(5);
            f.updated_at = f.last_seen;
            f
        })
        .collect();
    assert_eq!(upserts.len(), app.data.findings.len() / 100);
    let data = SourceData::Findings {
        detector,
        upserts,
        complete: false,
        members: Vec::new(),
    };
    (id, data)
}

/// A fresh version of `batch` for round `round`: each finding seen again, a little later
/// each time, so every round really changes 1,000 findings.
fn next_round(batch: &SourceData, round: i64) -> SourceData {
    let mut batch = batch.clone();
    if let SourceData::Findings { upserts, .. } = &mut batch {
        for f in upserts {
            f.count += round as u64;
            f.last_seen = now() - ChronoDuration::seconds(600 - round % 600);
            f.updated_at = f.last_seen;
        }
    }
    batch
}

fn bench_merge(c: &mut Criterion, app: &mut App) {
    let mut group = c.benchmark_group("merge-1000-findings");
    group.sample_size(20);
    let (id, batch) = updated_batch(app, "us-east-1");
    let mut round = 0;
    // The merge alone (what it leaves to derive is done between rounds, untimed).
    group.bench_function("apply", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let batch = next_round(&batch, round);
                let selected = app.selected_keys();
                let start = Instant::now();
                black_box(app.data.apply(&id, batch));
                total += start.elapsed();
                let derived =
                    app.data
                        .derive(&app.settings.thresholds, app.settings.alarm_severity, now());
                app.refresh_views(&derived, &selected);
            }
            total
        })
    });
    // What the console does with the batch: merge, derive posture and the triage queue,
    // and bring every table view up to date.
    type_keys(app, &tab_key(Tab::Overview).to_string());
    type_keys(app, "jjjjj");
    group.bench_function("update", |b| {
        b.iter_batched(
            || {
                round += 1;
                Msg::Source(SourceEvent::Data {
                    id: id.clone(),
                    data: next_round(&batch, round),
                    at: now(),
                })
            },
            |msg| update(app, msg),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let mut small = loaded_app(1, None);
    bench_render(c, &mut small, "small");
    drop(small);

    let start = Instant::now();
    let mut large = large_app();
    eprintln!("large account loaded in {:.1?}", start.elapsed());
    bench_render(c, &mut large, "large");
    bench_filter(c, &mut large, "filter-keystroke");
    bench_merge(c, &mut large);
    drop(large);

    let mut org = org_app();
    bench_render(c, &mut org, "org-500");
    bench_filter(c, &mut org, "filter-keystroke/org-500");
}

criterion_group!(console, benches);
criterion_main!(console);
