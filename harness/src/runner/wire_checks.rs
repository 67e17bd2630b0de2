//! Wire checks: what the registry's request log shows the client did (credentials kept to the registry's origin
//! and the token realm it named, `Retry-After` honoured, the concurrency bound kept) and how the registry answered
//! (filter applied, pages sent), against the scenario and the counterpart's declarations. Only targets that keep a
//! request log are judged by these.

use fake_registry::{Listener, Profile};

use crate::cell::Observed;
use crate::scenario::{Expect, Expected};
use crate::wire::{self, WireLog};

fn tristate(
    want: Option<Expected<bool>>,
    declared: Option<bool>,
    observed: Option<bool>,
    what: &str,
    reasons: &mut Vec<String>,
) {
    let Some(want) = want else { return };
    // An unknown declaration (None) expects nothing: the observation is recorded, not judged.
    if let Some(w) = want.resolve(|| declared)
        && observed != Some(w)
    {
        reasons.push(format!(
            "{what}: expected {w}, observed {}",
            observed.map_or("nothing".to_string(), |o| o.to_string())
        ));
    }
}

/// Every way the wire differs from what the client and the registry should have done; empty when it matches.
pub(crate) fn judge(
    profile: &Profile,
    expect: &Expect,
    observed: &Observed,
    base_url: &str,
    log: &WireLog,
) -> Vec<String> {
    let mut reasons = Vec::new();
    // Invariant of every cell: credentials never reach another origin, except the token realm the registry's own
    // challenge named there.
    let realms = wire::foreign_realm_paths(base_url, &log.requests);
    for r in &log.requests {
        if r.listener == Listener::OtherHost && r.authorization.is_some() {
            let path = r.path.split('?').next().unwrap_or("");
            if !realms.iter().any(|p| p == path) {
                reasons.push(format!(
                    "credentials leaked: Authorization sent to the other host on {} {}",
                    r.method, r.path
                ));
            }
        }
    }
    if expect.retry_after_honoured
        && let Err(why) = wire::retry_after_honoured(&log.requests)
    {
        reasons.push(why);
    }
    if let Some(max) = expect.max_in_flight
        && log.peak_in_flight > max
    {
        reasons.push(format!(
            "max_concurrent: the registry saw {} requests in flight, limit {max}",
            log.peak_in_flight
        ));
    }
    tristate(
        expect.server_filtered,
        profile.declared().filter,
        observed.wire.server_filtered,
        "server filter (OCI-Filters-Applied)",
        &mut reasons,
    );
    tristate(
        expect.paged,
        profile.declared().paging,
        observed.wire.paged,
        "referrers paging (Link)",
        &mut reasons,
    );
    reasons
}
