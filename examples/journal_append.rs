//! A test fixture for the journal's two-process test: appends `COUNT` records to the journal
//! at `PATH` through watchpost's writer, as a process of its own, so two of them race for the
//! file as two consoles would. Usage: `journal_append PATH COUNT`.

use chrono::Utc;
use std::process::ExitCode;
use watchpost::journal::{JournalRecord, JournalWriter};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(count)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: journal_append PATH COUNT");
        return ExitCode::from(2);
    };
    let mut writer = match JournalWriter::open(std::path::Path::new(path)) {
        Ok(writer) => writer,
        Err(err) => {
            eprintln!("journal_append: {err}");
            return ExitCode::FAILURE;
        }
    };
    let pid = std::process::id();
    for n in 0..count {
        let target = format!("user-{pid}-{n}");
        let record = JournalRecord::intent(
            "access-key.deactivate",
            target.as_str(),
            "123456789012",
            None,
            "arn:aws:iam::123456789012:user/oncall",
            format!("aws iam update-access-key --user-name {target}"),
            Utc::now(),
        );
        if let Err(err) = writer.append(record) {
            eprintln!("journal_append: record {n}: {err}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
