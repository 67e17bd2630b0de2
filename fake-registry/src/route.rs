//! The request path router: which Distribution API route a path names. Auth (the scope of a challenge), the
//! request pipeline (which answer a profile gives) and the API (which handler runs) all read it.
//!
//! Paths are parsed by hand from the right, because repository names contain slashes.

/// A parsed API route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/v2/`
    Base,
    /// `/v2/<name>/manifests/<reference>`
    Manifest { repo: String, reference: String },
    /// `/v2/<name>/blobs/<digest>`
    Blob { repo: String, digest: String },
    /// `/v2/<name>/blobs/uploads/`
    UploadStart { repo: String },
    /// `/v2/<name>/blobs/uploads/<id>`
    Upload { repo: String, id: String },
    /// `/v2/<name>/tags/list`
    Tags { repo: String },
    /// `/v2/<name>/referrers/<digest>`
    Referrers { repo: String, digest: String },
    /// Anything else.
    Unknown,
}

impl Route {
    /// Parse a path (without query) into a route.
    pub(crate) fn parse(path: &str) -> Route {
        if path == "/v2/" || path == "/v2" {
            return Route::Base;
        }
        let Some(rest) = path.strip_prefix("/v2/") else {
            return Route::Unknown;
        };
        if let Some(repo) = rest.strip_suffix("/tags/list") {
            return Route::Tags { repo: repo.into() };
        }
        if let Some(repo) = rest.strip_suffix("/blobs/uploads/") {
            return Route::UploadStart { repo: repo.into() };
        }
        if let Some(repo) = rest.strip_suffix("/blobs/uploads") {
            return Route::UploadStart { repo: repo.into() };
        }
        let Some((before, last)) = rest.rsplit_once('/') else {
            return Route::Unknown;
        };
        if last.is_empty() {
            return Route::Unknown;
        }
        if let Some(repo) = before.strip_suffix("/blobs/uploads") {
            return Route::Upload {
                repo: repo.into(),
                id: last.into(),
            };
        }
        if let Some(repo) = before.strip_suffix("/manifests") {
            return Route::Manifest {
                repo: repo.into(),
                reference: last.into(),
            };
        }
        if let Some(repo) = before.strip_suffix("/blobs") {
            return Route::Blob {
                repo: repo.into(),
                digest: last.into(),
            };
        }
        if let Some(repo) = before.strip_suffix("/referrers") {
            return Route::Referrers {
                repo: repo.into(),
                digest: last.into(),
            };
        }
        Route::Unknown
    }

    /// [`Route::parse`] for a registry whose upload sessions live at `/v2/<name>/uploads/<id>` when `bare_uploads`
    /// (and only there: `blobs/uploads/<id>` is then not routed).
    pub(crate) fn parse_for(path: &str, bare_uploads: bool) -> Route {
        let route = Route::parse(path);
        if !bare_uploads {
            return route;
        }
        match route {
            Route::Upload { .. } => Route::Unknown,
            Route::Unknown => path
                .strip_prefix("/v2/")
                .and_then(|rest| rest.rsplit_once('/'))
                .and_then(|(before, id)| {
                    let repo = before.strip_suffix("/uploads")?;
                    (!id.is_empty() && !repo.is_empty()).then(|| Route::Upload {
                        repo: repo.into(),
                        id: id.into(),
                    })
                })
                .unwrap_or(Route::Unknown),
            other => other,
        }
    }

    /// The repository of the route, if it has one.
    pub(crate) fn repo(&self) -> Option<&str> {
        match self {
            Route::Manifest { repo, .. }
            | Route::Blob { repo, .. }
            | Route::UploadStart { repo }
            | Route::Upload { repo, .. }
            | Route::Tags { repo }
            | Route::Referrers { repo, .. } => Some(repo),
            Route::Base | Route::Unknown => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_upload_sessions_route_only_where_asked() {
        let bare = |p| Route::parse_for(p, true);
        assert_eq!(
            bare("/v2/a/b/uploads/123"),
            Route::Upload {
                repo: "a/b".into(),
                id: "123".into()
            }
        );
        assert_eq!(bare("/v2/a/b/blobs/uploads/123"), Route::Unknown);
        assert_eq!(
            bare("/v2/a/b/blobs/uploads/"),
            Route::UploadStart { repo: "a/b".into() }
        );
        assert_eq!(bare("/v2/uploads/123"), Route::Unknown);
        assert_eq!(
            Route::parse_for("/v2/a/b/uploads/123", false),
            Route::Unknown
        );
    }

    #[test]
    fn routes() {
        let route = Route::parse;
        assert_eq!(route("/v2/"), Route::Base);
        assert_eq!(
            route("/v2/a/b/c/manifests/latest"),
            Route::Manifest {
                repo: "a/b/c".into(),
                reference: "latest".into()
            }
        );
        assert_eq!(
            route("/v2/x/manifests/y/manifests/z"),
            Route::Manifest {
                repo: "x/manifests/y".into(),
                reference: "z".into()
            }
        );
        assert_eq!(
            route("/v2/a/blobs/uploads/"),
            Route::UploadStart { repo: "a".into() }
        );
        assert_eq!(
            route("/v2/a/b/blobs/uploads/123"),
            Route::Upload {
                repo: "a/b".into(),
                id: "123".into()
            }
        );
        assert_eq!(route("/v2/a/tags/list"), Route::Tags { repo: "a".into() });
        assert_eq!(
            route("/v2/a/referrers/sha256:00"),
            Route::Referrers {
                repo: "a".into(),
                digest: "sha256:00".into()
            }
        );
        assert_eq!(route("/v2/a/manifests/"), Route::Unknown);
        assert_eq!(route("/other"), Route::Unknown);
        assert_eq!(route("/v2/a"), Route::Unknown);
    }
}
