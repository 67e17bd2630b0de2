//! A fixed answer a profile sends as it is: the vocabulary every profile table and knob shares.

/// A fixed answer: status, `Content-Type` (none = no header) and exact body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canned {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if the registry sends one.
    pub content_type: Option<&'static str>,
    /// The exact body.
    pub body: &'static str,
    /// Extra headers sent with it (lower-case names).
    pub headers: &'static [(&'static str, &'static str)],
}
