//! Contract tests: every operation validated by Prism serving the spec.
//!
//! Prism (`@stoplight/prism-cli`, pinned in tests/tools/package-lock.json and
//! installed by `cargo xtask test`) serves the specs derived from
//! `spec/anthropic.yaml` (see `workspace_tests::prism::derive_for_prism`) with
//! `--errors`: a request that breaks the spec gets a 4xx with an
//! `sl-violations` header instead of a mock answer. The plain operations and
//! the beta ones (`?beta=true`) are served by two Prisms, each checking its
//! own contract. Every operation of the spec must have a case here: the
//! operations are read from the spec, so a new one without a case fails the
//! test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anthropic_client::types::{self, AnthropicBeta};
use anthropic_client::{Client, Error, Upload};
use chrono::TimeZone;
use futures::TryStreamExt;
use reqwest::header::HeaderMap;
use serde_json::json;
use workspace_tests::prism::{derive_for_prism, load_spec, operations, Family, Prisms};
use workspace_tests::runtime::{builder, API_KEY};

/// The Admin API key the contract clients send to the Admin operations.
const ADMIN_KEY: &str = "sk-ant-admin01-contract-0123456789";

/// Fails when Prism found anything wrong with the request.
fn assert_valid(operation: &str, headers: &HeaderMap) {
    if let Some(violations) = headers.get("sl-violations") {
        panic!("{operation}: Prism reports violations: {violations:?}");
    }
}

/// Unwraps a response, showing Prism's verdict when the call failed.
fn accepted<T>(
    operation: &str,
    result: Result<anthropic_client::Response<T>, Error>,
) -> anthropic_client::Response<T> {
    let response = opened(operation, result);
    assert_valid(operation, response.headers());
    response
}

/// Unwraps a call's answer (a response, JSON Lines or bytes), showing
/// Prism's verdict when the call failed.
fn opened<T>(operation: &str, result: Result<T, Error>) -> T {
    result.unwrap_or_else(|err| {
        let violations = err
            .api_error()
            .and_then(|api| api.headers.get("sl-violations").cloned());
        panic!("{operation}: {err:?}\nPrism's violations: {violations:?}");
    })
}

fn betas() -> [AnthropicBeta; 2] {
    [
        AnthropicBeta::FilesApi20250414,
        AnthropicBeta::from("some-future-beta-2099-01-01"),
    ]
}

async fn models_list(client: &Client) {
    let op = "models_list";
    let page = accepted(op, client.models().list().send().await);
    assert!(!page.data.is_empty(), "Prism's example page has a model");
    accepted(
        op,
        client
            .models()
            .list()
            .limit(1000)
            .after_id("claude-3-haiku-20240307")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    accepted(
        op,
        client.models().list().limit(1).before_id("m").send().await,
    );
    // Auto-pagination sends cursors Prism accepts, and stops: Prism's
    // example page repeats its cursor, which ends the walk.
    let items: Vec<types::ModelInfo> = client
        .models()
        .list()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn models_retrieve(client: &Client) {
    let op = "models_retrieve";
    for id in ["claude-sonnet-4-20250514", "a/b?c#d e%", "../x"] {
        let model = accepted(op, client.models().retrieve(id).send().await);
        assert!(!model.id.is_empty());
    }
    accepted(
        op,
        client
            .models()
            .retrieve("claude-sonnet-4-20250514")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_models_list(client: &Client) {
    let op = "beta_models_list";
    accepted(op, client.beta().models().list().send().await);
    accepted(
        op,
        client
            .beta()
            .models()
            .list()
            .limit(20)
            .after_id("x")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    let items: Vec<types::BetaModelInfo> = client
        .beta()
        .models()
        .list()
        .before_id("y")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn beta_models_retrieve(client: &Client) {
    let op = "beta_models_retrieve";
    accepted(
        op,
        client
            .beta()
            .models()
            .retrieve("claude-opus-4-1")
            .send()
            .await,
    );
    accepted(
        op,
        client
            .beta()
            .models()
            .retrieve("a/b")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

fn create_params(value: serde_json::Value) -> types::MessageCreateParams {
    serde_json::from_value(value).expect("valid MessageCreateParams")
}

async fn messages_create(client: &Client) {
    let op = "messages_create";
    let minimal = create_params(json!({
        "model": "claude-sonnet-4-20250514",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hello"}]
    }));
    let message = accepted(op, client.messages().create(minimal).send().await);
    assert!(!message.id.is_empty());
    let rich = create_params(json!({
        "model": "claude-sonnet-4-20250514",
        "max_tokens": 1024,
        "system": [{"type": "text", "text": "Be brief."}],
        "temperature": 0.5,
        "stop_sequences": ["END"],
        "metadata": {"user_id": "u-1"},
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "What is the weather?"}]},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "Sunny"}
            ]}
        ],
        "tools": [{
            "name": "get_weather",
            "description": "The weather in a city.",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}
        }],
        "tool_choice": {"type": "auto"}
    }));
    accepted(op, client.messages().create(rich).send().await);
}

async fn messages_count_tokens(client: &Client) {
    let op = "messages_count_tokens";
    let params: types::MessageCountTokensParams = serde_json::from_value(json!({
        "model": "claude-sonnet-4-20250514",
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "Hello"}]
    }))
    .expect("valid MessageCountTokensParams");
    accepted(op, client.messages().count_tokens(params).send().await);
}

fn batch_params() -> types::MessageBatchCreateParams {
    serde_json::from_value(json!({
        "requests": [
            {"custom_id": "first", "params": {
                "model": "claude-sonnet-4-20250514",
                "max_tokens": 64,
                "messages": [{"role": "user", "content": "Hello"}]
            }},
            {"custom_id": "second", "params": {
                "model": "claude-sonnet-4-20250514",
                "max_tokens": 64,
                "system": "Be brief.",
                "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
            }}
        ]
    }))
    .expect("valid MessageBatchCreateParams")
}

async fn messages_batches_create(client: &Client) {
    let op = "messages_batches_create";
    let batch = accepted(
        op,
        client
            .messages()
            .batches()
            .create(batch_params())
            .send()
            .await,
    );
    assert!(!batch.id.is_empty());
}

async fn messages_batches_retrieve(client: &Client) {
    let op = "messages_batches_retrieve";
    for id in ["msgbatch_01", "a/b?c"] {
        let batch = accepted(op, client.messages().batches().retrieve(id).send().await);
        assert!(!batch.id.is_empty());
    }
}

async fn messages_batches_list(client: &Client) {
    let op = "messages_batches_list";
    accepted(op, client.messages().batches().list().send().await);
    accepted(
        op,
        client
            .messages()
            .batches()
            .list()
            .limit(5)
            .after_id("msgbatch_01")
            .send()
            .await,
    );
    let items: Vec<types::MessageBatch> = client
        .messages()
        .batches()
        .list()
        .before_id("msgbatch_09")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn messages_batches_cancel(client: &Client) {
    let op = "messages_batches_cancel";
    let batch = accepted(
        op,
        client
            .messages()
            .batches()
            .cancel("msgbatch_01")
            .send()
            .await,
    );
    assert!(!batch.id.is_empty());
}

async fn messages_batches_delete(client: &Client) {
    let op = "messages_batches_delete";
    let deleted = accepted(
        op,
        client
            .messages()
            .batches()
            .delete("msgbatch_01")
            .send()
            .await,
    );
    assert!(!deleted.id.is_empty());
}

async fn messages_batches_results(client: &Client) {
    let op = "messages_batches_results";
    // The client asks for `application/binary`, as the API answers; Prism
    // can only write JSON (see `derive_for_prism`).
    let lines = opened(
        op,
        client
            .messages()
            .batches()
            .results("msgbatch_01")
            .header("accept", "application/json")
            .send()
            .await,
    );
    assert_valid(op, lines.headers());
    let results: Vec<types::MessageBatchIndividualResponse> = lines
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} lines: {e}"));
    assert!(!results.is_empty(), "Prism's example has a result");
}

async fn completions_create(client: &Client) {
    let op = "completions_create";
    let params: types::CompletionCreateParams = serde_json::from_value(json!({
        "model": "claude-2.1",
        "max_tokens_to_sample": 256,
        "prompt": "\n\nHuman: Hello\n\nAssistant:",
        "stop_sequences": ["\n\nHuman:"],
        "temperature": 0.5
    }))
    .expect("valid CompletionCreateParams");
    let completion = accepted(op, client.completions().create(params).send().await);
    assert!(!completion.id.is_empty());
}

// Files (beta, at plain paths).

async fn beta_files_list(client: &Client) {
    let op = "beta_files_list";
    let page = accepted(op, client.beta().files().list().send().await);
    assert!(!page.data.is_empty(), "Prism's example page has a file");
    accepted(
        op,
        client
            .beta()
            .files()
            .list()
            .limit(100)
            .after_id("file_011CNha8iCJcU1wXNR6q4V8w")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    let items: Vec<types::FileMetadata> = client
        .beta()
        .files()
        .list()
        .before_id("file_011CNha8iCJcU1wXNR6q4V8w")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn beta_files_upload(client: &Client) {
    let op = "beta_files_upload";
    let file = accepted(
        op,
        client
            .beta()
            .files()
            .upload(Upload::from_bytes(
                "Meeting notes: ship on Friday.",
                "notes.txt",
            ))
            .send()
            .await,
    );
    assert!(!file.id.is_empty());
    // From disk (streamed), with a content type of its own and betas.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("quarterly report.csv");
    std::fs::write(&path, "quarter,revenue\nQ1,100\nQ2,120\n").expect("write the CSV");
    accepted(
        op,
        client
            .beta()
            .files()
            .upload(Upload::from_path(&path).content_type("text/csv"))
            .anthropic_beta(betas())
            .send()
            .await,
    );
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    accepted(
        op,
        client
            .beta()
            .files()
            .upload(Upload::from_bytes(pdf, "scan.pdf"))
            .send()
            .await,
    );
}

async fn beta_files_retrieve_metadata(client: &Client) {
    let op = "beta_files_retrieve_metadata";
    for id in ["file_011CNha8iCJcU1wXNR6q4V8w", "a/b?c#d"] {
        let file = accepted(op, client.beta().files().retrieve_metadata(id).send().await);
        assert!(!file.filename.is_empty());
    }
    accepted(
        op,
        client
            .beta()
            .files()
            .retrieve_metadata("file_011CNha8iCJcU1wXNR6q4V8w")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_files_delete(client: &Client) {
    let op = "beta_files_delete";
    let deleted = accepted(
        op,
        client
            .beta()
            .files()
            .delete("file_011CNha8iCJcU1wXNR6q4V8w")
            .send()
            .await,
    );
    assert!(!deleted.id.is_empty());
    accepted(
        op,
        client
            .beta()
            .files()
            .delete("file_01")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_files_download(client: &Client) {
    let op = "beta_files_download";
    // The client asks for `application/binary`, as the official SDKs do;
    // the derived spec offers the bytes that way too (see
    // `derive_for_prism`).
    let bytes = opened(
        op,
        client
            .beta()
            .files()
            .download("file_011CNha8iCJcU1wXNR6q4V8w")
            .send()
            .await,
    );
    assert_valid(op, bytes.headers());
    let mut body = Vec::new();
    let written = bytes
        .write_to(&mut body)
        .await
        .unwrap_or_else(|e| panic!("{op} body: {e}"));
    assert!(written > 0, "Prism's example is some bytes");
    assert_eq!(written, body.len() as u64);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("download.bin");
    let saved = client
        .beta()
        .files()
        .download("a/b")
        .anthropic_beta(betas())
        .save_to(&path)
        .await
        .unwrap_or_else(|e| panic!("{op} save_to: {e}"));
    let on_disk = std::fs::read(&path).expect("read the saved file");
    assert_eq!(saved, on_disk.len() as u64);
    assert!(!on_disk.is_empty());
}

// Skills (beta, at plain paths).

/// A small skill directory: `csv-insights/SKILL.md`, a script and a
/// reference file, under a temporary directory.
fn skill_directory() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("csv-insights");
    std::fs::create_dir_all(dir.join("scripts")).expect("create the skill directory");
    let write = |path: &Path, text: &str| std::fs::write(path, text).expect("write a skill file");
    write(
        &dir.join("SKILL.md"),
        "---\nname: csv-insights\ndescription: Summarize a CSV file and plot its columns.\n---\n\n\
         Run `scripts/plot.py FILE` and describe what the chart shows.\n",
    );
    write(
        &dir.join("scripts/plot.py"),
        "import sys\nprint(open(sys.argv[1]).readline())\n",
    );
    write(&dir.join("REFERENCE.md"), "# Columns\n\nOne per line.\n");
    (tmp, dir)
}

fn skill_files(dir: &Path) -> Vec<Upload> {
    Upload::skill_directory(dir).expect("a skill directory")
}

async fn beta_skills_create(client: &Client) {
    let op = "beta_skills_create";
    let (_tmp, dir) = skill_directory();
    let skill = accepted(
        op,
        client
            .beta()
            .skills()
            .create(skill_files(&dir))
            .send()
            .await,
    );
    assert!(!skill.id.is_empty());
    accepted(
        op,
        client
            .beta()
            .skills()
            .create(skill_files(&dir))
            .display_title("CSV insights")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    // One file, from memory.
    let only = Upload::from_bytes(
        "---\nname: greeter\ndescription: Greets.\n---\nSay hello.\n",
        "greeter/SKILL.md",
    );
    accepted(op, client.beta().skills().create([only]).send().await);
}

async fn beta_skills_list(client: &Client) {
    let op = "beta_skills_list";
    let page = accepted(op, client.beta().skills().list().send().await);
    assert!(!page.data.is_empty(), "Prism's example page has a skill");
    accepted(
        op,
        client
            .beta()
            .skills()
            .list()
            .limit(100)
            .page("page_MjAyNS0xMC0wMQ==")
            .source(types::SkillSource::Custom)
            .anthropic_beta(betas())
            .send()
            .await,
    );
    // Paged by `page` tokens: Prism's example repeats its `next_page`,
    // which ends the walk.
    let items: Vec<types::Skill> = client
        .beta()
        .skills()
        .list()
        .limit(2)
        .source(types::SkillSource::Anthropic)
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn beta_skills_retrieve(client: &Client) {
    let op = "beta_skills_retrieve";
    for id in ["skill_01AbCdEfGhIjKlMnOpQrStUv", "a/b?c"] {
        let skill = accepted(op, client.beta().skills().retrieve(id).send().await);
        assert!(!skill.id.is_empty());
    }
    accepted(
        op,
        client
            .beta()
            .skills()
            .retrieve("skill_01")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_skills_delete(client: &Client) {
    let op = "beta_skills_delete";
    let deleted = accepted(
        op,
        client
            .beta()
            .skills()
            .delete("skill_01AbCdEfGhIjKlMnOpQrStUv")
            .send()
            .await,
    );
    assert!(!deleted.id.is_empty());
    accepted(
        op,
        client
            .beta()
            .skills()
            .delete("skill_01")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_skills_versions_create(client: &Client) {
    let op = "beta_skills_versions_create";
    let (_tmp, dir) = skill_directory();
    let version = accepted(
        op,
        client
            .beta()
            .skills()
            .versions()
            .create("skill_01AbCdEfGhIjKlMnOpQrStUv", skill_files(&dir))
            .send()
            .await,
    );
    assert!(!version.version.is_empty());
    accepted(
        op,
        client
            .beta()
            .skills()
            .versions()
            .create("skill_01", skill_files(&dir))
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_skills_versions_list(client: &Client) {
    let op = "beta_skills_versions_list";
    let versions = client.beta().skills().versions();
    accepted(op, versions.list("skill_01").send().await);
    accepted(
        op,
        versions
            .list("skill_01AbCdEfGhIjKlMnOpQrStUv")
            .limit(50)
            .page("page_1759178010641129")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    let items: Vec<types::SkillVersion> = versions
        .list("skill_01")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn beta_skills_versions_retrieve(client: &Client) {
    let op = "beta_skills_versions_retrieve";
    let versions = client.beta().skills().versions();
    let version = accepted(
        op,
        versions
            .retrieve("skill_01AbCdEfGhIjKlMnOpQrStUv", "1759178010641129")
            .send()
            .await,
    );
    assert!(!version.skill_id.is_empty());
    accepted(
        op,
        versions
            .retrieve("a/b", "c?d")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_skills_versions_delete(client: &Client) {
    let op = "beta_skills_versions_delete";
    let versions = client.beta().skills().versions();
    let deleted = accepted(
        op,
        versions
            .delete("skill_01AbCdEfGhIjKlMnOpQrStUv", "1759178010641129")
            .send()
            .await,
    );
    assert!(!deleted.id.is_empty());
    accepted(
        op,
        versions
            .delete("skill_01", "1759178010641130")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

// Admin API (the Admin key; Prism checks its header).

async fn admin_organizations_me(client: &Client) {
    let op = "admin_organizations_me";
    let org = accepted(op, client.admin().organizations().me().send().await);
    assert!(!org.id.is_empty());
}

async fn admin_invites_create(client: &Client) {
    let op = "admin_invites_create";
    let invites = client.admin().invites();
    let invite = accepted(
        op,
        invites
            .create(types::InviteCreateParams::new(
                "ada@example.com",
                types::AssignableOrganizationRole::Developer,
            ))
            .send()
            .await,
    );
    assert!(!invite.id.is_empty());
    // A role this crate does not know is sent as written.
    accepted(
        op,
        invites
            .create(types::InviteCreateParams::new(
                "grace+billing@example.com",
                types::AssignableOrganizationRole::from("auditor"),
            ))
            .send()
            .await,
    );
}

async fn admin_invites_list(client: &Client) {
    let op = "admin_invites_list";
    let invites = client.admin().invites();
    accepted(op, invites.list().send().await);
    accepted(
        op,
        invites
            .list()
            .limit(1000)
            .after_id("invite_015gWxCN9Hfi2QhA8Y5hxsuR")
            .send()
            .await,
    );
    let items: Vec<types::Invite> = invites
        .list()
        .before_id("invite_09")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn admin_invites_retrieve(client: &Client) {
    let op = "admin_invites_retrieve";
    for id in ["invite_015gWxCN9Hfi2QhA8Y5hxsuR", "a/b?c"] {
        let invite = accepted(op, client.admin().invites().retrieve(id).send().await);
        assert!(!invite.email.is_empty());
    }
}

async fn admin_invites_delete(client: &Client) {
    let op = "admin_invites_delete";
    let deleted = accepted(
        op,
        client
            .admin()
            .invites()
            .delete("invite_015gWxCN9Hfi2QhA8Y5hxsuR")
            .send()
            .await,
    );
    assert!(!deleted.id.is_empty());
}

async fn admin_users_list(client: &Client) {
    let op = "admin_users_list";
    let users = client.admin().users();
    accepted(op, users.list().send().await);
    accepted(
        op,
        users
            .list()
            .limit(20)
            .after_id("user_01WCz1FkmYMm4gnmykNKUu3Q")
            .email("ada@example.com")
            .send()
            .await,
    );
    let items: Vec<types::User> = users
        .list()
        .before_id("user_09")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn admin_users_retrieve(client: &Client) {
    let op = "admin_users_retrieve";
    for id in ["user_01WCz1FkmYMm4gnmykNKUu3Q", "a/b?c"] {
        let user = accepted(op, client.admin().users().retrieve(id).send().await);
        assert!(!user.id.is_empty());
    }
}

async fn admin_users_update(client: &Client) {
    let op = "admin_users_update";
    for role in [
        types::AssignableOrganizationRole::Billing,
        types::AssignableOrganizationRole::ClaudeCodeUser,
    ] {
        let user = accepted(
            op,
            client
                .admin()
                .users()
                .update(
                    "user_01WCz1FkmYMm4gnmykNKUu3Q",
                    types::UserUpdateParams::new(role),
                )
                .send()
                .await,
        );
        assert!(!user.id.is_empty());
    }
}

async fn admin_users_delete(client: &Client) {
    let op = "admin_users_delete";
    let deleted = accepted(
        op,
        client
            .admin()
            .users()
            .delete("user_01WCz1FkmYMm4gnmykNKUu3Q")
            .send()
            .await,
    );
    assert!(!deleted.id.is_empty());
}

async fn admin_workspaces_create(client: &Client) {
    let op = "admin_workspaces_create";
    let workspaces = client.admin().workspaces();
    let workspace = accepted(
        op,
        workspaces
            .create(types::WorkspaceCreateParams::new("Research"))
            .send()
            .await,
    );
    assert!(!workspace.id.is_empty());
    let residency = types::WorkspaceDataResidencyCreateParams::new()
        .workspace_geo("us")
        .allowed_inference_geos(vec!["us".to_string(), "global".to_string()])
        .default_inference_geo("us");
    accepted(
        op,
        workspaces
            .create(types::WorkspaceCreateParams::new("Research (US)").data_residency(residency))
            .send()
            .await,
    );
    let unrestricted = types::WorkspaceDataResidencyCreateParams::new()
        .allowed_inference_geos(types::AllowedInferenceGeosString::Unrestricted);
    accepted(
        op,
        workspaces
            .create(types::WorkspaceCreateParams::new("Anywhere").data_residency(unrestricted))
            .send()
            .await,
    );
}

async fn admin_workspaces_list(client: &Client) {
    let op = "admin_workspaces_list";
    let workspaces = client.admin().workspaces();
    accepted(op, workspaces.list().send().await);
    accepted(
        op,
        workspaces
            .list()
            .include_archived(true)
            .limit(10)
            .after_id("wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ")
            .send()
            .await,
    );
    let items: Vec<types::Workspace> = workspaces
        .list()
        .include_archived(false)
        .before_id("wrkspc_09")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn admin_workspaces_retrieve(client: &Client) {
    let op = "admin_workspaces_retrieve";
    for id in ["wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", "a/b?c"] {
        let workspace = accepted(op, client.admin().workspaces().retrieve(id).send().await);
        assert!(!workspace.id.is_empty());
    }
}

async fn admin_workspaces_update(client: &Client) {
    let op = "admin_workspaces_update";
    let workspaces = client.admin().workspaces();
    let id = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ";
    accepted(
        op,
        workspaces
            .update(id, types::WorkspaceUpdateParams::new("Renamed"))
            .send()
            .await,
    );
    let residency = types::WorkspaceDataResidencyUpdateParams::new()
        .allowed_inference_geos(vec!["us".to_string()])
        .default_inference_geo("us");
    let workspace = accepted(
        op,
        workspaces
            .update(
                id,
                types::WorkspaceUpdateParams::new("US only").data_residency(residency),
            )
            .send()
            .await,
    );
    assert!(!workspace.name.is_empty());
}

async fn admin_workspaces_archive(client: &Client) {
    let op = "admin_workspaces_archive";
    let workspace = accepted(
        op,
        client
            .admin()
            .workspaces()
            .archive("wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ")
            .send()
            .await,
    );
    assert!(!workspace.id.is_empty());
}

async fn admin_workspaces_members_create(client: &Client) {
    let op = "admin_workspaces_members_create";
    let members = client.admin().workspaces().members();
    for role in [
        types::WorkspaceMemberCreateRole::WorkspaceDeveloper,
        types::WorkspaceMemberCreateRole::WorkspaceAdmin,
    ] {
        let member = accepted(
            op,
            members
                .create(
                    "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
                    types::WorkspaceMemberCreateParams::new("user_01WCz1FkmYMm4gnmykNKUu3Q", role),
                )
                .send()
                .await,
        );
        assert!(!member.user_id.is_empty());
    }
}

async fn admin_workspaces_members_list(client: &Client) {
    let op = "admin_workspaces_members_list";
    let members = client.admin().workspaces().members();
    let workspace = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ";
    accepted(op, members.list(workspace).send().await);
    accepted(
        op,
        members
            .list(workspace)
            .limit(5)
            .after_id("user_01WCz1FkmYMm4gnmykNKUu3Q")
            .send()
            .await,
    );
    let items: Vec<types::WorkspaceMember> = members
        .list("a/b")
        .before_id("user_09")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn admin_workspaces_members_retrieve(client: &Client) {
    let op = "admin_workspaces_members_retrieve";
    let members = client.admin().workspaces().members();
    for (workspace, user) in [
        (
            "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
            "user_01WCz1FkmYMm4gnmykNKUu3Q",
        ),
        ("a/b", "c?d"),
    ] {
        let member = accepted(op, members.retrieve(workspace, user).send().await);
        assert!(!member.workspace_id.is_empty());
    }
}

async fn admin_workspaces_members_update(client: &Client) {
    let op = "admin_workspaces_members_update";
    let members = client.admin().workspaces().members();
    for role in [
        types::WorkspaceRole::WorkspaceBilling,
        types::WorkspaceRole::WorkspaceUser,
    ] {
        accepted(
            op,
            members
                .update(
                    "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
                    "user_01WCz1FkmYMm4gnmykNKUu3Q",
                    types::WorkspaceMemberUpdateParams::new(role),
                )
                .send()
                .await,
        );
    }
}

async fn admin_workspaces_members_delete(client: &Client) {
    let op = "admin_workspaces_members_delete";
    let deleted = accepted(
        op,
        client
            .admin()
            .workspaces()
            .members()
            .delete(
                "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
                "user_01WCz1FkmYMm4gnmykNKUu3Q",
            )
            .send()
            .await,
    );
    assert!(!deleted.user_id.is_empty());
}

async fn admin_api_keys_list(client: &Client) {
    let op = "admin_api_keys_list";
    let keys = client.admin().api_keys();
    accepted(op, keys.list().send().await);
    accepted(
        op,
        keys.list()
            .limit(100)
            .after_id("apikey_01Rj2N8SVvo6BePZj99NhmiT")
            .status(types::ApiKeyStatus::Active)
            .workspace_id("wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ")
            .created_by_user_id("user_01WCz1FkmYMm4gnmykNKUu3Q")
            .send()
            .await,
    );
    let items: Vec<types::ApiKey> = keys
        .list()
        .status(types::ApiKeyStatus::Archived)
        .before_id("apikey_09")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn admin_api_keys_retrieve(client: &Client) {
    let op = "admin_api_keys_retrieve";
    for id in ["apikey_01Rj2N8SVvo6BePZj99NhmiT", "a/b?c"] {
        let key = accepted(op, client.admin().api_keys().retrieve(id).send().await);
        assert!(!key.id.is_empty());
    }
}

async fn admin_api_keys_update(client: &Client) {
    let op = "admin_api_keys_update";
    let keys = client.admin().api_keys();
    let id = "apikey_01Rj2N8SVvo6BePZj99NhmiT";
    // Every field is optional: an empty body changes nothing.
    accepted(
        op,
        keys.update(id, types::ApiKeyUpdateParams::new())
            .send()
            .await,
    );
    let key = accepted(
        op,
        keys.update(
            id,
            types::ApiKeyUpdateParams::new()
                .name("ci-deploy")
                .status(types::ApiKeyStatus::Inactive),
        )
        .send()
        .await,
    );
    assert!(!key.name.is_empty());
}

async fn admin_usage_report_messages(client: &Client) {
    let op = "admin_usage_report_messages";
    let reports = client.admin().usage_report();
    let report = accepted(op, reports.messages("2025-08-01T00:00:00Z").send().await);
    assert!(
        !report.data.is_empty(),
        "Prism's example report has a bucket"
    );
    use types::{ContextWindowRange, MessagesUsageGroupBy, UsageReportInferenceGeo};
    let start = chrono::Utc
        .with_ymd_and_hms(2025, 8, 1, 0, 0, 0)
        .single()
        .expect("a valid date");
    accepted(
        op,
        reports
            .messages(start)
            .ending_at("2025-08-08T00:00:00+02:00")
            .bucket_width(types::MessagesUsageBucketWidth::OneDay)
            .group_by([
                MessagesUsageGroupBy::Model,
                MessagesUsageGroupBy::WorkspaceId,
                MessagesUsageGroupBy::ContextWindow,
            ])
            .api_key_ids(["apikey_01Rj2N8SVvo6BePZj99NhmiT", "apikey_02"])
            .workspace_ids(["wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ"])
            .models(["claude-sonnet-4-5", "claude-opus-4-1"])
            .service_tiers([
                types::UsageReportServiceTier::Standard,
                types::UsageReportServiceTier::Batch,
            ])
            .context_window([
                ContextWindowRange::UpTo200k,
                ContextWindowRange::From200kTo1M,
            ])
            .inference_geos([
                UsageReportInferenceGeo::Global,
                UsageReportInferenceGeo::NotAvailable,
            ])
            .limit(7)
            .page("page_MjAyNS0wOC0wOA==")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    // Paged by `page` tokens across buckets.
    let buckets: Vec<types::MessagesUsageReportBucket> = reports
        .messages(start)
        .bucket_width(types::MessagesUsageBucketWidth::OneHour)
        .group_by([MessagesUsageGroupBy::ApiKeyId])
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!buckets.is_empty());
}

async fn admin_usage_report_claude_code(client: &Client) {
    let op = "admin_usage_report_claude_code";
    let reports = client.admin().usage_report();
    let report = accepted(op, reports.claude_code("2025-08-01").send().await);
    assert!(
        !report.data.is_empty(),
        "Prism's example report has a record"
    );
    accepted(
        op,
        reports
            .claude_code("2025-08-02")
            .limit(1000)
            .page("page_MjAyNS0wOC0wMg==")
            .send()
            .await,
    );
    let records: Vec<types::ClaudeCodeUsageRecord> = reports
        .claude_code("2025-08-03")
        .limit(20)
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!records.is_empty());
}

async fn admin_cost_report_retrieve(client: &Client) {
    let op = "admin_cost_report_retrieve";
    let costs = client.admin().cost_report();
    let report = accepted(op, costs.retrieve("2025-08-01T00:00:00Z").send().await);
    assert!(
        !report.data.is_empty(),
        "Prism's example report has a bucket"
    );
    let start = chrono::FixedOffset::east_opt(2 * 3600)
        .and_then(|offset| offset.with_ymd_and_hms(2025, 8, 1, 2, 0, 0).single())
        .expect("a valid date");
    accepted(
        op,
        costs
            .retrieve(start)
            .ending_at(
                chrono::Utc
                    .with_ymd_and_hms(2025, 9, 1, 0, 0, 0)
                    .single()
                    .expect("a date"),
            )
            .bucket_width(types::CostReportBucketWidth::OneDay)
            .group_by([
                types::CostReportGroupBy::WorkspaceId,
                types::CostReportGroupBy::Description,
            ])
            .limit(31)
            .page("page_MjAyNS0wOC0zMQ==")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    let buckets: Vec<types::CostReportBucket> = costs
        .retrieve("2025-08-01T00:00:00Z")
        .group_by([types::CostReportGroupBy::Description])
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!buckets.is_empty());
}

// Beta Messages and beta Message Batches (`?beta=true`, the beta Prism).

fn beta_user(content: impl Into<types::BetaMessageParamContent>) -> types::BetaMessageParam {
    types::BetaMessageParam::new(types::BetaMessageParamRole::User, content)
}

fn beta_minimal() -> types::BetaMessageCreateParams {
    types::BetaMessageCreateParams::new("claude-sonnet-4-5", 64, [beta_user("Hello")])
}

fn weather_tool() -> types::BetaTool {
    let schema = types::BetaToolInputSchema::new()
        .properties([(
            "city",
            json!({"type": "string", "description": "A city name."}),
        )])
        .required(["city"]);
    types::BetaTool::new("get_weather", schema)
        .description("The current weather in a city.")
        .strict(true)
}

/// A tool-use turn answered, with beta-only features: an MCP server, a
/// container with a skill, context management and extended thinking.
fn beta_rich() -> types::BetaMessageCreateParams {
    use types::{BetaContentBlockParam as Block, BetaMessageParamRole as Role};
    let tool_use = types::BetaToolUseBlockParam::new(
        "toolu_01A09q90qw90lq917835lq9",
        "get_weather",
        [("city", json!("Paris"))],
    );
    let result = types::BetaToolResultBlockParam::new("toolu_01A09q90qw90lq917835lq9")
        .content("Sunny, 24 °C");
    let question = types::BetaTextBlockParam::new("What is the weather in Paris?")
        .cache_control(types::BetaCacheControlEphemeral::new());
    let edit = types::BetaClearToolUses20250919Edit::new()
        .trigger(types::BetaInputTokensTrigger::new(30_000))
        .keep(types::BetaToolUsesKeep::new(3))
        .clear_at_least(types::BetaInputTokensClearAtLeast::new(5_000))
        .exclude_tools(["get_weather"]);
    let mcp = types::BetaRequestMcpServerUrlDefinition::new("docs", "https://mcp.example.com/sse")
        .authorization_token("token-123")
        .tool_configuration(
            types::BetaRequestMcpServerToolConfiguration::new()
                .enabled(true)
                .allowed_tools(["search"]),
        );
    let container = types::BetaContainerParams::new().skills([types::BetaSkillParams::new(
        "skill_01AbCdEfGhIjKlMnOpQrStUv",
        types::BetaSkillType::Custom,
    )
    .version("latest")]);
    types::BetaMessageCreateParams::new(
        "claude-sonnet-4-5",
        4096,
        [
            beta_user(vec![Block::from(question)]),
            types::BetaMessageParam::new(Role::Assistant, vec![Block::from(tool_use)]),
            beta_user(vec![Block::from(result)]),
        ],
    )
    .system("Answer in one sentence.")
    .stop_sequences(["END"])
    .metadata(types::Metadata::new().user_id("user-7f3a"))
    .tools([
        types::BetaToolUnion::from(weather_tool()),
        types::BetaToolUnion::from(types::BetaWebSearchTool20250305::new().max_uses(3)),
        types::BetaToolUnion::from(types::BetaCodeExecutionTool20250825::new()),
    ])
    .tool_choice(types::BetaToolChoiceAuto::new().disable_parallel_tool_use(true))
    .thinking(types::BetaThinkingConfigEnabled::new(2048))
    .mcp_servers([mcp])
    .container(container)
    .context_management(types::BetaContextManagementConfig::new().edits([edit]))
}

fn rich_betas() -> [AnthropicBeta; 4] {
    [
        AnthropicBeta::McpClient20250404,
        AnthropicBeta::from("skills-2025-10-02"),
        AnthropicBeta::from("context-management-2025-06-27"),
        AnthropicBeta::from("code-execution-2025-08-25"),
    ]
}

async fn beta_messages_create(client: &Client) {
    let op = "beta_messages_create";
    let message = accepted(
        op,
        client.beta().messages().create(beta_minimal()).send().await,
    );
    assert!(!message.id.is_empty());
    accepted(
        op,
        client
            .beta()
            .messages()
            .create(beta_rich())
            .anthropic_beta(rich_betas())
            .send()
            .await,
    );
    // A container by id, and the settings plain Messages lacks.
    let reuse = beta_minimal()
        .container("container_011CQqDk8KsH2P9zU1wYp5Nz")
        .temperature(0.2)
        .top_k(5)
        .inference_geo("us");
    accepted(op, client.beta().messages().create(reuse).send().await);
}

async fn beta_messages_count_tokens(client: &Client) {
    let op = "beta_messages_count_tokens";
    let minimal =
        types::BetaMessageCountTokensParams::new("claude-sonnet-4-5", [beta_user("Hello")]);
    let count = accepted(
        op,
        client.beta().messages().count_tokens(minimal).send().await,
    );
    assert!(count.input_tokens >= 0);
    let rich = beta_rich();
    let params = types::BetaMessageCountTokensParams::new("claude-sonnet-4-5", rich.messages)
        .system("Answer in one sentence.")
        .tools([types::BetaToolUnion::from(weather_tool())])
        .thinking(types::BetaThinkingConfigEnabled::new(1024))
        .mcp_servers([types::BetaRequestMcpServerUrlDefinition::new(
            "docs",
            "https://mcp.example.com/sse",
        )]);
    accepted(
        op,
        client
            .beta()
            .messages()
            .count_tokens(params)
            .anthropic_beta(rich_betas())
            .send()
            .await,
    );
}

async fn beta_messages_batches_create(client: &Client) {
    let op = "beta_messages_batches_create";
    let batches = client.beta().messages().batches();
    let one = types::BetaMessageBatchCreateParams::new([types::BetaMessageBatchRequest::new(
        "first",
        beta_minimal(),
    )]);
    let batch = accepted(op, batches.create(one).send().await);
    assert!(!batch.id.is_empty());
    let two = types::BetaMessageBatchCreateParams::new([
        types::BetaMessageBatchRequest::new("first", beta_minimal()),
        types::BetaMessageBatchRequest::new("with-tools", beta_rich()),
    ]);
    accepted(
        op,
        batches
            .create(two)
            .anthropic_beta(rich_betas())
            .send()
            .await,
    );
}

async fn beta_messages_batches_list(client: &Client) {
    let op = "beta_messages_batches_list";
    let batches = client.beta().messages().batches();
    accepted(op, batches.list().send().await);
    accepted(
        op,
        batches
            .list()
            .limit(5)
            .after_id("msgbatch_013Zva2CMHLNnXjNJJKqJ2EF")
            .anthropic_beta(betas())
            .send()
            .await,
    );
    let items: Vec<types::BetaMessageBatch> = batches
        .list()
        .before_id("msgbatch_09")
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} items: {e}"));
    assert!(!items.is_empty());
}

async fn beta_messages_batches_retrieve(client: &Client) {
    let op = "beta_messages_batches_retrieve";
    let batches = client.beta().messages().batches();
    for id in ["msgbatch_013Zva2CMHLNnXjNJJKqJ2EF", "a/b?c"] {
        let batch = accepted(op, batches.retrieve(id).send().await);
        assert!(!batch.id.is_empty());
    }
    accepted(
        op,
        batches
            .retrieve("msgbatch_01")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_messages_batches_delete(client: &Client) {
    let op = "beta_messages_batches_delete";
    let batches = client.beta().messages().batches();
    let deleted = accepted(
        op,
        batches
            .delete("msgbatch_013Zva2CMHLNnXjNJJKqJ2EF")
            .send()
            .await,
    );
    assert!(!deleted.id.is_empty());
    accepted(
        op,
        batches
            .delete("msgbatch_01")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_messages_batches_cancel(client: &Client) {
    let op = "beta_messages_batches_cancel";
    let batches = client.beta().messages().batches();
    let batch = accepted(
        op,
        batches
            .cancel("msgbatch_013Zva2CMHLNnXjNJJKqJ2EF")
            .send()
            .await,
    );
    assert!(!batch.id.is_empty());
    accepted(
        op,
        batches
            .cancel("msgbatch_01")
            .anthropic_beta(betas())
            .send()
            .await,
    );
}

async fn beta_messages_batches_results(client: &Client) {
    let op = "beta_messages_batches_results";
    // JSON Lines asked for as JSON, as for the plain results.
    let lines = opened(
        op,
        client
            .beta()
            .messages()
            .batches()
            .results("msgbatch_013Zva2CMHLNnXjNJJKqJ2EF")
            .anthropic_beta(betas())
            .header("accept", "application/json")
            .send()
            .await,
    );
    assert_valid(op, lines.headers());
    let results: Vec<types::BetaMessageBatchIndividualResponse> = lines
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{op} lines: {e}"));
    assert!(!results.is_empty(), "Prism's example has a result");
}

/// A client of the contract tests: both keys, no retries (a violation is
/// answered with a 4xx Prism must not be asked again for).
fn contract_client(url: &str) -> Client {
    builder(url)
        .admin_key(ADMIN_KEY)
        .max_retries(0)
        .build()
        .expect("client")
}

#[tokio::test]
async fn every_operation_passes_prism_validation() {
    let spec = load_spec();
    let ops = operations(&spec);
    assert!(ops.len() >= 4, "the spec has operations: {ops:?}");
    let prisms = Prisms::start(&derive_for_prism(&spec).expect("specs Prism can serve"));
    let plain = contract_client(&prisms.of(Family::Plain).url());
    let beta = contract_client(&prisms.of(Family::Beta).url());

    let mut exercised = BTreeSet::new();
    let mut missing = Vec::new();
    for op in &ops {
        let client = match op.family() {
            Family::Plain => &plain,
            Family::Beta => &beta,
        };
        match op.id.as_str() {
            "models_list" => models_list(client).await,
            "models_retrieve" => models_retrieve(client).await,
            "beta_models_list" => beta_models_list(client).await,
            "beta_models_retrieve" => beta_models_retrieve(client).await,
            "messages_create" => messages_create(client).await,
            "messages_count_tokens" => messages_count_tokens(client).await,
            "messages_batches_create" => messages_batches_create(client).await,
            "messages_batches_retrieve" => messages_batches_retrieve(client).await,
            "messages_batches_list" => messages_batches_list(client).await,
            "messages_batches_cancel" => messages_batches_cancel(client).await,
            "messages_batches_delete" => messages_batches_delete(client).await,
            "messages_batches_results" => messages_batches_results(client).await,
            "completions_create" => completions_create(client).await,
            "beta_files_list" => beta_files_list(client).await,
            "beta_files_upload" => beta_files_upload(client).await,
            "beta_files_retrieve_metadata" => beta_files_retrieve_metadata(client).await,
            "beta_files_delete" => beta_files_delete(client).await,
            "beta_files_download" => beta_files_download(client).await,
            "beta_skills_create" => beta_skills_create(client).await,
            "beta_skills_list" => beta_skills_list(client).await,
            "beta_skills_retrieve" => beta_skills_retrieve(client).await,
            "beta_skills_delete" => beta_skills_delete(client).await,
            "beta_skills_versions_create" => beta_skills_versions_create(client).await,
            "beta_skills_versions_list" => beta_skills_versions_list(client).await,
            "beta_skills_versions_retrieve" => beta_skills_versions_retrieve(client).await,
            "beta_skills_versions_delete" => beta_skills_versions_delete(client).await,
            "admin_organizations_me" => admin_organizations_me(client).await,
            "admin_invites_create" => admin_invites_create(client).await,
            "admin_invites_list" => admin_invites_list(client).await,
            "admin_invites_retrieve" => admin_invites_retrieve(client).await,
            "admin_invites_delete" => admin_invites_delete(client).await,
            "admin_users_list" => admin_users_list(client).await,
            "admin_users_retrieve" => admin_users_retrieve(client).await,
            "admin_users_update" => admin_users_update(client).await,
            "admin_users_delete" => admin_users_delete(client).await,
            "admin_workspaces_create" => admin_workspaces_create(client).await,
            "admin_workspaces_list" => admin_workspaces_list(client).await,
            "admin_workspaces_retrieve" => admin_workspaces_retrieve(client).await,
            "admin_workspaces_update" => admin_workspaces_update(client).await,
            "admin_workspaces_archive" => admin_workspaces_archive(client).await,
            "admin_workspaces_members_create" => admin_workspaces_members_create(client).await,
            "admin_workspaces_members_list" => admin_workspaces_members_list(client).await,
            "admin_workspaces_members_retrieve" => admin_workspaces_members_retrieve(client).await,
            "admin_workspaces_members_update" => admin_workspaces_members_update(client).await,
            "admin_workspaces_members_delete" => admin_workspaces_members_delete(client).await,
            "admin_api_keys_list" => admin_api_keys_list(client).await,
            "admin_api_keys_retrieve" => admin_api_keys_retrieve(client).await,
            "admin_api_keys_update" => admin_api_keys_update(client).await,
            "admin_usage_report_messages" => admin_usage_report_messages(client).await,
            "admin_usage_report_claude_code" => admin_usage_report_claude_code(client).await,
            "admin_cost_report_retrieve" => admin_cost_report_retrieve(client).await,
            "beta_messages_create" => beta_messages_create(client).await,
            "beta_messages_count_tokens" => beta_messages_count_tokens(client).await,
            "beta_messages_batches_create" => beta_messages_batches_create(client).await,
            "beta_messages_batches_list" => beta_messages_batches_list(client).await,
            "beta_messages_batches_retrieve" => beta_messages_batches_retrieve(client).await,
            "beta_messages_batches_delete" => beta_messages_batches_delete(client).await,
            "beta_messages_batches_cancel" => beta_messages_batches_cancel(client).await,
            "beta_messages_batches_results" => beta_messages_batches_results(client).await,
            _ => {
                missing.push(format!("{} ({} {})", op.id, op.method, op.path));
                continue;
            }
        }
        exercised.insert(op.id.clone());
    }
    assert!(
        missing.is_empty(),
        "operations of the spec without a contract case in tests/prism_contract.rs: {missing:?}"
    );
    assert_eq!(exercised.len(), ops.len());
}

#[tokio::test]
async fn prism_rejects_requests_that_break_the_spec() {
    // Without this, a Prism that accepted anything would pass the test above.
    let spec = load_spec();
    let has = |id: &str| operations(&spec).iter().any(|o| o.id == id);
    let prisms = Prisms::start(&derive_for_prism(&spec).expect("derived specs"));
    let plain = prisms.of(Family::Plain).url();
    let http = reqwest::Client::new();
    let get = |path: &str, key: Option<&str>| {
        let mut request = http
            .get(format!("{plain}{path}"))
            .header("anthropic-version", "2023-06-01");
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        request.send()
    };
    let violations = |response: &reqwest::Response| {
        response
            .headers()
            .get("sl-violations")
            .map(|v| v.to_str().expect("ascii").to_string())
            .unwrap_or_default()
    };
    let fine = get("/v1/models?limit=5", Some(API_KEY))
        .await
        .expect("Prism answers");
    assert_eq!(fine.status().as_u16(), 200);
    assert!(fine.headers().get("sl-violations").is_none());

    for query in ["?limit=abc", "?limit=5000", "?limit=0"] {
        let response = get(&format!("/v1/models{query}"), Some(API_KEY))
            .await
            .expect("Prism answers");
        assert_eq!(response.status().as_u16(), 422, "{query}");
        let violations = violations(&response);
        assert!(violations.contains("limit"), "{query}: {violations}");
    }
    let no_key = get("/v1/models", None).await.expect("Prism answers");
    assert_eq!(
        no_key.status().as_u16(),
        401,
        "the security scheme is checked"
    );

    // Through the client, the range check stops it before sending.
    let client = contract_client(&plain);
    let err = client
        .models()
        .list()
        .limit(5000)
        .send()
        .await
        .expect_err("checked client-side");
    assert!(matches!(err, Error::InvalidArgument(_)));

    let post = |url: String, body: serde_json::Value| {
        http.post(url)
            .header("x-api-key", API_KEY)
            .header("anthropic-version", "2023-06-01")
            .json(&body)
            .send()
    };
    if has("messages_create") {
        let response = post(
            format!("{plain}/v1/messages"),
            json!({"model": "claude-sonnet-4-20250514", "messages": []}),
        )
        .await
        .expect("Prism answers");
        assert_eq!(
            response.status().as_u16(),
            422,
            "a body without max_tokens breaks the spec"
        );
    }

    if has("admin_usage_report_messages") {
        let path = "/v1/organizations/usage_report/messages?bucket_width=1d&group_by[]=model";
        let response = get(path, Some(ADMIN_KEY)).await.expect("Prism answers");
        assert_eq!(response.status().as_u16(), 422, "a report needs its start");
        let violations = violations(&response);
        assert!(violations.contains("starting_at"), "{violations}");
        let no_key = get(&format!("{path}&starting_at=2025-08-01T00:00:00Z"), None)
            .await
            .expect("Prism answers");
        assert_eq!(no_key.status().as_u16(), 401, "the Admin key is checked");
    }

    if has("beta_messages_create") {
        // An MCP server without its URL breaks the beta contract; the plain
        // twin's knows no `mcp_servers` and lets it through, which is why
        // each family has its own Prism.
        let body = json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 64,
            "messages": [{"role": "user", "content": "Hello"}],
            "mcp_servers": [{"type": "url", "name": "docs"}]
        });
        let beta = prisms.of(Family::Beta).url();
        let response = post(format!("{beta}/v1/messages?beta=true"), body.clone())
            .await
            .expect("Prism answers");
        assert_eq!(response.status().as_u16(), 422, "{}", violations(&response));
        let violations_of_beta = violations(&response);
        assert!(violations_of_beta.contains("url"), "{violations_of_beta}");
        let response = post(format!("{plain}/v1/messages?beta=true"), body)
            .await
            .expect("Prism answers");
        assert_eq!(response.status().as_u16(), 200, "{}", violations(&response));
    }
}

fn ids(spec: &serde_yaml::Value) -> Vec<String> {
    operations(spec).into_iter().map(|o| o.id).collect()
}

#[test]
fn the_derived_specs_split_the_spec_into_its_families() {
    let spec = load_spec();
    let specs = derive_for_prism(&spec).expect("derived");
    let ops = operations(&spec);
    let beta = specs.beta.as_ref().expect("the spec has beta operations");
    for derived in [&specs.plain, beta] {
        let keys: Vec<_> = operations(derived).into_iter().map(|o| o.path).collect();
        assert!(keys.iter().all(|p| !p.contains('?')), "{keys:?}");
        let header = &derived["components"]["parameters"]["AnthropicBeta"];
        assert_eq!(header["schema"]["type"], "string", "{header:?}");
    }
    // The plain Prism serves exactly the plain operations.
    let plain: Vec<String> = ops
        .iter()
        .filter(|o| o.family() == Family::Plain)
        .map(|o| o.id.clone())
        .collect();
    assert_eq!(ids(&specs.plain), plain);
    // The beta Prism serves every beta operation under its plain path, with
    // its own contract, and the plain operations that have no beta twin.
    let beta_ops = operations(beta);
    for op in &ops {
        let path = op.path.split('?').next().expect("a path");
        let twin_is_beta = ops
            .iter()
            .any(|o| o.family() == Family::Beta && o.path.starts_with(&format!("{path}?")));
        let served = beta_ops
            .iter()
            .find(|o| o.path == path && o.method == op.method);
        match (op.family(), twin_is_beta) {
            (Family::Beta, _) => {
                let served = served.unwrap_or_else(|| panic!("{} is not served", op.id));
                assert_eq!(served.id, op.id);
                let body = |spec: &serde_yaml::Value, path: &str| {
                    spec["paths"][path][&op.method]["requestBody"].clone()
                };
                assert_eq!(body(beta, path), body(&spec, &op.path), "{}", op.id);
            }
            (Family::Plain, false) => {
                assert_eq!(served.map(|o| &o.id), Some(&op.id), "{} is served", op.id);
            }
            (Family::Plain, true) => {
                assert_ne!(served.map(|o| &o.id), Some(&op.id), "{} gives way", op.id);
            }
        }
    }
    let create =
        &beta["paths"]["/v1/messages"]["post"]["requestBody"]["content"]["application/json"];
    assert_eq!(
        create["schema"]["$ref"], "#/components/schemas/BetaMessageCreateParams",
        "beta Messages is checked against its own body"
    );
}

/// A spec with one of each construct the derivation works around.
const FIXTURE: &str = r##"
openapi: 3.0.3
paths:
  /v1/things:
    get:
      operationId: things_list
      parameters:
        - {name: anthropic-beta, in: header, style: simple, schema: {type: array, items: {type: string}}}
        - {name: 'tags[]', in: query, schema: {type: array, items: {type: string}}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
    post:
      operationId: things_create
      requestBody:
        content:
          multipart/form-data:
            schema: {$ref: '#/components/schemas/ThingForm'}
      responses:
        '200': {description: ok}
  /v1/things/{id}/content:
    get:
      operationId: things_download
      responses:
        '200': {description: bytes, content: {application/octet-stream: {schema: {type: string, format: binary}}}}
  /v1/things/{id}/lines:
    get:
      operationId: things_lines
      responses:
        '200': {description: lines, content: {application/x-jsonl: {schema: {type: object}}}}
  /v1/things?beta=true:
    get:
      operationId: beta_things_list
      responses:
        '200': {description: ok}
  /v1/gadgets?beta=true:
    get:
      operationId: beta_gadgets_list
      responses:
        '200': {description: ok}
components:
  schemas:
    ThingForm:
      type: object
      properties:
        files[]: {type: array, items: {type: string, format: binary}}
        title: {type: string}
"##;

fn fixture() -> serde_yaml::Value {
    serde_yaml::from_str(FIXTURE).expect("the fixture is YAML")
}

#[test]
fn a_beta_path_replaces_its_twin_or_stands_alone_in_the_beta_spec() {
    let specs = derive_for_prism(&fixture()).expect("derived");
    assert_eq!(
        ids(&specs.plain),
        [
            "things_list",
            "things_create",
            "things_download",
            "things_lines"
        ]
    );
    let beta = specs.beta.as_ref().expect("a beta spec");
    // The twin's place is kept; its `post`, which has no beta form, goes
    // with it (the plain Prism serves it).
    assert_eq!(
        ids(beta),
        [
            "beta_things_list",
            "things_download",
            "things_lines",
            "beta_gadgets_list"
        ]
    );
    assert_eq!(specs.of(Family::Beta), beta);
    assert_eq!(specs.of(Family::Plain), &specs.plain);
}

#[test]
fn the_workarounds_apply_to_both_specs() {
    let specs = derive_for_prism(&fixture()).expect("derived");
    for spec in [&specs.plain, specs.beta.as_ref().expect("a beta spec")] {
        let paths = &spec["paths"];
        let lines = &paths["/v1/things/{id}/lines"]["get"]["responses"]["200"]["content"];
        assert_eq!(lines["application/json"], lines["application/x-jsonl"]);
        let bytes = &paths["/v1/things/{id}/content"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            bytes["application/binary"],
            bytes["application/octet-stream"]
        );
    }
    let paths = &specs.plain["paths"];
    let header = &paths["/v1/things"]["get"]["parameters"][0];
    assert_eq!(header["schema"]["type"], "string", "{header:?}");
    assert!(header.get("style").is_none());
    let tags = &paths["/v1/things"]["get"]["parameters"][1];
    assert_eq!(tags["style"], "simple", "{tags:?}");
    assert_eq!(tags["explode"], true);
    let limit = &paths["/v1/things"]["get"]["parameters"][2];
    assert!(limit.get("style").is_none(), "{limit:?}");
    let form = &paths["/v1/things"]["post"]["requestBody"]["content"]["multipart/form-data"];
    assert_eq!(form["encoding"]["files[]"]["style"], "form", "{form:?}");
    assert_eq!(form["encoding"]["files[]"]["explode"], true);
    assert_eq!(form["encoding"]["files[]"]["allowReserved"], true);
    assert!(form["encoding"].get("title").is_none(), "only arrays");
}

#[test]
fn a_spec_without_beta_paths_is_served_by_one_prism() {
    let spec: serde_yaml::Value = serde_yaml::from_str(
        "openapi: 3.0.3\npaths:\n  /v1/things:\n    get:\n      operationId: things_list\n",
    )
    .expect("yaml");
    let specs = derive_for_prism(&spec).expect("derived");
    assert!(specs.beta.is_none());
    assert_eq!(specs.of(Family::Beta), &specs.plain);
}

#[test]
fn a_path_with_another_query_cannot_be_derived() {
    let spec: serde_yaml::Value = serde_yaml::from_str(
        "openapi: 3.0.3\npaths:\n  /v1/things?version=2:\n    get:\n      operationId: things_v2\n",
    )
    .expect("yaml");
    let err = derive_for_prism(&spec).expect_err("not a beta query");
    assert!(err.contains("/v1/things?version=2"), "{err}");
}
