//! The registry error body (distribution-spec `spec.md#error-codes`):
//! `{"errors":[{"code","message","detail"}]}`. Bodies MAY be anything, so decoding is best effort.

use serde_json::Value;

/// One entry of an error body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorEntry {
    /// The error code, e.g. `NAME_UNKNOWN`; empty when absent.
    pub code: String,
    /// The message; empty when absent.
    pub message: String,
}

/// Decode an error body. `None` when the body is not the spec's error JSON (plain text, HTML, Quay's
/// `{"error": "Not Found"}`).
pub fn decode_errors(body: &[u8]) -> Option<Vec<ErrorEntry>> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let errs = v.get("errors")?.as_array()?;
    Some(
        errs.iter()
            .take(100)
            .map(|e| ErrorEntry {
                code: e
                    .get("code")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .chars()
                    .take(100)
                    .collect(),
                message: e
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .chars()
                    .take(300)
                    .collect(),
            })
            .collect(),
    )
}

/// True when the body's error JSON contains `code`.
pub fn has_error_code(body: &[u8], code: &str) -> bool {
    decode_errors(body).is_some_and(|e| e.iter().any(|x| x.code.eq_ignore_ascii_case(code)))
}

/// A short, printable excerpt of a body for messages (at most 200 characters, control characters dropped).
pub fn body_excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(400)])
        .chars()
        .filter(|c| !c.is_control() || *c == ' ')
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_spec_errors() {
        let b = br#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known","detail":{}}]}"#;
        let e = decode_errors(b).unwrap();
        assert_eq!(e[0].code, "NAME_UNKNOWN");
        assert!(has_error_code(b, "name_unknown"));
        assert!(!has_error_code(b, "MANIFEST_UNKNOWN"));
    }

    #[test]
    fn non_spec_bodies() {
        assert!(decode_errors(b"404 page not found").is_none());
        assert!(decode_errors(br#"{"error": "Not Found"}"#).is_none());
        assert!(decode_errors(br#"{"errors": 5}"#).is_none());
        let e = decode_errors(br#"{"errors":[{"code":7},"x"]}"#).unwrap();
        assert_eq!(e[0].code, "");
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode_errors(&b);
            prop_assert!(body_excerpt(&b).chars().count() <= 200);
        }
    }
}
