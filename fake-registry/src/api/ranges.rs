//! Byte ranges on blob GETs: which part a `Range` asks for, and the `416` a registry sends when it cannot serve it
//! ([spec.md "Pulling blobs"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#pulling-blobs),
//! RFC 9110 §14).

use crate::message::Resp;
use crate::profile::RangeRefusal;

/// Parse `Range: bytes=a-b`, `bytes=a-` or the suffix form `bytes=-n` (the last `n` bytes, all of them when the
/// blob is shorter; RFC 9110 §14.1.2) against a length; `None`: unsatisfiable or not understood.
pub(super) fn parse_range(v: &str, len: u64) -> Option<(u64, u64)> {
    let spec = v.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    if a.trim().is_empty() {
        let n: u64 = b.trim().parse().ok()?;
        if n == 0 || len == 0 {
            return None;
        }
        return Some((len.saturating_sub(n), len - 1));
    }
    let start: u64 = a.trim().parse().ok()?;
    let end: u64 = if b.trim().is_empty() {
        len.checked_sub(1)?
    } else {
        b.trim().parse::<u64>().ok()?.min(len.checked_sub(1)?)
    };
    (start <= end).then_some((start, end))
}

/// Why Go's `parseRange` refuses a range (Go `net/http/fs.go`): it starts at or past the end (`errNoOverlap`),
/// or it is malformed or ends before it starts (`invalid range`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GoRefusal {
    NoOverlap,
    Invalid,
}

/// How Go's `parseRange` classifies a range [`parse_range`] refused: a first position at or past the end of a
/// `len`-byte blob is [`GoRefusal::NoOverlap`], anything else [`GoRefusal::Invalid`].
fn go_refusal(v: &str, len: u64) -> GoRefusal {
    let start = v
        .trim()
        .strip_prefix("bytes=")
        .and_then(|s| s.split_once('-'))
        .and_then(|(a, _)| a.trim().parse::<u64>().ok());
    match start {
        Some(s) if s >= len => GoRefusal::NoOverlap,
        _ => GoRefusal::Invalid,
    }
}

/// The `416` for `range` on a `len`-byte blob whose `Docker-Content-Digest` is `digest`, as `refusal` has it.
pub(super) fn refused(refusal: RangeRefusal, range: &str, len: u64, digest: &str) -> Resp {
    match refusal {
        RangeRefusal::Spec => Resp::empty(416).header("content-range", format!("bytes */{len}")),
        RangeRefusal::GoServeContent => {
            let refusal = go_refusal(range, len);
            let text: &[u8] = match refusal {
                GoRefusal::NoOverlap => b"invalid range: failed to overlap\n",
                GoRefusal::Invalid => b"invalid range\n",
            };
            // The blob's Content-Length stays: Go's server writes no more than it announced, and the client reads
            // no more than was written.
            let kept = text.len().min(usize::try_from(len).unwrap_or(usize::MAX));
            let mut resp = Resp::with_body(416, Some("text/plain; charset=utf-8"), &text[..kept])
                .header("x-content-type-options", "nosniff");
            if refusal == GoRefusal::NoOverlap {
                resp = resp.header("content-range", format!("bytes */{len}"));
            }
            resp = resp.header("docker-content-digest", digest);
            if len > kept as u64 {
                resp = resp.short_of(len);
            }
            resp
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Framing;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-3", 10), Some((0, 3)));
        assert_eq!(parse_range("bytes=5-", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=5-100", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=9-5", 10), None);
        assert_eq!(parse_range("bytes=0-0", 0), None);
        assert_eq!(
            parse_range("bytes=-5", 10),
            Some((5, 9)),
            "the last five bytes"
        );
        assert_eq!(
            parse_range("bytes=-500", 10),
            Some((0, 9)),
            "longer than the blob: all of it"
        );
        assert_eq!(parse_range("bytes=-0", 10), None);
    }

    #[test]
    fn go_tells_a_range_past_the_end_from_a_malformed_one() {
        assert_eq!(go_refusal("bytes=5000-10000", 2048), GoRefusal::NoOverlap);
        assert_eq!(go_refusal("bytes=2048-", 2048), GoRefusal::NoOverlap);
        assert_eq!(go_refusal("bytes=500-0", 2048), GoRefusal::Invalid);
        assert_eq!(go_refusal("bytes=-0", 2048), GoRefusal::Invalid);
        assert_eq!(go_refusal("items=0-1", 2048), GoRefusal::Invalid);
    }

    #[test]
    fn go_refusal_keeps_the_blobs_length_and_its_content_range_only_past_the_end() {
        let header = |r: &Resp, name: &str| {
            r.headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let past = refused(
            RangeRefusal::GoServeContent,
            "bytes=5000-",
            2048,
            "sha256:d",
        );
        assert_eq!(past.status, 416);
        assert_eq!(&past.body[..], b"invalid range: failed to overlap\n");
        assert_eq!(
            header(&past, "content-range").as_deref(),
            Some("bytes */2048")
        );
        assert_eq!(past.framing, Framing::ShortOf(2048));
        let backwards = refused(
            RangeRefusal::GoServeContent,
            "bytes=500-0",
            2048,
            "sha256:d",
        );
        assert_eq!(&backwards.body[..], b"invalid range\n");
        assert_eq!(header(&backwards, "content-range"), None);
        let tiny = refused(RangeRefusal::GoServeContent, "bytes=500-0", 4, "sha256:d");
        assert_eq!(
            &tiny.body[..],
            b"inva",
            "no more than the announced four bytes"
        );
        assert_eq!(tiny.framing, Framing::Exact);
        let spec = refused(RangeRefusal::Spec, "bytes=500-0", 2048, "sha256:d");
        assert!(spec.body.is_empty());
        assert_eq!(
            header(&spec, "content-range").as_deref(),
            Some("bytes */2048")
        );
    }
}
