//! RDS DB instances (`DescribeDBInstances`, 100 per page).

use crate::aws::errors::{Call, classify};
use crate::domain::{DbInstance, SourceId};
use crate::sources::SourceError;

const DB_INSTANCES: Call = Call::new("rds", "DescribeDBInstances");

const PAGE: i32 = 100;

pub async fn db_instances(
    rds: &aws_sdk_rds::Client,
    id: &SourceId,
) -> Result<Vec<DbInstance>, SourceError> {
    let mut pages = rds
        .describe_db_instances()
        .max_records(PAGE)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(id, DB_INSTANCES, &e))?;
        out.extend(page.db_instances().iter().map(|db| DbInstance {
            id: db.db_instance_identifier().unwrap_or_default().to_string(),
            engine: db.engine().unwrap_or_default().to_string(),
            storage_encrypted: db.storage_encrypted().unwrap_or(false),
            publicly_accessible: db.publicly_accessible().unwrap_or(false),
        }));
    }
    Ok(out)
}
