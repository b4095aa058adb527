use super::{Control, Judged};
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, RegionalBaseline, Severity};

pub static RDS_ENCRYPTION: Check = Check {
    source: SourceKind::Baseline,
    id: "rds.storage-encryption",
    title: "RDS DB instances are encrypted at rest",
    problem: "An RDS DB instance is not encrypted at rest",
    severity: Severity::Medium,
    controls: &["CIS 2.3.1", "RDS.3"],
};

pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    RDS_ENCRYPTION.each(baseline, &baseline.db_instances, out, |db| {
        if db.storage_encrypted {
            Judged::pass(&db.id, format!("{}: StorageEncrypted = true", db.engine))
        } else {
            Judged::fail(
                &db.id,
                format!(
                    "{}: StorageEncrypted = false (encryption is chosen at creation: restore an encrypted snapshot copy)",
                    db.engine
                ),
            )
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{denied, regional, verdicts};
    use super::*;
    use crate::domain::{CheckStatus, DbInstance};

    #[test]
    fn unencrypted_instances_fail() {
        let db = |id: &str, encrypted: bool| DbInstance {
            id: id.into(),
            engine: "postgres".into(),
            storage_encrypted: encrypted,
            publicly_accessible: false,
        };
        let mut b = regional();
        b.db_instances = Ok(vec![db("orders", true), db("legacy", false)]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        let got = verdicts(&out);
        assert_eq!(
            got[0],
            (
                CheckStatus::Pass,
                "orders".into(),
                "postgres: StorageEncrypted = true".into()
            )
        );
        assert_eq!(got[1].0, CheckStatus::Fail);
        b.db_instances = Err(denied("rds:DescribeDBInstances"));
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        assert!(out[0].evidence().contains("rds:DescribeDBInstances"));
    }
}
