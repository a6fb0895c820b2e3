//! thermo: a small HTTP service that converts temperatures.
//!
//!   GET /health                 {"service":"thermo","status":"ok","version":"0.3.0"}
//!   GET /convert?celsius=21.5   {"celsius":21.5,"fahrenheit":70.7,"kelvin":294.65}
//!
//! `thermo --probe` checks a running instance instead of starting one: it calls /health on
//! 127.0.0.1 and exits 0 on a 200, so an image with no shell or curl can use it as HEALTHCHECK.
//!
//! It speaks just enough HTTP/1.1 for the routes above, with the standard library alone, so that
//! its only dependency is `serde_json`: the crate whose compile the Dockerfile caches.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;
use std::{env, process, thread};

const SERVICE: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn main() {
    let addr = env::var("THERMO_ADDR").unwrap_or_else(|_| "0.0.0.0:8080".to_string());
    if env::args().nth(1).as_deref() == Some("--probe") {
        process::exit(probe(&addr));
    }
    let listener = TcpListener::bind(&addr).unwrap_or_else(|err| {
        eprintln!("thermo: cannot listen on {addr}: {err}");
        process::exit(1);
    });
    println!("{SERVICE} {VERSION} listening on {addr}");
    for stream in listener.incoming().flatten() {
        thread::spawn(move || {
            if let Err(err) = handle(stream) {
                eprintln!("thermo: connection error: {err}");
            }
        });
    }
}

/// Calls /health on the local instance; returns the process exit code.
fn probe(addr: &str) -> i32 {
    let port = addr.rsplit(':').next().unwrap_or("8080");
    let answer = TcpStream::connect(format!("127.0.0.1:{port}")).and_then(|mut stream| {
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        stream.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer)
    });
    match answer {
        Ok(text) if text.starts_with("HTTP/1.1 200") => 0,
        Ok(text) => {
            eprintln!("probe: /health answered {:?}", text.lines().next().unwrap_or(""));
            1
        }
        Err(err) => {
            eprintln!("probe: {err}");
            1
        }
    }
}

/// Reads one request, answers it and closes the connection.
fn handle(mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers: no route here needs them.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }

    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let (status, body) = route(method, target);
    let body = body.to_string();
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

fn route(method: &str, target: &str) -> (&'static str, Value) {
    if method != "GET" {
        return ("405 Method Not Allowed", json!({ "error": "only GET is supported" }));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        "/health" => ("200 OK", json!({ "status": "ok", "service": SERVICE, "version": VERSION })),
        "/convert" => match query_value(query, "celsius").and_then(|v| v.parse::<f64>().ok()) {
            Some(celsius) => ("200 OK", convert(celsius)),
            None => ("400 Bad Request", json!({ "error": "give a number, e.g. /convert?celsius=21.5" })),
        },
        _ => ("404 Not Found", json!({ "error": "no such route", "routes": ["/health", "/convert"] })),
    }
}

fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

fn convert(celsius: f64) -> Value {
    let round = |x: f64| (x * 100.0).round() / 100.0;
    json!({
        "celsius": celsius,
        "fahrenheit": round(celsius * 9.0 / 5.0 + 32.0),
        "kelvin": round(celsius + 273.15),
    })
}
