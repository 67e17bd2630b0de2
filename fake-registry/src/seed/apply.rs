//! Writing a [`SeedContent`] straight into the fake's store (no HTTP), the way clients would have stored it on the
//! profile's registry, and returning the ground truth.

use crate::profile::Profile;
use crate::store::{Store, StoredManifest};

use super::content::{Manifest, SeedContent, SubjectContent, tag_schema_index};
use super::storage::Target;
use super::truth::{Seeded, SeededSubject};

/// Why `profile`'s registry could not hold `content`, if it could not. A registry that refuses every manifest but
/// an image manifest ([`crate::profile::PartialApi::put_non_image`]) holds neither an index subject nor a
/// tag-schema index; one that refuses PUTs by digest cannot hold an index's platform manifests (they are untagged).
/// Nothing else is refused: the store holds what clients would have pushed.
pub(crate) fn not_holdable(profile: Profile, content: &SeedContent) -> Option<String> {
    let partial = &profile.behaviour().partial;
    for s in &content.subjects {
        if !s.children.is_empty()
            && (partial.put_non_image.is_some() || partial.put_by_digest.is_some())
        {
            return Some(format!(
                "subject {} is an image index, and {} refuses image indexes and manifest PUTs by digest",
                s.repository,
                profile.name()
            ));
        }
        let placement = s.storage.resolve(Target::Profile(profile));
        if placement.tag_schema && !s.referrers.is_empty() && partial.put_non_image.is_some() {
            return Some(format!(
                "the referrers of {} need a tag-schema index (an image index), which {} refuses",
                s.repository,
                profile.name()
            ));
        }
    }
    None
}

/// Writes `content` into `store` as `profile`'s registry would hold it.
pub(crate) fn apply_content(store: &Store, profile: Profile, content: &SeedContent) -> Seeded {
    Seeded {
        subjects: content
            .subjects
            .iter()
            .map(|s| apply_subject(store, profile, s))
            .collect(),
    }
}

fn put(store: &Store, repo: &str, m: &Manifest, tag: Option<&str>) {
    let stored = StoredManifest {
        bytes: m.bytes.clone(),
        media_type: m.media_type.clone(),
        subject: None,
        referrer_descriptor: None,
    };
    store.put_manifest(repo, &m.digest, stored, tag);
}

fn apply_subject(store: &Store, profile: Profile, s: &SubjectContent) -> SeededSubject {
    let repo = s.repository.as_str();
    for b in &s.blobs {
        store.put_blob(repo, &b.digest, b.bytes.clone());
    }
    for child in &s.children {
        put(store, repo, child, None);
    }
    if s.push_subject {
        put(store, repo, &s.manifest, Some(&s.tag));
    }

    for r in &s.referrers {
        // Every blob the manifest references, the empty config `{}` included: it is a blob like any other.
        for b in r.blobs() {
            store.put_blob(repo, &b.digest, b.bytes);
        }
        let stored = StoredManifest {
            bytes: r.manifest.bytes.clone(),
            media_type: r.manifest.media_type.clone(),
            subject: Some(s.manifest.digest.clone()),
            referrer_descriptor: Some(r.descriptor.clone()),
        };
        store.put_manifest(repo, &r.manifest.digest, stored, None);
    }

    let placement = s.storage.resolve(Target::Profile(profile));
    if placement.tag_schema && !s.referrers.is_empty() {
        let descriptors: Vec<_> = s.referrers.iter().map(|r| &r.descriptor).collect();
        put(
            store,
            repo,
            &tag_schema_index(&descriptors),
            Some(&s.tag_schema_tag()),
        );
    }
    // GitLab needs no tag-schema tag for its quirk: its profile resolves `sha256-<hex>` to the subject itself.
    if placement.cosign {
        for (tag, i) in &s.cosign_tags() {
            store.set_tag(repo, tag, &s.referrers[*i].manifest.digest);
        }
    }

    let placements = vec![placement; s.referrers.len()];
    SeededSubject::placed(s, s.repository.clone(), &placements)
}
