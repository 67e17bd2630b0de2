//! The source labels of a referrer (`referrers-api`, `tag-schema`, `cosign-tags`) and every join of them, so that
//! a referrer found by several methods carries one static label.

/// Source labels, in the order they are joined.
pub const SOURCES: [&str; 3] = ["referrers-api", "tag-schema", "cosign-tags"];

/// Every join of [`SOURCES`] in order, indexed by a bit set (bit `i` = `SOURCES[i]`), so that a referrer's
/// `source` is a static label, not a string built per referrer.
const SOURCE_LABELS: [&str; 8] = [
    "",
    "referrers-api",
    "tag-schema",
    "referrers-api+tag-schema",
    "cosign-tags",
    "referrers-api+cosign-tags",
    "tag-schema+cosign-tags",
    "referrers-api+tag-schema+cosign-tags",
];

/// The bit set of a label of [`SOURCE_LABELS`] (0 for anything else).
fn source_bits(label: &str) -> usize {
    SOURCE_LABELS.iter().position(|l| *l == label).unwrap_or(0)
}

/// `label` joined with `source` (one of [`SOURCES`]), in [`SOURCES`] order.
pub(crate) fn join_source(label: &str, source: &str) -> &'static str {
    let bit = SOURCES
        .iter()
        .position(|s| *s == source)
        .map_or(0, |i| 1 << i);
    SOURCE_LABELS[source_bits(label) | bit]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_join_in_order_whatever_order_they_are_found() {
        assert_eq!(join_source("", "tag-schema"), "tag-schema");
        assert_eq!(
            join_source("cosign-tags", "referrers-api"),
            "referrers-api+cosign-tags"
        );
        assert_eq!(
            join_source("tag-schema+cosign-tags", "tag-schema"),
            "tag-schema+cosign-tags"
        );
        let all = ["cosign-tags", "referrers-api", "tag-schema"]
            .iter()
            .fold("", |l, s| join_source(l, s));
        assert_eq!(all, SOURCES.join("+"));
        for (bits, label) in SOURCE_LABELS.iter().enumerate() {
            let joined: Vec<&str> = (0..3)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| SOURCES[i])
                .collect();
            assert_eq!(*label, joined.join("+"));
        }
    }
}
