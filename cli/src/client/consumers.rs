//! Charter's own consumer endpoints (only Charter's registry has them):
//! readers recorded per consumer, subject and environment, deployments, and
//! `POST /can-i-deploy`.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::answers::NewSchema;
use super::{Client, Error, segment};

/// The reader a consumer runs with, as sent.
#[derive(Debug, Clone)]
pub enum Reader {
    /// A schema file's text.
    Schema(NewSchema),
    /// A registered version of the subject it reads.
    Version(i32),
}

impl Reader {
    fn body(&self) -> Value {
        match self {
            Reader::Schema(schema) => schema.body(),
            Reader::Version(version) => json!({"version": version}),
        }
    }
}

/// A consumer's recorded reader, as the registry answers it.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerRecord {
    /// The consumer.
    pub consumer: String,
    /// The subject it reads.
    pub subject: String,
    /// Where it runs.
    pub environment: String,
    /// Its application version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_version: Option<String>,
    /// The reader: `{"schemaType", "schema", "references"}` or `{"version"}`.
    pub reader: Value,
    /// When, in milliseconds since the Unix epoch.
    pub recorded_at: i64,
}

/// Whose data a matrix row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WriterRef {
    /// A registered version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// The schema asked about.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub candidate: bool,
}

/// A change that breaks a reader, with its example document.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct ReaderChange {
    /// The change's stable name.
    pub kind: String,
    /// Where, as a JSON pointer into the schema.
    pub path: String,
    /// What changed and why it breaks.
    pub message: String,
    /// A document the writer accepts that the reader cannot read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

/// One consumer reading one writer's data.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatrixRow {
    /// The consumer.
    pub consumer: String,
    /// Where it runs.
    pub environment: String,
    /// Its application version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_version: Option<String>,
    /// Whose data.
    pub writer: WriterRef,
    /// Whether it reads all of it.
    pub compatible: bool,
    /// What breaks it.
    pub changes: Vec<ReaderChange>,
}

/// The answer of `POST /can-i-deploy`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct DeployAnswer {
    /// True when every row is compatible.
    pub ok: bool,
    /// Every consumer and writer asked about.
    pub matrix: Vec<MatrixRow>,
}

/// "Can I deploy?", from either side.
#[derive(Debug, Clone)]
pub enum DeployQuestion {
    /// A producer about to write with `schema`.
    Producer {
        /// The schema.
        schema: NewSchema,
    },
    /// A consumer about to run with `reader`.
    Consumer {
        /// The consumer.
        consumer: String,
        /// Its reader.
        reader: Reader,
        /// Its application version.
        consumer_version: Option<String>,
    },
}

impl Client {
    /// `PUT /consumers/{c}/subjects/{s}`: records the reader `consumer` runs
    /// with in `environment`.
    pub fn record_consumer(
        &self,
        consumer: &str,
        subject: &str,
        environment: &str,
        reader: &Reader,
        consumer_version: Option<&str>,
    ) -> Result<ConsumerRecord, Error> {
        let path = format!(
            "consumers/{}/subjects/{}",
            segment(consumer),
            segment(subject)
        );
        let mut body = reader.body();
        body["environment"] = json!(environment);
        if let Some(version) = consumer_version {
            body["consumerVersion"] = json!(version);
        }
        self.call(Method::PUT, &path, &[], Some(&body))
    }

    /// `GET /consumers`: the consumer names.
    pub fn consumer_names(&self) -> Result<Vec<String>, Error> {
        self.call(Method::GET, "consumers", &[], None)
    }

    /// `GET /consumers/{c}`: its readers.
    pub fn consumer(&self, consumer: &str) -> Result<Vec<ConsumerRecord>, Error> {
        let path = format!("consumers/{}", segment(consumer));
        self.call(Method::GET, &path, &[], None)
    }

    /// `GET /subjects/{s}/consumers`: the readers of a subject.
    pub fn subject_consumers(
        &self,
        subject: &str,
        environment: Option<&str>,
    ) -> Result<Vec<ConsumerRecord>, Error> {
        let path = format!("subjects/{}/consumers", segment(subject));
        let query: Vec<(&str, &str)> = environment
            .map(|e| ("environment", e))
            .into_iter()
            .collect();
        self.call(Method::GET, &path, &query, None)
    }

    /// `DELETE /consumers/{c}/subjects/{s}?environment=`.
    pub fn forget_consumer(
        &self,
        consumer: &str,
        subject: &str,
        environment: &str,
    ) -> Result<(), Error> {
        let path = format!(
            "consumers/{}/subjects/{}",
            segment(consumer),
            segment(subject)
        );
        let _: Value = self.call(Method::DELETE, &path, &[("environment", environment)], None)?;
        Ok(())
    }

    /// `PUT /deployments/{e}/subjects/{s}`: `version` runs in `environment`.
    pub fn deployed(&self, environment: &str, subject: &str, version: i32) -> Result<(), Error> {
        let path = format!(
            "deployments/{}/subjects/{}",
            segment(environment),
            segment(subject)
        );
        let _: Value = self.call(Method::PUT, &path, &[], Some(&json!({"version": version})))?;
        Ok(())
    }

    /// `POST /can-i-deploy`.
    pub fn can_i_deploy(
        &self,
        subject: &str,
        environment: &str,
        question: &DeployQuestion,
    ) -> Result<DeployAnswer, Error> {
        let mut body = match question {
            DeployQuestion::Producer { schema } => schema.body(),
            DeployQuestion::Consumer {
                consumer,
                reader,
                consumer_version,
            } => {
                let mut body = json!({"consumer": consumer, "reader": reader.body()});
                if let Some(version) = consumer_version {
                    body["consumerVersion"] = json!(version);
                }
                body
            }
        };
        body["subject"] = json!(subject);
        body["environment"] = json!(environment);
        self.call(Method::POST, "can-i-deploy", &[], Some(&body))
    }
}
