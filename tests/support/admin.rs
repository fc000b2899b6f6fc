//! The Admin API in the tests: its key, clients holding it, canned answers
//! of its operations, and the checks every admin request must pass.

use anthropic_client::{Client, ClientBuilder};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::runtime::API_KEY;

/// The Admin API key of the tests; as distinctive as [`API_KEY`], and
/// different from it, so a request shows which of the two it carries.
pub const ADMIN_KEY: &str = "sk-ant-admin01-SECRET-never-print-9876543210";

/// A builder with the admin key only, and `base_url`.
pub fn admin_builder(base_url: &str) -> ClientBuilder {
    Client::builder().admin_key(ADMIN_KEY).base_url(base_url)
}

/// A client with the admin key only, and `base_url`.
pub fn admin_client(base_url: &str) -> Client {
    admin_builder(base_url)
        .build()
        .expect("a valid admin client")
}

/// A client with both keys, and `base_url`.
pub fn both_keys_client(base_url: &str) -> Client {
    admin_builder(base_url)
        .api_key(API_KEY)
        .build()
        .expect("a client with both keys")
}

/// A 200 answer with `body` and a request id.
pub fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("request-id", "req_admin")
        .set_body_json(body)
}

/// Answers `verb url_path` on `server` with `body`.
pub async fn answer(server: &MockServer, verb: &str, url_path: &str, body: Value) {
    Mock::given(method(verb))
        .and(path(url_path))
        .respond_with(ok(body))
        .mount(server)
        .await;
}

/// Asserts that `request` went to `verb url_path` with the admin key, and
/// only it, as its credential.
pub fn assert_admin_request(request: &Request, verb: &str, url_path: &str) {
    assert_eq!(
        (request.method.as_str(), request.url.path()),
        (verb, url_path)
    );
    let keys: Vec<_> = request.headers.get_all("x-api-key").iter().collect();
    assert_eq!(keys.len(), 1, "{verb} {url_path}: one x-api-key");
    assert_eq!(keys[0], ADMIN_KEY, "{verb} {url_path}: the admin key");
    assert_eq!(request.headers["anthropic-version"], "2023-06-01");
    for (name, value) in &request.headers {
        assert!(
            !value
                .as_bytes()
                .windows(API_KEY.len())
                .any(|w| w == API_KEY.as_bytes()),
            "{verb} {url_path}: the ordinary key is in `{name}`"
        );
    }
}

pub fn organization() -> Value {
    json!({"id": "org_01", "name": "Acme Corp", "type": "organization"})
}

pub fn user(id: &str, email: &str, role: &str) -> Value {
    json!({
        "id": id,
        "type": "user",
        "email": email,
        "name": format!("Name of {id}"),
        "role": role,
        "added_at": "2024-10-30T23:58:27.427722Z"
    })
}

pub fn invite(id: &str, email: &str, role: &str, status: &str) -> Value {
    json!({
        "id": id,
        "type": "invite",
        "email": email,
        "role": role,
        "status": status,
        "invited_at": "2024-10-30T23:58:27.427722Z",
        "expires_at": "2024-11-20T23:58:27.427722Z"
    })
}

pub fn workspace(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "type": "workspace",
        "name": name,
        "display_color": "#6C5BB9",
        "created_at": "2024-10-30T23:58:27.427722Z",
        "archived_at": null,
        "data_residency": {
            "workspace_geo": "us",
            "allowed_inference_geos": "unrestricted",
            "default_inference_geo": "global"
        }
    })
}

pub fn member(workspace_id: &str, user_id: &str, role: &str) -> Value {
    json!({
        "type": "workspace_member",
        "workspace_id": workspace_id,
        "user_id": user_id,
        "workspace_role": role
    })
}

pub fn api_key(id: &str, name: &str, status: &str) -> Value {
    json!({
        "id": id,
        "type": "api_key",
        "name": name,
        "status": status,
        "partial_key_hint": "sk-ant-api03-R2D...igAA",
        "created_at": "2024-10-30T23:58:27.427722Z",
        "created_by": {"id": "user_01", "type": "user"},
        "workspace_id": "wrkspc_01"
    })
}

/// A cursor-paged list page holding `items`, each with an `id` (or a
/// `user_id`, for workspace members).
pub fn list_page(items: Vec<Value>, has_more: bool) -> Value {
    let id = |item: &Value| item.get("id").or_else(|| item.get("user_id")).cloned();
    json!({
        "data": items,
        "first_id": items.first().and_then(id),
        "last_id": items.last().and_then(id),
        "has_more": has_more
    })
}

/// A report page: `data`, `has_more` and `next_page`.
pub fn report_page(buckets: Vec<Value>, next_page: Option<&str>) -> Value {
    json!({"data": buckets, "has_more": next_page.is_some(), "next_page": next_page})
}

/// One result of a Messages usage bucket.
pub fn usage_result(model: Option<&str>, output_tokens: i64) -> Value {
    json!({
        "api_key_id": null,
        "workspace_id": null,
        "model": model,
        "service_tier": null,
        "context_window": null,
        "inference_geo": null,
        "uncached_input_tokens": 1500,
        "cache_creation": {"ephemeral_1h_input_tokens": 1000, "ephemeral_5m_input_tokens": 500},
        "cache_read_input_tokens": 200,
        "output_tokens": output_tokens,
        "server_tool_use": {"web_search_requests": 10}
    })
}

/// A time bucket of a report: from `starting_at`, one day wide.
pub fn bucket(starting_at: &str, ending_at: &str, results: Vec<Value>) -> Value {
    json!({"starting_at": starting_at, "ending_at": ending_at, "results": results})
}

/// One item of a cost bucket.
pub fn cost_result(amount: &str, workspace_id: Option<&str>) -> Value {
    json!({
        "amount": amount,
        "currency": "USD",
        "workspace_id": workspace_id,
        "description": null,
        "cost_type": null,
        "model": null,
        "token_type": null,
        "service_tier": null,
        "context_window": null,
        "inference_geo": null
    })
}

/// One record of the Claude Code usage report; `actor` is its `actor` object.
pub fn claude_code_record(actor: Value, sessions: i64) -> Value {
    json!({
        "actor": actor,
        "organization_id": "org_01",
        "customer_type": "api",
        "terminal_type": "vscode",
        "date": "2025-08-08",
        "core_metrics": {
            "num_sessions": sessions,
            "lines_of_code": {"added": 100, "removed": 10},
            "commits_by_claude_code": 2,
            "pull_requests_by_claude_code": 1
        },
        "model_breakdown": [{
            "model": "claude-sonnet-4-5",
            "tokens": {"input": 100, "output": 200, "cache_read": 0, "cache_creation": 0},
            "estimated_cost": {"amount": 12.5, "currency": "USD"}
        }],
        "tool_actions": {"edit_tool": {"accepted": 3, "rejected": 1}}
    })
}
