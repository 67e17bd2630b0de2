//! The ground truth of a seed ([`Seeded`]): what was put where, the one type the fake's store and the push client
//! for real registries both return and the scenario runner judges discoveries against.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::content::{ReferrerContent, SubjectContent};
use super::storage::{Placement, StoredAs};

fn yes() -> bool {
    true
}

/// Ground truth of a seed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seeded {
    /// Subjects in seed order.
    pub subjects: Vec<SeededSubject>,
}

/// A seeded subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededSubject {
    /// Repository.
    pub repository: String,
    /// Tag.
    pub tag: String,
    /// Digest of the subject manifest.
    pub digest: String,
    /// Media type of the subject manifest.
    pub media_type: String,
    /// Its referrers, in push order.
    pub referrers: Vec<SeededReferrer>,
    /// Was the subject manifest pushed (`push_subject`)?
    #[serde(default = "yes")]
    pub subject_pushed: bool,
}

/// A seeded referrer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededReferrer {
    /// Digest of the referrer manifest.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// `artifactType` as the referrers list carries it (the manifest's own, else its config media type).
    pub artifact_type: Option<String>,
    /// Its size.
    pub size: u64,
    /// Its annotations.
    pub annotations: BTreeMap<String, String>,
    /// Where discovery can find it, in this order when several.
    pub stored_as: Vec<StoredAs>,
}

impl SeededSubject {
    /// The truth of `subject` pushed to `repository`, referrer `i` placed as `placements[i]` (one placement per
    /// referrer; a missing one places it nowhere): its `stored_as` lists the placement's paths, `cosign` only for the
    /// referrer a cosign tag names ([`SubjectContent::cosign_tags`]).
    pub fn placed(
        subject: &SubjectContent,
        repository: String,
        placements: &[Placement],
    ) -> SeededSubject {
        let tagged: BTreeSet<usize> = subject.cosign_tags().into_iter().map(|(_, i)| i).collect();
        let referrers = subject
            .referrers
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let placement = placements.get(i).copied().unwrap_or_default();
                SeededReferrer::of(r, placement.stored_as(tagged.contains(&i)))
            })
            .collect();
        SeededSubject {
            repository,
            tag: subject.tag.clone(),
            digest: subject.manifest.digest.clone(),
            media_type: subject.manifest.media_type.clone(),
            referrers,
            subject_pushed: subject.push_subject,
        }
    }
}

impl SeededReferrer {
    fn of(referrer: &ReferrerContent, stored_as: Vec<StoredAs>) -> SeededReferrer {
        SeededReferrer {
            digest: referrer.manifest.digest.clone(),
            media_type: referrer.manifest.media_type.clone(),
            artifact_type: referrer.descriptor.artifact_type.clone(),
            size: referrer.manifest.size(),
            annotations: referrer.annotations.clone(),
            stored_as,
        }
    }
}
