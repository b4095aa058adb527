//! The OCSF 1.1 objects watchpost emits (the subset of attributes it fills in).

use serde::Serialize;

#[derive(Serialize)]
pub struct Event {
    pub activity_id: u8,
    pub activity_name: &'static str,
    pub category_uid: u8,
    pub category_name: &'static str,
    pub class_uid: u16,
    pub class_name: &'static str,
    pub type_uid: u32,
    pub type_name: &'static str,
    pub severity_id: u8,
    pub severity: &'static str,
    pub status_id: u8,
    pub status: &'static str,
    /// Milliseconds since the epoch: when the report observed it.
    pub time: i64,
    pub message: String,
    pub metadata: Metadata,
    pub finding_info: FindingInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance: Option<Compliance>,
    pub resources: Vec<Resource>,
    pub cloud: Cloud,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Remediation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_alert: Option<bool>,
}

#[derive(Serialize)]
pub struct Metadata {
    pub version: &'static str,
    pub product: Product,
    pub profiles: [&'static str; 1],
    /// The check ID, GuardDuty finding type, or `cloudwatch.alarm` / `watchpost.source-error`.
    pub event_code: String,
}

#[derive(Serialize)]
pub struct Product {
    pub name: &'static str,
    pub vendor_name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
pub struct FindingInfo {
    pub uid: String,
    pub title: String,
    pub desc: String,
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified_time: Option<i64>,
}

#[derive(Serialize)]
pub struct Compliance {
    pub control: String,
    pub requirements: Vec<String>,
    pub standards: Vec<&'static str>,
    pub status: &'static str,
    pub status_id: u8,
}

#[derive(Serialize)]
pub struct Resource {
    pub uid: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Serialize)]
pub struct Cloud {
    pub provider: &'static str,
    pub account: Account,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Serialize)]
pub struct Account {
    pub uid: String,
    /// The account's name, in a multi-account report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub type_id: u8,
}

#[derive(Serialize)]
pub struct Remediation {
    pub desc: String,
}
