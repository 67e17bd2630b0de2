//! Tag listing with `n`, `last` and `Link`
//! ([spec.md "Listing Tags"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#listing-tags)).

use serde_json::json;

use super::shared::name_unknown;
use crate::message::{Req, Resp, percent_encode};
use crate::state::State;

pub(super) fn tags_list(state: &State, req: &Req, repo: &str) -> Resp {
    let Some(all) = state.store.tags(repo) else {
        return name_unknown(repo);
    };
    let n = match req.param("n") {
        None | Some("") => None,
        Some(v) => match v.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => {
                return Resp::error(
                    400,
                    "PAGINATION_NUMBER_INVALID",
                    "invalid number of results requested",
                );
            }
        },
    };
    let last = req.param("last").unwrap_or("");
    let after: Vec<String> = all
        .into_iter()
        .filter(|t| last.is_empty() || t.as_str() > last)
        .collect();
    let (page, more) = match n {
        Some(n) => (
            after.iter().take(n).cloned().collect::<Vec<_>>(),
            after.len() > n && n > 0,
        ),
        None => (after, false),
    };
    let mut resp = Resp::json(200, &json!({ "name": repo, "tags": page }));
    if more && let (Some(n), Some(l)) = (n, page.last()) {
        resp = resp.header(
            "link",
            format!(
                "</v2/{repo}/tags/list?n={n}&last={}>; rel=\"next\"",
                percent_encode(l)
            ),
        );
    }
    resp
}
