//! Request bodies read within their size limit, and response bodies sent whole or stalled.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, Method};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};

use crate::api::{MAX_BLOB_BYTES, MAX_MANIFEST_BYTES};
use crate::message::Resp;
use crate::route::Route;

/// Most bytes of an over-limit request body read (and discarded) before the connection is given up.
const DRAIN_CAP: u64 = 256 * 1024 * 1024;

/// How much of a request body may be held in memory: manifests may not exceed 4 MiB, anything else 64 MiB.
pub(super) struct BodyLimit {
    manifest_put: bool,
}

impl BodyLimit {
    /// The limit for a request with this method and path.
    pub(super) fn of(method: &Method, path: &str) -> BodyLimit {
        BodyLimit {
            manifest_put: method == Method::PUT
                && matches!(Route::parse(path), Route::Manifest { .. }),
        }
    }

    fn bytes(&self) -> usize {
        if self.manifest_put {
            MAX_MANIFEST_BYTES
        } else {
            MAX_BLOB_BYTES
        }
    }

    /// The 413 for a body over the limit.
    pub(super) fn too_large(&self) -> Resp {
        let what = if self.manifest_put {
            "manifest exceeds the 4 MiB limit"
        } else {
            "request body exceeds the 64 MiB limit"
        };
        Resp::error(413, "SIZE_INVALID", what)
    }
}

/// Read a request body into memory; `None` when it is over the limit. A declared `Content-Length` over the limit
/// is refused before reading; a body that grows past it is cut off. Past the limit the body is still read, and
/// discarded (up to [`DRAIN_CAP`]), so the client gets to read the 413 instead of a connection reset.
pub(super) async fn read_within(
    mut body: Incoming,
    headers: &HeaderMap,
    limit: &BodyLimit,
) -> Result<Option<Bytes>, std::io::Error> {
    let limit = limit.bytes();
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut over = declared.is_some_and(|n| n > limit as u64);
    let mut buf: Vec<u8> = Vec::new();
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| std::io::Error::other("client body error"))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len() as u64);
        if !over {
            if buf.len() + data.len() > limit {
                over = true;
                buf = Vec::new();
            } else {
                buf.extend_from_slice(&data);
            }
        }
        if over && total > DRAIN_CAP {
            break;
        }
    }
    Ok((!over).then(|| Bytes::from(buf)))
}

/// Response body: whole, whole but of no announced length (sent chunked), shorter than its announced length, or
/// stalled after its first bytes.
pub(super) enum ResBody {
    Full(Option<Bytes>),
    Chunked(Option<Bytes>),
    /// Less than the `Content-Length` header announces: hyper ends the connection after it.
    Short(Option<Bytes>),
    Stall(Option<Bytes>),
}

impl Body for ResBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            ResBody::Full(b) | ResBody::Chunked(b) | ResBody::Short(b) => {
                Poll::Ready(b.take().map(|b| Ok(Frame::data(b))))
            }
            ResBody::Stall(b) => match b.take() {
                Some(x) => Poll::Ready(Some(Ok(Frame::data(x)))),
                // Never ready: the connection task is dropped at shutdown.
                None => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(
            self,
            ResBody::Full(None) | ResBody::Chunked(None) | ResBody::Short(None)
        )
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ResBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            ResBody::Full(None) => SizeHint::with_exact(0),
            // No exact size: hyper sends no Content-Length and chunks the body.
            ResBody::Chunked(_) | ResBody::Stall(_) => SizeHint::default(),
            // The announced length is the header's; the body ends before it.
            ResBody::Short(_) => SizeHint::default(),
        }
    }
}
