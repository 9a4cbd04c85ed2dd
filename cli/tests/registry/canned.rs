//! A stand-in for another Confluent-compatible registry: canned answers in
//! turn, each request's head recorded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A stand-in registry answering canned responses in turn (the last one
/// repeated), recording each request's head.
pub struct Canned {
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Canned {
    pub fn start(answers: Vec<(u16, &'static str)>) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { return };
                let (status, body) = answers[n.min(answers.len() - 1)];
                answer(stream, status, body, &seen);
            }
        });
        Canned { url, requests }
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads one request head, records it, answers, closes. The head is
/// recorded before the answer is written: once the client has its answer,
/// the test may read the record.
fn answer(mut stream: TcpStream, status: u16, body: &str, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
    }
    let mut request_body = vec![0; length];
    let _ = reader.read_exact(&mut request_body);
    seen.lock().unwrap().push(head);
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}
