//! A request to send: method, URL, `Accept`, and the token scope it needs.

use reqwest::Method;
use url::Url;

/// A request to send.
#[derive(Debug, Clone)]
pub struct Req {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: Url,
    /// `Accept` header.
    pub accept: Option<String>,
    /// Token scope this request needs (`repository:<name>:pull`), if any.
    pub scope: Option<String>,
}

impl Req {
    /// A GET.
    pub fn get(url: Url) -> Req {
        Req {
            method: Method::GET,
            url,
            accept: None,
            scope: None,
        }
    }
    /// A HEAD.
    pub fn head(url: Url) -> Req {
        Req {
            method: Method::HEAD,
            url,
            accept: None,
            scope: None,
        }
    }
    /// Set `Accept`.
    pub fn accept(mut self, a: &str) -> Req {
        self.accept = Some(a.to_string());
        self
    }
    /// Pull scope for `repository`.
    pub fn pull_scope(mut self, repository: &str) -> Req {
        self.scope = Some(format!("repository:{repository}:pull"));
        self
    }
}
