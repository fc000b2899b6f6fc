//! The admin example against a local server: the command lines of the
//! issue and the rest of the 25 operations, their exact output and what
//! they send; API errors, a missing admin key and bad command lines.

use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use workspace_tests::admin::{
    answer, api_key, assert_admin_request, bucket, claude_code_record, cost_result, invite,
    list_page, member, ok, organization, report_page, usage_result, user, workspace, ADMIN_KEY,
};
use workspace_tests::examples::{Example, Run};
use workspace_tests::messages::body_json;
use workspace_tests::runtime::pairs;
use workspace_tests::runtime::{error_body, query, received, API_KEY};

const ADMIN: Example = Example("admin");

/// Runs the example with the admin key only.
async fn run(server: &MockServer, args: &[&str]) -> Run {
    ADMIN
        .run_with_keys(None, Some(ADMIN_KEY), &server.uri(), args)
        .await
}

fn assert_succeeded(out: &Run, stdout: &str) {
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, stdout);
    assert_eq!(out.stderr, "");
}

const ORG: &str = "/v1/organizations";

/// Answers the operations that read or change one thing.
async fn single_server() -> MockServer {
    let server = MockServer::start().await;
    let at = |rest: &str| format!("{ORG}{rest}");
    let answers = [
        ("GET", at("/me"), organization()),
        (
            "GET",
            at("/users/user_01"),
            user("user_01", "ada@example.com", "developer"),
        ),
        (
            "POST",
            at("/users/user_01"),
            user("user_01", "ada@example.com", "billing"),
        ),
        (
            "DELETE",
            at("/users/user_01"),
            json!({"id": "user_01", "type": "user_deleted"}),
        ),
        (
            "POST",
            at("/invites"),
            invite("invite_01", "bob@example.com", "developer", "pending"),
        ),
        (
            "GET",
            at("/invites/invite_01"),
            invite("invite_01", "bob@example.com", "developer", "accepted"),
        ),
        (
            "DELETE",
            at("/invites/invite_01"),
            json!({"id": "invite_01", "type": "invite_deleted"}),
        ),
        (
            "POST",
            at("/workspaces"),
            workspace("wrkspc_01", "Research Lab"),
        ),
        (
            "GET",
            at("/workspaces/wrkspc_01"),
            workspace("wrkspc_01", "Research Lab"),
        ),
        (
            "POST",
            at("/workspaces/wrkspc_01"),
            workspace("wrkspc_01", "Renamed"),
        ),
        ("POST", at("/workspaces/wrkspc_01/archive"), {
            let mut archived = workspace("wrkspc_01", "Renamed");
            archived["archived_at"] = json!("2025-02-03T04:05:06Z");
            archived
        }),
        (
            "POST",
            at("/workspaces/wrkspc_01/members"),
            member("wrkspc_01", "user_01", "workspace_developer"),
        ),
        (
            "GET",
            at("/workspaces/wrkspc_01/members/user_01"),
            member("wrkspc_01", "user_01", "workspace_developer"),
        ),
        (
            "POST",
            at("/workspaces/wrkspc_01/members/user_01"),
            member("wrkspc_01", "user_01", "workspace_admin"),
        ),
        (
            "DELETE",
            at("/workspaces/wrkspc_01/members/user_01"),
            json!({"type": "workspace_member_deleted", "workspace_id": "wrkspc_01", "user_id": "user_01"}),
        ),
        (
            "GET",
            at("/api_keys/apikey_01"),
            api_key("apikey_01", "ci", "active"),
        ),
        (
            "POST",
            at("/api_keys/apikey_01"),
            api_key("apikey_01", "ci-old", "inactive"),
        ),
    ];
    for (verb, url_path, body) in answers {
        answer(&server, verb, &url_path, body).await;
    }
    server
}

/// One command of the example, what it prints, and the one request it
/// sends: its method, its path under `/v1/organizations`, its query and
/// its body (`None` for none).
struct Case {
    args: &'static [&'static str],
    stdout: &'static str,
    verb: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    body: Option<Value>,
}

fn case(
    args: &'static [&'static str],
    stdout: &'static str,
    verb: &'static str,
    path: &'static str,
    body: Option<Value>,
) -> Case {
    Case {
        args,
        stdout,
        verb,
        path,
        query: &[],
        body,
    }
}

fn assert_sent(r: &Request, case: &Case) {
    let url_path = format!("{ORG}{}", case.path);
    assert_admin_request(r, case.verb, &url_path);
    assert_eq!(query(r), pairs(case.query), "{:?}", case.args);
    match &case.body {
        Some(body) => assert_eq!(&body_json(r), body, "{:?}", case.args),
        None => assert!(r.body.is_empty(), "{:?}: a body", case.args),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_single_command_prints_its_line_and_sends_its_request() {
    let cases = [
        // The command lines of the issue.
        case(&["me"], "org_01 Acme Corp\n", "GET", "/me", None),
        case(
            &["workspaces", "create", "Research Lab"],
            "wrkspc_01 Research Lab\n",
            "POST",
            "/workspaces",
            Some(json!({"name": "Research Lab"})),
        ),
        case(
            &[
                "members",
                "add",
                "wrkspc_01",
                "user_01",
                "workspace_developer",
            ],
            "user_01 workspace_developer\n",
            "POST",
            "/workspaces/wrkspc_01/members",
            Some(json!({"user_id": "user_01", "workspace_role": "workspace_developer"})),
        ),
        case(
            &[
                "keys",
                "update",
                "apikey_01",
                "--name",
                "ci-old",
                "--status",
                "inactive",
            ],
            "apikey_01 ci-old inactive\n",
            "POST",
            "/api_keys/apikey_01",
            Some(json!({"name": "ci-old", "status": "inactive"})),
        ),
        case(
            &["keys", "update", "apikey_01", "--status=inactive"],
            "apikey_01 ci-old inactive\n",
            "POST",
            "/api_keys/apikey_01",
            Some(json!({"status": "inactive"})),
        ),
        case(
            &["keys", "update", "--name", "ci-old", "apikey_01"],
            "apikey_01 ci-old inactive\n",
            "POST",
            "/api_keys/apikey_01",
            Some(json!({"name": "ci-old"})),
        ),
        case(
            &["invites", "create", "bob@example.com", "developer"],
            "invite_01 bob@example.com pending\n",
            "POST",
            "/invites",
            Some(json!({"email": "bob@example.com", "role": "developer"})),
        ),
        case(
            &["invites", "delete", "invite_01"],
            "invite_01\n",
            "DELETE",
            "/invites/invite_01",
            None,
        ),
        // The other operations.
        case(
            &["invites", "get", "invite_01"],
            "invite_01 bob@example.com accepted\n",
            "GET",
            "/invites/invite_01",
            None,
        ),
        case(
            &["users", "get", "user_01"],
            "user_01 ada@example.com developer\n",
            "GET",
            "/users/user_01",
            None,
        ),
        case(
            &["users", "update", "user_01", "billing"],
            "user_01 ada@example.com billing\n",
            "POST",
            "/users/user_01",
            Some(json!({"role": "billing"})),
        ),
        case(
            &["users", "remove", "user_01"],
            "user_01\n",
            "DELETE",
            "/users/user_01",
            None,
        ),
        case(
            &["workspaces", "get", "wrkspc_01"],
            "wrkspc_01 Research Lab\n",
            "GET",
            "/workspaces/wrkspc_01",
            None,
        ),
        case(
            &["workspaces", "update", "wrkspc_01", "Renamed"],
            "wrkspc_01 Renamed\n",
            "POST",
            "/workspaces/wrkspc_01",
            Some(json!({"name": "Renamed"})),
        ),
        case(
            &["workspaces", "archive", "wrkspc_01"],
            "wrkspc_01 2025-02-03T04:05:06Z\n",
            "POST",
            "/workspaces/wrkspc_01/archive",
            None,
        ),
        case(
            &["members", "get", "wrkspc_01", "user_01"],
            "user_01 workspace_developer\n",
            "GET",
            "/workspaces/wrkspc_01/members/user_01",
            None,
        ),
        case(
            &[
                "members",
                "update",
                "wrkspc_01",
                "user_01",
                "workspace_admin",
            ],
            "user_01 workspace_admin\n",
            "POST",
            "/workspaces/wrkspc_01/members/user_01",
            Some(json!({"workspace_role": "workspace_admin"})),
        ),
        case(
            &["members", "remove", "wrkspc_01", "user_01"],
            "user_01\n",
            "DELETE",
            "/workspaces/wrkspc_01/members/user_01",
            None,
        ),
        case(
            &["keys", "get", "apikey_01"],
            "apikey_01 ci active\n",
            "GET",
            "/api_keys/apikey_01",
            None,
        ),
    ];
    for case in &cases {
        let server = single_server().await;
        let out = run(&server, case.args).await;
        assert_succeeded(&out, case.stdout);
        let requests = received(&server).await;
        assert_eq!(requests.len(), 1, "{:?}", case.args);
        assert_sent(&requests[0], case);
    }
}

/// Answers the lists, each in pages: users `u1 u2 | u3`, invites, workspaces,
/// members and keys in one page each.
async fn list_server() -> MockServer {
    let server = MockServer::start().await;
    let users = format!("{ORG}/users");
    let get = |p: &str| Mock::given(method("GET")).and(path(p.to_string()));
    get(&users)
        .and(query_param_is_missing("after_id"))
        .respond_with(ok(list_page(
            vec![
                user("u1", "u1@example.com", "admin"),
                user("u2", "u2@example.com", "user"),
            ],
            true,
        )))
        .mount(&server)
        .await;
    get(&users)
        .and(query_param("after_id", "u2"))
        .respond_with(ok(list_page(
            vec![user("u3", "u3@example.com", "claude_code_user")],
            false,
        )))
        .mount(&server)
        .await;
    let one_page = [
        (
            "/invites",
            vec![invite("invite_01", "bob@example.com", "user", "expired")],
        ),
        (
            "/workspaces",
            vec![workspace("w1", "One"), workspace("w2", "Two")],
        ),
        (
            "/workspaces/w1/members",
            vec![member("w1", "u1", "workspace_admin")],
        ),
        ("/api_keys", vec![api_key("k1", "ci", "archived")]),
    ];
    for (rest, items) in one_page {
        answer(
            &server,
            "GET",
            &format!("{ORG}{rest}"),
            list_page(items, false),
        )
        .await;
    }
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_list_prints_every_user_across_all_pages() {
    let server = list_server().await;
    let out = run(
        &server,
        &["users", "list", "--limit", "2", "--email", "u@example.com"],
    )
    .await;
    assert_succeeded(
        &out,
        "u1 u1@example.com admin\nu2 u2@example.com user\nu3 u3@example.com claude_code_user\n",
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for (r, after) in requests.iter().zip([None, Some("u2")]) {
        assert_admin_request(r, "GET", &format!("{ORG}/users"));
        let mut expected = after.map(|a| pairs(&[("after_id", a)])).unwrap_or_default();
        expected.extend(pairs(&[("limit", "2"), ("email", "u@example.com")]));
        assert_eq!(query(r), expected);
    }

    let server = list_server().await;
    let out = run(&server, &["users", "list"]).await;
    assert_succeeded(
        &out,
        "u1 u1@example.com admin\nu2 u2@example.com user\nu3 u3@example.com claude_code_user\n",
    );
    assert_eq!(query(&received(&server).await[0]), pairs(&[]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_other_lists_print_one_line_per_item() {
    let list = |args, stdout, path, query| Case {
        args,
        stdout,
        verb: "GET",
        path,
        query,
        body: None,
    };
    let cases = [
        list(
            &["invites", "list", "--limit", "5"],
            "invite_01 bob@example.com expired\n",
            "/invites",
            &[("limit", "5")],
        ),
        list(
            &["workspaces", "list", "--include-archived"],
            "w1 One\nw2 Two\n",
            "/workspaces",
            &[("include_archived", "true")],
        ),
        list(
            &["members", "list", "w1"],
            "u1 workspace_admin\n",
            "/workspaces/w1/members",
            &[],
        ),
        list(
            &[
                "keys",
                "list",
                "--status",
                "archived",
                "--workspace",
                "w1",
                "--created-by",
                "u1",
                "--limit",
                "1000",
            ],
            "k1 ci archived\n",
            "/api_keys",
            &[
                ("limit", "1000"),
                ("created_by_user_id", "u1"),
                ("status", "archived"),
                ("workspace_id", "w1"),
            ],
        ),
    ];
    for case in &cases {
        let server = list_server().await;
        let out = run(&server, case.args).await;
        assert_succeeded(&out, case.stdout);
        let requests = received(&server).await;
        assert_eq!(requests.len(), 1, "{:?}", case.args);
        assert_sent(&requests[0], case);
    }
}

const MESSAGES_USAGE: &str = "/v1/organizations/usage_report/messages";
const COST: &str = "/v1/organizations/cost_report";

/// Answers `url_path` with `first` when no page is asked for, and with
/// `second` for page `tok_2`.
async fn two_pages(server: &MockServer, url_path: &str, first: Value, second: Value) {
    Mock::given(method("GET"))
        .and(path(url_path))
        .and(query_param_is_missing("page"))
        .respond_with(ok(first))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(url_path))
        .and(query_param("page", "tok_2"))
        .respond_with(ok(second))
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_messages_prints_every_bucket_across_all_pages() {
    let server = MockServer::start().await;
    two_pages(
        &server,
        MESSAGES_USAGE,
        report_page(
            vec![
                bucket(
                    "2025-01-01T00:00:00Z",
                    "2025-01-02T00:00:00Z",
                    vec![
                        usage_result(Some("claude-sonnet-4-5"), 100),
                        usage_result(Some("claude-haiku-4-5"), 23),
                    ],
                ),
                bucket("2025-01-02T00:00:00Z", "2025-01-03T00:00:00Z", vec![]),
            ],
            Some("tok_2"),
        ),
        report_page(
            vec![bucket(
                "2025-01-03T00:00:00Z",
                "2025-01-04T00:00:00Z",
                vec![usage_result(None, 7)],
            )],
            None,
        ),
    )
    .await;
    let out = run(
        &server,
        &[
            "usage",
            "messages",
            "--starting-at",
            "2025-01-01T00:00:00Z",
            "--ending-at",
            "2025-01-04T00:00:00Z",
            "--bucket-width",
            "1d",
            "--group-by",
            "model,workspace_id",
            "--models",
            "claude-sonnet-4-5,claude-haiku-4-5",
            "--limit",
            "2",
        ],
    )
    .await;
    assert_succeeded(
        &out,
        "2025-01-01T00:00:00Z 2 123\n2025-01-02T00:00:00Z 0 0\n2025-01-03T00:00:00Z 1 7\n",
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let filters = [
        ("starting_at", "2025-01-01T00:00:00Z"),
        ("ending_at", "2025-01-04T00:00:00Z"),
        ("bucket_width", "1d"),
        ("group_by[]", "model"),
        ("group_by[]", "workspace_id"),
        ("models[]", "claude-sonnet-4-5"),
        ("models[]", "claude-haiku-4-5"),
        ("limit", "2"),
    ];
    for (r, token) in requests.iter().zip([None, Some("tok_2")]) {
        assert_admin_request(r, "GET", MESSAGES_USAGE);
        let mut expected = pairs(&filters);
        expected.extend(token.map(|t| ("page".to_string(), t.to_string())));
        assert_eq!(query(r), expected);
    }
    assert!(
        requests[0]
            .url
            .query()
            .expect("a query")
            .contains("&group_by%5B%5D=model&group_by%5B%5D=workspace_id&"),
        "{:?}",
        requests[0].url.query()
    );

    // Only the start: nothing else is sent.
    let server = MockServer::start().await;
    answer(&server, "GET", MESSAGES_USAGE, report_page(vec![], None)).await;
    let out = run(
        &server,
        &["usage", "messages", "--starting-at=2025-01-01T00:00:00Z"],
    )
    .await;
    assert_succeeded(&out, "");
    assert_eq!(
        query(&received(&server).await[0]),
        pairs(&[("starting_at", "2025-01-01T00:00:00Z")])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_prints_the_exact_sum_of_every_bucket_across_all_pages() {
    let server = MockServer::start().await;
    two_pages(
        &server,
        COST,
        report_page(
            vec![bucket(
                "2025-01-01T00:00:00Z",
                "2025-01-02T00:00:00Z",
                // In floating point 0.1 + 0.2 is not 0.3.
                vec![
                    cost_result("0.1", Some("w1")),
                    cost_result("0.2", Some("w2")),
                ],
            )],
            Some("tok_2"),
        ),
        report_page(
            vec![
                bucket(
                    "2025-01-02T00:00:00Z",
                    "2025-01-03T00:00:00Z",
                    vec![
                        cost_result("12", None),
                        cost_result("0.5", None),
                        cost_result("123.456", None),
                    ],
                ),
                bucket("2025-01-03T00:00:00Z", "2025-01-04T00:00:00Z", vec![]),
            ],
            None,
        ),
    )
    .await;
    let out = run(
        &server,
        &[
            "cost",
            "--starting-at",
            "2025-01-01T00:00:00Z",
            "--ending-at",
            "2025-01-04T00:00:00Z",
            "--group-by",
            "workspace_id,description",
            "--limit",
            "1",
        ],
    )
    .await;
    assert_succeeded(
        &out,
        "2025-01-01T00:00:00Z 0.3\n2025-01-02T00:00:00Z 135.956\n2025-01-03T00:00:00Z 0\n",
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let filters = [
        ("starting_at", "2025-01-01T00:00:00Z"),
        ("ending_at", "2025-01-04T00:00:00Z"),
        ("group_by[]", "workspace_id"),
        ("group_by[]", "description"),
        ("limit", "1"),
    ];
    for (r, token) in requests.iter().zip([None, Some("tok_2")]) {
        assert_admin_request(r, "GET", COST);
        let mut expected = pairs(&filters);
        expected.extend(token.map(|t| ("page".to_string(), t.to_string())));
        assert_eq!(query(r), expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cost_amount_that_is_not_a_decimal_fails_naming_it() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        COST,
        report_page(
            vec![
                bucket(
                    "2025-01-01T00:00:00Z",
                    "2025-01-02T00:00:00Z",
                    vec![cost_result("-1.25", None), cost_result("2", None)],
                ),
                bucket(
                    "2025-01-02T00:00:00Z",
                    "2025-01-03T00:00:00Z",
                    vec![cost_result("1e3", None)],
                ),
            ],
            None,
        ),
    )
    .await;
    let out = run(&server, &["cost", "--starting-at", "2025-01-01T00:00:00Z"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "2025-01-01T00:00:00Z 0.75\n");
    out.assert_stderr_has(&["`1e3`", "not a decimal"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_claude_code_prints_each_record() {
    let server = MockServer::start().await;
    two_pages(
        &server,
        "/v1/organizations/usage_report/claude_code",
        report_page(
            vec![claude_code_record(
                json!({"type": "user_actor", "email_address": "ada@example.com"}),
                3,
            )],
            Some("tok_2"),
        ),
        report_page(
            vec![
                claude_code_record(json!({"type": "api_actor", "api_key_name": "ci"}), 1),
                claude_code_record(json!({"type": "robot_actor", "serial": "r2"}), 9),
            ],
            None,
        ),
    )
    .await;
    let out = run(
        &server,
        &[
            "usage",
            "claude-code",
            "--starting-at",
            "2025-08-08",
            "--limit",
            "1",
        ],
    )
    .await;
    assert_succeeded(
        &out,
        "2025-08-08 ada@example.com 3\n2025-08-08 ci 1\n2025-08-08 robot_actor 9\n",
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        query(&requests[1]),
        pairs(&[
            ("starting_at", "2025-08-08"),
            ("limit", "1"),
            ("page", "tok_2")
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_prints_status_type_message_and_request_id_and_exits_1() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{ORG}/invites")))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("request-id", "req_bad_role")
                .set_body_json(error_body(
                    "invalid_request_error",
                    "role: admin cannot be granted through an invite",
                )),
        )
        .mount(&server)
        .await;
    let out = run(&server, &["invites", "create", "eve@example.com", "admin"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    out.assert_stderr_has(&[
        "status: 400",
        "type: invalid_request_error",
        "message: role: admin cannot be granted through an invite",
        "request id: req_bad_role",
    ]);
    // The open set lets an unknown role through to the API, which decides.
    assert_eq!(
        body_json(&received(&server).await[0]),
        json!({"email": "eve@example.com", "role": "admin"})
    );

    // A failed page after printed ones: the lines so far, then the error.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COST))
        .and(query_param_is_missing("page"))
        .respond_with(ok(report_page(
            vec![bucket(
                "2025-01-01T00:00:00Z",
                "2025-01-02T00:00:00Z",
                vec![cost_result("1", None)],
            )],
            Some("tok_2"),
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COST))
        .and(query_param("page", "tok_2"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("request-id", "req_forbidden")
                .set_body_json(error_body("permission_error", "not allowed")),
        )
        .mount(&server)
        .await;
    let out = run(&server, &["cost", "--starting-at", "2025-01-01T00:00:00Z"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "2025-01-01T00:00:00Z 1\n");
    out.assert_stderr_has(&[
        "status: 403",
        "type: permission_error",
        "message: not allowed",
        "request id: req_forbidden",
    ]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_admin_key_it_names_the_variable_and_sends_nothing() {
    let server = single_server().await;
    // The ordinary key is not used in its place.
    let out = ADMIN
        .run_with_keys(Some(API_KEY), None, &server.uri(), &["me"])
        .await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    out.assert_stderr_has(&["ANTHROPIC_ADMIN_KEY", "request id: (none)"]);
    assert!(!out.stderr.contains(API_KEY), "{}", out.stderr);
    let out = ADMIN
        .run_with_keys(None, None, &server.uri(), &["me"])
        .await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    out.assert_stderr_has(&["ANTHROPIC_ADMIN_KEY"]);
    assert!(received(&server).await.is_empty());

    // With both, the admin key is the one sent.
    let out = ADMIN
        .run_with_keys(Some(API_KEY), Some(ADMIN_KEY), &server.uri(), &["me"])
        .await;
    assert_succeeded(&out, "org_01 Acme Corp\n");
    assert_admin_request(&received(&server).await[0], "GET", &format!("{ORG}/me"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_timestamp_fails_before_sending() {
    let server = MockServer::start().await;
    for args in [
        &["usage", "messages", "--starting-at", "yesterday"][..],
        &[
            "cost",
            "--starting-at",
            "2025-01-01T00:00:00Z",
            "--ending-at",
            "2025-01-32",
        ],
    ] {
        let out = run(&server, args).await;
        assert_eq!(out.code, Some(1), "{args:?}: {}", out.stderr);
        out.assert_stderr_has(&["RFC 3339"]);
        assert_eq!(out.stdout, "");
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_command_line_exits_2_and_sends_nothing() {
    let server = single_server().await;
    let cases: [(&[&str], &str); 18] = [
        (&[], "no command given"),
        (&["organization"], "unknown command `organization`"),
        (&["users"], "`users` needs a command"),
        (
            &["users", "promote", "u1"],
            "unknown command `users promote`",
        ),
        (&["me", "now"], "unknown argument `now`"),
        (&["users", "get"], "`users get` needs ID"),
        (
            &["members", "add", "w1", "u1"],
            "`members add` needs WORKSPACE USER ROLE",
        ),
        (&["invites", "delete", "a", "b"], "unknown argument `b`"),
        (&["users", "list", "--limit"], "--limit needs a value"),
        (
            &["users", "list", "--limit", "many"],
            "--limit takes a number, not `many`",
        ),
        (
            &["users", "list", "--limit", "-1"],
            "--limit takes a number",
        ),
        (&["users", "list", "--bogus"], "unknown argument `--bogus`"),
        (
            &["invites", "list", "--email", "a@b.c"],
            "--email does not apply to `invites list`",
        ),
        (
            &["me", "--include-archived"],
            "--include-archived does not apply to `me`",
        ),
        (
            &["keys", "update", "k1"],
            "`keys update` needs --name or --status",
        ),
        (
            &["usage", "messages"],
            "`usage messages` needs --starting-at",
        ),
        (
            &["cost", "--models", "m"],
            "--models does not apply to `cost`",
        ),
        (
            &["cost", "--starting-at", "a", "--starting-at", "b"],
            "--starting-at is given twice",
        ),
    ];
    for (args, says) in cases {
        let out = run(&server, args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("usage: admin COMMAND"), "{args:?}");
        assert_eq!(out.stdout, "");
    }
    let out = run(
        &server,
        &["usage", "messages", "--starting-at", "x", "--limit", "-1"],
    )
    .await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    out.assert_stderr_has(&["--limit takes a number, not `-1`"]);
    assert!(received(&server).await.is_empty());

    let help = run(&server, &["--help"]).await;
    assert_eq!(help.code, Some(0));
    assert!(
        help.stdout.contains("usage messages --starting-at T"),
        "{}",
        help.stdout
    );
}
