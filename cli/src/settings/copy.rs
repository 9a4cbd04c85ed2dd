//! `charter copy`: two registries, each resolved as `--registry` is.

use super::Error;
use super::registry::client;
use crate::args::{CopyArgs, RegistryArgs};
use crate::client::ClientSettings;

/// `charter copy --from URL --to URL`.
#[derive(Debug)]
pub struct CopySettings {
    /// The registry copied from.
    pub from: ClientSettings,
    /// The registry copied into.
    pub to: ClientSettings,
    /// Only subjects starting with this (and those they reference).
    pub prefix: Option<String>,
    /// Plan only.
    pub dry_run: bool,
    /// Requests in flight at once on each registry.
    pub jobs: usize,
}

impl CopySettings {
    pub(super) fn resolve(args: CopyArgs) -> Result<CopySettings, Error> {
        let side = |flag: &'static str, url: String, auth: Option<String>| {
            let given = url.clone();
            // Connection settings added to `RegistryArgs` later keep their
            // defaults here until `copy` has flags for them.
            #[allow(clippy::needless_update)]
            client(RegistryArgs {
                url: Some(url),
                auth,
                timeout: args.timeout,
                retries: args.retries,
                ..RegistryArgs::default()
            })
            .map_err(|e| match e {
                Error::NoRegistry => Error::BadEndpoint {
                    flag,
                    url: given,
                    reason: "expected an http:// or https:// URL".into(),
                },
                Error::BadUrl { url, reason } => Error::BadEndpoint { flag, url, reason },
                other => other,
            })
        };
        let from = side("--from", args.from.clone(), args.from_auth.clone())?;
        let to = side("--to", args.to.clone(), args.to_auth.clone())?;
        Ok(CopySettings {
            from,
            to,
            prefix: args.subjects.filter(|p| !p.is_empty()),
            dry_run: args.dry_run,
            jobs: usize::from(args.jobs),
        })
    }
}
