//! A fake profile as a [`Target`]: a fresh embedded fake registry per cell, seeded by its store, with the
//! scenario's faults and credentials, and its request log read for the wire checks.

use std::sync::Arc;

use fake_registry::profile::Anonymous;
use fake_registry::{FakeRegistry, Profile, SeedError, StartError};

use crate::scenario::Scenario;
use crate::target::{RequestLog, ServeError, Served, Target, UserPass};
use crate::wire::WireLog;

/// One fake profile: the rows of the fake matrix.
#[derive(Debug, Clone, Copy)]
pub struct FakeTarget {
    pub profile: Profile,
}

impl FakeTarget {
    pub fn new(profile: Profile) -> FakeTarget {
        FakeTarget { profile }
    }

    /// One target per profile, in the profiles' order.
    pub fn all(profiles: &[Profile]) -> Vec<FakeTarget> {
        profiles.iter().copied().map(FakeTarget::new).collect()
    }

    /// The credentials the fake accepts in a cell of `scenario`: the scenario's `[registry] credentials`, else
    /// the profile's default where it always wants some (ECR's `AWS:demo`).
    pub fn accepted(&self, scenario: &Scenario) -> Option<UserPass> {
        match &scenario.spec.registry.credentials {
            Some(c) => {
                let (u, p) = c.split_once(':').unwrap_or((c.as_str(), ""));
                Some(UserPass::new(u, p))
            }
            None => default_credentials(&self.profile).map(|(u, p)| UserPass::new(u, p)),
        }
    }
}

/// The credentials a profile accepts when none were configured (ECR's `AWS:demo`), if it always wants some.
pub fn default_credentials(profile: &Profile) -> Option<(&'static str, &'static str)> {
    match profile.behaviour().auth.anonymous {
        Anonymous::Always { user, password } => Some((user, password)),
        _ => None,
    }
}

struct FakeLog(Arc<FakeRegistry>);

impl RequestLog for FakeLog {
    fn clear(&self) {
        self.0.clear_log();
    }

    fn read(&self) -> WireLog {
        WireLog {
            requests: self.0.request_log(),
            peak_in_flight: self.0.peak_in_flight(),
        }
    }
}

impl Target for FakeTarget {
    fn row(&self) -> &str {
        self.profile.name()
    }

    fn counterpart(&self) -> Profile {
        self.profile
    }

    fn skip_reason(&self, scenario: &Scenario) -> Option<String> {
        (!scenario.applies_to(&self.profile)).then(|| "does not apply to this profile".to_string())
    }

    async fn serve(&self, scenario: &Scenario) -> Result<Served, ServeError> {
        let spec = &scenario.spec;
        let mut builder = FakeRegistry::builder()
            .profile(self.profile)
            .seed(spec.seed.clone())
            .faults(spec.faults.clone());
        let accepted = self.accepted(scenario);
        if let (Some(c), Some(_)) = (&accepted, &spec.registry.credentials) {
            builder = builder.credentials(&c.username, &c.password);
        }
        if let Some(n) = spec.registry.page_size {
            builder = builder.page_size(n);
        }
        let fake = match tokio::task::spawn_blocking(move || builder.start()).await {
            Ok(Ok(f)) => Arc::new(f),
            Ok(Err(StartError::Seed(e @ SeedError::NotHoldable(_)))) => {
                return Err(ServeError::Unsupported(e.to_string()));
            }
            Ok(Err(e)) => {
                return Err(ServeError::Failed(format!(
                    "fake registry did not start: {e}"
                )));
            }
            Err(e) => {
                return Err(ServeError::Failed(format!(
                    "fake registry start panicked: {e}"
                )));
            }
        };
        Ok(Served {
            base_url: fake.base_url(),
            seeded: fake.seeded().clone(),
            accepted,
            log: Some(Box::new(FakeLog(fake.clone()))),
            keep_alive: Box::new(fake),
        })
    }
}
