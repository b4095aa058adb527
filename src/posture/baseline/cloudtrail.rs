use super::Control;
use super::s3::ACCOUNT;
use crate::domain::{AccountBaseline, CheckResult, CheckStatus, Severity, Trail};
use crate::domain::{Check, SourceKind};

pub static MULTI_REGION_TRAIL: Check = Check {
    source: SourceKind::Baseline,
    id: "cloudtrail.multi-region-logging",
    title: "A multi-region CloudTrail trail is logging, with log file validation",
    problem: "No multi-region CloudTrail trail logs with log file validation",
    severity: Severity::High,
    controls: &["CIS 3.1", "CIS 3.2", "CloudTrail.1", "CloudTrail.4"],
};

/// What is wrong with a trail for this control; empty when it qualifies.
pub fn shortcomings(trail: &Trail) -> Vec<&'static str> {
    let mut wrong = Vec::new();
    if !trail.multi_region {
        wrong.push("single-region");
    }
    match trail.logging {
        Ok(true) => {}
        Ok(false) => wrong.push("not logging"),
        Err(_) => wrong.push("status unknown"),
    }
    if !trail.log_file_validation {
        wrong.push("no log file validation");
    }
    wrong
}

pub fn evaluate(baseline: &AccountBaseline, out: &mut Vec<CheckResult>) {
    let account = &baseline.account_id;
    let control = &MULTI_REGION_TRAIL;
    let trails = match &baseline.trails {
        Err(why) => {
            out.push(control.unreadable(account, None, ACCOUNT, why));
            return;
        }
        Ok(trails) => trails,
    };
    if let Some(good) = trails.iter().find(|t| shortcomings(t).is_empty()) {
        out.push(control.result(
            CheckStatus::Pass,
            account,
            None,
            ACCOUNT,
            format!(
                "trail {} (home {}) is multi-region, logging, with log file validation",
                good.name, good.home_region
            ),
        ));
        return;
    }
    // A trail that would qualify but whose status could not be read: unknown is not clean,
    // and the result names the permission that would tell.
    let unknown = trails.iter().find_map(|t| match &t.logging {
        Err(why) if t.multi_region && t.log_file_validation => Some(why),
        _ => None,
    });
    if let Some(why) = unknown {
        out.push(control.unreadable(account, None, ACCOUNT, why));
        return;
    }
    let evidence = if trails.is_empty() {
        "no trail in the account".to_string()
    } else {
        let each: Vec<String> = trails
            .iter()
            .map(|t| format!("{}: {}", t.name, shortcomings(t).join(", ")))
            .collect();
        format!("no trail qualifies — {}", each.join("; "))
    };
    out.push(control.result(CheckStatus::Fail, account, None, ACCOUNT, evidence));
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{account, denied};
    use super::*;

    pub fn trail(multi_region: bool, logging: bool, validation: bool) -> Trail {
        Trail {
            name: "main".into(),
            arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/main".into(),
            home_region: "us-east-1".into(),
            multi_region,
            log_file_validation: validation,
            logging: Ok(logging),
            log_group: None,
        }
    }

    #[test]
    fn needs_one_trail_with_all_three() {
        let mut out = Vec::new();
        let mut b = account();
        evaluate(&b, &mut out);
        assert_eq!(out[0].evidence(), "no trail in the account");
        b.trails = Ok(vec![trail(true, false, true), trail(false, true, true)]);
        evaluate(&b, &mut out);
        assert_eq!(out[1].status, CheckStatus::Fail);
        assert!(
            out[1].evidence().contains("main: not logging"),
            "{}",
            out[1].evidence()
        );
        assert!(out[1].evidence().contains("main: single-region"));
        b.trails = Ok(vec![trail(true, true, false)]);
        evaluate(&b, &mut out);
        assert!(out[2].evidence().contains("no log file validation"));
        b.trails = Ok(vec![trail(false, true, true), trail(true, true, true)]);
        evaluate(&b, &mut out);
        assert_eq!(out[3].status, CheckStatus::Pass);
        b.trails = Err(denied("cloudtrail:DescribeTrails"));
        evaluate(&b, &mut out);
        assert!(out[4].failed() && out[4].evidence().contains("cloudtrail:DescribeTrails"));
    }

    #[test]
    fn a_trail_whose_status_is_denied_names_the_permission() {
        let mut out = Vec::new();
        let mut b = account();
        let mut unknown = trail(true, true, true);
        unknown.logging = Err(denied("cloudtrail:GetTrailStatus"));
        b.trails = Ok(vec![unknown.clone()]);
        evaluate(&b, &mut out);
        assert!(out[0].failed());
        assert!(
            out[0]
                .evidence()
                .starts_with("could not be evaluated (needs cloudtrail:GetTrailStatus)"),
            "{}",
            out[0].evidence()
        );
        // Another trail that is known to qualify is enough.
        b.trails = Ok(vec![unknown.clone(), trail(true, true, true)]);
        evaluate(&b, &mut out);
        assert_eq!(out[1].status, CheckStatus::Pass);
        // One that would fail anyway is not a reason to say "could not be evaluated".
        let mut single = unknown;
        single.multi_region = false;
        b.trails = Ok(vec![single]);
        evaluate(&b, &mut out);
        assert!(
            out[2].evidence().contains("single-region, status unknown"),
            "{}",
            out[2].evidence()
        );
    }
}
