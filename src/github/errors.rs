//! GitHub's failures in plain words. octocrab's own `Display` says only "GitHub", so we
//! read the status, `message` and `errors[]` ourselves.

use super::types::RateInfo;
use crate::error::Error;
use crate::t;
use http::{HeaderMap, StatusCode};

#[derive(serde::Deserialize, Default)]
struct Body {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    errors: Vec<serde_json::Value>,
}

/// GitHub's `errors[]` entries as sentences.
fn error_lines(errors: &[serde_json::Value]) -> Vec<String> {
    errors
        .iter()
        .filter_map(|e| match e {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Object(o) => {
                if let Some(m) = o.get("message").and_then(|m| m.as_str()) {
                    return Some(m.to_string());
                }
                let field = o.get("field").and_then(|v| v.as_str()).unwrap_or("");
                let code = o.get("code").and_then(|v| v.as_str()).unwrap_or("");
                let resource = o.get("resource").and_then(|v| v.as_str()).unwrap_or("");
                let text = format!("{resource} {field} {code}").trim().to_string();
                (!text.is_empty()).then_some(text)
            }
            _ => None,
        })
        .collect()
}

fn when(rate: &RateInfo) -> String {
    let at = rate.reset_at();
    let mins = (at - chrono::Utc::now()).num_minutes().max(0);
    t!("github.utc_min", time = at.format("%H:%M"), mins = mins).to_string()
}

pub fn api(host: &str, status: StatusCode, headers: &HeaderMap, body: &[u8], what: &str) -> Error {
    let parsed: Body = serde_json::from_slice(body).unwrap_or_default();
    let message = parsed
        .message
        .clone()
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
    let mut err = match status.as_u16() {
        401 => Error::failed(what.to_string())
            .cause(t!(
                "github.rejected_token",
                host = host,
                as_u16 = status.as_u16(),
                message = message
            ))
            .hint(t!("github.token_may_expired_revoked")),
        403 | 429 => {
            let rate = RateInfo::from_headers(headers);
            let retry_after = headers.get("retry-after").and_then(|v| v.to_str().ok());
            if let Some(rate) = rate.filter(|r| r.remaining == 0) {
                Error::unavailable(what.to_string())
                    .cause(t!("github.github_api_rate_limit", limit = rate.limit))
                    .hint(t!("github.resets_try_again_then", rate = when(&rate)))
            } else if let Some(secs) = retry_after {
                Error::unavailable(what.to_string())
                    .cause(t!("github.github_asked_contrib_slow", message = message))
                    .hint(t!("github.wait_seconds_try_again", secs = secs))
            } else {
                Error::failed(what.to_string()).cause(t!(
                    "github.refused",
                    host = host,
                    message = message,
                    status = status.as_u16()
                ))
            }
        }
        404 => Error::failed(what.to_string()).cause(t!("github.not_found_404", host = host)),
        500..=599 => Error::unavailable(what.to_string())
            .cause(t!(
                "github.had_a_problem",
                host = host,
                message = message,
                status = status.as_u16()
            ))
            .hint(t!("github.github_may_having_trouble")),
        _ => Error::failed(what.to_string()).cause(format!("{message} ({})", status.as_u16())),
    };
    for line in error_lines(&parsed.errors) {
        err = err.cause(line);
    }
    err
}

/// A failure to talk to the host at all.
pub fn network(host: &str, err: &(dyn std::error::Error + 'static)) -> Error {
    let mut chain: Vec<String> = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        let text = e.to_string();
        // Wrappers repeat their source ("Service Error: Reqwest Error: …"): keep the words
        // each layer adds, and only the last two layers, which say what actually failed.
        let text = text
            .trim_start_matches("Service Error: ")
            .trim_start_matches("Reqwest Error: ")
            .to_string();
        if !text.is_empty() && text != "GitHub" && !chain.contains(&text) {
            chain.push(text);
        }
        source = e.source();
    }
    let keep = chain.len().saturating_sub(2);
    let chain: Vec<String> = chain.into_iter().skip(keep).collect();
    let timed_out = chain
        .iter()
        .any(|c| c.contains("timed out") || c.contains("timeout"));
    let mut e = Error::unavailable(if timed_out {
        t!("github.did_not_answer_time", host = host)
    } else {
        t!("github.could_not_reach", host = host)
    });
    for c in chain {
        e = e.cause(c);
    }
    e.hint(t!("github.check_network_connection_https", host = host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_message_and_errors_reach_the_user() {
        let body = br#"{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"No commits between main and topic"}],"documentation_url":"x"}"#;
        let e = api(
            "github.com",
            StatusCode::UNPROCESSABLE_ENTITY,
            &HeaderMap::new(),
            body,
            "could not open the PR",
        );
        assert_eq!(e.message, "could not open the PR");
        assert_eq!(
            e.causes,
            [
                "Validation Failed (422)",
                "No commits between main and topic"
            ]
        );
    }

    #[test]
    fn exhausted_rate_limit_is_unavailable_and_says_when() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", "60".parse().unwrap());
        h.insert("x-ratelimit-remaining", "0".parse().unwrap());
        h.insert(
            "x-ratelimit-reset",
            (chrono::Utc::now().timestamp() + 600)
                .to_string()
                .parse()
                .unwrap(),
        );
        let e = api("github.com", StatusCode::FORBIDDEN, &h, b"{}", "x");
        assert_eq!(e.kind, crate::error::Kind::Unavailable);
        assert!(e.hints[0].contains("resets at"), "{:?}", e.hints);
    }
}
