//! The IAM credential report: a 22-column CSV, one row per user plus `<root_account>`.
//! Columns are found by name, so a reordered or extended report still parses; a missing
//! column is an error that names it.
//!
//! The report names access keys by slot (1 and 2), not by ID; watchpost labels them `#1`
//! and `#2` and looks the ID up only when an action needs it, which keeps a refresh at a
//! handful of calls per account instead of one per user.

use crate::domain::{AccessKey, AccessKeyStatus, IamUser, PasswordCredential, RootAccount};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

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
    let index: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    if let Some(missing) = COLUMNS.iter().find(|c| !index.contains_key(**c)) {
        return Err(format!("credential report has no `{missing}` column"));
    }
    let mut report = CredentialReport {
        root: None,
        users: Vec::new(),
    };
    // One record, reused for every row.
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| format!("credential report: {e}"))?
    {
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            record: &record,
            index: &index,
            line,
        };
        let keys = [row.key(1)?, row.key(2)?].into_iter().flatten().collect();
        let user = row.get("user");
        if user == ROOT_USER {
            report.root = Some(RootAccount {
                arn: row.get("arn").to_string(),
                mfa_active: row.flag("mfa_active")?,
                mfa_hardware: None,
                password_last_used: row.date("password_last_used")?,
                access_keys: keys,
            });
            continue;
        }
        let password = if row.flag("password_enabled")? {
            Some(PasswordCredential {
                enabled: true,
                last_used: row.date("password_last_used")?,
                last_changed: row.date("password_last_changed")?,
            })
        } else {
            None
        };
        report.users.push(IamUser {
            name: user.to_string(),
            arn: row.get("arn").to_string(),
            created: row
                .date("user_creation_time")?
                .ok_or_else(|| row.error("user_creation_time", "a date"))?,
            password,
            mfa_active: row.flag("mfa_active")?,
            // The report does not say which kind; the MFA device list does.
            mfa_device: None,
            access_keys: keys,
            groups: Vec::new(),
            policies: Vec::new(),
            admin_via: Vec::new(),
        });
    }
    Ok(report)
}

struct Row<'a> {
    record: &'a csv::StringRecord,
    index: &'a HashMap<&'a str, usize>,
    line: u64,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.index
            .get(column)
            .and_then(|i| self.record.get(*i))
            .unwrap_or_default()
            .trim()
    }

    fn error(&self, column: &str, expected: &str) -> String {
        format!(
            "credential report line {}: `{column}` is {:?}, expected {expected}",
            self.line,
            self.get(column)
        )
    }

    fn flag(&self, column: &str) -> Result<bool, String> {
        match self.get(column) {
            "true" | "TRUE" => Ok(true),
            "false" | "FALSE" | "" | "N/A" | "not_supported" => Ok(false),
            _ => Err(self.error(column, "true or false")),
        }
    }

    /// ISO-8601 date, or one of the report's "nothing here" markers.
    fn date(&self, column: &str) -> Result<Option<DateTime<Utc>>, String> {
        match self.get(column) {
            "" | "N/A" | "no_information" | "not_supported" => Ok(None),
            text => DateTime::parse_from_rfc3339(text)
                .map(|d| Some(d.with_timezone(&Utc)))
                .map_err(|_| self.error(column, "an ISO-8601 date, N/A or no_information")),
        }
    }

    fn text(&self, column: &str) -> Option<String> {
        match self.get(column) {
            "" | "N/A" | "no_information" | "not_supported" => None,
            text => Some(text.to_string()),
        }
    }

    /// Key slot `n`, if a key was ever created in it (a rotation date is present).
    fn key(&self, n: u8) -> Result<Option<AccessKey>, String> {
        // The slot's five columns sit in COLUMNS in AWS's order; naming them from the table
        // avoids formatting 100,000 column names for a 20,000-user report.
        let first = if n == 1 { 8 } else { 13 };
        let column = |offset: usize| COLUMNS.get(first + offset).copied().unwrap_or_default();
        let Some(created) = self.date(column(1))? else {
            return Ok(None);
        };
        let status = if self.flag(column(0))? {
            AccessKeyStatus::Active
        } else {
            AccessKeyStatus::Inactive
        };
        Ok(Some(AccessKey {
            id: format!("#{n}"),
            status,
            created,
            last_used: self.date(column(2))?,
            last_used_region: self.text(column(3)),
            last_used_service: self.text(column(4)),
        }))
    }
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
        assert_eq!(alice.name, "alice");
        let password = alice.password.as_ref().unwrap();
        assert_eq!(password.last_used, None, "no_information is no date");
        assert_eq!(alice.access_keys.len(), 2);
        assert_eq!(alice.access_keys[0].id, "#1");
        assert_eq!(
            alice.access_keys[0].last_used_region.as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            alice.access_keys[0].last_used_service.as_deref(),
            Some("s3")
        );
        assert_eq!(alice.access_keys[1].status, AccessKeyStatus::Inactive);
        assert_eq!(alice.access_keys[1].last_used, None);

        let bob = &parsed.users[1];
        assert!(bob.password.is_none());
        assert!(bob.access_keys.is_empty());
    }

    #[test]
    fn columns_are_found_by_name_not_position() {
        let mut columns: Vec<&str> = COLUMNS.to_vec();
        columns.reverse();
        let mut values: Vec<&str> = BOB.split(',').collect();
        values.reverse();
        let text = format!("{}\n{}", columns.join(","), values.join(","));
        let parsed = parse(text.as_bytes()).unwrap();
        assert_eq!(parsed.users[0].name, "bob");
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
