//! Writing a [`SeedContent`] straight into the fake's store (no HTTP), the way clients would have stored it on the
//! profile's registry, and returning the ground truth.

use crate::profile::Profile;
use crate::store::{Store, StoredManifest};

use super::content::{Manifest, SeedContent, SubjectContent, tag_schema_index};
use super::storage::Target;
use super::truth::{Seeded, SeededSubject};

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
        // The empty config `{}` is not written: the store serves it in every repository.
        for b in r.config.iter().chain([&r.layer]) {
            store.put_blob(repo, &b.digest, b.bytes.clone());
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
