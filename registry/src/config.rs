//! The service's one configuration struct: flags, each with a `CHARTER_*`
//! environment variable (a flag wins over its variable), validated once at
//! start-up into [`Settings`].

use std::fmt;

use clap::{Parser, ValueEnum};

/// `charter-registry`: a Confluent-compatible schema registry.
#[derive(Debug, Clone, Parser)]
#[command(name = "charter-registry", version, about)]
pub struct Config {
    /// Address to listen on (`HOST:PORT`; port 0 picks a free one).
    #[arg(long, env = "CHARTER_LISTEN", default_value = "127.0.0.1:8081")]
    pub listen: String,

    /// Database URL: `sqlite://PATH` (created and migrated on first start).
    #[arg(
        long,
        env = "CHARTER_DATABASE_URL",
        default_value = "sqlite://charter.db"
    )]
    pub database_url: String,

    /// Largest request body accepted, in bytes; larger ones answer 413.
    #[arg(long, env = "CHARTER_MAX_BODY_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Log format.
    #[arg(long, env = "CHARTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Log level or filter directives (`info`, `debug`, `registry=debug,sqlx=warn`).
    #[arg(long, env = "CHARTER_LOG_LEVEL", default_value = "info")]
    pub log_level: String,

    /// Most schemas kept parsed in memory.
    #[arg(long, env = "CHARTER_SCHEMA_CACHE_SIZE", default_value_t = 20_000)]
    pub schema_cache_size: usize,

    /// Most messages one `POST /triage` request may carry; more answer 422.
    #[arg(long, env = "CHARTER_MAX_TRIAGE_MESSAGES", default_value_t = 10_000)]
    pub max_triage_messages: usize,
}

/// How log lines are written (to stderr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file, as an sqlx URL.
    Sqlite(String),
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(url) => f.write_str(url),
        }
    }
}

/// The configuration, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on.
    pub listen: String,
    /// Where the data lives.
    pub database: Database,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Log format.
    pub log_format: LogFormat,
    /// Log filter directives.
    pub log_filter: String,
    /// Most schemas kept in memory.
    pub schema_cache_size: usize,
    /// Most messages per triage request.
    pub max_triage_messages: usize,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A database URL of an unknown or not yet supported kind.
    #[error(
        "unsupported database URL `{0}`: use sqlite://PATH (PostgreSQL support is planned but not built yet)"
    )]
    Database(String),
    /// A body limit of zero.
    #[error("--max-body-bytes must be at least 1")]
    BodyLimit,
    /// A triage limit of zero.
    #[error("--max-triage-messages must be at least 1")]
    TriageLimit,
    /// Log directives that do not parse.
    #[error("invalid --log-level `{value}`: {reason}")]
    LogLevel {
        /// The directives.
        value: String,
        /// Why.
        reason: String,
    },
}

impl Config {
    /// Checks every field and resolves it into [`Settings`].
    pub fn validate(self) -> Result<Settings, ConfigError> {
        let database = if self.database_url.starts_with("sqlite:") {
            Database::Sqlite(self.database_url)
        } else {
            return Err(ConfigError::Database(self.database_url));
        };
        if self.max_body_bytes == 0 {
            return Err(ConfigError::BodyLimit);
        }
        if self.max_triage_messages == 0 {
            return Err(ConfigError::TriageLimit);
        }
        tracing_subscriber::EnvFilter::try_new(&self.log_level).map_err(|e| {
            ConfigError::LogLevel {
                value: self.log_level.clone(),
                reason: e.to_string(),
            }
        })?;
        Ok(Settings {
            listen: self.listen,
            database,
            max_body_bytes: self.max_body_bytes,
            log_format: self.log_format,
            log_filter: self.log_level,
            schema_cache_size: self.schema_cache_size,
            max_triage_messages: self.max_triage_messages,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Settings, ConfigError> {
        let mut argv = vec!["charter-registry"];
        argv.extend_from_slice(args);
        Config::try_parse_from(argv)
            .expect("flags parse")
            .validate()
    }

    #[test]
    fn defaults_serve_sqlite_on_8081() {
        let settings = parse(&[]).unwrap();
        assert_eq!(settings.listen, "127.0.0.1:8081");
        assert_eq!(
            settings.database,
            Database::Sqlite("sqlite://charter.db".into())
        );
        assert_eq!(settings.log_format, LogFormat::Text);
    }

    #[test]
    fn refuses_what_it_cannot_serve() {
        let err = parse(&["--database-url", "postgres://localhost/x"]).unwrap_err();
        assert!(err.to_string().contains("postgres://localhost/x"));
        assert!(parse(&["--max-body-bytes", "0"]).is_err());
        assert!(parse(&["--max-triage-messages", "0"]).is_err());
        assert!(parse(&["--log-level", "info,=x=y"]).is_err());
        assert_eq!(
            parse(&["--log-format", "json"]).unwrap().log_format,
            LogFormat::Json
        );
    }
}
