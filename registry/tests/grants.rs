//! `GET /grants`: administrators see the grants in force, everyone's or one
//! principal's (given by name or through a role the file gives it); nobody
//! else does. An open registry says it has none.

mod common;

use common::Server;
use common::auth::{basic, hash, start_with_auth};
use serde_json::json;

fn auth_file() -> String {
    let principal = |name: &str, roles: &str| {
        format!(
            "[[principals]]\nname = \"{name}\"\nroles = [{roles}]\npassword_hash = \"{}\"\n\n",
            hash(&format!("pw-{name}"))
        )
    };
    let grant = |who: &str, subjects: &str, permissions: &str| {
        format!("[[grants]]\n{who}\nsubjects = [{subjects}]\npermissions = [{permissions}]\n\n")
    };
    [
        principal("admin", ""),
        principal("ci", "\"producers\""),
        principal("reader", ""),
        grant("principal = \"admin\"", "\"*\"", "\"admin\""),
        grant(
            "role = \"producers\"",
            "\"orders-*\", \"inventory-value\"",
            "\"read\", \"write\"",
        ),
        grant("principal = \"reader\"", "\"orders-*\"", "\"read\""),
        grant("principal = \"ci\"", "\"payments-value\"", "\"configure\""),
    ]
    .concat()
}

#[tokio::test]
async fn administrators_see_the_grants_of_others() {
    let server = start_with_auth(&auth_file(), &[], &[]);
    let admin = basic("admin", "pw-admin");
    let grants = |query: &'static str| {
        let (server, admin) = (&server, admin.clone());
        async move {
            let answer = server
                .call_as(Some(&admin), "GET", &format!("/grants{query}"), None)
                .await;
            assert_eq!(answer.status, 200, "{query}: {}", answer.text);
            answer.body
        }
    };
    assert_eq!(
        grants("").await,
        json!({"authentication": "on", "grants": [
            {"principal": "admin", "subjects": ["*"], "permissions": ["admin"]},
            {"role": "producers", "subjects": ["orders-*", "inventory-value"], "permissions": ["read", "write"]},
            {"principal": "reader", "subjects": ["orders-*"], "permissions": ["read"]},
            {"principal": "ci", "subjects": ["payments-value"], "permissions": ["configure"]},
        ]})
    );
    // One principal's: by its name and through its roles.
    assert_eq!(
        grants("?principal=ci").await,
        json!({"authentication": "on", "principal": "ci", "defined": true, "roles": ["producers"],
        "grants": [
            {"role": "producers", "subjects": ["orders-*", "inventory-value"], "permissions": ["read", "write"]},
            {"principal": "ci", "subjects": ["payments-value"], "permissions": ["configure"]},
        ]})
    );
    assert_eq!(
        grants("?principal=reader").await["grants"],
        json!([{"principal": "reader", "subjects": ["orders-*"], "permissions": ["read"]}])
    );
    // A name the file does not define (a certificate's, a token's) has no
    // file roles.
    assert_eq!(
        grants("?principal=ghost").await,
        json!({"authentication": "on", "principal": "ghost", "defined": false, "roles": [], "grants": []})
    );
    // Not for anyone else, whatever they hold.
    for (user, password) in [("ci", "pw-ci"), ("reader", "pw-reader")] {
        let answer = server
            .call_as(Some(&basic(user, password)), "GET", "/grants", None)
            .await;
        assert_eq!(
            (answer.status, answer.code()),
            (403, 40301),
            "{}",
            answer.text
        );
    }
    let answer = server
        .call_as(None, "GET", "/grants?principal=ci", None)
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (401, 40101),
        "{}",
        answer.text
    );

    let open = Server::start();
    let answer = open.get("/grants").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body, json!({"authentication": "off", "grants": []}));
}
