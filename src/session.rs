//! Opening a session, and everything that follows from its account: the `[[accounts]]`
//! rule (theme, banner, read-only), the header, the remediation runner. Used at start-up
//! and when `:region` or `:profile` switches the live console. A switch connects off the UI
//! loop ([`SessionFactory::connect`]) and is adopted on it ([`SessionFactory::adopt`]); until
//! then, and whenever it fails, the current session is untouched.
//!
//! Read-only is decided here and only here, per account, from the flag, config.toml, the
//! account rules and `:readonly`; the decision turns on the account's [`ReadOnlySwitch`],
//! which every AWS client of the session obeys, and leaves the session without a runner.
//! Read-only never turns off: once the console is read-only, every session it opens is,
//! and a rule for the new account can only add it.

use crate::app::{HeaderInfo, SwitchTarget};
use crate::aws::read_only::ReadOnlySwitch;
use crate::aws::{self, AwsOptions, SignedIn};
use crate::config::{self, AccountRule, ConfigError, ConfigRequest, Settings, Theme};
use crate::remediation::Runner;
use crate::sources::{Session, Source};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

/// How the current AWS session was opened, kept to open the next one: the options (profile,
/// regions, endpoint, role) and the credentials, which `:region` reuses as they are.
#[derive(Clone, Debug)]
pub struct AwsAccess {
    pub options: AwsOptions,
    pub signed_in: SignedIn,
}

/// A session ready for the console.
pub struct Established {
    pub header: HeaderInfo,
    pub theme: Theme,
    pub sources: Vec<Box<dyn Source>>,
    /// Carries out actions; `None` when read-only.
    pub runner: Option<Arc<Runner>>,
    /// The account's switch: on when read-only; `:readonly` turns it on.
    pub read_only: ReadOnlySwitch,
    /// The accounts of a multi-account session.
    pub org: Option<crate::domain::Organization>,
    /// What the session reads on demand (CloudTrail activity, archived findings).
    pub lookups: crate::sources::Lookups,
}

/// A switch's new, proven connection, not yet adopted.
pub struct Connected {
    session: Session,
    access: AwsAccess,
}

pub struct SessionFactory {
    settings: Settings,
    config_dir: Option<PathBuf>,
    /// What the command line asked for (`--theme`, `NO_COLOR`, the terminal's colours).
    theme_request: ConfigRequest,
    /// The theme when no account rule names one.
    base_theme: Theme,
    journal_path: Option<PathBuf>,
    /// Read-only by `--read-only` or config.toml, whatever the account.
    read_only: bool,
    /// `None` on the demo account and in a session of several accounts, which cannot switch.
    aws: Option<AwsAccess>,
    /// The session spans several accounts (`--org`, `--accounts`).
    multi_account: bool,
}

impl SessionFactory {
    pub fn new(
        settings: Settings,
        config_dir: Option<PathBuf>,
        theme_request: ConfigRequest,
        base_theme: Theme,
        journal_path: Option<PathBuf>,
        read_only: bool,
    ) -> SessionFactory {
        SessionFactory {
            settings,
            config_dir,
            theme_request,
            base_theme,
            journal_path,
            read_only,
            aws: None,
            multi_account: false,
        }
    }

    /// The session spans several accounts: `:region` and `:profile` cannot reopen it.
    pub fn spanning_accounts(mut self, multi_account: bool) -> SessionFactory {
        self.multi_account = multi_account;
        self
    }

    /// The AWS session the console starts on (none for the demo account).
    pub fn with_aws(mut self, access: Option<AwsAccess>) -> SessionFactory {
        self.aws = access;
        self
    }

    /// The session the console starts on. A theme named by the account's rule that cannot
    /// be loaded is a configuration error.
    pub fn establish(&self, session: Session, read_only: bool) -> Result<Established, ConfigError> {
        self.establish_with(self.aws.as_ref().map(|a| &a.options), session, read_only)
    }

    /// Connects for `target`, to run off the UI loop: `GetCallerIdentity` first, so nothing
    /// changes unless the new credentials work. `read_only` is the console's mode now; the
    /// new clients carry the read-only guard when it is on.
    pub fn connect(
        &self,
        target: SwitchTarget,
        read_only: bool,
    ) -> impl Future<Output = Result<Connected, String>> + Send + 'static {
        let current = self.aws.clone();
        let multi_account = self.multi_account;
        let read_only = read_only || self.read_only;
        async move {
            let Some(current) = current else {
                return Err(if multi_account {
                    "not available in a session of several accounts: restart with other \
                     --region or --profile options"
                        .to_string()
                } else {
                    "not available in the demo account".to_string()
                });
            };
            let mut options = current.options.clone();
            options.read_only |= read_only;
            let signed_in = match target {
                SwitchTarget::Regions(regions) => {
                    options.regions = regions;
                    current.signed_in
                }
                SwitchTarget::Profile(name) => {
                    refuse_profile_switch(&options, &name).await?;
                    // Regions named with --region, config.toml or `:region` stay; with
                    // none, the new profile's region is used, as at start-up.
                    options.profile = Some(name);
                    let loader = aws::config_loader(&options).await;
                    aws::sign_in(&options, loader, &mut no_mfa_prompt)
                        .await
                        .map_err(|e| e.to_string())?
                }
            };
            let session = aws::open(&options, &signed_in)
                .await
                .map_err(|e| e.to_string())?;
            Ok(Connected {
                session,
                access: AwsAccess { options, signed_in },
            })
        }
    }

    /// Makes a switch's connection the current session. `read_only` is the console's mode
    /// now (it may have turned on while connecting). On an error nothing changes.
    pub fn adopt(&mut self, connected: Connected, read_only: bool) -> Result<Established, String> {
        let established = self
            .establish_with(
                Some(&connected.access.options),
                connected.session,
                read_only,
            )
            .map_err(|e| e.to_string())?;
        self.aws = Some(connected.access);
        Ok(established)
    }

    fn establish_with(
        &self,
        options: Option<&AwsOptions>,
        session: Session,
        read_only: bool,
    ) -> Result<Established, ConfigError> {
        let named_profile = options
            .and_then(|o| o.profile.clone())
            .or_else(|| std::env::var("AWS_PROFILE").ok())
            .filter(|_| !session.demo);
        // Rules match the profile the SDK uses, which is `default` when none is named.
        let rule_profile = named_profile.as_deref().unwrap_or("default");
        let rule = self
            .settings
            .account_rule(&session.caller.account_id, rule_profile)
            .cloned();
        let read_only = read_only
            || self.read_only
            || session.read_only.is_on()
            || self
                .settings
                .read_only_for(&session.caller.account_id, rule_profile);
        if read_only {
            // Before any source polls or any action could run.
            session.read_only.turn_on();
        }
        let theme = self.theme_for(rule.as_ref())?;
        let header = HeaderInfo {
            caller: session.caller.clone(),
            profile: named_profile,
            regions: session.regions.clone(),
            demo: session.demo,
            read_only,
            banner: rule.and_then(|r| r.banner),
        };
        // In read-only mode there is no executor, so there is nothing to run actions with.
        let runner = session.executor.filter(|_| !read_only).map(|executor| {
            Arc::new(Runner::new(
                executor,
                self.journal_path.clone(),
                &session.caller.arn,
            ))
        });
        Ok(Established {
            header,
            theme,
            sources: session.sources,
            runner,
            read_only: session.read_only,
            org: session.org,
            lookups: session.lookups,
        })
    }

    /// The rule's theme, unless `--theme` named one; else the theme the console started with.
    fn theme_for(&self, rule: Option<&AccountRule>) -> Result<Theme, ConfigError> {
        let Some(name) = rule
            .and_then(|r| r.theme.clone())
            .filter(|_| self.theme_request.theme.is_none())
        else {
            return Ok(self.base_theme.clone());
        };
        let request = ConfigRequest {
            theme: Some(name),
            ..self.theme_request.clone()
        };
        Ok(config::load(self.config_dir.as_deref(), &request)?.theme)
    }
}

/// Why a `:profile` switch cannot work, found before any credentials are asked for.
async fn refuse_profile_switch(options: &AwsOptions, name: &str) -> Result<(), String> {
    if let (Some(role), Some(_)) = (&options.role_arn, &options.mfa_serial) {
        return Err(format!(
            "assuming {role} needs an MFA code, which cannot be asked inside the console: \
             restart with --profile {name}"
        ));
    }
    let facts = aws::find_profile(name).await?;
    if facts.mfa_serial.is_some() {
        return Err(format!(
            "profile {name} needs an MFA code, which cannot be asked inside the console: \
             restart with --profile {name}"
        ));
    }
    Ok(())
}

/// The console owns the terminal: an MFA code cannot be asked for while it runs.
fn no_mfa_prompt(serial: &str) -> std::io::Result<String> {
    Err(std::io::Error::other(format!(
        "an MFA code for {serial} cannot be asked inside the console"
    )))
}
