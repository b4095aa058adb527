//! The Accounts tab of an organisation: one row per account — its name, ID and OU path,
//! whether watchpost could get in (and why not), what fails in it by severity, and the age
//! of its newest data of each kind. The detail view (`detail.rs`) lists its sources with
//! their errors and the rule its rows are acted on under.

mod detail;

use super::{Cell, Column, DetailLine, Fields, Pane, SortKey, Tone, Width, age};
use crate::domain::{OrgAccount, Reach, Severity, SourceKind};
use crate::store::Data;
use chrono::{DateTime, Utc};

pub struct AccountsPane;

const COLUMNS: &[Column] = &[
    Column {
        title: "Account",
        width: Width::Fill(12),
    },
    Column {
        title: "ID",
        width: Width::Fixed(12),
    },
    Column {
        title: "OU",
        width: Width::Fill(8),
    },
    Column {
        title: "Reach",
        width: Width::Fill(14),
    },
    Column {
        title: "Crit",
        width: Width::Fixed(4),
    },
    Column {
        title: "High",
        width: Width::Fixed(4),
    },
    Column {
        title: "Med",
        width: Width::Fixed(3),
    },
    Column {
        title: "Low",
        width: Width::Fixed(3),
    },
    Column {
        title: "CW",
        width: Width::Fixed(4),
    },
    Column {
        title: "GD",
        width: Width::Fixed(4),
    },
    Column {
        title: "IAM",
        width: Width::Fixed(4),
    },
    Column {
        title: "Base",
        width: Width::Fixed(4),
    },
];

const NAME: usize = 0;
const ID: usize = 1;
const OU: usize = 2;
const REACH: usize = 3;
/// The severity columns, worst first, from this index on.
const FAILING: usize = 4;
const SEVERITIES: [Severity; 4] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
];
/// The data-age columns, one per kind of source, from this index on.
const AGES: usize = FAILING + SEVERITIES.len();

fn account(data: &Data, row: usize) -> Option<&OrgAccount> {
    data.org.as_ref()?.accounts.get(row)
}

fn count(data: &Data, id: &str, severity: Severity) -> usize {
    data.failing_of(id)
        .get(severity as usize)
        .copied()
        .unwrap_or(0)
}

/// Unreachable first, then not yet tried, reachable, and skipped last.
fn reach_rank(reach: &Reach) -> i64 {
    match reach {
        Reach::Unreachable(_) => 3,
        Reach::Pending => 2,
        Reach::Reachable => 1,
        Reach::Skipped(_) => 0,
    }
}

/// `unreachable: AssumeRole denied…`, `skipped: SUSPENDED`, `reachable`, `pending`.
pub fn reach_cell(reach: &Reach) -> Cell<'static> {
    let text = match reach.reason() {
        Some(why) => format!("{}: {why}", reach.word()),
        None => reach.word().to_string(),
    };
    let tone = match reach {
        Reach::Unreachable(_) => Tone::Fail,
        Reach::Reachable => Tone::Pass,
        Reach::Pending | Reach::Skipped(_) => Tone::Dim,
    };
    Cell::toned(text, tone)
}

/// The age of the account's newest data of `kind`: `-` without such a source, `…` before
/// its first answer, in the failure colour while one of them fails.
fn age_cell(data: &Data, id: &str, kind: SourceKind, now: DateTime<Utc>) -> Cell<'static> {
    match data.freshness_of(id, kind) {
        None => Cell::dim("-"),
        Some((None, true)) => Cell::toned("err", Tone::Fail),
        Some((None, false)) => Cell::dim("…"),
        Some((Some(at), true)) => Cell::toned(age(now, at), Tone::Fail).at(Some(at)),
        Some((Some(at), false)) => Cell::plain(age(now, at)).at(Some(at)),
    }
}

impl Pane for AccountsPane {
    fn title(&self) -> &'static str {
        "Accounts"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    /// The worst accounts first.
    fn default_sort(&self) -> (usize, bool) {
        (FAILING, true)
    }

    fn len(&self, data: &Data) -> usize {
        data.org.as_ref().map_or(0, |org| org.accounts.len())
    }

    fn key(&self, data: &Data, row: usize) -> String {
        account(data, row)
            .map(|a| a.id.to_string())
            .unwrap_or_default()
    }

    fn haystack(&self, data: &Data, row: usize, out: &mut Fields<'_>) {
        let Some(a) = account(data, row) else {
            return;
        };
        for part in [
            &*a.name,
            &*a.id,
            &*a.ou_path,
            a.reach.word(),
            a.reach.reason().unwrap_or_default(),
        ] {
            out.push(part);
        }
        if let Some(banner) = &a.banner {
            out.push(banner);
        }
        if a.read_only.is_some() {
            out.push("read-only");
        }
    }

    fn sort_key(&self, data: &Data, row: usize, column: usize) -> SortKey {
        let Some(a) = account(data, row) else {
            return SortKey::Num(0);
        };
        let count = |i: usize| {
            SEVERITIES
                .get(i)
                .map_or(0, |&s| count(data, &a.id, s) as i64)
        };
        match column {
            NAME => SortKey::text(&a.name),
            ID => SortKey::text(&a.id),
            OU => SortKey::text(&a.ou_path),
            REACH => SortKey::Num(reach_rank(&a.reach)),
            // Ties go to the next severity down.
            c if c < AGES => {
                let i = c - FAILING;
                SortKey::Pair(count(i), count(i + 1))
            }
            c => {
                let kind = SourceKind::ALL.get(c - AGES).copied();
                let newest = kind.and_then(|k| data.freshness_of(&a.id, k)?.0);
                SortKey::time(newest)
            }
        }
    }

    fn cells<'a>(&self, data: &'a Data, row: usize, now: DateTime<Utc>) -> Vec<Cell<'a>> {
        let Some(a) = account(data, row) else {
            return Vec::new();
        };
        let mut cells = vec![
            Cell::plain(a.name.as_str()),
            Cell::dim(a.id.to_string()),
            Cell::dim(a.ou_path.as_str()),
            reach_cell(&a.reach),
        ];
        for severity in SEVERITIES {
            cells.push(match count(data, &a.id, severity) {
                0 => Cell::dim("0"),
                n => Cell::toned(n.to_string(), Tone::Severity(severity)),
            });
        }
        for kind in SourceKind::ALL {
            cells.push(age_cell(data, &a.id, kind, now));
        }
        cells
    }

    fn detail(&self, data: &Data, row: usize, now: DateTime<Utc>) -> Vec<DetailLine> {
        account(data, row)
            .map(|a| detail::lines(a, data, now))
            .unwrap_or_default()
    }

    fn empty_message(&self, _data: &Data) -> String {
        "No accounts: this session watches one account.".to_string()
    }

    fn account<'a>(&self, data: &'a Data, row: usize) -> Option<&'a str> {
        account(data, row).map(|a| &*a.id)
    }
}
