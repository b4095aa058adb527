//! GuardDuty through the delegated administrator: the admin's detector in each region lists
//! every member's findings, so findings cost one source per region, not per account.
//! Members are those `ListMembers` returns with relationship `Enabled`; any other account
//! keeps a findings source of its own.

use crate::aws::errors::chain;
use crate::domain::AccountId;
use std::collections::HashSet;

/// The accounts whose findings the administrator's detector in the client's region lists.
/// `Err` says why they could not be read (each account then reads its own detector).
pub async fn enabled_members(
    client: &aws_sdk_guardduty::Client,
) -> Result<HashSet<AccountId>, String> {
    let detectors = client
        .list_detectors()
        .send()
        .await
        .map_err(|e| format!("ListDetectors: {}", chain(&e)))?;
    let Some(detector) = detectors.detector_ids().first() else {
        return Ok(HashSet::new());
    };
    let mut members = HashSet::new();
    let mut pages = client
        .list_members()
        .detector_id(detector)
        .only_associated("true")
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| format!("ListMembers: {}", chain(&e)))?;
        members.extend(
            page.members()
                .iter()
                .filter(|m| {
                    m.relationship_status()
                        .is_some_and(|s| s.eq_ignore_ascii_case("Enabled"))
                })
                .filter_map(|m| m.account_id())
                .map(AccountId::from),
        );
    }
    Ok(members)
}
