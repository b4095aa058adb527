//! A fault-injecting HTTP proxy for tests, on 127.0.0.1 only, between watchpost and the
//! emulator. It forwards each request, or — by the current [`Fault`] — drops the
//! connection, delays, answers 500/503, throttles a share of requests, or refuses the
//! credentials, in the wire format of the protocol the request used (Query XML for IAM,
//! STS and CloudWatch; REST-JSON for GuardDuty). It counts what it saw.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything.
    Pass,
    /// Close the connection without answering (the emulator "stopped").
    Drop,
    /// Wait this long, then forward.
    Delay(Duration),
    /// Answer with this status (500, 503) and a service error.
    Status(u16),
    /// Throttle every `every`-th request (2 = half of them); forward the rest.
    Throttle { every: usize },
    /// Refuse every request's credentials as expired.
    ExpiredToken,
}

pub struct FaultProxy {
    pub url: String,
    fault: Arc<Mutex<Fault>>,
    requests: Arc<AtomicUsize>,
    throttled: Arc<AtomicUsize>,
    answered: Arc<AtomicUsize>,
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_string();
        let fault = Arc::new(Mutex::new(Fault::Pass));
        let requests = Arc::new(AtomicUsize::new(0));
        let throttled = Arc::new(AtomicUsize::new(0));
        let answered = Arc::new(AtomicUsize::new(0));
        let (f, r, t, a) = (
            fault.clone(),
            requests.clone(),
            throttled.clone(),
            answered.clone(),
        );
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (f, r, t, a, upstream) =
                    (f.clone(), r.clone(), t.clone(), a.clone(), upstream.clone());
                std::thread::spawn(move || {
                    let _ = serve(client, &upstream, &f, &r, &t);
                    a.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        FaultProxy {
            url,
            fault,
            requests,
            throttled,
            answered,
        }
    }

    pub fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
    }

    /// Requests seen since the last reset (answered, faulted or dropped).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Connections finished (answered, faulted or dropped).
    pub fn answered(&self) -> usize {
        self.answered.load(Ordering::SeqCst)
    }

    pub fn throttled(&self) -> usize {
        self.throttled.load(Ordering::SeqCst)
    }

    pub fn reset_counts(&self) {
        self.requests.store(0, Ordering::SeqCst);
        self.throttled.store(0, Ordering::SeqCst);
    }
}

struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn is_query(&self) -> bool {
        String::from_utf8_lossy(&self.body).contains("Action=")
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some(Request { head, body }))
}

fn serve(
    client: TcpStream,
    upstream: &str,
    fault: &Mutex<Fault>,
    requests: &AtomicUsize,
    throttled: &AtomicUsize,
) -> std::io::Result<()> {
    let mut writer = client.try_clone()?;
    let mut reader = BufReader::new(client);
    // One request per connection keeps forwarding simple; clients reconnect.
    if let Some(request) = read_request(&mut reader)? {
        let n = requests.fetch_add(1, Ordering::SeqCst) + 1;
        let current = *fault.lock().unwrap();
        match current {
            Fault::Drop => return Ok(()),
            Fault::Delay(wait) => {
                std::thread::sleep(wait);
                forward(&request, upstream, &mut writer)?;
            }
            Fault::Status(status) => respond(
                &mut writer,
                &request,
                status,
                "InternalFailure",
                "injected fault",
            )?,
            Fault::Throttle { every } if every > 0 && n % every == 0 => {
                throttled.fetch_add(1, Ordering::SeqCst);
                if request.is_query() {
                    respond(&mut writer, &request, 400, "Throttling", "Rate exceeded")?;
                } else {
                    respond(
                        &mut writer,
                        &request,
                        429,
                        "TooManyRequestsException",
                        "Rate exceeded",
                    )?;
                }
            }
            Fault::ExpiredToken => respond(
                &mut writer,
                &request,
                403,
                if request.is_query() {
                    "ExpiredToken"
                } else {
                    "ExpiredTokenException"
                },
                "The security token included in the request is expired",
            )?,
            Fault::Pass | Fault::Throttle { .. } => forward(&request, upstream, &mut writer)?,
        }
    }
    Ok(())
}

/// Sends the request upstream with `Connection: close` and relays the whole answer.
fn forward(request: &Request, upstream: &str, client: &mut TcpStream) -> std::io::Result<()> {
    let mut server = TcpStream::connect(upstream)?;
    let head: String = request
        .head
        .lines()
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    server.write_all(head.as_bytes())?;
    server.write_all(b"Connection: close\r\n\r\n")?;
    server.write_all(&request.body)?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer)?;
    client.write_all(&answer)?;
    client.flush()?;
    Ok(())
}

fn respond(
    client: &mut TcpStream,
    request: &Request,
    status: u16,
    code: &str,
    message: &str,
) -> std::io::Result<()> {
    let reason = match status {
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
    let (content_type, extra, body) = if request.is_query() {
        (
            "text/xml",
            String::new(),
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"
            ),
        )
    } else {
        (
            "application/json",
            format!("x-amzn-ErrorType: {code}\r\n"),
            format!("{{\"message\":\"{message}\"}}"),
        )
    };
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    client.write_all(answer.as_bytes())?;
    client.flush()
}
