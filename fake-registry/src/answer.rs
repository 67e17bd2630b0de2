//! A profile's canned answers ([`Canned`], declarative data) as responses; the API, auth and the request pipeline
//! all send them.

use bytes::Bytes;

use crate::message::Resp;
use crate::profile::Canned;

/// Turn a canned profile answer into a response.
pub(crate) fn canned(c: &Canned) -> Resp {
    let mut r = Resp::with_body(
        c.status,
        c.content_type,
        Bytes::from_static(c.body.as_bytes()),
    );
    for (k, v) in c.headers {
        r.headers.push(((*k).to_string(), (*v).to_string()));
    }
    r
}

/// A canned answer whose body may name the requested reference (`{reference}`).
pub(crate) fn canned_ref(c: &Canned, reference: &str) -> Resp {
    let mut r = canned(c);
    if c.body.contains("{reference}") {
        r.body = Bytes::from(c.body.replace("{reference}", reference));
    }
    r
}
