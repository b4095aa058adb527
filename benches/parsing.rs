//! Parsing what AWS returns: the IAM credential report of a 20,000-user account.
//!
//! `cargo bench --bench parsing`. Target: ≤ 20 ms for 20,000 users.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::fmt::Write;
use std::hint::black_box;
use watchpost::aws::credential_report::{COLUMNS, ROOT_USER, parse};

/// Users in the report; run as a test (`cargo test --benches`), a small one checks that
/// the bench works.
fn users() -> usize {
    let mut args = std::env::args().skip(1);
    if args.any(|a| a == "--bench") && !std::env::args().any(|a| a == "--test") {
        20_000
    } else {
        500
    }
}
const ACCOUNT: &str = "111122223333";
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"];
const SERVICES: [&str; 5] = ["s3", "sts", "ec2", "dynamodb", "iam"];

/// A small deterministic generator (SplitMix64), so every run parses the same report.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// AWS's format in the report: `2024-05-01T12:34:56+00:00`.
fn date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

/// A date up to `days` before `now`.
fn before(rng: &mut Rng, now: DateTime<Utc>, days: u64) -> DateTime<Utc> {
    now - Duration::seconds(rng.below(days * 86_400 + 1) as i64)
}

/// The five key columns of one access-key slot.
fn key_columns(rng: &mut Rng, now: DateTime<Utc>, created: DateTime<Utc>, held: bool) -> String {
    if !held {
        return "false,N/A,N/A,N/A,N/A".to_string();
    }
    let active = rng.chance(85);
    let age = (now - created).num_days().max(1) as u64;
    let rotated = before(rng, now, age);
    if rng.chance(15) {
        // Never used: AWS writes N/A for date, region and service.
        return format!("{active},{},N/A,N/A,N/A", date(rotated));
    }
    let used = before(rng, now, (now - rotated).num_days().max(1) as u64);
    format!(
        "{active},{},{},{},{}",
        date(rotated),
        date(used),
        REGIONS[rng.below(REGIONS.len() as u64) as usize],
        SERVICES[rng.below(SERVICES.len() as u64) as usize]
    )
}

/// A 22-column credential report: `<root_account>` then `users` users, with the mix of
/// console users, MFA, access keys and "nothing here" markers a real account has.
fn report(users: usize) -> String {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let mut rng = Rng(7);
    let mut csv = COLUMNS.join(",");
    csv.push('\n');
    writeln!(
        csv,
        "{ROOT_USER},arn:aws:iam::{ACCOUNT}:root,{},not_supported,{},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        date(now - Duration::days(2400)),
        date(now - Duration::days(40)),
    )
    .unwrap();
    for i in 0..users {
        let name = match i % 3 {
            0 => format!("svc-deploy-{i:05}"),
            1 => format!("jane.doe{i:05}"),
            _ => format!("ci+build@{i:05}"),
        };
        let path = if i % 4 == 0 { "/service/" } else { "/" };
        let created = before(&mut rng, now, 1500);
        let age = (now - created).num_days().max(1) as u64;
        let console = rng.chance(60);
        let password = if console {
            let changed = before(&mut rng, now, age);
            let used = if rng.chance(10) {
                "no_information".to_string()
            } else {
                date(before(&mut rng, now, age))
            };
            format!("true,{used},{},N/A", date(changed))
        } else {
            "false,N/A,N/A,N/A".to_string()
        };
        let mfa = console && rng.chance(80);
        let key1 = rng.chance(70);
        let key2 = key1 && rng.chance(12);
        let key_1 = key_columns(&mut rng, now, created, key1);
        let key_2 = key_columns(&mut rng, now, created, key2);
        writeln!(
            csv,
            "{name},arn:aws:iam::{ACCOUNT}:user{path}{name},{},{password},{mfa},{key_1},{key_2},false,N/A,false,N/A",
            date(created),
        )
        .unwrap();
    }
    csv
}

fn credential_report(c: &mut Criterion) {
    let users = users();
    let csv = report(users);
    let parsed = parse(csv.as_bytes()).unwrap();
    assert_eq!(parsed.users.len(), users);
    assert!(parsed.root.is_some());
    let mut group = c.benchmark_group("credential-report");
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function(format!("parse-{users}-users"), |b| {
        b.iter(|| parse(black_box(csv.as_bytes())).unwrap())
    });
    group.finish();
}

criterion_group!(parsing, credential_report);
criterion_main!(parsing);
