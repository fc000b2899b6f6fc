//! The Skills API (beta) on the wire: the four skill operations and the
//! four skill-version operations against a local server, checking the
//! method, the path, the query, the `anthropic-beta` header (the
//! operation's default merged with the request's and the client's, each
//! once), the uploads' multipart bodies part by part (one `files[]` part per
//! file, named by its path from the skill folder's parent, and the
//! `display_title` text part), the answers decoded, and page-token
//! pagination across several pages.

use anthropic_client::types::SkillSource;
use anthropic_client::Upload;
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer};
use workspace_tests::files::skill_parts;
use workspace_tests::files::{
    answer, assert_request, ok, skill, skill_dir, skill_version, token_page, SKILLS_BETA,
};
use workspace_tests::multipart::{parts, Part};
use workspace_tests::runtime::{builder, client, query, received};
use workspace_tests::runtime::{only_request, pairs};

const SKILLS: &str = "/v1/skills";
const VERSIONS: &str = "/v1/skills/skill_01/versions";

fn text_part(name: &str, value: &str) -> Part {
    Part {
        name: name.to_string(),
        filename: None,
        content_type: None,
        body: value.as_bytes().to_vec(),
    }
}

#[tokio::test]
async fn create_uploads_every_file_of_the_directory_and_the_title() {
    let (_root, dir) = skill_dir();
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        SKILLS,
        skill("skill_01", "CSV insights", "1759178010641129", "custom"),
    )
    .await;
    let created = client(&server.uri())
        .beta()
        .skills()
        .create(Upload::skill_directory(&dir).expect("a skill"))
        .display_title("CSV insights")
        .send()
        .await
        .expect("created");
    assert_eq!(created.request_id(), Some("req_files"));
    assert_eq!(
        (
            created.id.as_str(),
            created.display_title.as_str(),
            created.latest_version.as_str(),
            &created.source,
            created.type_.as_str(),
            created.created_at.as_str(),
            created.updated_at.as_str()
        ),
        (
            "skill_01",
            "CSV insights",
            "1759178010641129",
            &SkillSource::Custom,
            "skill",
            "2025-10-02T12:00:00.000000Z",
            "2025-10-03T08:30:00.000000Z"
        )
    );

    let request = only_request(&server).await;
    assert_request(&request, "POST", SKILLS, SKILLS_BETA);
    assert_eq!(query(&request), pairs(&[]));
    let mut expected = skill_parts();
    expected.push(text_part("display_title", "CSV insights"));
    assert_eq!(parts(&request), expected);

    // Without a title: the files only.
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        SKILLS,
        skill("skill_02", "csv-insights", "1759178010641130", "custom"),
    )
    .await;
    client(&server.uri())
        .beta()
        .skills()
        .create(Upload::skill_directory(&dir).expect("a skill"))
        .send()
        .await
        .expect("created");
    assert_eq!(parts(&only_request(&server).await), skill_parts());
}

#[tokio::test]
async fn create_takes_any_uploads_one_part_each() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        SKILLS,
        skill("skill_03", "t", "1", "custom"),
    )
    .await;
    client(&server.uri())
        .beta()
        .skills()
        .create([
            Upload::from_bytes(&b"# Tiny"[..], "tiny/SKILL.md"),
            Upload::from_bytes(&b"{}"[..], "tiny/conf.json"),
        ])
        .send()
        .await
        .expect("created");
    let sent = parts(&only_request(&server).await);
    let seen: Vec<_> = sent
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.filename.as_deref(),
                p.content_type.as_deref(),
                p.text(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "files[]",
                Some("tiny/SKILL.md"),
                Some("text/markdown"),
                "# Tiny".to_string()
            ),
            (
                "files[]",
                Some("tiny/conf.json"),
                Some("application/json"),
                "{}".to_string()
            )
        ]
    );
}

/// Answers `url_path` in three pages chained by page tokens:
/// `first | tok_2 -> second | tok_3 -> third`.
async fn three_token_pages(server: &MockServer, url_path: &str, pages: [serde_json::Value; 3]) {
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

#[tokio::test]
async fn list_follows_next_page_across_pages_and_decodes_every_skill() {
    let server = MockServer::start().await;
    three_token_pages(
        &server,
        SKILLS,
        [
            token_page(
                vec![
                    skill("s1", "One", "11", "custom"),
                    skill("s2", "Two", "22", "anthropic"),
                ],
                Some("tok_2"),
            ),
            token_page(vec![skill("s3", "Three", "33", "partner")], Some("tok_3")),
            token_page(vec![skill("s4", "Four", "44", "custom")], None),
        ],
    )
    .await;
    let client = client(&server.uri());
    let skills: Vec<_> = client
        .beta()
        .skills()
        .list()
        .limit(2)
        .source(SkillSource::Custom)
        .items()
        .try_collect()
        .await
        .expect("every page");
    let seen: Vec<_> = skills
        .iter()
        .map(|s| (s.id.as_str(), s.display_title.as_str(), s.source.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            ("s1", "One", SkillSource::Custom),
            ("s2", "Two", SkillSource::Anthropic),
            // A source this crate does not know is kept.
            ("s3", "Three", SkillSource::Other("partner".to_string())),
            ("s4", "Four", SkillSource::Custom)
        ]
    );
    let requests = received(&server).await;
    let expected = [
        pairs(&[("limit", "2"), ("source", "custom")]),
        pairs(&[("limit", "2"), ("page", "tok_2"), ("source", "custom")]),
        pairs(&[("limit", "2"), ("page", "tok_3"), ("source", "custom")]),
    ];
    assert_eq!(requests.len(), expected.len());
    for (request, expected) in requests.iter().zip(expected) {
        assert_request(request, "GET", SKILLS, SKILLS_BETA);
        assert_eq!(query(request), expected);
    }

    // The pages, with their tokens; a source given as text.
    let server = MockServer::start().await;
    three_token_pages(
        &server,
        SKILLS,
        [
            token_page(vec![skill("s1", "One", "11", "anthropic")], Some("tok_2")),
            token_page(vec![], Some("tok_3")),
            token_page(vec![skill("s2", "Two", "22", "anthropic")], None),
        ],
    )
    .await;
    let pages: Vec<_> = client_of(&server)
        .beta()
        .skills()
        .list()
        .source("anthropic")
        .pages()
        .try_collect()
        .await
        .expect("every page");
    let tokens: Vec<_> = pages
        .iter()
        .map(|p| (p.data.len(), p.has_more, p.next_page.as_deref()))
        .collect();
    assert_eq!(
        tokens,
        [
            (1, true, Some("tok_2")),
            (0, true, Some("tok_3")),
            (1, false, None)
        ]
    );
    let queries: Vec<_> = received(&server).await.iter().map(query).collect();
    assert_eq!(
        queries,
        [
            pairs(&[("source", "anthropic")]),
            pairs(&[("page", "tok_2"), ("source", "anthropic")]),
            pairs(&[("page", "tok_3"), ("source", "anthropic")]),
        ]
    );
}

fn client_of(server: &MockServer) -> anthropic_client::Client {
    client(&server.uri())
}

#[tokio::test]
async fn a_page_that_says_no_more_ends_the_list_whatever_its_token() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        SKILLS,
        json!({"data": [skill("s1", "One", "1", "custom")], "has_more": false, "next_page": "tok_2"}),
    )
    .await;
    let ids: Vec<String> = client_of(&server)
        .beta()
        .skills()
        .list()
        .items()
        .map_ok(|s| s.id)
        .try_collect()
        .await
        .expect("one page");
    assert_eq!(ids, ["s1"]);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn retrieve_and_delete_a_skill() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/v1/skills/skill_01",
        skill("skill_01", "CSV insights", "1759178010641129", "custom"),
    )
    .await;
    answer(
        &server,
        "DELETE",
        "/v1/skills/skill_01",
        json!({"id": "skill_01", "type": "skill_deleted"}),
    )
    .await;
    let client = client_of(&server);
    let got = client
        .beta()
        .skills()
        .retrieve("skill_01")
        .send()
        .await
        .expect("the skill");
    assert_eq!(
        (
            got.id.as_str(),
            got.display_title.as_str(),
            got.latest_version.as_str()
        ),
        ("skill_01", "CSV insights", "1759178010641129")
    );
    let deleted = client
        .beta()
        .skills()
        .delete("skill_01")
        .send()
        .await
        .expect("deleted");
    assert_eq!(
        (deleted.id.as_str(), deleted.type_.as_str()),
        ("skill_01", "skill_deleted")
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_request(&requests[0], "GET", "/v1/skills/skill_01", SKILLS_BETA);
    assert_request(&requests[1], "DELETE", "/v1/skills/skill_01", SKILLS_BETA);
    for request in &requests {
        assert_eq!(query(request), pairs(&[]));
        assert!(request.body.is_empty());
    }
}

#[tokio::test]
async fn version_create_uploads_the_files_only() {
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
    let version = client_of(&server)
        .beta()
        .skills()
        .versions()
        .create("skill_01", Upload::skill_directory(&dir).expect("a skill"))
        .send()
        .await
        .expect("created");
    assert_eq!(
        (
            version.id.as_str(),
            version.skill_id.as_str(),
            version.version.as_str(),
            version.name.as_str(),
            version.description.as_str(),
            version.directory.as_str(),
            version.type_.as_str()
        ),
        (
            "skillver_1759178010641130",
            "skill_01",
            "1759178010641130",
            "csv-insights",
            "What csv-insights does.",
            "csv-insights",
            "skill_version"
        )
    );
    let request = only_request(&server).await;
    assert_request(&request, "POST", VERSIONS, SKILLS_BETA);
    assert_eq!(query(&request), pairs(&[]));
    assert_eq!(parts(&request), skill_parts());
}

#[tokio::test]
async fn version_list_follows_next_page_across_pages() {
    let server = MockServer::start().await;
    let v = |version: &str| skill_version("skill_01", version, "csv-insights", "csv-insights");
    three_token_pages(
        &server,
        VERSIONS,
        [
            token_page(vec![v("3"), v("2")], Some("tok_2")),
            token_page(vec![v("1")], Some("tok_3")),
            token_page(vec![v("0")], None),
        ],
    )
    .await;
    let versions: Vec<String> = client_of(&server)
        .beta()
        .skills()
        .versions()
        .list("skill_01")
        .limit(2)
        .items()
        .map_ok(|v| v.version)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(versions, ["3", "2", "1", "0"]);
    let requests = received(&server).await;
    let expected = [
        pairs(&[("limit", "2")]),
        pairs(&[("limit", "2"), ("page", "tok_2")]),
        pairs(&[("limit", "2"), ("page", "tok_3")]),
    ];
    assert_eq!(requests.len(), expected.len());
    for (request, expected) in requests.iter().zip(expected) {
        assert_request(request, "GET", VERSIONS, SKILLS_BETA);
        assert_eq!(query(request), expected);
    }
}

#[tokio::test]
async fn version_retrieve_and_delete() {
    let server = MockServer::start().await;
    let at = format!("{VERSIONS}/1759178010641129");
    answer(
        &server,
        "GET",
        &at,
        skill_version(
            "skill_01",
            "1759178010641129",
            "csv-insights",
            "csv-insights",
        ),
    )
    .await;
    answer(
        &server,
        "DELETE",
        &at,
        json!({"id": "1759178010641129", "type": "skill_version_deleted"}),
    )
    .await;
    let client = client_of(&server);
    let versions = client.beta().skills().versions();
    let got = versions
        .retrieve("skill_01", "1759178010641129")
        .send()
        .await
        .expect("the version");
    assert_eq!(
        (
            got.version.as_str(),
            got.name.as_str(),
            got.directory.as_str()
        ),
        ("1759178010641129", "csv-insights", "csv-insights")
    );
    let deleted = versions
        .delete("skill_01", "1759178010641129")
        .send()
        .await
        .expect("deleted");
    assert_eq!(
        (deleted.id.as_str(), deleted.type_.as_str()),
        ("1759178010641129", "skill_version_deleted")
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_request(&requests[0], "GET", &at, SKILLS_BETA);
    assert_request(&requests[1], "DELETE", &at, SKILLS_BETA);

    // Both path parameters stay inside their segment.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok(skill_version("a", "b", "c", "d")))
        .mount(&server)
        .await;
    client_of(&server)
        .beta()
        .skills()
        .versions()
        .retrieve("skill/01", "1?2")
        .send()
        .await
        .expect("the version");
    assert_eq!(
        only_request(&server).await.url.path(),
        "/v1/skills/skill%2F01/versions/1%3F2"
    );
}

#[tokio::test]
async fn every_operation_merges_its_beta_with_the_requests_and_the_clients() {
    let (_root, dir) = skill_dir();
    let server = MockServer::start().await;
    let s = skill("skill_01", "t", "1", "custom");
    let v = skill_version("skill_01", "1", "n", "d");
    answer(&server, "POST", SKILLS, s.clone()).await;
    answer(&server, "GET", SKILLS, token_page(vec![], None)).await;
    answer(&server, "GET", "/v1/skills/skill_01", s).await;
    answer(
        &server,
        "DELETE",
        "/v1/skills/skill_01",
        json!({"id": "skill_01", "type": "skill_deleted"}),
    )
    .await;
    answer(&server, "POST", VERSIONS, v.clone()).await;
    answer(&server, "GET", VERSIONS, token_page(vec![], None)).await;
    answer(&server, "GET", &format!("{VERSIONS}/1"), v).await;
    answer(
        &server,
        "DELETE",
        &format!("{VERSIONS}/1"),
        json!({"id": "1", "type": "skill_version_deleted"}),
    )
    .await;

    let merged = "code-execution-2025-05-22,skills-2025-10-02,files-api-2025-04-14";
    let client = builder(&server.uri())
        .beta("skills-2025-10-02")
        .beta("files-api-2025-04-14")
        .build()
        .expect("a client");
    let betas = ["code-execution-2025-05-22", "skills-2025-10-02"];
    let skills = client.beta().skills();
    let versions = skills.versions();
    let files = || Upload::skill_directory(&dir).expect("a skill");
    skills
        .create(files())
        .anthropic_beta(betas)
        .send()
        .await
        .expect("create");
    skills
        .list()
        .anthropic_beta(betas)
        .send()
        .await
        .expect("list");
    skills
        .retrieve("skill_01")
        .anthropic_beta(betas)
        .send()
        .await
        .expect("retrieve");
    skills
        .delete("skill_01")
        .anthropic_beta(betas)
        .send()
        .await
        .expect("delete");
    versions
        .create("skill_01", files())
        .anthropic_beta(betas)
        .send()
        .await
        .expect("version create");
    versions
        .list("skill_01")
        .anthropic_beta(betas)
        .send()
        .await
        .expect("version list");
    versions
        .retrieve("skill_01", "1")
        .anthropic_beta(betas)
        .send()
        .await
        .expect("version retrieve");
    versions
        .delete("skill_01", "1")
        .anthropic_beta(betas)
        .send()
        .await
        .expect("version delete");
    let one = format!("{VERSIONS}/1");
    let expected = [
        ("POST", SKILLS),
        ("GET", SKILLS),
        ("GET", "/v1/skills/skill_01"),
        ("DELETE", "/v1/skills/skill_01"),
        ("POST", VERSIONS),
        ("GET", VERSIONS),
        ("GET", one.as_str()),
        ("DELETE", one.as_str()),
    ];
    let requests = received(&server).await;
    assert_eq!(requests.len(), expected.len());
    for (request, (verb, url_path)) in requests.iter().zip(expected) {
        assert_request(request, verb, url_path, merged);
    }

    // By default, the operation's beta alone.
    let server = MockServer::start().await;
    answer(&server, "GET", VERSIONS, token_page(vec![], None)).await;
    client_of(&server)
        .beta()
        .skills()
        .versions()
        .list("skill_01")
        .send()
        .await
        .expect("list");
    assert_request(&only_request(&server).await, "GET", VERSIONS, SKILLS_BETA);
}
