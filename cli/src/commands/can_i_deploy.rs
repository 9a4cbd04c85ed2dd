//! `charter can-i-deploy`: asks Charter's registry whether a producer's
//! schema or a consumer's reader may go to an environment, and prints the
//! matrix of consumers × versions with every breaking change and its
//! example. Exit 0 when deploying is safe, 1 when not, 3 when the registry
//! cannot answer (2 for a file that is not a schema).

use anyhow::Result;

use super::consumer::reader;
use crate::client::{Client, DeployQuestion, Reader};
use crate::exit::Exit;
use crate::render;
use crate::settings::{CanIDeploySettings, ReaderChoice, Side};
use crate::values::OutputFormat;

/// Runs `charter can-i-deploy`.
pub fn run(settings: CanIDeploySettings) -> Result<Exit> {
    let client = Client::new(settings.client)?;
    let subject = settings.subject.as_str();
    let environment = settings.environment.as_str();
    let (question, title) = match &settings.side {
        Side::Producer(file) => {
            let Reader::Schema(schema) = reader(&client, &ReaderChoice::File(file.clone()))? else {
                unreachable!("a file is read as a schema")
            };
            let title = format!(
                "can-i-deploy {} to {environment}: the producer's {subject} from {}",
                file.path.display(),
                client.url()
            );
            (DeployQuestion::Producer { schema }, title)
        }
        Side::Consumer {
            consumer,
            reader: choice,
            consumer_version,
        } => {
            let shown = match choice {
                ReaderChoice::File(file) => file.path.display().to_string(),
                ReaderChoice::Version(version) => format!("{subject} version {version}"),
            };
            let title =
                format!("can-i-deploy {consumer} reading {subject} with {shown} to {environment}");
            let question = DeployQuestion::Consumer {
                consumer: consumer.clone(),
                reader: reader(&client, choice)?,
                consumer_version: consumer_version.clone(),
            };
            (question, title)
        }
    };
    let answer = client.can_i_deploy(subject, environment, &question)?;
    let mut stdout = anstream::stdout().lock();
    match settings.output {
        OutputFormat::Text => render::text::deploy(&mut stdout, &answer, &title)?,
        OutputFormat::Json => render::json::deploy(&mut stdout, &answer, subject, environment)?,
        OutputFormat::Github => render::github::deploy(&mut stdout, &answer)?,
        OutputFormat::Junit => render::junit::deploy(&mut stdout, &answer)?,
    }
    Ok(Exit::from_ok(answer.ok))
}
