//! The skills example against a local server: each command line, its exact
//! output and the request it sends (a skill directory's files part by part,
//! and the title); a directory without SKILL.md is refused before sending;
//! API errors exit 1 with the status, type, message and request id on
//! stderr; bad command lines exit 2 with the usage and send nothing.

use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer};
use workspace_tests::examples::{Example, Run};
use workspace_tests::files::skill_parts;
use workspace_tests::files::{
    answer, api_error, assert_request, ok, skill, skill_dir, skill_version, token_page, SKILLS_BETA,
};
use workspace_tests::multipart::{parts, Part};
use workspace_tests::runtime::{only_request, pairs};
use workspace_tests::runtime::{query, received};

const SKILLS: Example = Example("skills");
const VERSIONS: &str = "/v1/skills/skill_01/versions";

fn assert_succeeded(out: &Run, stdout: &str) {
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, stdout);
    assert_eq!(out.stderr, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_uploads_the_directory_and_prints_the_id_and_version() {
    let (_root, dir) = skill_dir();
    let dir = dir.to_str().expect("a UTF-8 path");
    let created = skill("skill_01", "CSV insights", "1759178010641129", "custom");

    let server = MockServer::start().await;
    answer(&server, "POST", "/v1/skills", created.clone()).await;
    let out = SKILLS
        .run(
            &server.uri(),
            &["create", "--display-title", "CSV insights", dir],
        )
        .await;
    assert_succeeded(&out, "skill_01 1759178010641129\n");
    let request = only_request(&server).await;
    assert_request(&request, "POST", "/v1/skills", SKILLS_BETA);
    let mut expected = skill_parts();
    expected.push(Part {
        name: "display_title".to_string(),
        filename: None,
        content_type: None,
        body: b"CSV insights".to_vec(),
    });
    assert_eq!(parts(&request), expected);

    // The title is optional, as in the API.
    let server = MockServer::start().await;
    answer(&server, "POST", "/v1/skills", created).await;
    let out = SKILLS.run(&server.uri(), &["create", dir]).await;
    assert_succeeded(&out, "skill_01 1759178010641129\n");
    assert_eq!(parts(&only_request(&server).await), skill_parts());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_without_skill_md_fails_before_sending() {
    let (_root, dir) = skill_dir();
    std::fs::remove_file(dir.join("SKILL.md")).expect("remove SKILL.md");
    let server = MockServer::start().await;
    let dir = dir.to_str().expect("a UTF-8 path");
    for args in [
        vec!["create", "--display-title", "T", dir],
        vec!["version-create", "skill_01", dir],
    ] {
        let out = SKILLS.run(&server.uri(), &args).await;
        assert_eq!(out.code, Some(1), "{}", out.stderr);
        assert_eq!(out.stdout, "");
        out.assert_stderr_has(&["invalid argument", "no SKILL.md", "request id: (none)"]);
    }
    assert_eq!(received(&server).await.len(), 0);
}

/// Answers `url_path` in three pages chained by page tokens.
async fn three_token_pages(server: &MockServer, url_path: &str, pages: [Value; 3]) {
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

async fn skills_server() -> MockServer {
    let server = MockServer::start().await;
    three_token_pages(
        &server,
        "/v1/skills",
        [
            token_page(
                vec![
                    skill("s1", "CSV insights", "1", "custom"),
                    skill("s2", "Docx", "2", "anthropic"),
                ],
                Some("tok_2"),
            ),
            token_page(vec![skill("s3", "Xlsx", "3", "anthropic")], Some("tok_3")),
            token_page(vec![skill("s4", "Pptx", "4", "anthropic")], None),
        ],
    )
    .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_prints_every_skill_across_all_pages() {
    let every = "s1 CSV insights\ns2 Docx\ns3 Xlsx\ns4 Pptx\n";
    for (args, source) in [
        (vec!["list"], None),
        (vec!["list", "--source", "custom"], Some("custom")),
        (vec!["list", "--source=anthropic"], Some("anthropic")),
    ] {
        let server = skills_server().await;
        let out = SKILLS.run(&server.uri(), &args).await;
        assert_succeeded(&out, every);
        let requests = received(&server).await;
        assert_eq!(requests.len(), 3, "{args:?}");
        for (request, page) in requests.iter().zip([None, Some("tok_2"), Some("tok_3")]) {
            assert_request(request, "GET", "/v1/skills", SKILLS_BETA);
            let mut expected = Vec::new();
            expected.extend(page.map(|p| ("page", p)));
            expected.extend(source.map(|s| ("source", s)));
            assert_eq!(query(request), pairs(&expected), "{args:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_and_delete_a_skill() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/v1/skills/skill_01",
        skill("skill_01", "CSV insights", "1759178010641129", "custom"),
    )
    .await;
    let out = SKILLS.run(&server.uri(), &["get", "skill_01"]).await;
    assert_succeeded(&out, "skill_01 CSV insights 1759178010641129\n");
    assert_request(
        &only_request(&server).await,
        "GET",
        "/v1/skills/skill_01",
        SKILLS_BETA,
    );

    let server = MockServer::start().await;
    answer(
        &server,
        "DELETE",
        "/v1/skills/skill_01",
        json!({"id": "skill_01", "type": "skill_deleted"}),
    )
    .await;
    let out = SKILLS.run(&server.uri(), &["delete", "skill_01"]).await;
    assert_succeeded(&out, "skill_01\n");
    assert_request(
        &only_request(&server).await,
        "DELETE",
        "/v1/skills/skill_01",
        SKILLS_BETA,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_create_uploads_the_directory_and_prints_the_version() {
    let (_root, dir) = skill_dir();
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        VERSIONS,
        skill_version(
            "skill_01",
            "1759178010641130",
            "csv-insights",
            "csv-insights",
        ),
    )
    .await;
    let out = SKILLS
        .run(
            &server.uri(),
            &[
                "version-create",
                "skill_01",
                dir.to_str().expect("a UTF-8 path"),
            ],
        )
        .await;
    assert_succeeded(&out, "1759178010641130 csv-insights\n");
    let request = only_request(&server).await;
    assert_request(&request, "POST", VERSIONS, SKILLS_BETA);
    assert_eq!(parts(&request), skill_parts());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_list_prints_every_version_across_all_pages() {
    let server = MockServer::start().await;
    let v = |version: &str| skill_version("skill_01", version, "csv-insights", "csv-insights");
    three_token_pages(
        &server,
        VERSIONS,
        [
            token_page(
                vec![v("1759178010641130"), v("1759178010641129")],
                Some("tok_2"),
            ),
            token_page(vec![v("1759178010641128")], Some("tok_3")),
            token_page(vec![], None),
        ],
    )
    .await;
    let out = SKILLS
        .run(&server.uri(), &["version-list", "skill_01"])
        .await;
    assert_succeeded(
        &out,
        "1759178010641130\n1759178010641129\n1759178010641128\n",
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for (request, page) in requests.iter().zip([None, Some("tok_2"), Some("tok_3")]) {
        assert_request(request, "GET", VERSIONS, SKILLS_BETA);
        let expected: Vec<_> = page.map(|p| ("page", p)).into_iter().collect();
        assert_eq!(query(request), pairs(&expected));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_get_and_delete() {
    let at = format!("{VERSIONS}/1759178010641129");
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &at,
        skill_version("skill_01", "1759178010641129", "csv-insights", "csv-dir"),
    )
    .await;
    let out = SKILLS
        .run(
            &server.uri(),
            &["version-get", "skill_01", "1759178010641129"],
        )
        .await;
    assert_succeeded(&out, "1759178010641129 csv-insights csv-dir\n");
    assert_request(&only_request(&server).await, "GET", &at, SKILLS_BETA);

    let server = MockServer::start().await;
    answer(
        &server,
        "DELETE",
        &at,
        json!({"id": "1759178010641129", "type": "skill_version_deleted"}),
    )
    .await;
    let out = SKILLS
        .run(
            &server.uri(),
            &["version-delete", "skill_01", "1759178010641129"],
        )
        .await;
    assert_succeeded(&out, "1759178010641129\n");
    assert_request(&only_request(&server).await, "DELETE", &at, SKILLS_BETA);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_exits_1_with_its_details_on_stderr() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(api_error(404, "not_found_error", "Skill not found."))
        .mount(&server)
        .await;
    for args in [
        &["get", "skill_missing"][..],
        &["version-list", "skill_missing"],
    ] {
        let out = SKILLS.run(&server.uri(), args).await;
        assert_eq!(out.code, Some(1), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "");
        out.assert_stderr_has(&[
            "status: 404",
            "type: not_found_error",
            "message: Skill not found.",
            "request id: req_failed_01",
        ]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_command_line_exits_2_with_the_usage_and_sends_nothing() {
    let server = MockServer::start().await;
    let cases: &[(&[&str], &str)] = &[
        (&[], "no command given"),
        (&["publish", "x"], "unknown command `publish`"),
        (&["create"], "`create` needs DIR"),
        (&["create", "a", "b"], "unknown argument `b`"),
        (
            &["create", "--display-title"],
            "--display-title needs a value",
        ),
        (
            &["create", "--display-title", "A", "--display-title=B", "d"],
            "--display-title is given twice",
        ),
        (
            &["get", "s", "--source", "custom"],
            "--source applies to list",
        ),
        (
            &["list", "--display-title", "T"],
            "--display-title applies to create",
        ),
        (
            &["version-get", "skill_01"],
            "`version-get` needs ID VERSION",
        ),
        (&["version-list"], "`version-list` needs ID"),
        (&["version-delete", "a", "b", "c"], "unknown argument `c`"),
        (&["list", "--limit", "2"], "unknown argument `--limit`"),
    ];
    for (args, why) in cases {
        let out = SKILLS.run(&server.uri(), args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
        out.assert_stderr_has(&[why, "usage: skills COMMAND"]);
    }
    assert_eq!(received(&server).await.len(), 0);
}
