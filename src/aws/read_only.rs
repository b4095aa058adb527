//! Read-only mode below the UI: every SDK client of a session carries this interceptor,
//! which, while the account's [`ReadOnlySwitch`] is on, refuses any operation outside the
//! read allowlist before the request is serialised, signed or sent. The switch is decided
//! by the session (flag, config, account rules) and turned on for good by `:readonly`, so
//! clients built before the decision are covered too. The UI also offers no action, and no
//! executor exists in read-only mode; this is the layer that holds even if code elsewhere
//! tries.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Reads that are neither `List*`, `Get*` nor `Describe*`. `AssumeRole` only obtains the
/// (read-only) session's credentials; it changes nothing in the account. `LookupEvents`
/// reads CloudTrail's event history (the activity view).
const ALSO_ALLOWED: &[&str] = &[
    "GenerateCredentialReport",
    "GetCallerIdentity",
    "AssumeRole",
    "LookupEvents",
];

/// Whether `operation` may run in read-only mode.
pub fn is_read(operation: &str) -> bool {
    ["List", "Get", "Describe"]
        .iter()
        .any(|prefix| operation.starts_with(prefix))
        || ALSO_ALLOWED.contains(&operation)
}

/// Whether one account's clients are read-only. Shared by every client of the account and
/// the session; it turns on and never off (a read-only session stays read-only).
#[derive(Clone, Debug, Default)]
pub struct ReadOnlySwitch(Arc<AtomicBool>);

impl ReadOnlySwitch {
    pub fn new(on: bool) -> ReadOnlySwitch {
        ReadOnlySwitch(Arc::new(AtomicBool::new(on)))
    }

    pub fn turn_on(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// The interceptor to put on every client of the account.
    pub fn guard(&self) -> ReadOnlyGuard {
        ReadOnlyGuard {
            switch: self.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ReadOnlyGuard {
    switch: ReadOnlySwitch,
}

#[derive(Debug, thiserror::Error)]
#[error("read-only mode: {service}:{operation} was refused before it was sent")]
pub struct Refused {
    pub service: String,
    pub operation: String,
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "ReadOnlyGuard"
    }

    // Before serialisation, hence before signing and sending; the operation's metadata is
    // in the configuration by then (it is not yet at `read_before_execution`).
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !self.switch.is_on() {
            return Ok(());
        }
        let (service, operation) = cfg
            .load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()))
            .unwrap_or_else(|| ("unknown".to_string(), "unknown".to_string()));
        // An operation the guard cannot name is refused too: unknown is not read.
        if is_read(&operation) {
            Ok(())
        } else {
            Err(Box::new(Refused { service, operation }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pass_and_writes_do_not() {
        for read in [
            "ListFindings",
            "GetFindings",
            "DescribeAlarms",
            "GenerateCredentialReport",
            "GetCallerIdentity",
            "AssumeRole",
            "LookupEvents",
        ] {
            assert!(is_read(read), "{read}");
        }
        for write in [
            "UpdateAccessKey",
            "DeleteAccessKey",
            "PutUserPolicy",
            "ArchiveFindings",
            "DisableAlarmActions",
            "CreateFilter",
            "unknown",
            "",
        ] {
            assert!(!is_read(write), "{write}");
        }
    }

    #[test]
    fn the_switch_turns_on_for_every_holder_and_never_off() {
        let switch = ReadOnlySwitch::new(false);
        let held_by_a_client = switch.clone();
        assert!(!held_by_a_client.is_on());
        switch.turn_on();
        assert!(held_by_a_client.is_on());
        assert!(ReadOnlySwitch::new(true).is_on());
    }
}
