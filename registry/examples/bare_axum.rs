//! The benchmark's baseline: a bare axum route shaped like
//! `GET /schemas/ids/{id}`, answering a constant JSON body, with no state,
//! middleware or store.
//!
//! Usage: `bare_axum ADDRESS [BODY_BYTES]` (prints `listening on ADDRESS`).
//! BODY_BYTES pads the body to the size the registry answers on average, so
//! both servers write the same bytes.

use axum::Router;
use axum::extract::Path;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use bytes::Bytes;

/// `{"schema":"{\"type\":\"object\",...}","schemaType":"JSON"}` of about
/// `size` bytes.
fn body(size: usize) -> Bytes {
    let head = r#"{"schema":"{\"type\":\"object\",\"properties\":{"#;
    let tail = r#"}}","schemaType":"JSON"}"#;
    let mut text = String::from(head);
    let mut n = 0;
    while text.len() + tail.len() < size {
        if n > 0 {
            text.push(',');
        }
        text.push_str(&format!(r#"\"p{n}\":{{\"type\":\"string\"}}"#));
        n += 1;
    }
    text.push_str(tail);
    Bytes::from(text)
}

#[tokio::main]
#[allow(clippy::print_stdout)] // the address line is this program's output
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let address = args.next().unwrap_or_else(|| "127.0.0.1:0".into());
    let size = args.next().and_then(|s| s.parse().ok()).unwrap_or(120);
    let body = body(size);
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("listening on {}", listener.local_addr()?);
    let route = get(move |Path(_id): Path<u32>| {
        let body = body.clone();
        async move {
            (
                [(CONTENT_TYPE, "application/vnd.schemaregistry.v1+json")],
                body,
            )
                .into_response()
        }
    });
    axum::serve(listener, Router::new().route("/schemas/ids/{id}", route)).await
}
