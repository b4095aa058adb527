//! KMS keys: `ListKeys` (1,000 per page), then per key `DescribeKey`, and
//! `GetKeyRotationStatus` for the keys rotation applies to (it fails on the others).

use super::degrade;
use crate::aws::errors::{Call, classify};
use crate::domain::{KeyRotation, KmsKey, Probe, SourceId};
use crate::sources::SourceError;
use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState, OriginType};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::StreamExt;

const LIST_KEYS: Call = Call::new("kms", "ListKeys");
const DESCRIBE_KEY: Call = Call::new("kms", "DescribeKey");
const ROTATION: Call = Call::new("kms", "GetKeyRotationStatus");

const PAGE: i32 = 1000;

/// Keys asked about at once.
const CONCURRENCY: usize = 8;

pub async fn keys(kms: &aws_sdk_kms::Client, id: &SourceId) -> Result<Vec<KmsKey>, SourceError> {
    let mut pages = kms.list_keys().limit(PAGE).into_paginator().send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(id, LIST_KEYS, &e))?;
        listed.extend(page.keys().iter().filter_map(|k| {
            Some((
                k.key_id()?.to_string(),
                k.key_arn().unwrap_or_default().to_string(),
            ))
        }));
    }
    let judged: Vec<Result<Option<KmsKey>, SourceError>> = futures::stream::iter(listed)
        .map(|(key_id, arn)| async move {
            let Some(rotation) = rotation(kms, id, &key_id).await? else {
                return Ok(None);
            };
            Ok(Some(KmsKey {
                id: key_id,
                arn,
                rotation,
            }))
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    judged.into_iter().filter_map(Result::transpose).collect()
}

/// The key's rotation, why it does not apply, or which read was denied; `None` for a key
/// deleted since it was listed.
async fn rotation(
    kms: &aws_sdk_kms::Client,
    id: &SourceId,
    key_id: &str,
) -> Result<Option<Probe<KeyRotation>>, SourceError> {
    let described = match kms.describe_key().key_id(key_id).send().await {
        Ok(out) => out,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_not_found_exception()) =>
        {
            return Ok(None);
        }
        Err(e) => {
            return degrade(Err(classify(id, DESCRIBE_KEY, &e))).map(Some);
        }
    };
    let Some(meta) = described.key_metadata() else {
        return Ok(None);
    };
    if let Some(kind) = not_rotatable(meta) {
        return Ok(Some(Ok(KeyRotation::NotApplicable(kind))));
    }
    let status = kms
        .get_key_rotation_status()
        .key_id(key_id)
        .send()
        .await
        .map(|s| {
            if s.key_rotation_enabled() {
                KeyRotation::On
            } else {
                KeyRotation::Off
            }
        })
        .map_err(|e| {
            // Deleted between the two reads: nothing to judge.
            if e.code() == Some("NotFoundException") {
                None
            } else {
                Some(classify(id, ROTATION, &e))
            }
        });
    match status {
        Ok(rotation) => Ok(Some(Ok(rotation))),
        Err(None) => Ok(None),
        Err(Some(error)) => degrade(Err(error)).map(Some),
    }
}

/// Why rotation does not apply to the key, if it does not: only enabled symmetric
/// encryption keys that the customer manages, with key material from KMS, rotate.
fn not_rotatable(meta: &aws_sdk_kms::types::KeyMetadata) -> Option<String> {
    if meta.key_manager() != Some(&KeyManagerType::Customer) {
        return Some("AWS managed".into());
    }
    if meta
        .key_spec()
        .is_some_and(|s| *s != KeySpec::SymmetricDefault)
    {
        let spec = meta.key_spec().map(|s| s.as_str()).unwrap_or_default();
        return Some(format!("key spec {spec}"));
    }
    if meta.origin().is_some_and(|o| *o != OriginType::AwsKms) {
        let origin = meta.origin().map(|o| o.as_str()).unwrap_or_default();
        return Some(format!("origin {origin}"));
    }
    if meta.key_state() != Some(&KeyState::Enabled) {
        let state = meta.key_state().map(|s| s.as_str()).unwrap_or_default();
        return Some(format!("state {state}"));
    }
    None
}
