//! S3 Control puts the account ID in front of the host (`123456789012.s3-control…`). On
//! AWS, and on any endpoint with a DNS name, that is what the service expects. An endpoint
//! given as an IP address or `localhost` (a local emulator) cannot take a label in front:
//! `123456789012.127.0.0.1` resolves nowhere. This resolver asks the SDK's own rules, then
//! removes the account-ID label from such hosts only; every other endpoint is unchanged.

use aws_sdk_s3control::config::endpoint::{
    DefaultResolver, EndpointFuture, Params, ResolveEndpoint,
};
use std::net::IpAddr;

#[derive(Debug, Default)]
pub struct LiteralHostResolver {
    rules: DefaultResolver,
}

impl LiteralHostResolver {
    pub fn new() -> Self {
        LiteralHostResolver {
            rules: DefaultResolver::new(),
        }
    }
}

impl ResolveEndpoint for LiteralHostResolver {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::new(Box::pin(async move {
            let endpoint = self.rules.resolve_endpoint(params).await?;
            Ok(match without_account_label(endpoint.url()) {
                Some(url) => endpoint.into_builder().url(url).build(),
                None => endpoint,
            })
        }))
    }
}

/// `http://123456789012.127.0.0.1:5000/x` → `http://127.0.0.1:5000/x`; `None` when the
/// host is a DNS name (or carries no account label).
pub fn without_account_label(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let (label, after) = rest.split_once('.')?;
    if label.len() != 12 || !label.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let authority_end = after.find('/').unwrap_or(after.len());
    let authority = &after[..authority_end];
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    let literal = host == "localhost" || host.parse::<IpAddr>().is_ok();
    literal.then(|| format!("{scheme}://{after}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ip_and_localhost_endpoints_lose_the_account_label() {
        assert_eq!(
            without_account_label("http://123456789012.127.0.0.1:5000/v20180820"),
            Some("http://127.0.0.1:5000/v20180820".to_string())
        );
        assert_eq!(
            without_account_label("http://123456789012.localhost:4566"),
            Some("http://localhost:4566".to_string())
        );
        assert_eq!(
            without_account_label("https://123456789012.s3-control.eu-west-1.amazonaws.com"),
            None
        );
        assert_eq!(without_account_label("http://127.0.0.1:5000"), None);
    }
}
