//! The IAM credential report: a 22-column CSV, one row per user plus `<root_account>`.
//! Columns are found by name, so a reordered or extended report still parses; a missing
//! column is an error that names it.
//!
//! The report names access keys by slot (1 and 2), not by ID; watchpost labels them `#1`
//! and `#2` and looks the ID up only when an action needs it, which keeps a refresh at a
//! handful of calls per account instead of one per user.

use crate::domain::{
    AccessKey, AccessKeyStatus, IamUser, Interner, PasswordCredential, RootAccount, SharedText,
};
use chrono::{DateTime, NaiveDate, Utc};

/// The columns AWS documents, in its order.
pub const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

/// Positions in [`COLUMNS`] of the columns read; a unit test ties each to its name.
mod col {
    pub const USER: usize = 0;
    pub const ARN: usize = 1;
    pub const USER_CREATION_TIME: usize = 2;
    pub const PASSWORD_ENABLED: usize = 3;
    pub const PASSWORD_LAST_USED: usize = 4;
    pub const PASSWORD_LAST_CHANGED: usize = 5;
    pub const MFA_ACTIVE: usize = 7;
    /// The first of key slot 1's five columns (active, last rotated, last used date,
    /// region, service); slot 2's follow at 13.
    pub const KEY_1: usize = 8;
    pub const KEY_2: usize = 13;
}

pub const ROOT_USER: &str = "<root_account>";

#[derive(Clone, Debug, PartialEq)]
pub struct CredentialReport {
    pub root: Option<RootAccount>,
    pub users: Vec<IamUser>,
}

/// Parses the report's CSV. Every problem names the line and the column.
pub fn parse(content: &[u8]) -> Result<CredentialReport, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(content);
    let headers = reader
        .headers()
        .map_err(|e| format!("credential report header: {e}"))?
        .clone();
    // Where each documented column sits in this report, found once by name.
    let mut positions = [0usize; COLUMNS.len()];
    for (position, name) in positions.iter_mut().zip(COLUMNS) {
        *position = headers
            .iter()
            .position(|header| header == name)
            .ok_or_else(|| format!("credential report has no `{name}` column"))?;
    }
    let mut report = CredentialReport {
        root: None,
        users: Vec::new(),
    };
    // Key usage names a few services and regions many times over: held once.
    let mut names = Interner::default();
    // One record, reused for every row.
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| format!("credential report: {e}"))?
    {
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            record: &record,
            positions: &positions,
            line,
        };
        let keys = [row.key(1, &mut names)?, row.key(2, &mut names)?]
            .into_iter()
            .flatten()
            .collect();
        let user = row.get(col::USER);
        if user == ROOT_USER {
            report.root = Some(RootAccount {
                arn: row.get(col::ARN).to_string(),
                mfa_active: row.flag(col::MFA_ACTIVE)?,
                mfa_hardware: None,
                password_last_used: row.date(col::PASSWORD_LAST_USED)?,
                access_keys: keys,
            });
            continue;
        }
        let password = if row.flag(col::PASSWORD_ENABLED)? {
            Some(PasswordCredential {
                enabled: true,
                last_used: row.date(col::PASSWORD_LAST_USED)?,
                last_changed: row.date(col::PASSWORD_LAST_CHANGED)?,
            })
        } else {
            None
        };
        let created = row
            .date(col::USER_CREATION_TIME)?
            .ok_or_else(|| row.error(col::USER_CREATION_TIME, "a date"))?;
        let mut iam_user = IamUser::new(user, row.get(col::ARN), created);
        iam_user.password = password;
        iam_user.mfa_active = row.flag(col::MFA_ACTIVE)?;
        // The report does not say which kind of MFA device; the MFA device list does.
        iam_user.access_keys = keys;
        report.users.push(iam_user);
    }
    Ok(report)
}

struct Row<'a> {
    record: &'a csv::StringRecord,
    /// Where each of [`COLUMNS`] sits in this report.
    positions: &'a [usize; COLUMNS.len()],
    line: u64,
}

impl Row<'_> {
    /// The value of the column at `column` in [`COLUMNS`].
    fn get(&self, column: usize) -> &str {
        self.positions
            .get(column)
            .and_then(|&i| self.record.get(i))
            .unwrap_or_default()
            .trim()
    }

    fn error(&self, column: usize, expected: &str) -> String {
        format!(
            "credential report line {}: `{}` is {:?}, expected {expected}",
            self.line,
            COLUMNS.get(column).copied().unwrap_or_default(),
            self.get(column)
        )
    }

    fn flag(&self, column: usize) -> Result<bool, String> {
        match self.get(column) {
            "true" | "TRUE" => Ok(true),
            "false" | "FALSE" | "" | "N/A" | "not_supported" => Ok(false),
            _ => Err(self.error(column, "true or false")),
        }
    }

    /// ISO-8601 date, or one of the report's "nothing here" markers.
    fn date(&self, column: usize) -> Result<Option<DateTime<Utc>>, String> {
        match self.get(column) {
            "" | "N/A" | "no_information" | "not_supported" => Ok(None),
            text => utc_timestamp(text)
                .or_else(|| {
                    DateTime::parse_from_rfc3339(text)
                        .ok()
                        .map(|d| d.with_timezone(&Utc))
                })
                .map(Some)
                .ok_or_else(|| self.error(column, "an ISO-8601 date, N/A or no_information")),
        }
    }

    fn text(&self, column: usize, names: &mut Interner) -> Option<SharedText> {
        match self.get(column) {
            "" | "N/A" | "no_information" | "not_supported" => None,
            text => Some(names.get(text)),
        }
    }

    /// Key slot `n`, if a key was ever created in it (a rotation date is present).
    fn key(&self, n: u8, names: &mut Interner) -> Result<Option<AccessKey>, String> {
        let first = if n == 1 { col::KEY_1 } else { col::KEY_2 };
        let Some(created) = self.date(first + 1)? else {
            return Ok(None);
        };
        let status = if self.flag(first)? {
            AccessKeyStatus::Active
        } else {
            AccessKeyStatus::Inactive
        };
        Ok(Some(AccessKey {
            id: compact_str::format_compact!("#{n}"),
            status,
            created,
            last_used: self.date(first + 2)?,
            last_used_region: self.text(first + 3, names),
            last_used_service: self.text(first + 4, names),
        }))
    }
}

/// The form AWS writes every date of the report in, `2024-01-31T09:30:00+00:00`, read
/// without a general parser: a 20,000-user report holds about 100,000 of them. Anything
/// else (another offset, fractions) returns `None` and goes to the RFC 3339 parser.
fn utc_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() != 25 || b.get(19..) != Some(b"+00:00".as_slice()) {
        return None;
    }
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(i, c)| b.get(i) != Some(&c)) {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0, 4)?).ok()?,
        number(5, 7)?,
        number(8, 10)?,
    )?;
    let time = date.and_hms_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?)?;
    Some(time.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn report(rows: &[&str]) -> Vec<u8> {
        let mut text = COLUMNS.join(",");
        for row in rows {
            text.push('\n');
            text.push_str(row);
        }
        text.into_bytes()
    }

    const ROOT: &str = "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,true,2021-05-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    const ALICE: &str = "alice,arn:aws:iam::123456789012:user/alice,2024-02-03T04:05:06+00:00,true,no_information,2024-02-03T04:05:06+00:00,N/A,false,true,2024-02-03T04:05:07+00:00,2026-11-27T09:00:00+00:00,eu-west-1,s3,false,2023-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A";
    const BOB: &str = "bob,arn:aws:iam::123456789012:user/bob,2025-06-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

    #[test]
    fn parses_root_users_passwords_and_both_key_slots() {
        let parsed = parse(&report(&[ROOT, ALICE, BOB])).unwrap();
        let root = parsed.root.unwrap();
        assert!(root.mfa_active);
        assert_eq!(root.access_keys.len(), 1);
        assert!(root.access_keys[0].is_active());
        assert_eq!(
            root.password_last_used,
            Some(Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap())
        );

        assert_eq!(parsed.users.len(), 2);
        let alice = &parsed.users[0];
        assert_eq!(alice.name(), "alice");
        let password = alice.password.as_ref().unwrap();
        assert_eq!(password.last_used, None, "no_information is no date");
        assert_eq!(alice.access_keys.len(), 2);
        assert_eq!(alice.access_keys[0].id, "#1");
        assert_eq!(
            alice.access_keys[0]
                .last_used_region
                .as_ref()
                .map(|r| r.as_str()),
            Some("eu-west-1")
        );
        assert_eq!(
            alice.access_keys[0]
                .last_used_service
                .as_ref()
                .map(|s| s.as_str()),
            Some("s3")
        );
        assert_eq!(alice.access_keys[1].status, AccessKeyStatus::Inactive);
        assert_eq!(alice.access_keys[1].last_used, None);

        let bob = &parsed.users[1];
        assert!(bob.password.is_none());
        assert!(bob.access_keys.is_empty());
    }

    #[test]
    fn the_column_positions_name_the_columns_read() {
        for (position, name) in [
            (col::USER, "user"),
            (col::ARN, "arn"),
            (col::USER_CREATION_TIME, "user_creation_time"),
            (col::PASSWORD_ENABLED, "password_enabled"),
            (col::PASSWORD_LAST_USED, "password_last_used"),
            (col::PASSWORD_LAST_CHANGED, "password_last_changed"),
            (col::MFA_ACTIVE, "mfa_active"),
            (col::KEY_1, "access_key_1_active"),
            (col::KEY_1 + 4, "access_key_1_last_used_service"),
            (col::KEY_2, "access_key_2_active"),
            (col::KEY_2 + 4, "access_key_2_last_used_service"),
        ] {
            assert_eq!(COLUMNS[position], name);
        }
    }

    #[test]
    fn the_quick_date_reader_agrees_with_rfc_3339() {
        for text in [
            "2024-01-31T09:30:00+00:00",
            "1999-12-31T23:59:59+00:00",
            "2024-02-29T00:00:00+00:00",
        ] {
            let expected = DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc);
            assert_eq!(utc_timestamp(text), Some(expected), "{text}");
        }
        // Not the quick form: left to the full parser (or refused by it).
        for text in [
            "2024-01-31T09:30:00+02:00",
            "2024-01-31T09:30:00.5+00:00",
            "2023-02-29T00:00:00+00:00",
            "2024-13-01T00:00:00+00:00",
            "2024-01-31 09:30:00+00:00",
            "２024-01-31T09:30:00+00:00",
        ] {
            assert_eq!(utc_timestamp(text), None, "{text}");
        }
    }

    #[test]
    fn columns_are_found_by_name_not_position() {
        let mut columns: Vec<&str> = COLUMNS.to_vec();
        columns.reverse();
        let mut values: Vec<&str> = BOB.split(',').collect();
        values.reverse();
        let text = format!("{}\n{}", columns.join(","), values.join(","));
        let parsed = parse(text.as_bytes()).unwrap();
        assert_eq!(parsed.users[0].name(), "bob");
    }

    #[test]
    fn a_missing_column_is_named() {
        let text = "user,arn\nalice,arn:aws:iam::1:user/alice";
        let err = parse(text.as_bytes()).unwrap_err();
        assert!(err.contains("user_creation_time"), "{err}");
    }

    #[test]
    fn a_bad_value_names_line_column_and_expectation() {
        let bad = ALICE.replace(
            "2024-02-03T04:05:06+00:00,true",
            "2024-02-03T04:05:06+00:00,maybe",
        );
        let err = parse(&report(&[&bad])).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("password_enabled"), "{err}");
        assert!(err.contains("true or false"), "{err}");
    }

    #[test]
    fn a_short_row_is_an_error_not_a_panic() {
        let err = parse(&report(&["alice,arn"])).unwrap_err();
        assert!(err.contains("credential report"), "{err}");
    }
}
