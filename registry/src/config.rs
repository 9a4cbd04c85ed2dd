//! The service's one configuration struct: flags, each with a `CHARTER_*`
//! environment variable (a flag wins over its variable), validated once at
//! start-up into [`Settings`].

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::http::tls::TlsFiles;

use schemas::SchemaLimits;
use schemas::payload::DecodeLimits;

use crate::http::HttpLimits;
use crate::http::UiBasePath;
use crate::service::WorkLimits;
use crate::store::PostgresOptions;

/// `charter-registry`: a Confluent-compatible schema registry.
#[derive(Debug, Clone, Parser)]
#[command(name = "charter-registry", version, about)]
pub struct Config {
    /// Address to listen on (`HOST:PORT`; port 0 picks a free one).
    #[arg(long, env = "CHARTER_LISTEN", default_value = "127.0.0.1:8081")]
    pub listen: String,

    /// Database URL: `sqlite://PATH` (one embedded file, created on first
    /// start), or `postgres://USER[:PASS]@HOST[:PORT]/DB` (a database any
    /// number of instances share; libpq parameters such as `sslmode`,
    /// `sslrootcert` go in the query string). Migrated on first start.
    #[arg(
        long,
        env = "CHARTER_DATABASE_URL",
        default_value = "sqlite://charter.db"
    )]
    pub database_url: String,

    /// PostgreSQL: the most connections this instance opens (plus one that
    /// listens for other instances' deletes).
    #[arg(long, env = "CHARTER_DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,

    /// PostgreSQL: seconds a request waits for a connection before it
    /// answers 503 (this is how long requests take to fail while the
    /// database is unreachable).
    #[arg(long, env = "CHARTER_DATABASE_ACQUIRE_TIMEOUT", default_value_t = 5.0)]
    pub database_acquire_timeout: f64,

    /// PostgreSQL: seconds one statement may run, waiting for locks
    /// included, before the server cancels it and the request answers 503.
    #[arg(
        long,
        env = "CHARTER_DATABASE_STATEMENT_TIMEOUT",
        default_value_t = 10.0
    )]
    pub database_statement_timeout: f64,

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

    /// Most memory the schemas kept in memory may take, in bytes, as
    /// estimated from their text (48 bytes per byte of text, parsed); past
    /// it some are dropped, and a heavier schema is not kept.
    #[arg(long, env = "CHARTER_SCHEMA_CACHE_BYTES", default_value_t = 2 << 30)]
    pub schema_cache_bytes: usize,

    /// Most messages one `POST /triage` request may carry; more answer 422.
    #[arg(long, env = "CHARTER_MAX_TRIAGE_MESSAGES", default_value_t = 10_000)]
    pub max_triage_messages: usize,

    /// Path prefix under which a reverse proxy exposes the registry
    /// (`/registry`): the web page at `/ui/` then calls the API under it.
    /// Empty: the page calls the API relative to its own address.
    #[arg(long, env = "CHARTER_UI_BASE_PATH", default_value = "")]
    pub ui_base_path: String,

    /// Most memory one serialized message may take once decoded, in bytes
    /// (Avro binary: a count of items that take no bytes is held to it);
    /// a message over it is judged undecodable, with the reason.
    #[arg(long, env = "CHARTER_MAX_DECODED_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_decoded_bytes: usize,

    /// Longest schema text accepted, in bytes; a longer one answers 422.
    #[arg(long, env = "CHARTER_MAX_SCHEMA_BYTES", value_name = "BYTES",
        default_value_t = SchemaLimits::default().max_schema_bytes,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_schema_bytes: u64,

    /// Deepest nesting of a schema (JSON arrays and objects; Protobuf
    /// messages in messages), at most 128; deeper answers 422.
    #[arg(long, env = "CHARTER_MAX_SCHEMA_DEPTH", value_name = "LEVELS",
        default_value_t = SchemaLimits::default().max_depth,
        value_parser = clap::value_parser!(u64).range(1..=SchemaLimits::DEPTH_CEILING))]
    pub max_schema_depth: u64,

    /// Most symbols of one enum (Avro symbols, Protobuf values, JSON Schema
    /// `enum`); more answer 422.
    #[arg(long, env = "CHARTER_MAX_ENUM_SYMBOLS", value_name = "N",
        default_value_t = SchemaLimits::default().max_enum_symbols,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_enum_symbols: u64,

    /// Most fields of one Avro record, Protobuf message or JSON Schema
    /// `properties`; more answer 422.
    #[arg(long, env = "CHARTER_MAX_FIELDS", value_name = "N",
        default_value_t = SchemaLimits::default().max_fields,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_fields: u64,

    /// Most schemas one schema references (directly or through its
    /// references); more answer 422.
    #[arg(long, env = "CHARTER_MAX_REFERENCES", value_name = "N",
        default_value_t = SchemaLimits::default().max_references,
        value_parser = clap::value_parser!(u64).range(0..))]
    pub max_references: u64,

    /// Most `$ref`s resolved compiling one JSON Schema (its referenced
    /// documents included); more answer 422.
    #[arg(long, env = "CHARTER_MAX_REF_EXPANSIONS", value_name = "N",
        default_value_t = SchemaLimits::default().max_ref_expansions,
        value_parser = clap::value_parser!(u64).range(0..))]
    pub max_ref_expansions: u64,

    /// Work budget of one compatibility check, in type pairs compared; a
    /// check that needs more answers 422 (never a verdict).
    #[arg(long, env = "CHARTER_MAX_COMPAT_WORK", value_name = "STEPS",
        default_value_t = SchemaLimits::default().max_compat_work,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_compat_work: u64,

    /// Threads that do schema work (parse, compile, compatibility, triage)
    /// at once, off the threads that answer requests; default one per core.
    #[arg(long, env = "CHARTER_SCHEMA_WORKERS")]
    pub schema_workers: Option<usize>,

    /// Schema jobs that may wait for a worker; one more answers 503 with
    /// `Retry-After`.
    #[arg(long, env = "CHARTER_SCHEMA_QUEUE", default_value_t = 256)]
    pub schema_queue: usize,

    /// Most client connections open at once; more wait in the kernel's
    /// accept queue until one closes.
    #[arg(long, env = "CHARTER_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Seconds a client has to send a request's headers (HTTP/1); an idle
    /// keep-alive connection, and an HTTP/2 connection with no request in
    /// flight, is closed after as long.
    #[arg(long, env = "CHARTER_HEADER_READ_TIMEOUT", default_value_t = 10.0)]
    pub header_read_timeout: f64,

    /// Seconds a client has to send a request's whole body; a slower one
    /// answers 408.
    #[arg(long, env = "CHARTER_BODY_READ_TIMEOUT", default_value_t = 30.0)]
    pub body_read_timeout: f64,

    /// Auth file (TOML): principals, grants, JWT settings. Without it the
    /// registry is open to anyone who can reach it. Re-read on SIGHUP.
    #[arg(long, env = "CHARTER_AUTH_FILE")]
    pub auth_file: Option<PathBuf>,

    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, env = "CHARTER_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert.
    #[arg(long, env = "CHARTER_TLS_KEY")]
    pub tls_key: Option<PathBuf>,

    /// Verify client certificates against these PEM CA certificates
    /// (mutual TLS); a certificate's subject CN (or first DNS name) is its
    /// principal.
    #[arg(long, env = "CHARTER_TLS_CLIENT_CA")]
    pub tls_client_ca: Option<PathBuf>,

    /// A tool instead of the server.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Tools `charter-registry` runs instead of serving.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Reads a secret on standard input (one trailing newline stripped) and
    /// prints its argon2id hash for `password_hash` or `token_hash` in the
    /// auth file.
    HashSecret,
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
    /// A PostgreSQL database, as a libpq URL, and how to pool connections.
    Postgres {
        /// The URL (it may hold a password: print the `Database`, which
        /// hides it, never this field).
        url: String,
        /// Pool limits and timeouts.
        options: PostgresOptions,
    },
}

impl fmt::Display for Database {
    /// The URL with any password replaced by `***`, fit for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(url) => f.write_str(url),
            Database::Postgres { url, .. } => f.write_str(&redacted(url)),
        }
    }
}

/// `url` with the password of its user part and any `password=` parameter
/// replaced by `***`.
pub fn redacted(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    if scheme.is_empty() {
        format!("{authority}{tail}")
    } else {
        format!("{scheme}://{authority}{tail}")
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
    /// Most bytes the schemas kept in memory may take, estimated.
    pub schema_cache_bytes: usize,
    /// Most messages per triage request.
    pub max_triage_messages: usize,
    /// Where the web page finds the API.
    pub ui_base_path: UiBasePath,
    /// The pool schema work runs on.
    pub work: WorkLimits,
    /// Bounds on decoding one message.
    pub decode: DecodeLimits,
    /// Bounds on a posted schema and on one compatibility check.
    pub schema_limits: SchemaLimits,
    /// Connection and timeout bounds of the HTTP server.
    pub http: HttpLimits,
    /// The auth file, if any.
    pub auth_file: Option<PathBuf>,
    /// TLS, if on.
    pub tls: Option<TlsFiles>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A database URL of an unknown kind.
    #[error(
        "unsupported database URL `{0}`: use sqlite://PATH or postgres://USER[:PASS]@HOST[:PORT]/DB"
    )]
    Database(String),
    /// A PostgreSQL URL that does not parse.
    #[error("invalid PostgreSQL URL `{url}`: {reason}")]
    PostgresUrl {
        /// The URL, its password hidden.
        url: String,
        /// Why.
        reason: String,
    },
    /// A pool setting out of range.
    #[error("--{flag} must be {expected}, got {value}")]
    Pool {
        /// The flag.
        flag: &'static str,
        /// What it takes.
        expected: &'static str,
        /// What it got.
        value: String,
    },
    /// A body limit of zero.
    #[error("--max-body-bytes must be at least 1")]
    BodyLimit,
    /// A triage limit of zero.
    #[error("--max-triage-messages must be at least 1")]
    TriageLimit,
    /// A proxy prefix that is not a plain path.
    #[error("invalid --ui-base-path `{value}`: {reason}")]
    UiBasePath {
        /// The prefix.
        value: String,
        /// Why.
        reason: String,
    },
    /// A count that must be at least 1.
    #[error("--{flag} must be at least 1")]
    Zero {
        /// The flag.
        flag: &'static str,
    },
    /// A TLS certificate without its key, or the other way round.
    #[error("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither")]
    TlsPair,
    /// A client CA without TLS.
    #[error("--tls-client-ca needs --tls-cert and --tls-key: client certificates come with TLS")]
    ClientCaWithoutTls,
    /// Log directives that do not parse.
    #[error("invalid --log-level `{value}`: {reason}")]
    LogLevel {
        /// The directives.
        value: String,
        /// Why.
        reason: String,
    },
}

/// Seconds as a duration: positive and at most a day.
fn seconds(flag: &'static str, value: f64) -> Result<Duration, ConfigError> {
    if value.is_finite() && value > 0.0 && value <= 86_400.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(ConfigError::Pool {
            flag,
            expected: "a number of seconds above 0 and at most 86400",
            value: value.to_string(),
        })
    }
}

impl Config {
    /// The database the URL names, with its pool settings.
    fn database(&self) -> Result<Database, ConfigError> {
        let url = &self.database_url;
        if url.starts_with("sqlite:") {
            return Ok(Database::Sqlite(url.clone()));
        }
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(ConfigError::Database(redacted(url)));
        }
        if let Err(e) = sqlx::postgres::PgConnectOptions::from_str(url) {
            return Err(ConfigError::PostgresUrl {
                url: redacted(url),
                reason: e.to_string(),
            });
        }
        if self.database_max_connections == 0 {
            return Err(ConfigError::Pool {
                flag: "database-max-connections",
                expected: "at least 1",
                value: "0".into(),
            });
        }
        Ok(Database::Postgres {
            url: url.clone(),
            options: PostgresOptions {
                max_connections: self.database_max_connections,
                acquire_timeout: seconds(
                    "database-acquire-timeout",
                    self.database_acquire_timeout,
                )?,
                statement_timeout: seconds(
                    "database-statement-timeout",
                    self.database_statement_timeout,
                )?,
            },
        })
    }

    /// Checks every field and resolves it into [`Settings`].
    pub fn validate(self) -> Result<Settings, ConfigError> {
        let database = self.database()?;
        if self.max_body_bytes == 0 {
            return Err(ConfigError::BodyLimit);
        }
        if self.max_triage_messages == 0 {
            return Err(ConfigError::TriageLimit);
        }
        let at_least_one = |flag: &'static str, value: usize| {
            if value == 0 {
                Err(ConfigError::Zero { flag })
            } else {
                Ok(value)
            }
        };
        let work = WorkLimits {
            threads: match self.schema_workers {
                Some(n) => at_least_one("schema-workers", n)?,
                None => WorkLimits::default().threads,
            },
            queue: self.schema_queue,
        };
        let http = HttpLimits {
            max_connections: at_least_one("max-connections", self.max_connections)?,
            header_read_timeout: seconds("header-read-timeout", self.header_read_timeout)?,
            body_read_timeout: seconds("body-read-timeout", self.body_read_timeout)?,
        };
        let tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert,
                key,
                client_ca: self.tls_client_ca,
            }),
            (None, None) if self.tls_client_ca.is_some() => {
                return Err(ConfigError::ClientCaWithoutTls);
            }
            (None, None) => None,
            _ => return Err(ConfigError::TlsPair),
        };
        tracing_subscriber::EnvFilter::try_new(&self.log_level).map_err(|e| {
            ConfigError::LogLevel {
                value: self.log_level.clone(),
                reason: e.to_string(),
            }
        })?;
        let ui_base_path =
            UiBasePath::parse(&self.ui_base_path).map_err(|reason| ConfigError::UiBasePath {
                value: self.ui_base_path.clone(),
                reason,
            })?;
        Ok(Settings {
            listen: self.listen,
            database,
            max_body_bytes: self.max_body_bytes,
            log_format: self.log_format,
            log_filter: self.log_level,
            schema_cache_size: self.schema_cache_size,
            schema_cache_bytes: self.schema_cache_bytes,
            max_triage_messages: self.max_triage_messages,
            ui_base_path,
            work,
            decode: DecodeLimits {
                max_decoded_bytes: at_least_one("max-decoded-bytes", self.max_decoded_bytes)?,
            },
            schema_limits: SchemaLimits {
                max_schema_bytes: self.max_schema_bytes,
                max_depth: self.max_schema_depth,
                max_enum_symbols: self.max_enum_symbols,
                max_fields: self.max_fields,
                max_references: self.max_references,
                max_ref_expansions: self.max_ref_expansions,
                max_compat_work: self.max_compat_work,
            },
            http,
            auth_file: self.auth_file,
            tls,
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
        assert_eq!(settings.schema_limits, SchemaLimits::default());
    }

    #[test]
    fn schema_limits_from_flags() {
        let settings = parse(&["--max-enum-symbols", "7", "--max-compat-work", "9"]).unwrap();
        assert_eq!(settings.schema_limits.max_enum_symbols, 7);
        assert_eq!(settings.schema_limits.max_compat_work, 9);
        let argv = ["charter-registry", "--max-schema-depth", "129"];
        assert!(Config::try_parse_from(argv).is_err());
        let argv = ["charter-registry", "--max-fields", "0"];
        assert!(Config::try_parse_from(argv).is_err());
    }

    #[test]
    fn postgres_urls_with_their_pool() {
        let settings = parse(&[
            "--database-url",
            "postgres://charter:secret@db.example:5433/registry?sslmode=require",
            "--database-max-connections",
            "32",
            "--database-acquire-timeout",
            "2.5",
        ])
        .unwrap();
        let Database::Postgres { url, options } = &settings.database else {
            panic!("{:?}", settings.database);
        };
        assert!(url.ends_with("?sslmode=require"));
        assert_eq!(options.max_connections, 32);
        assert_eq!(options.acquire_timeout, Duration::from_millis(2500));
        assert_eq!(options.statement_timeout, Duration::from_secs(10));
        assert_eq!(
            settings.database.to_string(),
            "postgres://charter:***@db.example:5433/registry?sslmode=require"
        );
        assert!(parse(&["--database-url", "postgresql://localhost/x"]).is_ok());
    }

    #[test]
    fn passwords_never_reach_the_log() {
        for (url, shown) in [
            ("postgres://u:p@h/db", "postgres://u:***@h/db"),
            ("postgres://u@h/db", "postgres://u@h/db"),
            (
                "postgres://h/db?password=p&sslmode=disable",
                "postgres://h/db?password=***&sslmode=disable",
            ),
            ("postgres://u:p%40ss@h:1?x=y", "postgres://u:***@h:1?x=y"),
            ("sqlite://charter.db", "sqlite://charter.db"),
        ] {
            assert_eq!(redacted(url), shown);
        }
        let err = parse(&["--database-url", "mysql://u:p@h/db"]).unwrap_err();
        assert!(!err.to_string().contains(":p@"), "{err}");
        let err = parse(&["--database-url", "postgres://u:p@h/db?sslmode=sometimes"]).unwrap_err();
        assert!(err.to_string().contains("sslmode"), "{err}");
        assert!(!err.to_string().contains(":p@"), "{err}");
    }

    #[test]
    fn refuses_what_it_cannot_serve() {
        let err = parse(&["--database-url", "mysql://localhost/x"]).unwrap_err();
        assert!(err.to_string().contains("mysql://localhost/x"));
        let pg = ["--database-url", "postgres://localhost/x"];
        assert!(parse(&[&pg[..], &["--database-max-connections", "0"]].concat()).is_err());
        assert!(parse(&[&pg[..], &["--database-acquire-timeout", "0"]].concat()).is_err());
        assert!(parse(&[&pg[..], &["--database-statement-timeout", "0"]].concat()).is_err());
        assert!(parse(&["--max-body-bytes", "0"]).is_err());
        assert!(parse(&["--max-triage-messages", "0"]).is_err());
        assert!(parse(&["--schema-workers", "0"]).is_err());
        assert!(parse(&["--max-connections", "0"]).is_err());
        assert!(parse(&["--header-read-timeout", "0"]).is_err());
        assert!(parse(&["--body-read-timeout", "100000"]).is_err());
        let bounded = parse(&["--schema-workers", "3", "--schema-queue", "0"]).unwrap();
        assert_eq!(
            bounded.work,
            WorkLimits {
                threads: 3,
                queue: 0
            }
        );
        assert!(parse(&["--log-level", "info,=x=y"]).is_err());
        let err = parse(&["--ui-base-path", "registry"]).unwrap_err();
        assert!(
            err.to_string().contains("--ui-base-path `registry`"),
            "{err}"
        );
        assert!(matches!(
            parse(&["--tls-cert", "c.pem"]),
            Err(ConfigError::TlsPair)
        ));
        assert!(matches!(
            parse(&["--tls-client-ca", "ca.pem"]),
            Err(ConfigError::ClientCaWithoutTls)
        ));
        let tls = parse(&["--tls-cert", "c", "--tls-key", "k", "--tls-client-ca", "ca"])
            .unwrap()
            .tls
            .unwrap();
        assert_eq!(tls.client_ca, Some(PathBuf::from("ca")));
        assert_eq!(
            parse(&["--log-format", "json"]).unwrap().log_format,
            LogFormat::Json
        );
    }
}
