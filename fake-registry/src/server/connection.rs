//! Serving connections: the runtime thread, the accept loops of both listeners, and the hyper service that turns
//! each request into a [`Req`], runs the pipeline and logs what was answered.

use std::net::TcpListener as StdListener;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::sync::watch;

use super::body::{self, BodyLimit, ResBody};
use crate::message::{Framing, Req, Resp, parse_query};
use crate::pipeline::{self, Outcome};
use crate::request_log::{Listener, LoggedRequest};
use crate::state::State;

pub(super) fn run(
    state: Arc<State>,
    primary: StdListener,
    other: StdListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    scheme: &'static str,
    shutdown: watch::Receiver<bool>,
) {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("fake-registry-worker")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fake-registry: cannot build the runtime: {e}");
            return;
        }
    };
    rt.block_on(async move {
        let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
        let mut tasks = Vec::new();
        for (listener, other_host) in [(primary, false), (other, true)] {
            let Ok(l) = tokio::net::TcpListener::from_std(listener) else {
                continue;
            };
            tasks.push(tokio::spawn(accept_loop(
                l,
                state.clone(),
                other_host,
                acceptor.clone(),
                scheme,
                shutdown.clone(),
            )));
        }
        let mut sd = shutdown.clone();
        while !*sd.borrow() {
            if sd.changed().await.is_err() {
                break;
            }
        }
        for t in tasks {
            t.abort();
        }
    });
    rt.shutdown_timeout(Duration::from_millis(200));
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    other_host: bool,
    tls: Option<tokio_rustls::TlsAcceptor>,
    scheme: &'static str,
    mut shutdown: watch::Receiver<bool>,
) {
    let listener_host = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    loop {
        let accepted = tokio::select! {
            _ = shutdown.changed() => break,
            r = listener.accept() => r,
        };
        let stream = match accepted {
            Ok((s, _)) => s,
            Err(_) => {
                // e.g. too many open files: back off briefly instead of spinning.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let tls = tls.clone();
        let host = listener_host.clone();
        let mut sd = shutdown.clone();
        tokio::spawn(async move {
            let svc =
                service_fn(move |req| serve(state.clone(), req, other_host, scheme, host.clone()));
            let http = hyper::server::conn::http1::Builder::new();
            match tls {
                Some(acceptor) => {
                    let Ok(s) = acceptor.accept(stream).await else {
                        return;
                    };
                    let conn = http.serve_connection(TokioIo::new(s), svc);
                    tokio::select! { _ = conn => {}, _ = sd.changed() => {} }
                }
                None => {
                    let conn = http.serve_connection(TokioIo::new(stream), svc);
                    tokio::select! { _ = conn => {}, _ = sd.changed() => {} }
                }
            }
        });
    }
}

fn header_pairs(h: &http::HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}
async fn serve(
    state: Arc<State>,
    req: Request<Incoming>,
    other_host: bool,
    scheme: &'static str,
    listener_host: String,
) -> Result<Response<ResBody>, std::io::Error> {
    let elapsed_ms = state.started.elapsed().as_millis() as u64;
    let _in_flight = state.in_flight.enter();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().map(str::to_string);
    let request_headers = header_pairs(&parts.headers);
    let authorization = parts
        .headers
        .get("authorization")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let log_base = |status: u16,
                    response_headers: Vec<(String, String)>,
                    body: &[u8],
                    fault: Option<String>| LoggedRequest {
        host: listener_host.clone(),
        listener: if other_host {
            Listener::OtherHost
        } else {
            Listener::Registry
        },
        method: parts.method.to_string(),
        path: match &raw_query {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        },
        status,
        authorization: authorization.clone(),
        request_headers: request_headers.clone(),
        response_headers,
        response_body_prefix: String::from_utf8_lossy(&body[..body.len().min(256)]).into_owned(),
        elapsed_ms,
        fault,
    };

    let limit = BodyLimit::of(&parts.method, &path);
    let Some(body) = body::read_within(body, &parts.headers, &limit).await? else {
        let r = finalize(limit.too_large());
        state.push_log(log_base(r.status, r.headers.clone(), &r.body, None));
        return Ok(to_hyper(r, false));
    };
    let req = Req {
        method: parts.method.clone(),
        path: path.clone(),
        query: raw_query.as_deref().map(parse_query).unwrap_or_default(),
        raw_query: raw_query.clone(),
        headers: parts.headers.clone(),
        body,
        other_host,
        scheme,
        listener_host: listener_host.clone(),
    };
    let (outcome, faults) = pipeline::handle(&state, &req).await;
    let fault = (!faults.is_empty()).then(|| faults.join(","));
    match outcome {
        Outcome::Reset => {
            state.push_log(log_base(0, vec![], &[], fault));
            Err(std::io::Error::other("fault: reset"))
        }
        Outcome::Respond(r) => {
            let r = finalize(r);
            state.push_log(log_base(r.status, r.headers.clone(), &r.body, fault));
            Ok(to_hyper(r, false))
        }
        Outcome::Stall(r) => {
            let r = finalize(r);
            state.push_log(log_base(r.status, r.headers.clone(), &r.body, fault));
            // Nothing to withhold after the headers of a body-less answer (a redirect): it goes out whole.
            let stall = !r.body.is_empty();
            Ok(to_hyper(r, stall))
        }
    }
}

/// Add `Content-Length` (except on 1xx/204/304) so the log shows what was sent.
fn finalize(mut r: Resp) -> Resp {
    if r.status != 204 && r.status != 304 && r.status >= 200 {
        match r.framing {
            Framing::Exact => r.set_header("content-length", r.body.len().to_string()),
            Framing::ShortOf(len) => r.set_header("content-length", len.to_string()),
            Framing::Streamed => {}
        }
    }
    r
}

fn to_hyper(r: Resp, stall: bool) -> Response<ResBody> {
    let status =
        http::StatusCode::from_u16(r.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let body = if stall {
        // At most 16 bytes and never the whole body, so the client always waits for more.
        let n = (r.body.len() / 2).min(16);
        ResBody::Stall((n > 0).then(|| r.body.slice(..n)))
    } else if r.framing == Framing::Streamed {
        ResBody::Chunked(Some(r.body))
    } else if let Framing::ShortOf(_) = r.framing {
        ResBody::Short(Some(r.body))
    } else if r.body.is_empty() {
        ResBody::Full(None)
    } else {
        ResBody::Full(Some(r.body))
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    for (k, v) in r.headers {
        if let (Ok(k), Ok(v)) = (
            http::HeaderName::from_bytes(k.as_bytes()),
            http::HeaderValue::from_str(&v),
        ) {
            h.append(k, v);
        }
    }
    resp
}
