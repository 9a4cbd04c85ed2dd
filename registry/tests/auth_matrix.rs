//! The permission matrix: every route of the API (Confluent's and
//! Charter's own) × principals holding each permission × a subject they
//! hold it on and one they do not, over real HTTP against the real binary
//! with an auth file. Each answer is 200 (or the route's own answer), 401
//! with `WWW-Authenticate` and 40101, 403 with 40301, or for schema ids
//! that may not be read the 404 40403 of an unknown id.

mod common;
#[path = "auth_matrix/prepare.rs"]
mod prepare;

use common::auth::{basic, hash, start_with_auth};
use prepare::{Prepare, prepare};
use serde_json::{Value, json};

/// Who asks: a name in the file and the one permission it holds on
/// `orders-*` (`admin` on `*`), or anonymous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Nobody,
    Holds(&'static str),
}

const PRINCIPALS: [Who; 7] = [
    Who::Anonymous,
    Who::Nobody,
    Who::Holds("read"),
    Who::Holds("write"),
    Who::Holds("delete"),
    Who::Holds("configure"),
    Who::Holds("admin"),
];

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Anonymous => "anonymous",
            Who::Nobody => "nobody",
            Who::Holds(p) => p,
        }
    }

    fn authorization(self) -> Option<String> {
        match self {
            Who::Anonymous => None,
            _ => Some(basic(self.name(), &format!("pw-{}", self.name()))),
        }
    }
}

fn auth_file() -> String {
    let mut file = String::from("metrics = \"authenticated\"\n");
    for who in PRINCIPALS.iter().skip(1) {
        let name = who.name();
        file.push_str(&format!(
            "\n[[principals]]\nname = \"{name}\"\npassword_hash = \"{}\"\n",
            hash(&format!("pw-{name}"))
        ));
        if let Who::Holds(permission) = who {
            let subjects = if *permission == "admin" {
                "*"
            } else {
                "orders-*"
            };
            file.push_str(&format!(
                "\n[[grants]]\nprincipal = \"{name}\"\nsubjects = [\"{subjects}\"]\npermissions = [\"{permission}\"]\n"
            ));
        }
    }
    file
}

/// What a route needs.
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// Nothing (health).
    Nothing,
    /// Any principal that is not anonymous (`/metrics` here).
    Named,
    /// Any principal (anonymous would be admitted with `anonymous = "read"`,
    /// which this file does not set).
    Caller,
    /// `admin`.
    Admin,
    /// This permission on the path's subject.
    On(&'static str),
    /// Reading the subject the path's schema id is registered under.
    Schema,
}

struct Case {
    method: &'static str,
    /// The path; `{s}` is the subject, `{id}` the id of a schema registered
    /// only under it.
    path: &'static str,
    body: Option<Value>,
    needs: Needs,
    /// A subject of its own per request (the case changes it).
    fresh: bool,
    prepare: Prepare,
    /// The answer when allowed: status and error code (0 for none).
    ok: (u16, i64),
}

fn case(method: &'static str, path: &'static str, needs: Needs) -> Case {
    Case {
        method,
        path,
        body: None,
        needs,
        fresh: false,
        prepare: Prepare::None,
        ok: (200, 0),
    }
}

impl Case {
    fn body(mut self, body: Value) -> Case {
        self.body = Some(body);
        self
    }

    fn fresh(mut self, prepare: Prepare) -> Case {
        self.fresh = true;
        self.prepare = prepare;
        self
    }

    fn answers(mut self, status: u16, code: i64) -> Case {
        self.ok = (status, code);
        self
    }
}

fn schema(n: u32) -> Value {
    json!({"schemaType": "JSON", "schema": json!({"type": "object", "properties": {format!("f{n}"): {"type": "string"}}}).to_string()})
}

fn cases() -> Vec<Case> {
    use Needs::*;
    let register = schema(0);
    let associate = json!({"resourceName": "{s}", "resourceNamespace": "lkc", "resourceId": "{s}",
                           "associations": [{"subject": "{s}"}]});
    vec![
        case("GET", "/health/live", Nothing),
        case("GET", "/health/ready", Nothing),
        // The web page's files are static; its data comes from the API.
        case("GET", "/ui/", Nothing),
        case("GET", "/metrics", Named),
        case("GET", "/", Caller),
        case("POST", "/", Caller).body(json!({})),
        case("GET", "/v1/metadata/id", Caller),
        case("GET", "/v1/metadata/version", Caller),
        case("GET", "/v1/metadata/deployment", Caller),
        case("GET", "/contexts", Admin),
        case("DELETE", "/contexts/.empty", Admin).answers(204, 0),
        case("GET", "/schemas", Caller),
        case("GET", "/schemas/types", Caller),
        case("GET", "/schemas/ids/{id}", Schema),
        case("GET", "/schemas/ids/{id}/schema", Schema),
        case("GET", "/schemas/ids/{id}/subjects", Schema),
        case("GET", "/schemas/ids/{id}/versions", Schema),
        case("GET", "/subjects", Caller),
        // A lookup of what the set-up registered under the subject.
        case("POST", "/subjects/{s}", On("read"))
            .body(json!({"schemaType": "JSON", "schema": json!({"title": "{s}"}).to_string()})),
        case("DELETE", "/subjects/{s}", On("delete")).fresh(Prepare::Register),
        case("GET", "/subjects/{s}/versions", On("read")),
        case("POST", "/subjects/{s}/versions", On("write"))
            .body(register)
            .fresh(Prepare::None),
        case("GET", "/subjects/{s}/versions/1", On("read")),
        case("GET", "/subjects/{s}/versions/latest/schema", On("read")),
        case("GET", "/subjects/{s}/versions/1/referencedby", On("read")),
        case("DELETE", "/subjects/{s}/versions/1", On("write")).fresh(Prepare::Register),
        // Tags make a new version: a registration.
        case("POST", "/subjects/{s}/versions/1/tags", On("write"))
            .body(json!({"tagsToAdd": [{"schemaEntity": {"entityPath": "object.f9", "entityType": "sr_field"}, "tags": ["PII"]}]}))
            .fresh(Prepare::Register),
        case(
            "DELETE",
            "/subjects/{s}/versions/1?permanent=true",
            On("delete"),
        )
        .fresh(Prepare::SoftDeleted),
        case("POST", "/compatibility/subjects/{s}/versions", On("read")).body(schema(2)),
        case(
            "POST",
            "/compatibility/subjects/{s}/versions/latest",
            On("read"),
        )
        .body(schema(2)),
        case("GET", "/config", Caller),
        case("PUT", "/config", Admin).body(json!({"compatibility": "BACKWARD"})),
        case("DELETE", "/config", Admin),
        case("GET", "/config/{s}?defaultToGlobal=true", On("read")),
        case("PUT", "/config/{s}", On("configure")).body(json!({"compatibility": "FULL"})),
        case("DELETE", "/config/{s}", On("configure")).fresh(Prepare::Config),
        case("GET", "/mode", Caller),
        case("PUT", "/mode", Admin).body(json!({"mode": "READWRITE"})),
        case("DELETE", "/mode", Admin),
        case("GET", "/mode/{s}?defaultToGlobal=true", On("read")),
        case("PUT", "/mode/{s}", On("configure")).body(json!({"mode": "READWRITE"})),
        // IMPORT lets clients choose ids: only an administrator may set it.
        case("PUT", "/mode/{s}", Admin)
            .body(json!({"mode": "IMPORT"}))
            .fresh(Prepare::None),
        case("DELETE", "/mode/{s}", On("configure")).fresh(Prepare::Mode),
        case("POST", "/triage", On("read"))
            .body(json!({"subject": "{s}", "messages": [{"json": {"f0": "x"}}]})),
        case("GET", "/associations/resources/default/orders", Caller),
        case("GET", "/associations/subjects/{s}", On("read")),
        // Writes need `write` on every subject they name (their handlers check).
        case("POST", "/associations", On("write"))
            .body(associate.clone())
            .fresh(Prepare::Register),
        case("PUT", "/associations/resources/{s}", On("write"))
            .body(associate)
            .fresh(Prepare::Register),
        // Prepared for all: the refusal must be about permissions.
        case("DELETE", "/associations/resources/{s}", On("write"))
            .fresh(Prepare::Associated)
            .answers(204, 0),
        // The whole audit trail is the administrators'; a subject's own
        // history is for whoever may read the subject.
        case("GET", "/audit", Admin),
        case("GET", "/permissions?subject={s}", Caller),
        case("GET", "/permissions", Caller),
        case("GET", "/grants", Admin),
        case("GET", "/grants?principal=read", Admin),
        case("GET", "/audit?subject={s}&limit=5", On("read")),
        // Consumers and deployments: listings across subjects are for any
        // principal, narrowed to what it may read (see
        // `consumer_listings_show_only_what_may_be_read`).
        case("GET", "/consumers", Caller),
        case("GET", "/deployments/prod", Caller),
        case("GET", "/subjects/{s}/consumers", On("read")),
        case("PUT", "/consumers/billing/subjects/{s}", On("write"))
            .body(json!({"environment": "prod", "version": 1})),
        case(
            "DELETE",
            "/consumers/billing/subjects/{s}?environment=prod",
            On("write"),
        )
        .fresh(Prepare::Reader),
        case("PUT", "/deployments/prod/subjects/{s}", On("write")).body(json!({"version": 1})),
        case(
            "PUT",
            "/deployments/prod/subjects/{s}/retention",
            On("write"),
        )
        .body(json!({"retainedFromVersion": 1}))
        .fresh(Prepare::Deployed),
        case("POST", "/can-i-deploy", On("read")).body(json!({
            "subject": "{s}", "environment": "prod", "schemaType": "JSON",
            "schema": json!({"title": "{s}"}).to_string(),
        })),
        case("POST", "/can-i-deploy", On("read")).body(json!({
            "subject": "{s}", "environment": "prod", "consumer": "billing",
            "reader": {"version": 1},
        })),
    ]
}

/// The answer `who` must get for `case` on a subject it holds its
/// permission on (`allowed`) or not.
fn expected(case: &Case, who: Who, allowed: bool) -> (u16, i64) {
    let denied = (403, 40301);
    let holds = |p: &'static str| who == Who::Holds("admin") || (allowed && who == Who::Holds(p));
    if who == Who::Anonymous && !matches!(case.needs, Needs::Nothing) {
        return (401, 40101);
    }
    match case.needs {
        Needs::Nothing | Needs::Named | Needs::Caller => case.ok,
        Needs::Admin if who == Who::Holds("admin") => case.ok,
        Needs::Admin => denied,
        Needs::On(p) if holds(p) => case.ok,
        Needs::On(_) => denied,
        Needs::Schema if holds("read") => case.ok,
        // An id that may not be read is an unknown id.
        Needs::Schema => (404, 40403),
    }
}

#[tokio::test]
async fn every_route_for_every_permission() {
    let server = start_with_auth(&auth_file(), &[], &[]);
    let admin = Who::Holds("admin").authorization().unwrap();
    // The subjects read cases use, one schema each (ids of their own), and
    // one schema under both.
    let mut ids = std::collections::HashMap::new();
    for subject in ["orders-value", "payments-value"] {
        let path = format!("/subjects/{subject}/versions");
        let body = json!({"schemaType": "JSON", "schema": json!({"title": subject}).to_string()});
        let answer = server
            .call_as(Some(&admin), "POST", &path, Some(&body))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        ids.insert(subject, answer.body["id"].as_i64().unwrap());
    }

    let mut checked = 0;
    let mut failures = Vec::new();
    for (index, case) in cases().iter().enumerate() {
        for (w, who) in PRINCIPALS.iter().enumerate() {
            for (prefix, allowed) in [("orders", true), ("payments", false)] {
                let subject = if case.fresh {
                    format!("{prefix}-case{index}-{w}")
                } else {
                    format!("{prefix}-value")
                };
                let (status, code) = expected(case, *who, allowed);
                let always = matches!(case.prepare, Prepare::Associated);
                if always || (status == case.ok.0 && code == case.ok.1) {
                    prepare(&server, &admin, &subject, case.prepare).await;
                }
                let id = ids
                    .get(format!("{prefix}-value").as_str())
                    .copied()
                    .unwrap_or(0);
                let path = case
                    .path
                    .replace("{s}", &subject)
                    .replace("{id}", &id.to_string());
                let body = case.body.as_ref().map(|b| {
                    serde_json::from_str(&b.to_string().replace("{s}", &subject)).unwrap()
                });
                let answer = server
                    .call_as(
                        who.authorization().as_deref(),
                        case.method,
                        &path,
                        body.as_ref(),
                    )
                    .await;
                checked += 1;
                let got_code = if matches!(answer.status, 200 | 204) {
                    0
                } else {
                    answer.code()
                };
                if (answer.status, got_code) != (status, code) {
                    failures.push(format!(
                        "{} {path} as {}: expected {status}/{code}, got {}/{got_code}: {}",
                        case.method,
                        who.name(),
                        answer.status,
                        answer.text.chars().take(200).collect::<String>()
                    ));
                }
                if answer.status == 401 {
                    let challenges: Vec<_> =
                        answer.headers.get_all("www-authenticate").iter().collect();
                    if !challenges
                        .iter()
                        .any(|c| c.to_str().unwrap().starts_with("Basic "))
                    {
                        failures.push(format!(
                            "{} {path}: 401 without a Basic challenge",
                            case.method
                        ));
                    }
                }
                let names_subject = case.path.contains("{s}")
                    || case.path.contains("{id}")
                    || case
                        .body
                        .as_ref()
                        .is_some_and(|b| b.to_string().contains("{s}"));
                if !names_subject {
                    break; // No subject in it: once per principal.
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} answers wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 400, "{checked}");
}

#[tokio::test]
async fn lists_show_only_what_may_be_read() {
    let server = start_with_auth(&auth_file(), &[], &[]);
    let admin = Who::Holds("admin").authorization().unwrap();
    let reader = Who::Holds("read").authorization().unwrap();
    let nobody = Who::Nobody.authorization().unwrap();
    let shared = json!({"schemaType": "JSON", "schema": r#"{"title":"shared"}"#});
    let mut shared_id = 0;
    for subject in [
        "orders-a",
        "orders-b",
        "payments-a",
        "payments-shared",
        "orders-shared",
    ] {
        let body = if subject.ends_with("shared") {
            shared.clone()
        } else {
            json!({"schemaType": "JSON", "schema": json!({"title": subject}).to_string()})
        };
        let answer = server
            .call_as(
                Some(&admin),
                "POST",
                &format!("/subjects/{subject}/versions"),
                Some(&body),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        if subject.ends_with("shared") {
            shared_id = answer.body["id"].as_i64().unwrap();
        }
    }
    let get = |who: &str, path: &str| {
        let who = who.to_string();
        let path = path.to_string();
        let server = &server;
        async move {
            let answer = server.call_as(Some(&who), "GET", &path, None).await;
            assert_eq!(answer.status, 200, "{path}: {}", answer.text);
            answer.body
        }
    };
    assert_eq!(
        get(&reader, "/subjects").await,
        json!(["orders-a", "orders-b", "orders-shared"])
    );
    assert_eq!(get(&nobody, "/subjects").await, json!([]));
    assert_eq!(get(&admin, "/subjects").await.as_array().unwrap().len(), 5);
    // Paging applies to what may be read.
    assert_eq!(
        get(&reader, "/subjects?offset=1&limit=1").await,
        json!(["orders-b"])
    );
    let listed: Vec<String> = get(&reader, "/schemas")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subject"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, ["orders-a", "orders-b", "orders-shared"]);
    assert_eq!(get(&nobody, "/schemas").await, json!([]));
    // An id under a readable and an unreadable subject: readable, and only
    // the readable subject is told.
    assert_eq!(
        get(&reader, &format!("/schemas/ids/{shared_id}/subjects")).await,
        json!(["orders-shared"])
    );
    assert_eq!(
        get(&reader, &format!("/schemas/ids/{shared_id}/versions")).await,
        json!([{"subject": "orders-shared", "version": 1}])
    );
    assert_eq!(
        get(&admin, &format!("/schemas/ids/{shared_id}/subjects")).await,
        json!(["orders-shared", "payments-shared"])
    );
}

#[tokio::test]
async fn refusals_do_not_tell_whether_a_subject_exists() {
    let server = start_with_auth(&auth_file(), &[], &[]);
    let admin = Who::Holds("admin").authorization().unwrap();
    let reader = Who::Holds("read").authorization().unwrap();
    let body = json!({"schemaType": "JSON", "schema": r#"{"title":"p"}"#});
    let answer = server
        .call_as(
            Some(&admin),
            "POST",
            "/subjects/payments-value/versions",
            Some(&body),
        )
        .await;
    let id = answer.body["id"].as_i64().unwrap();
    for (existing, missing) in [
        (
            "/subjects/payments-value/versions",
            "/subjects/payments-ghost/versions",
        ),
        (
            "/subjects/payments-value/versions/1",
            "/subjects/payments-ghost/versions/1",
        ),
        ("/config/payments-value", "/config/payments-ghost"),
    ] {
        let a = server.call_as(Some(&reader), "GET", existing, None).await;
        let b = server.call_as(Some(&reader), "GET", missing, None).await;
        assert_eq!((a.status, a.code()), (403, 40301), "{existing}: {}", a.text);
        assert_eq!((b.status, b.code()), (403, 40301), "{missing}: {}", b.text);
        assert_eq!(
            a.message().replace("payments-value", "S"),
            b.message().replace("payments-ghost", "S")
        );
    }
    let a = server
        .call_as(Some(&reader), "GET", &format!("/schemas/ids/{id}"), None)
        .await;
    let b = server
        .call_as(Some(&reader), "GET", "/schemas/ids/987654", None)
        .await;
    assert_eq!((a.status, a.code()), (404, 40403));
    assert_eq!((b.status, b.code()), (404, 40403));
    assert_eq!(
        a.message().replace(&id.to_string(), "N"),
        b.message().replace("987654", "N")
    );
}

#[tokio::test]
async fn references_need_read_on_the_subjects_they_name() {
    let hash_of = hash("pw-producer");
    let file = format!(
        "{}\n[[principals]]\nname = \"producer\"\npassword_hash = \"{hash_of}\"\n\n[[grants]]\nprincipal = \"producer\"\nsubjects = [\"orders-*\"]\npermissions = [\"read\", \"write\"]\n",
        auth_file()
    );
    let server = start_with_auth(&file, &[], &[]);
    let admin = Who::Holds("admin").authorization().unwrap();
    let producer = basic("producer", "pw-producer");
    let referenced = json!({"schemaType": "JSON", "schema": r#"{"type":"string"}"#});
    for subject in ["orders-common", "payments-common"] {
        let answer = server
            .call_as(
                Some(&admin),
                "POST",
                &format!("/subjects/{subject}/versions"),
                Some(&referenced),
            )
            .await;
        assert_eq!(answer.status, 200);
    }
    let referring = |subject: &str| {
        json!({"schemaType": "JSON",
               "schema": r#"{"type":"object","properties":{"c":{"$ref":"common.json"}}}"#,
               "references": [{"name": "common.json", "subject": subject, "version": 1}]})
    };
    let ok = server
        .call_as(
            Some(&producer),
            "POST",
            "/subjects/orders-value/versions",
            Some(&referring("orders-common")),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    // can-i-deploy judges the posted schema with its references resolved.
    let mut question = referring("payments-common");
    question["subject"] = json!("orders-value");
    question["environment"] = json!("prod");
    for (method, path, body) in [
        (
            "POST",
            "/subjects/orders-value/versions",
            referring("payments-common"),
        ),
        (
            "POST",
            "/subjects/orders-value",
            referring("payments-common"),
        ),
        (
            "POST",
            "/compatibility/subjects/orders-value/versions",
            referring("payments-common"),
        ),
        ("POST", "/can-i-deploy", question),
    ] {
        let refused = server
            .call_as(Some(&producer), method, path, Some(&body))
            .await;
        assert_eq!(
            (refused.status, refused.code()),
            (403, 40301),
            "{path}: {}",
            refused.text
        );
        assert!(
            refused
                .message()
                .contains("`read` on subject `payments-common`"),
            "{}",
            refused.text
        );
    }
}

#[tokio::test]
async fn consumer_listings_show_only_what_may_be_read() {
    let server = start_with_auth(&auth_file(), &[], &[]);
    let admin = Who::Holds("admin").authorization().unwrap();
    let reader = Who::Holds("read").authorization().unwrap();
    let nobody = Who::Nobody.authorization().unwrap();
    let call = |who: &str, method: &'static str, path: &str, body: Option<Value>| {
        let (who, path, server) = (who.to_string(), path.to_string(), &server);
        async move {
            server
                .call_as(Some(&who), method, &path, body.as_ref())
                .await
        }
    };
    // `billing` reads both subjects, `ledger` only payments; both subjects
    // run version 1 in prod.
    for subject in ["orders-value", "payments-value"] {
        let answer = call(
            &admin,
            "POST",
            &format!("/subjects/{subject}/versions"),
            Some(schema(1)),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let deployed = call(
            &admin,
            "PUT",
            &format!("/deployments/prod/subjects/{subject}"),
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(deployed.status, 200, "{}", deployed.text);
    }
    for (consumer, subject) in [
        ("billing", "orders-value"),
        ("billing", "payments-value"),
        ("ledger", "payments-value"),
    ] {
        let recorded = call(
            &admin,
            "PUT",
            &format!("/consumers/{consumer}/subjects/{subject}"),
            Some(json!({"environment": "prod", "version": 1})),
        )
        .await;
        assert_eq!(recorded.status, 200, "{}", recorded.text);
    }
    let body = |who: &str, path: &str| {
        let (who, path) = (who.to_string(), path.to_string());
        let call = &call;
        async move {
            let answer = call(&who, "GET", &path, None).await;
            assert_eq!(answer.status, 200, "{path}: {}", answer.text);
            answer.body
        }
    };
    let subjects = |listing: Value| -> Vec<String> {
        let mut found: Vec<String> = listing
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["subject"].as_str().unwrap().to_string())
            .collect();
        found.sort();
        found
    };
    assert_eq!(
        body(&admin, "/consumers").await,
        json!(["billing", "ledger"])
    );
    assert_eq!(body(&reader, "/consumers").await, json!(["billing"]));
    assert_eq!(body(&nobody, "/consumers").await, json!([]));
    assert_eq!(
        subjects(body(&admin, "/consumers/billing").await),
        ["orders-value", "payments-value"]
    );
    assert_eq!(
        subjects(body(&reader, "/consumers/billing").await),
        ["orders-value"]
    );
    // A consumer that reads only hidden subjects is as unknown as one that
    // does not exist, word for word.
    let hidden = call(&reader, "GET", "/consumers/ledger", None).await;
    let unknown = call(&reader, "GET", "/consumers/ghost", None).await;
    assert_eq!(hidden.status, 404, "{}", hidden.text);
    assert_eq!(
        (hidden.status, hidden.code()),
        (unknown.status, unknown.code())
    );
    assert_eq!(
        hidden.message().replace("ledger", "C"),
        unknown.message().replace("ghost", "C")
    );
    assert_eq!(
        subjects(body(&admin, "/deployments/prod").await),
        ["orders-value", "payments-value"]
    );
    assert_eq!(
        subjects(body(&reader, "/deployments/prod").await),
        ["orders-value"]
    );
    assert_eq!(body(&nobody, "/deployments/prod").await, json!([]));
    // can-i-deploy answers the reader on its subject only.
    let question = |subject: &str| {
        json!({"subject": subject, "environment": "prod", "schemaType": "JSON",
               "schema": schema(1)["schema"]})
    };
    let allowed = call(
        &reader,
        "POST",
        "/can-i-deploy",
        Some(question("orders-value")),
    )
    .await;
    assert_eq!(allowed.status, 200, "{}", allowed.text);
    assert_eq!(allowed.body["matrix"][0]["consumer"], json!("billing"));
    let refused = call(
        &reader,
        "POST",
        "/can-i-deploy",
        Some(question("payments-value")),
    )
    .await;
    assert_eq!(
        (refused.status, refused.code()),
        (403, 40301),
        "{}",
        refused.text
    );
}
