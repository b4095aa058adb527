//! Does an IAM policy document grant full administrative access?
//!
//! An Allow statement is full admin when it applies to every resource (`Resource: "*"`, or
//! any `NotResource`) and either allows every action (`Action: "*"` or `"*:*"`) or uses
//! `NotAction` (everything except a list — in practice admin). Conditions do not make it
//! less so; they are noted. A principal keeps admin rights unless one of its policies denies
//! everything without conditions (`Deny` of `*` on `*`, or `Deny` with `NotAction` on `*`).
//! Permission boundaries, SCPs and resource policies are outside what this looks at.

use serde_json::Value;
use std::borrow::Cow;

/// What one policy document says about full administrative access.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Assessment {
    /// An Allow statement grants full admin: `Some(how)`.
    pub allows_admin: Option<AdminGrant>,
    /// An unconditional Deny covers every action on every resource.
    pub denies_all: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminGrant {
    /// `Action: "*"` on `Resource: "*"`.
    Wildcard { conditional: bool },
    /// `NotAction` on `Resource: "*"`.
    NotAction { conditional: bool },
}

impl AdminGrant {
    /// A short note for the label of the policy, e.g. `Allow NotAction`.
    pub fn note(self) -> Option<&'static str> {
        match self {
            AdminGrant::Wildcard { conditional: false } => None,
            AdminGrant::Wildcard { conditional: true } => Some("with conditions"),
            AdminGrant::NotAction { conditional: false } => Some("Allow NotAction"),
            AdminGrant::NotAction { conditional: true } => Some("Allow NotAction, with conditions"),
        }
    }
}

/// Policy documents from the IAM Query API are URL-encoded JSON; other sources give plain
/// JSON. Both are accepted.
pub fn decode(document: &str) -> Cow<'_, str> {
    let trimmed = document.trim_start();
    if trimmed.starts_with('{') {
        Cow::Borrowed(document)
    } else {
        percent_encoding::percent_decode_str(document).decode_utf8_lossy()
    }
}

/// Assesses one document. A document that is not valid JSON is an error naming why.
pub fn assess(document: &str) -> Result<Assessment, String> {
    let text = decode(document);
    let json: Value =
        serde_json::from_str(&text).map_err(|e| format!("policy document is not JSON: {e}"))?;
    let statements: Vec<&Value> = match json.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => Vec::new(),
    };
    let mut assessment = Assessment::default();
    for statement in statements {
        let effect = statement.get("Effect").and_then(Value::as_str);
        let every_resource = statement.get("NotResource").is_some()
            || strings(statement.get("Resource")).any(|r| r == "*");
        if !every_resource {
            continue;
        }
        let conditional = statement
            .get("Condition")
            .is_some_and(|c| c.as_object().is_none_or(|o| !o.is_empty()));
        let all_actions = strings(statement.get("Action")).any(|a| a == "*" || a == "*:*");
        let not_action = statement.get("NotAction").is_some();
        match effect {
            Some("Allow") if all_actions => {
                assessment.allows_admin = stronger(
                    assessment.allows_admin,
                    AdminGrant::Wildcard { conditional },
                );
            }
            Some("Allow") if not_action => {
                assessment.allows_admin = stronger(
                    assessment.allows_admin,
                    AdminGrant::NotAction { conditional },
                );
            }
            Some("Deny") if (all_actions || not_action) && !conditional => {
                assessment.denies_all = true;
            }
            _ => {}
        }
    }
    Ok(assessment)
}

/// Keeps the plainest grant: an unconditional wildcard says the most.
fn stronger(current: Option<AdminGrant>, new: AdminGrant) -> Option<AdminGrant> {
    let rank = |g: AdminGrant| match g {
        AdminGrant::Wildcard { conditional: false } => 0,
        AdminGrant::NotAction { conditional: false } => 1,
        AdminGrant::Wildcard { conditional: true } => 2,
        AdminGrant::NotAction { conditional: true } => 3,
    };
    match current {
        Some(existing) if rank(existing) <= rank(new) => Some(existing),
        _ => Some(new),
    }
}

/// A string or a list of strings.
fn strings(value: Option<&Value>) -> impl Iterator<Item = &str> {
    let list: Vec<&str> = match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
}

/// The labels of a principal's policies that make it admin, or none when one of them
/// denies everything. Each entry is `(label, assessment)`; the label says how the policy
/// applies, e.g. `AdministratorAccess (attached)`.
pub fn admin_via(policies: &[(String, Assessment)]) -> Vec<String> {
    if policies.iter().any(|(_, a)| a.denies_all) {
        return Vec::new();
    }
    policies
        .iter()
        .filter_map(|(label, a)| {
            let grant = a.allows_admin?;
            Some(match grant.note() {
                Some(note) => match label.strip_suffix(')') {
                    Some(open) => format!("{open}, {note})"),
                    None => format!("{label} ({note})"),
                },
                None => label.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin(doc: &str) -> Option<AdminGrant> {
        assess(doc).unwrap().allows_admin
    }

    #[test]
    fn star_on_star_is_admin_in_every_spelling() {
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        assert_eq!(
            admin(plain),
            Some(AdminGrant::Wildcard { conditional: false })
        );
        let listed = r#"{"Statement":{"Effect":"Allow","Action":["s3:GetObject","*:*"],"Resource":["arn:aws:s3:::b","*"]}}"#;
        assert_eq!(
            admin(listed),
            Some(AdminGrant::Wildcard { conditional: false })
        );
    }

    #[test]
    fn url_encoded_documents_from_the_query_api_are_decoded() {
        let encoded = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        assert_eq!(
            admin(encoded),
            Some(AdminGrant::Wildcard { conditional: false })
        );
    }

    #[test]
    fn not_action_on_every_resource_is_admin() {
        let doc = r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}"#;
        assert_eq!(
            admin(doc),
            Some(AdminGrant::NotAction { conditional: false })
        );
    }

    #[test]
    fn scoped_resources_or_actions_are_not_admin() {
        for doc in [
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::bucket/*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b"}]}"#,
            r#"{"Statement":[]}"#,
        ] {
            assert_eq!(admin(doc), None, "{doc}");
        }
    }

    #[test]
    fn conditions_are_noted_not_ignored() {
        let doc = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
        assert_eq!(admin(doc), Some(AdminGrant::Wildcard { conditional: true }));
    }

    #[test]
    fn an_unconditional_deny_of_everything_cancels_admin() {
        let allow =
            assess(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#).unwrap();
        let deny =
            assess(r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#).unwrap();
        assert!(deny.denies_all);
        let policies = vec![
            ("AdministratorAccess (attached)".to_string(), allow),
            ("quarantine (inline)".to_string(), deny),
        ];
        assert!(admin_via(&policies).is_empty());
        assert_eq!(
            admin_via(&policies[..1]),
            ["AdministratorAccess (attached)"]
        );
    }

    #[test]
    fn a_conditional_or_partial_deny_does_not_cancel_admin() {
        for doc in [
            r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#,
            r#"{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::b"}]}"#,
        ] {
            assert!(!assess(doc).unwrap().denies_all, "{doc}");
        }
    }

    #[test]
    fn labels_carry_the_kind_of_grant() {
        let not_action =
            assess(r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#)
                .unwrap();
        assert_eq!(
            admin_via(&[("deploy (inline)".to_string(), not_action)]),
            ["deploy (inline, Allow NotAction)"]
        );
    }

    #[test]
    fn a_broken_document_is_an_error() {
        assert!(assess("{not json").unwrap_err().contains("not JSON"));
    }
}
