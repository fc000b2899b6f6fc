//! The 25 operations of the Admin API on the wire: the method, the path,
//! the query (bracketed arrays and timestamps as sent), the body, the admin
//! key; the answers decoded; and both kinds of pagination across pages.

use anthropic_client::types::{
    AllowedInferenceGeos, ApiKeyStatus, ApiKeyUpdateParams, AssignableOrganizationRole,
    ClaudeCodeActor, ContextWindowRange, CostReportGroupBy, InviteCreateParams, InviteStatus,
    MessagesUsageBucketWidth, MessagesUsageGroupBy, OrganizationRole, UsageReportInferenceGeo,
    UsageReportServiceTier, UserUpdateParams, WorkspaceCreateParams,
    WorkspaceDataResidencyCreateParams, WorkspaceDataResidencyUpdateParams,
    WorkspaceMemberCreateParams, WorkspaceMemberCreateRole, WorkspaceMemberUpdateParams,
    WorkspaceRole, WorkspaceUpdateParams,
};
use anthropic_client::Error;
use chrono::{FixedOffset, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request};
use workspace_tests::admin::{
    admin_client, answer, api_key, assert_admin_request, bucket, claude_code_record, cost_result,
    invite, list_page, member, ok, organization, report_page, usage_result, user, workspace,
};
use workspace_tests::messages::body_json;
use workspace_tests::runtime::pairs;
use workspace_tests::runtime::{query, received};

/// The one request `server` received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "one request");
    requests.remove(0)
}

/// Asserts the request has no body.
fn assert_no_body(request: &Request) {
    assert!(
        request.body.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&request.body)
    );
}

#[tokio::test]
async fn organization_me() {
    let server = MockServer::start().await;
    answer(&server, "GET", "/v1/organizations/me", organization()).await;
    let org = admin_client(&server.uri())
        .admin()
        .organizations()
        .me()
        .send()
        .await
        .expect("me");
    assert_eq!(
        (org.id.as_str(), org.name.as_str()),
        ("org_01", "Acme Corp")
    );
    assert_eq!(org.request_id(), Some("req_admin"));
    let r = only_request(&server).await;
    assert_admin_request(&r, "GET", "/v1/organizations/me");
    assert_eq!(query(&r), pairs(&[]));
    assert_no_body(&r);
}

#[tokio::test]
async fn invites_create_list_get_delete() {
    let uri_path = "/v1/organizations/invites";
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        uri_path,
        invite("invite_01", "ada@example.com", "developer", "pending"),
    )
    .await;
    let client = admin_client(&server.uri());
    let created = client
        .admin()
        .invites()
        .create(InviteCreateParams::new(
            "ada@example.com",
            AssignableOrganizationRole::Developer,
        ))
        .send()
        .await
        .expect("create");
    assert_eq!(created.id, "invite_01");
    assert_eq!(created.status, InviteStatus::Pending);
    assert_eq!(created.role, OrganizationRole::Developer);
    let r = only_request(&server).await;
    assert_admin_request(&r, "POST", uri_path);
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(
        body_json(&r),
        json!({"email": "ada@example.com", "role": "developer"})
    );

    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        uri_path,
        list_page(
            vec![invite("invite_02", "bob@example.com", "user", "expired")],
            false,
        ),
    )
    .await;
    let page = admin_client(&server.uri())
        .admin()
        .invites()
        .list()
        .limit(5)
        .after_id("invite_01")
        .send()
        .await
        .expect("list");
    assert_eq!(page.data[0].status, InviteStatus::Expired);
    assert_eq!(page.last_id.as_deref(), Some("invite_02"));
    let r = only_request(&server).await;
    assert_admin_request(&r, "GET", uri_path);
    assert_eq!(
        query(&r),
        pairs(&[("after_id", "invite_01"), ("limit", "5")])
    );

    let server = MockServer::start().await;
    let one = format!("{uri_path}/invite_01");
    answer(
        &server,
        "GET",
        &one,
        invite("invite_01", "ada@example.com", "billing", "accepted"),
    )
    .await;
    answer(
        &server,
        "DELETE",
        &one,
        json!({"id": "invite_01", "type": "invite_deleted"}),
    )
    .await;
    let client = admin_client(&server.uri());
    let got = client
        .admin()
        .invites()
        .retrieve("invite_01")
        .send()
        .await
        .expect("get");
    assert_eq!(got.role, OrganizationRole::Billing);
    let deleted = client
        .admin()
        .invites()
        .delete("invite_01")
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.id, "invite_01");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_admin_request(&requests[0], "GET", &one);
    assert_admin_request(&requests[1], "DELETE", &one);
    for r in &requests {
        assert_eq!(query(r), pairs(&[]));
        assert_no_body(r);
    }
}

#[tokio::test]
async fn users_list_get_update_remove() {
    let uri_path = "/v1/organizations/users";
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        uri_path,
        list_page(vec![user("user_01", "ada@example.com", "admin")], false),
    )
    .await;
    let page = admin_client(&server.uri())
        .admin()
        .users()
        .list()
        .limit(1000)
        .before_id("user_09")
        .email("ada@example.com")
        .send()
        .await
        .expect("list");
    assert_eq!(page.data[0].role, OrganizationRole::Admin);
    assert_eq!(page.data[0].email, "ada@example.com");
    let r = only_request(&server).await;
    assert_admin_request(&r, "GET", uri_path);
    assert_eq!(
        query(&r),
        pairs(&[
            ("before_id", "user_09"),
            ("limit", "1000"),
            ("email", "ada@example.com")
        ])
    );

    let server = MockServer::start().await;
    // A user id that needs escaping stays one path segment.
    let one = format!("{uri_path}/user%2F01");
    answer(
        &server,
        "GET",
        &one,
        user("user/01", "a@example.com", "user"),
    )
    .await;
    answer(
        &server,
        "POST",
        &one,
        user("user/01", "a@example.com", "claude_code_user"),
    )
    .await;
    answer(
        &server,
        "DELETE",
        &one,
        json!({"id": "user/01", "type": "user_deleted"}),
    )
    .await;
    let client = admin_client(&server.uri());
    let users = client.admin().users();
    let got = users.retrieve("user/01").send().await.expect("get");
    assert_eq!(
        got.added_at.to_rfc3339(),
        "2024-10-30T23:58:27.427722+00:00"
    );
    let updated = users
        .update(
            "user/01",
            UserUpdateParams::new(AssignableOrganizationRole::ClaudeCodeUser),
        )
        .send()
        .await
        .expect("update");
    assert_eq!(updated.role, OrganizationRole::ClaudeCodeUser);
    let removed = users.delete("user/01").send().await.expect("remove");
    assert_eq!(removed.id, "user/01");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_admin_request(&requests[0], "GET", &one);
    assert_admin_request(&requests[1], "POST", &one);
    assert_admin_request(&requests[2], "DELETE", &one);
    assert_eq!(body_json(&requests[1]), json!({"role": "claude_code_user"}));
    assert_no_body(&requests[0]);
    assert_no_body(&requests[2]);
}

#[tokio::test]
async fn workspaces_create_list_get_update_archive() {
    let uri_path = "/v1/organizations/workspaces";
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        uri_path,
        workspace("wrkspc_01", "Research"),
    )
    .await;
    answer(
        &server,
        "GET",
        uri_path,
        list_page(vec![workspace("wrkspc_01", "Research")], false),
    )
    .await;
    let client = admin_client(&server.uri());
    let workspaces = client.admin().workspaces();
    let created = workspaces
        .create(
            WorkspaceCreateParams::new("Research").data_residency(
                WorkspaceDataResidencyCreateParams::new()
                    .workspace_geo("us")
                    .allowed_inference_geos(AllowedInferenceGeos::from(vec![
                        "us".to_string(),
                        "global".to_string(),
                    ]))
                    .default_inference_geo("us"),
            ),
        )
        .send()
        .await
        .expect("create");
    assert_eq!(
        (created.id.as_str(), created.name.as_str()),
        ("wrkspc_01", "Research")
    );
    assert_eq!(created.data_residency.default_inference_geo, "global");
    let listed = workspaces
        .list()
        .include_archived(true)
        .limit(2)
        .send()
        .await
        .expect("list");
    assert_eq!(listed.data.len(), 1);
    let requests = received(&server).await;
    assert_admin_request(&requests[0], "POST", uri_path);
    assert_eq!(
        body_json(&requests[0]),
        json!({
            "name": "Research",
            "data_residency": {
                "workspace_geo": "us",
                "allowed_inference_geos": ["us", "global"],
                "default_inference_geo": "us"
            }
        })
    );
    assert_admin_request(&requests[1], "GET", uri_path);
    assert_eq!(
        query(&requests[1]),
        pairs(&[("limit", "2"), ("include_archived", "true")])
    );

    let server = MockServer::start().await;
    let one = format!("{uri_path}/wrkspc_01");
    let mut archived = workspace("wrkspc_01", "Research");
    archived["archived_at"] = json!("2025-01-02T03:04:05Z");
    answer(&server, "GET", &one, workspace("wrkspc_01", "Research")).await;
    answer(&server, "POST", &one, workspace("wrkspc_01", "Renamed")).await;
    answer(&server, "POST", &format!("{one}/archive"), archived).await;
    let client = admin_client(&server.uri());
    let workspaces = client.admin().workspaces();
    workspaces.retrieve("wrkspc_01").send().await.expect("get");
    let updated = workspaces
        .update(
            "wrkspc_01",
            WorkspaceUpdateParams::new("Renamed").data_residency(
                WorkspaceDataResidencyUpdateParams::new().allowed_inference_geos(
                    serde_json::from_value::<AllowedInferenceGeos>(json!("unrestricted"))
                        .expect("the literal decodes"),
                ),
            ),
        )
        .send()
        .await
        .expect("update");
    assert_eq!(updated.name, "Renamed");
    let archived = workspaces
        .archive("wrkspc_01")
        .send()
        .await
        .expect("archive");
    assert_eq!(
        archived.archived_at.map(|at| at.to_rfc3339()),
        Some("2025-01-02T03:04:05+00:00".to_string())
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_admin_request(&requests[0], "GET", &one);
    assert_admin_request(&requests[1], "POST", &one);
    assert_eq!(
        body_json(&requests[1]),
        json!({"name": "Renamed", "data_residency": {"allowed_inference_geos": "unrestricted"}})
    );
    assert_admin_request(&requests[2], "POST", &format!("{one}/archive"));
    assert_no_body(&requests[2]);
}

#[tokio::test]
async fn workspace_members_add_list_get_update_remove() {
    let uri_path = "/v1/organizations/workspaces/wrkspc_01/members";
    let one = format!("{uri_path}/user_01");
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        uri_path,
        member("wrkspc_01", "user_01", "workspace_developer"),
    )
    .await;
    answer(
        &server,
        "GET",
        uri_path,
        list_page(
            vec![
                member("wrkspc_01", "user_01", "workspace_developer"),
                member("wrkspc_01", "user_02", "workspace_billing"),
            ],
            false,
        ),
    )
    .await;
    answer(
        &server,
        "GET",
        &one,
        member("wrkspc_01", "user_01", "workspace_developer"),
    )
    .await;
    answer(
        &server,
        "POST",
        &one,
        member("wrkspc_01", "user_01", "workspace_admin"),
    )
    .await;
    answer(
        &server,
        "DELETE",
        &one,
        json!({"type": "workspace_member_deleted", "workspace_id": "wrkspc_01", "user_id": "user_01"}),
    )
    .await;
    let client = admin_client(&server.uri());
    let members = client.admin().workspaces().members();
    let added = members
        .create(
            "wrkspc_01",
            WorkspaceMemberCreateParams::new(
                "user_01",
                WorkspaceMemberCreateRole::WorkspaceDeveloper,
            ),
        )
        .send()
        .await
        .expect("add");
    assert_eq!(added.workspace_role, WorkspaceRole::WorkspaceDeveloper);
    let listed = members
        .list("wrkspc_01")
        .limit(2)
        .send()
        .await
        .expect("list");
    assert_eq!(
        listed.data[1].workspace_role,
        WorkspaceRole::WorkspaceBilling
    );
    assert_eq!(listed.last_id.as_deref(), Some("user_02"));
    members
        .retrieve("wrkspc_01", "user_01")
        .send()
        .await
        .expect("get");
    let updated = members
        .update(
            "wrkspc_01",
            "user_01",
            WorkspaceMemberUpdateParams::new(WorkspaceRole::WorkspaceAdmin),
        )
        .send()
        .await
        .expect("update");
    assert_eq!(updated.workspace_role, WorkspaceRole::WorkspaceAdmin);
    let removed = members
        .delete("wrkspc_01", "user_01")
        .send()
        .await
        .expect("remove");
    assert_eq!(
        (removed.workspace_id.as_str(), removed.user_id.as_str()),
        ("wrkspc_01", "user_01")
    );

    let requests = received(&server).await;
    assert_eq!(requests.len(), 5);
    assert_admin_request(&requests[0], "POST", uri_path);
    assert_eq!(
        body_json(&requests[0]),
        json!({"user_id": "user_01", "workspace_role": "workspace_developer"})
    );
    assert_admin_request(&requests[1], "GET", uri_path);
    assert_eq!(query(&requests[1]), pairs(&[("limit", "2")]));
    assert_admin_request(&requests[2], "GET", &one);
    assert_admin_request(&requests[3], "POST", &one);
    assert_eq!(
        body_json(&requests[3]),
        json!({"workspace_role": "workspace_admin"})
    );
    assert_admin_request(&requests[4], "DELETE", &one);
    assert_no_body(&requests[4]);
}

#[tokio::test]
async fn api_keys_list_get_update() {
    let uri_path = "/v1/organizations/api_keys";
    let one = format!("{uri_path}/apikey_01");
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        uri_path,
        list_page(vec![api_key("apikey_01", "ci", "active")], false),
    )
    .await;
    answer(&server, "GET", &one, api_key("apikey_01", "ci", "active")).await;
    answer(
        &server,
        "POST",
        &one,
        api_key("apikey_01", "ci-old", "inactive"),
    )
    .await;
    let client = admin_client(&server.uri());
    let keys = client.admin().api_keys();
    let listed = keys
        .list()
        .limit(10)
        .status(ApiKeyStatus::Active)
        .workspace_id("wrkspc_01")
        .created_by_user_id("user_01")
        .send()
        .await
        .expect("list");
    assert_eq!(listed.data[0].created_by.id, "user_01");
    assert_eq!(listed.data[0].workspace_id.as_deref(), Some("wrkspc_01"));
    let got = keys.retrieve("apikey_01").send().await.expect("get");
    assert_eq!(got.partial_key_hint, "sk-ant-api03-R2D...igAA");
    let updated = keys
        .update(
            "apikey_01",
            ApiKeyUpdateParams::new()
                .name("ci-old")
                .status(ApiKeyStatus::Inactive),
        )
        .send()
        .await
        .expect("update");
    assert_eq!(updated.status, ApiKeyStatus::Inactive);
    // A field left out stays as it is: it is not sent as null.
    keys.update("apikey_01", ApiKeyUpdateParams::new().status("archived"))
        .send()
        .await
        .expect("update the status alone");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 4);
    assert_admin_request(&requests[0], "GET", uri_path);
    assert_eq!(
        query(&requests[0]),
        pairs(&[
            ("limit", "10"),
            ("created_by_user_id", "user_01"),
            ("status", "active"),
            ("workspace_id", "wrkspc_01")
        ])
    );
    assert_admin_request(&requests[1], "GET", &one);
    assert_admin_request(&requests[2], "POST", &one);
    assert_eq!(
        body_json(&requests[2]),
        json!({"name": "ci-old", "status": "inactive"})
    );
    assert_eq!(body_json(&requests[3]), json!({"status": "archived"}));
}

const MESSAGES_USAGE: &str = "/v1/organizations/usage_report/messages";
const COST: &str = "/v1/organizations/cost_report";

#[tokio::test]
async fn messages_usage_report_sends_every_filter_in_bracket_form() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        MESSAGES_USAGE,
        report_page(
            vec![bucket(
                "2025-01-01T00:00:00Z",
                "2025-01-02T00:00:00Z",
                vec![usage_result(Some("claude-sonnet-4-5"), 42)],
            )],
            None,
        ),
    )
    .await;
    let starting_at = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("a date");
    let report = admin_client(&server.uri())
        .admin()
        .usage_report()
        .messages(starting_at)
        .ending_at("2025-01-08T00:00:00Z")
        .bucket_width(MessagesUsageBucketWidth::OneDay)
        .group_by([
            MessagesUsageGroupBy::Model,
            MessagesUsageGroupBy::WorkspaceId,
        ])
        .api_key_ids(["apikey_01", "apikey_02"])
        .workspace_ids(["wrkspc_01"])
        .models(["claude-sonnet-4-5", "claude-haiku-4-5"])
        .service_tiers([
            UsageReportServiceTier::Batch,
            UsageReportServiceTier::from("new_tier"),
        ])
        .context_window([ContextWindowRange::UpTo200k])
        .inference_geos([UsageReportInferenceGeo::NotAvailable])
        .limit(7)
        .page("tok_1")
        .send()
        .await
        .expect("report");
    let result = &report.data[0].results[0];
    assert_eq!(result.output_tokens, 42);
    assert_eq!(result.cache_creation.ephemeral_1h_input_tokens, 1000);
    assert_eq!(result.server_tool_use.web_search_requests, 10);
    assert_eq!(result.model.as_deref(), Some("claude-sonnet-4-5"));
    assert!(!report.has_more);

    let r = only_request(&server).await;
    assert_admin_request(&r, "GET", MESSAGES_USAGE);
    assert_eq!(
        query(&r),
        pairs(&[
            ("starting_at", "2025-01-01T00:00:00Z"),
            ("ending_at", "2025-01-08T00:00:00Z"),
            ("bucket_width", "1d"),
            ("group_by[]", "model"),
            ("group_by[]", "workspace_id"),
            ("api_key_ids[]", "apikey_01"),
            ("api_key_ids[]", "apikey_02"),
            ("workspace_ids[]", "wrkspc_01"),
            ("models[]", "claude-sonnet-4-5"),
            ("models[]", "claude-haiku-4-5"),
            ("service_tiers[]", "batch"),
            ("service_tiers[]", "new_tier"),
            ("context_window[]", "0-200k"),
            ("inference_geos[]", "not_available"),
            ("limit", "7"),
            ("page", "tok_1"),
        ])
    );
    // As written on the wire: the brackets and the colons percent-encoded,
    // each value once per name.
    let raw = r.url.query().expect("a query");
    assert!(
        raw.starts_with(
            "starting_at=2025-01-01T00%3A00%3A00Z&ending_at=2025-01-08T00%3A00%3A00Z\
             &bucket_width=1d&group_by%5B%5D=model&group_by%5B%5D=workspace_id&"
        ),
        "{raw}"
    );
    assert_no_body(&r);
}

#[tokio::test]
async fn report_timestamps_are_sent_as_given_and_checked_before_sending() {
    let server = MockServer::start().await;
    answer(&server, "GET", COST, report_page(vec![], None)).await;
    let client = admin_client(&server.uri());
    // A chrono value with an offset keeps it; the `+` is encoded, so the
    // server does not read a space.
    let tokyo = FixedOffset::east_opt(9 * 3600)
        .expect("an offset")
        .with_ymd_and_hms(2025, 1, 1, 9, 0, 0)
        .single()
        .expect("a date");
    client
        .admin()
        .cost_report()
        .retrieve(tokyo)
        .ending_at("2025-01-31T00:00:00.5Z")
        .send()
        .await
        .expect("cost");
    let r = only_request(&server).await;
    assert_eq!(
        query(&r),
        pairs(&[
            ("starting_at", "2025-01-01T09:00:00+09:00"),
            ("ending_at", "2025-01-31T00:00:00.5Z")
        ])
    );
    assert!(
        r.url
            .query()
            .expect("a query")
            .starts_with("starting_at=2025-01-01T09%3A00%3A00%2B09%3A00&"),
        "{:?}",
        r.url.query()
    );

    for (starting_at, ending_at, bad) in [
        ("yesterday", "2025-01-02T00:00:00Z", "starting_at"),
        ("2025-01-01", "2025-01-02T00:00:00Z", "starting_at"),
        ("2025-01-01T00:00:00Z", "2025-13-01T00:00:00Z", "ending_at"),
    ] {
        for result in [
            client
                .admin()
                .usage_report()
                .messages(starting_at)
                .ending_at(ending_at)
                .send()
                .await
                .map(drop),
            client
                .admin()
                .cost_report()
                .retrieve(starting_at)
                .ending_at(ending_at)
                .send()
                .await
                .map(drop),
        ] {
            match result {
                Err(Error::InvalidArgument(why)) => {
                    assert!(why.contains(&format!("`{bad}`")), "{why}");
                    assert!(why.contains("RFC 3339"), "{why}");
                }
                other => panic!("{starting_at} / {ending_at}: {other:?}"),
            }
        }
    }
    assert_eq!(received(&server).await.len(), 1, "nothing more was sent");
}

/// The Claude Code report's day is `YYYY-MM-DD` (a `chrono` date works too),
/// and every report's page size is at least 1: checked before sending.
#[tokio::test]
async fn report_days_and_page_sizes_are_checked_before_sending() {
    let server = MockServer::start().await;
    let client = admin_client(&server.uri());
    for day in ["2025-8-8", "2025-02-30", "2025-08-08T00:00:00Z"] {
        match client.admin().usage_report().claude_code(day).send().await {
            Err(Error::InvalidArgument(why)) => {
                assert!(
                    why.contains("`starting_at` must be a day written YYYY-MM-DD"),
                    "{why}"
                );
                assert!(why.contains(day), "{why}");
            }
            other => panic!("{day}: {other:?}"),
        }
    }
    let limits = [
        client
            .admin()
            .usage_report()
            .claude_code("2025-08-08")
            .limit(0)
            .send()
            .await
            .map(drop),
        client
            .admin()
            .usage_report()
            .messages("2025-01-01T00:00:00Z")
            .limit(0)
            .send()
            .await
            .map(drop),
        client
            .admin()
            .usage_report()
            .messages("2025-01-01T00:00:00Z")
            .limit(1441)
            .send()
            .await
            .map(drop),
        client
            .admin()
            .cost_report()
            .retrieve("2025-01-01T00:00:00Z")
            .limit(0)
            .send()
            .await
            .map(drop),
    ];
    for result in limits {
        match result {
            Err(Error::InvalidArgument(why)) => assert!(why.contains("`limit`"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");

    answer(
        &server,
        "GET",
        "/v1/organizations/usage_report/claude_code",
        report_page(vec![], None),
    )
    .await;
    let day = chrono::NaiveDate::from_ymd_opt(2025, 8, 8).expect("a day");
    client
        .admin()
        .usage_report()
        .claude_code(day)
        .send()
        .await
        .expect("a chrono date");
    assert_eq!(
        query(&only_request(&server).await),
        pairs(&[("starting_at", "2025-08-08")])
    );
}

#[tokio::test]
async fn cost_report_groups_in_bracket_form() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        COST,
        report_page(
            vec![bucket(
                "2025-01-01T00:00:00Z",
                "2025-01-02T00:00:00Z",
                vec![cost_result("123.45", Some("wrkspc_01"))],
            )],
            None,
        ),
    )
    .await;
    let report = admin_client(&server.uri())
        .admin()
        .cost_report()
        .retrieve("2025-01-01T00:00:00Z")
        .bucket_width("1d")
        .group_by([
            CostReportGroupBy::WorkspaceId,
            CostReportGroupBy::Description,
        ])
        .limit(31)
        .send()
        .await
        .expect("cost");
    let item = &report.data[0].results[0];
    assert_eq!(item.amount, "123.45");
    assert_eq!(item.currency, "USD");
    assert_eq!(item.workspace_id.as_deref(), Some("wrkspc_01"));
    let r = only_request(&server).await;
    assert_admin_request(&r, "GET", COST);
    assert_eq!(
        query(&r),
        pairs(&[
            ("starting_at", "2025-01-01T00:00:00Z"),
            ("bucket_width", "1d"),
            ("group_by[]", "workspace_id"),
            ("group_by[]", "description"),
            ("limit", "31"),
        ])
    );
}

#[tokio::test]
async fn claude_code_usage_report() {
    let uri_path = "/v1/organizations/usage_report/claude_code";
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        uri_path,
        report_page(
            vec![
                claude_code_record(
                    json!({"type": "user_actor", "email_address": "ada@example.com"}),
                    3,
                ),
                claude_code_record(json!({"type": "api_actor", "api_key_name": "ci"}), 1),
            ],
            None,
        ),
    )
    .await;
    let report = admin_client(&server.uri())
        .admin()
        .usage_report()
        .claude_code("2025-08-08")
        .limit(50)
        .send()
        .await
        .expect("claude code report");
    assert!(matches!(
        &report.data[0].actor,
        ClaudeCodeActor::UserActor(user) if user.email_address == "ada@example.com"
    ));
    assert!(matches!(
        &report.data[1].actor,
        ClaudeCodeActor::ApiActor(key) if key.api_key_name == "ci"
    ));
    assert_eq!(report.data[0].date.to_string(), "2025-08-08");
    assert_eq!(report.data[0].core_metrics.num_sessions, 3);
    assert_eq!(report.data[0].tool_actions["edit_tool"].accepted, 3);
    let r = only_request(&server).await;
    assert_admin_request(&r, "GET", uri_path);
    assert_eq!(
        query(&r),
        pairs(&[("starting_at", "2025-08-08"), ("limit", "50")])
    );
}

/// Three pages of a report, each found by the previous page's token; the
/// last one also gives a token, which `has_more: false` overrides.
async fn serve_report_pages(server: &MockServer, url_path: &str, pages: [Value; 3]) {
    let [first, second, third] = pages;
    let get = || Mock::given(method("GET")).and(path(url_path));
    get()
        .and(query_param_is_missing("page"))
        .respond_with(ok(first))
        .mount(server)
        .await;
    get()
        .and(query_param("page", "tok_2"))
        .respond_with(ok(second))
        .mount(server)
        .await;
    get()
        .and(query_param("page", "tok_3"))
        .respond_with(ok(third))
        .mount(server)
        .await;
}

fn day(n: u32) -> String {
    format!("2025-01-{n:02}T00:00:00Z")
}

#[tokio::test]
async fn usage_report_items_follow_next_page_across_pages_keeping_the_filters() {
    let server = MockServer::start().await;
    let usage_bucket = |n: u32| bucket(&day(n), &day(n + 1), vec![usage_result(None, n.into())]);
    let mut last = report_page(vec![usage_bucket(5)], None);
    last["next_page"] = json!("tok_4");
    serve_report_pages(
        &server,
        MESSAGES_USAGE,
        [
            report_page(vec![usage_bucket(1), usage_bucket(2)], Some("tok_2")),
            report_page(vec![usage_bucket(3), usage_bucket(4)], Some("tok_3")),
            last,
        ],
    )
    .await;
    let buckets: Vec<_> = admin_client(&server.uri())
        .admin()
        .usage_report()
        .messages(day(1).as_str())
        .group_by(["model", "workspace_id"])
        .models(["claude-sonnet-4-5"])
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("every bucket");
    let starts: Vec<_> = buckets
        .iter()
        .map(|b| b.starting_at.format("%d").to_string())
        .collect();
    assert_eq!(starts, ["01", "02", "03", "04", "05"]);
    assert_eq!(buckets[4].results[0].output_tokens, 5);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "three pages, no fourth");
    let filters = [
        ("starting_at", "2025-01-01T00:00:00Z"),
        ("group_by[]", "model"),
        ("group_by[]", "workspace_id"),
        ("models[]", "claude-sonnet-4-5"),
        ("limit", "2"),
    ];
    for (r, token) in requests.iter().zip([None, Some("tok_2"), Some("tok_3")]) {
        assert_admin_request(r, "GET", MESSAGES_USAGE);
        let mut expected = pairs(&filters);
        expected.extend(token.map(|t| ("page".to_string(), t.to_string())));
        assert_eq!(query(r), expected);
    }
}

#[tokio::test]
async fn cost_report_pages_end_where_has_more_is_false() {
    let server = MockServer::start().await;
    let cost_bucket = |n: u32| bucket(&day(n), &day(n + 1), vec![cost_result("1.5", None)]);
    serve_report_pages(
        &server,
        COST,
        [
            report_page(vec![cost_bucket(1)], Some("tok_2")),
            report_page(vec![], Some("tok_3")),
            report_page(vec![cost_bucket(3)], None),
        ],
    )
    .await;
    let pages: Vec<_> = admin_client(&server.uri())
        .admin()
        .cost_report()
        .retrieve(day(1).as_str())
        .pages()
        .try_collect()
        .await
        .expect("every page");
    // An empty page in the middle does not end the walk; the token does.
    let sizes: Vec<_> = pages.iter().map(|p| p.data.len()).collect();
    assert_eq!(sizes, [1, 0, 1]);
    let tokens: Vec<_> = received(&server)
        .await
        .iter()
        .map(|r| {
            query(r)
                .into_iter()
                .find(|(k, _)| k == "page")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!(tokens, [None, Some("tok_2".into()), Some("tok_3".into())]);
}

#[tokio::test]
async fn a_failed_report_page_ends_the_items_with_its_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COST))
        .and(query_param_is_missing("page"))
        .respond_with(ok(report_page(
            vec![bucket(&day(1), &day(2), vec![])],
            Some("tok_2"),
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COST))
        .and(query_param("page", "tok_2"))
        .respond_with(wiremock::ResponseTemplate::new(403).set_body_json(
            workspace_tests::runtime::error_body("permission_error", "not an admin key"),
        ))
        .mount(&server)
        .await;
    let items: Vec<_> = admin_client(&server.uri())
        .admin()
        .cost_report()
        .retrieve(day(1).as_str())
        .items()
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let err = items[1].as_ref().expect_err("the second page failed");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(
        err.api_error().map(|e| e.message()),
        Some("not an admin key")
    );
}

#[tokio::test]
async fn users_items_follow_the_cursor_across_pages() {
    let uri_path = "/v1/organizations/users";
    let server = MockServer::start().await;
    let get = || Mock::given(method("GET")).and(path(uri_path));
    let users = |ids: &[&str]| -> Vec<Value> {
        ids.iter()
            .map(|id| user(id, &format!("{id}@example.com"), "user"))
            .collect()
    };
    get()
        .and(query_param_is_missing("after_id"))
        .respond_with(ok(list_page(users(&["u1", "u2"]), true)))
        .mount(&server)
        .await;
    get()
        .and(query_param("after_id", "u2"))
        .respond_with(ok(list_page(users(&["u3", "u4"]), true)))
        .mount(&server)
        .await;
    get()
        .and(query_param("after_id", "u4"))
        .respond_with(ok(list_page(users(&["u5"]), false)))
        .mount(&server)
        .await;
    let emails: Vec<_> = admin_client(&server.uri())
        .admin()
        .users()
        .list()
        .limit(2)
        .items()
        .map_ok(|u| u.email)
        .try_collect()
        .await
        .expect("every user");
    assert_eq!(
        emails,
        ["u1", "u2", "u3", "u4", "u5"].map(|id| format!("{id}@example.com"))
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for (r, after) in requests.iter().zip([None, Some("u2"), Some("u4")]) {
        assert_admin_request(r, "GET", uri_path);
        let mut expected = after
            .map(|a| vec![("after_id".to_string(), a.to_string())])
            .unwrap_or_default();
        expected.push(("limit".to_string(), "2".to_string()));
        assert_eq!(query(r), expected);
    }
}
