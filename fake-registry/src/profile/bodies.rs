//! Canned bodies of real registries' answers that are too long to read inline in a profile: profile-level data,
//! which the profile tables and the request pipeline both read.

/// The HTML login page of the `gar-2023` profile (the other host's answer to the referrers redirect).
pub const LOGIN_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in - Google Accounts</title></head>\n<body><form action=\"/ServiceLogin\" method=\"post\"><input type=\"email\" name=\"identifier\"><button>Next</button></form></body></html>\n";

/// Distribution's answer to an unknown route (gorilla/mux's text, `text/plain; charset=utf-8`), byte for byte as
/// registry:2.8.2 sends it; the spec-exact profile gives it too.
pub const DISTRIBUTION_NOT_FOUND: &str = "404 page not found\n";

/// The message of Docker Hub's pull-rate-limit 429 (`TOOMANYREQUESTS`).
pub const DOCKERHUB_PULL_LIMIT: &str = "You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit";

/// Path prefix of Docker Hub's blob CDN (production.cloudflare.docker.com), served on the other host.
pub const DOCKERHUB_CDN_PREFIX: &str = "/registry-v2/docker/registry/v2/blobs/";

/// The CDN's answer for a blob it does not hold (`application/xml`).
pub const DOCKERHUB_CDN_NO_SUCH_KEY: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code></Error>";

/// nginx's `limit_req` 429 page (`text/html`), what Quay behind nginx sends when rate limiting is on.
pub const NGINX_429_PAGE: &str = "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// The `message` of GitHub's secondary-rate-limit 403 (GHCR).
pub const GHCR_SECONDARY_LIMIT_MESSAGE: &str =
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
/// The `documentation_url` of GitHub's secondary-rate-limit 403 (GHCR).
pub const GHCR_SECONDARY_LIMIT_DOCS: &str = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";
