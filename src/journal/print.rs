//! The journal as plain text, for `watchpost journal`.

use super::{JournalContents, Outcome};
use crate::sanitize::clean;
use unicode_width::UnicodeWidthStr;

/// One action per line, oldest first: time, action, target, account (and region), outcome,
/// in aligned columns; then the unreadable lines. Empty for an empty journal. Values pass
/// through [`clean`]: targets and errors come from AWS and may carry escape sequences.
pub fn print(contents: &JournalContents) -> String {
    let rows: Vec<[String; 5]> = contents
        .entries
        .iter()
        .rev()
        .map(|entry| {
            let intent = &entry.intent;
            let place = match &intent.region {
                Some(region) => format!("{}/{}", intent.account_id, region),
                None => intent.account_id.clone(),
            };
            let word = entry.outcome.word();
            let outcome = match &entry.outcome {
                Outcome::Succeeded => word.to_string(),
                Outcome::Failed(error) => format!("{word}: {error}"),
                Outcome::Unknown => format!("{word}: no outcome recorded"),
            };
            [
                intent.time.format("%Y-%m-%d %H:%M:%SZ").to_string(),
                intent.action.clone(),
                intent.target.clone(),
                place,
                outcome,
            ]
            .map(|value| clean(&value).into_owned())
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in &rows {
        for (width, value) in widths.iter_mut().zip(row) {
            *width = (*width).max(value.width());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, (value, width)) in row.iter().zip(widths).enumerate() {
            line.push_str(value);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(width.saturating_sub(value.width()) + 2));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    for problem in &contents.problems {
        out.push_str(&format!("unreadable journal {}\n", clean(problem)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{JournalRecord, assemble};
    use chrono::{DateTime, Duration};

    fn record(action: &str, target: &str, region: Option<&str>, hours: i64) -> JournalRecord {
        let time =
            DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default() + Duration::hours(hours);
        JournalRecord::intent(
            action,
            target,
            "123456789012",
            region.map(str::to_string),
            "arn:aws:iam::123456789012:user/me",
            "aws …",
            time,
        )
    }

    #[test]
    fn lists_actions_oldest_first_in_columns() {
        let first = record("access-key.deactivate", "alice (AKIA1)", None, 0);
        let second = record("finding.archive", "f-1", Some("us-east-1"), 1);
        let third = record("user.quarantine", "bob\u{1b}]0;x\u{7}", None, 2);
        let records = vec![
            JournalRecord::outcome(&first, None, first.time),
            JournalRecord::outcome(&second, Some("AccessDenied".into()), second.time),
            first,
            second,
            third,
        ];
        let mut contents = assemble(records, Vec::new());
        contents.problems.push("line 9: EOF".into());
        assert_eq!(
            print(&contents),
            "2027-01-15 08:00:00Z  access-key.deactivate  alice (AKIA1)  123456789012            succeeded\n\
             2027-01-15 09:00:00Z  finding.archive        f-1            123456789012/us-east-1  failed: AccessDenied\n\
             2027-01-15 10:00:00Z  user.quarantine        bob␛]0;x␇      123456789012            unknown: no outcome recorded\n\
             unreadable journal line 9: EOF\n"
        );
    }

    #[test]
    fn an_empty_journal_prints_nothing() {
        assert_eq!(print(&JournalContents::default()), "");
    }
}
