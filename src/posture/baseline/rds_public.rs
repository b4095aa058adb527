use super::{Control, Judged};
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, RegionalBaseline, Severity};

pub static RDS_PUBLIC: Check = Check {
    source: SourceKind::Baseline,
    id: "rds.public-access",
    title: "RDS DB instances are not publicly accessible",
    problem: "An RDS DB instance is publicly accessible",
    severity: Severity::Critical,
    controls: &["CIS 2.3.3", "RDS.2"],
};

pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    RDS_PUBLIC.each(baseline, &baseline.db_instances, out, |db| {
        if db.publicly_accessible {
            Judged::fail(
                &db.id,
                format!(
                    "{}: PubliclyAccessible = true: its endpoint resolves to a public address",
                    db.engine
                ),
            )
        } else {
            Judged::pass(&db.id, format!("{}: PubliclyAccessible = false", db.engine))
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{regional, verdicts};
    use super::*;
    use crate::domain::{CheckStatus, DbInstance};

    #[test]
    fn publicly_accessible_instances_fail() {
        let db = |id: &str, public: bool| DbInstance {
            id: id.into(),
            engine: "mysql".into(),
            storage_encrypted: true,
            publicly_accessible: public,
        };
        let mut b = regional();
        b.db_instances = Ok(vec![db("private", false), db("exposed", true)]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        let got = verdicts(&out);
        assert_eq!(got[0].0, CheckStatus::Pass);
        assert_eq!(got[1].0, CheckStatus::Fail);
        assert!(got[1].2.starts_with("mysql: PubliclyAccessible = true"));
    }
}
