//! `charter deployed --subject S --version N --environment E`: a producer's
//! deploy pipeline says which version now runs in an environment. Every
//! version ever deployed there counts as "may still be in the topic" for
//! the consumers' `can-i-deploy`.

use std::io::Write;

use anyhow::Result;

use crate::client::Client;
use crate::exit::Exit;
use crate::render::GOOD;
use crate::settings::DeployedSettings;

/// Runs `charter deployed`.
pub fn run(settings: DeployedSettings) -> Result<Exit> {
    let client = Client::new(settings.client)?;
    client.deployed(&settings.environment, &settings.subject, settings.version)?;
    writeln!(
        anstream::stdout().lock(),
        "{GOOD}deployed{GOOD:#}: {} version {} runs in {}",
        settings.subject,
        settings.version,
        settings.environment
    )?;
    Ok(Exit::Success)
}
