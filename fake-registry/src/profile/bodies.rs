//! Canned bodies of real registries' answers that are too long to read inline in a profile: profile-level data,
//! which the profile tables and the request pipeline both read.

/// The HTML login page of the `gar-2023` profile (the other host's answer to the referrers redirect).
pub const LOGIN_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in - Google Accounts</title></head>\n<body><form action=\"/ServiceLogin\" method=\"post\"><input type=\"email\" name=\"identifier\"><button>Next</button></form></body></html>\n";
