//! The rules a scenario must keep beyond its types: a file-stem id, known profile names, overrides that say what
//! they rest on, budgets of at least one second, and expectations that fit the operation.

use fake_registry::Profile;

use super::expect::Expect;
use super::file::{Operation, Scenario, ScenarioError};

pub(super) fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    let invalid = |field: &str, problem: String| ScenarioError::Invalid {
        file: s.file.clone(),
        field: field.to_string(),
        problem,
    };
    if s.id.is_empty()
        || !s
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(invalid(
            "(file name)",
            format!(
                "scenario ids are file stems of lowercase letters, digits and '-'; got {:?}",
                s.id
            ),
        ));
    }
    if s.spec.description.trim().is_empty() {
        return Err(invalid("description", "must not be empty".into()));
    }
    let profiles = Profile::all();
    let known: Vec<&str> = profiles.iter().map(|p| p.name()).collect();
    let check_profile = |field: &str, name: &str| {
        if known.contains(&name) {
            Ok(())
        } else {
            Err(invalid(
                field,
                format!("unknown profile {name:?}; known: {}", known.join(", ")),
            ))
        }
    };
    if let Some(only) = &s.spec.applies_to.only {
        for p in only {
            check_profile("applies_to.only", p)?;
        }
    }
    for p in &s.spec.applies_to.except {
        check_profile("applies_to.except", p)?;
    }
    let check_expect = |prefix: &str, e: &Expect| -> Result<(), ScenarioError> {
        if e.no_errors && !e.errors.is_empty() {
            return Err(invalid(
                &format!("{prefix}no_errors"),
                "contradicts a non-empty `errors` list".into(),
            ));
        }
        Ok(())
    };
    check_expect("expect.", &s.spec.expect)?;
    for (name, o) in &s.spec.profiles {
        check_profile(&format!("profiles.{name}"), name)?;
        if o.because.trim().is_empty() {
            return Err(invalid(
                &format!("profiles.{name}.because"),
                "an override must name the registry fact it rests on, with its primary source"
                    .into(),
            ));
        }
        check_expect(&format!("profiles.{name}."), &o.expect)?;
    }
    match &s.spec.operation {
        Operation::Check {
            timeout_seconds, ..
        }
        | Operation::Discover {
            timeout_seconds, ..
        } if *timeout_seconds == 0 => {
            return Err(invalid(
                "operation.timeout_seconds",
                "must be at least 1".into(),
            ));
        }
        Operation::Discover {
            max_concurrent: Some(0),
            ..
        } => {
            return Err(invalid(
                "operation.max_concurrent",
                "must be at least 1".into(),
            ));
        }
        Operation::Discover { repeat: 0, .. } => {
            return Err(invalid("operation.repeat", "must be at least 1".into()));
        }
        _ => {}
    }
    if matches!(s.spec.operation, Operation::Check { .. })
        && (s.spec.expect.method.is_some() || s.spec.expect.referrers.is_some())
    {
        return Err(invalid(
            "expect",
            "`method` and `referrers` apply to discover operations, not check".into(),
        ));
    }
    Ok(())
}
