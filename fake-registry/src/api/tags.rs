//! Tag listing with `n`, `last` and `Link`
//! ([spec.md "Listing Tags"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#listing-tags)).

use serde_json::json;

use super::shared::name_unknown;
use crate::message::{Req, Resp, percent_encode};
use crate::state::State;

pub(super) fn tags_list(state: &State, req: &Req, repo: &str) -> Resp {
    let content = &state.profile.behaviour().content;
    let Some(all) = state.store.tags(repo) else {
        if content.tags_missing_repository_empty {
            return Resp::json(200, &json!({ "name": repo, "tags": [] }));
        }
        return name_unknown(repo);
    };
    if !content.tags_paging {
        return Resp::json(200, &json!({ "name": repo, "tags": all }));
    }
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
        let last = percent_encode(l);
        let query = if content.tags_link_last_first {
            format!("last={last}&n={n}")
        } else {
            format!("n={n}&last={last}")
        };
        resp = resp.header(
            "link",
            format!("</v2/{repo}/tags/list?{query}>; rel=\"next\""),
        );
    }
    resp
}
