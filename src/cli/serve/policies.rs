//! The named policies a service cleans with, loaded and checked once at
//! start, so that a bad policy file stops the start (with the error a
//! cleaning run gives) rather than failing requests.

use std::fs;
use std::path::Path;

use safe_markup::Policy;

use super::super::args::PolicySource;
use super::super::{Fatal, load_policy};
use super::ServeError;
use super::args::{ServeArgs, stem};

/// One named policy, in the two builds a request can need.
pub struct Named {
    pub name: String,
    /// For answers without a report: no spans to record.
    pub plain: Policy,
    /// For answers with a report: each change names its span in the input.
    pub spans: Policy,
}

/// The policies, in the order given; the first is the default.
pub struct Policies {
    list: Vec<Named>,
}

impl Policies {
    /// Loads `--preset`, `--policy` and `--policies DIR`, in that order
    /// (`--preset ugc` when none is given).
    pub fn load(args: &ServeArgs) -> Result<Policies, Fatal> {
        let mut sources: Vec<(String, PolicySource)> = args
            .policies
            .iter()
            .map(|(name, source)| (name.clone(), source.clone()))
            .collect();
        if let Some(dir) = &args.policy_dir {
            sources.extend(dir_sources(dir)?);
        }
        if sources.is_empty() {
            sources.push(("ugc".to_owned(), PolicySource::Preset("ugc".to_owned())));
        }
        let mut list: Vec<Named> = Vec::with_capacity(sources.len());
        for (name, source) in sources {
            if list.iter().any(|p| p.name == name) {
                return Err(Fatal::Serve(ServeError::DuplicatePolicy(name)));
            }
            let plain = load_policy(&source)?;
            let spans = with_spans(&plain).map_err(Fatal::PolicyOptions)?;
            list.push(Named { name, plain, spans });
        }
        Ok(Policies { list })
    }

    pub fn names(&self) -> Vec<&str> {
        self.list.iter().map(|p| p.name.as_str()).collect()
    }

    /// The policy called `name`, or the default one.
    pub fn get(&self, name: Option<&str>) -> Option<&Named> {
        match name {
            None => self.list.first(),
            Some(name) => self.list.iter().find(|p| p.name == name),
        }
    }
}

/// The same policy, recording spans in its reports.
pub fn with_spans(policy: &Policy) -> Result<Policy, safe_markup::PolicyError> {
    policy.to_builder().report_spans(true).build()
}

/// Every `*.toml` in `dir`, sorted by name, as named file sources.
fn dir_sources(dir: &Path) -> Result<Vec<(String, PolicySource)>, Fatal> {
    let dir_error = |source| {
        Fatal::Serve(ServeError::PolicyDir {
            path: dir.to_owned(),
            source,
        })
    };
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(dir_error)? {
        let path = entry.map_err(dir_error)?.path();
        if path.extension().is_some_and(|e| e == "toml")
            && let Some(name) = stem(&path)
        {
            found.push((name, PolicySource::File(path)));
        }
    }
    if found.is_empty() {
        return Err(Fatal::Serve(ServeError::EmptyPolicyDir(dir.to_owned())));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}
