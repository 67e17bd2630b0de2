//! Declared fidelity gaps: the differences between a fake profile and its real counterpart that the fake does not
//! reproduce, each with the reason it remains. A real row lists them in its config (`[[image.fidelity_gap]]`);
//! [`FidelityReport::declare`](super::FidelityReport::declare) marks the differences they cover and returns the declarations nothing matched, so a gap that has
//! been closed, or one whose probe or aspect was misspelt, shows up instead of lingering.

use serde::{Deserialize, Serialize};

/// One declared difference: which probe step and aspect, and why the fake does not reproduce it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FidelityGap {
    /// A probe step id (`upload-chunked/patch-1`), or a pattern with one `*` standing for any characters
    /// (`upload-*/post`).
    pub probe: String,
    /// The aspect as the report names it: `status`, `content-type`, `header <name>`, `body` or `probe`.
    pub aspect: String,
    /// Why the difference remains (what is not emulated and why, or what is unknown), with its source.
    pub why: String,
}

impl FidelityGap {
    /// Whether this declaration covers `probe`'s `aspect`.
    pub fn covers(&self, probe: &str, aspect: &str) -> bool {
        self.aspect == aspect && glob(&self.probe, probe)
    }
}

/// `pattern` with at most one `*` (any characters, none included) against `text`.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.len() >= head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_has_one_wildcard_that_may_match_nothing() {
        assert!(glob("upload-*/post", "upload-chunked/post"));
        assert!(glob("upload-*/post", "upload-/post"));
        assert!(!glob("upload-*/post", "upload-chunked/put"));
        assert!(!glob("a*a", "a"), "head and tail may not overlap");
        assert!(glob("blob-get", "blob-get"));
        assert!(!glob("blob-get", "blob-get-missing"));
    }
}
