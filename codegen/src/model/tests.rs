//! The model built from the fixture specs of `tests/fixtures/codegen/`
//! (one construct each) and from the real spec.

use std::path::Path;

use super::*;

fn model_of(path: &Path) -> Api {
    let spec = crate::load::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match crate::build_model(&spec) {
        Ok(model) => model.api,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

fn fixture(name: &str) -> Api {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/codegen");
    model_of(&root.join(name))
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|op| op.id == id)
        .unwrap_or_else(|| panic!("no operation `{id}`"))
}

fn paths(api: &Api) -> Vec<String> {
    api.resources.iter().map(|r| r.path.join(".")).collect()
}

#[test]
fn a_beta_variant_is_its_own_resource_with_a_fixed_query() {
    let api = fixture("beta_variant.yaml");
    assert_eq!(paths(&api), ["beta", "beta.widgets", "widgets"]);
    let plain = operation(&api, "widgets_retrieve");
    let beta = operation(&api, "beta_widgets_retrieve");
    assert_eq!(beta.resource, ["beta", "widgets"]);
    assert_eq!(beta.method_name, "retrieve");
    assert!(beta.beta && !plain.beta);
    assert_eq!(beta.fixed_query, [("beta".to_string(), "true".to_string())]);
    assert!(plain.fixed_query.is_empty());
    assert_eq!(beta.http_method, "GET");
    assert_eq!(
        beta.path,
        [
            PathPart::Literal("/v1/widgets/".into()),
            PathPart::Param("widget_id".into())
        ]
    );
    assert_eq!(beta.path_template(), "/v1/widgets/{widget_id}");
    let id = &beta.params[0];
    assert_eq!(id.location, ParamLocation::Path);
    assert!(id.required && id.checks.path_segment);
    assert_eq!(beta.body, Body::None);
    assert_eq!(beta.response, Response::Json("Widget".into()));
    assert_eq!(beta.pagination, Pagination::None);
    assert_eq!(beta.security, Some(0));
    assert_eq!(
        beta.docs.url,
        "https://example.com/docs/beta/widgets/retrieve"
    );
}

#[test]
fn a_cursor_list_and_its_checks() {
    let api = fixture("pagination.yaml");
    let list = operation(&api, "widgets_list");
    assert_eq!(
        list.pagination,
        Pagination::Cursor {
            page: "WidgetPage".into(),
            item: "Widget".into(),
            first_id_optional: true,
            last_id_optional: true,
            has_more_optional: false,
        }
    );
    let limit = list
        .params
        .iter()
        .find(|p| p.name == "limit")
        .expect("a limit");
    assert_eq!(limit.ty, ValueType::Integer { unsigned: true });
    assert_eq!(
        (limit.checks.minimum, limit.checks.maximum),
        (Some(1.0), Some(1000.0))
    );
    assert!(!limit.required);
}

#[test]
fn a_page_token_list() {
    let api = fixture("page_token.yaml");
    let list = operation(&api, "skills_list");
    assert_eq!(
        list.pagination,
        Pagination::PageToken {
            page: "SkillPage".into(),
            item: "Skill".into(),
            next_page_optional: true,
            has_more_optional: false,
        }
    );
    let source = list
        .params
        .iter()
        .find(|p| p.name == "source")
        .expect("a source");
    assert_eq!(source.ty, ValueType::Named("SkillSource".into()));
}

#[test]
fn every_response_kind() {
    let streaming = fixture("streaming.yaml");
    let create = operation(&streaming, "things_create");
    assert_eq!(
        create.response,
        Response::JsonOrEvents {
            json: "Thing".into(),
            event: "ThingEvent".into()
        }
    );
    let Body::Json(body) = &create.body else {
        panic!("a JSON body: {:?}", create.body);
    };
    assert!(body.stream_flag);
    assert_eq!(body.type_name, "ThingParams");

    let lines = fixture("jsonl.yaml");
    assert_eq!(
        operation(&lines, "jobs_results").response,
        Response::JsonLines("JobResult".into())
    );
    let binary = fixture("binary.yaml");
    assert_eq!(
        operation(&binary, "files_download").response,
        Response::Binary
    );
    let empty = fixture("empty.yaml");
    let cancel = operation(&empty, "jobs_cancel");
    assert_eq!(
        (cancel.http_method.as_str(), &cancel.body),
        ("POST", &Body::None)
    );
    let delete = operation(&empty, "jobs_delete");
    assert_eq!(
        (delete.http_method.as_str(), &delete.response),
        ("DELETE", &Response::Empty)
    );
}

#[test]
fn a_multipart_body_and_its_fields() {
    let api = fixture("multipart.yaml");
    let Body::Multipart(form) = &operation(&api, "files_upload").body else {
        panic!("a multipart body");
    };
    let fields: Vec<(&str, &str, &FormFieldKind, bool)> = form
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.rust_name.as_str(), &f.kind, f.required))
        .collect();
    assert_eq!(
        fields,
        [
            ("file", "file", &FormFieldKind::File, true),
            ("files[]", "files", &FormFieldKind::Files, false),
            (
                "title",
                "title",
                &FormFieldKind::Text(ValueType::String),
                false
            ),
        ]
    );
}

#[test]
fn nested_resources_and_per_operation_security() {
    let api = fixture("nested_resource.yaml");
    assert_eq!(
        paths(&api),
        ["admin", "admin.users", "skills", "skills.versions"]
    );
    let names: Vec<&str> = api.schemes.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["ApiKeyAuth", "AdminKeyAuth"]);
    assert_eq!(operation(&api, "admin_users_retrieve").security, Some(1));
    let version = operation(&api, "skills_versions_retrieve");
    assert_eq!(version.security, Some(0));
    assert_eq!(version.resource, ["skills", "versions"]);
    let path_params: Vec<&str> = version.path_params().map(|p| p.name.as_str()).collect();
    assert_eq!(path_params, ["skill_id", "version"]);
    let skills = ["skills".to_string()];
    let children: Vec<&str> = api.children_of(&skills).map(Resource::accessor).collect();
    assert_eq!(children, ["versions"]);
}

#[test]
fn an_array_header_is_a_list() {
    let api = fixture("array_header.yaml");
    let op = &api.operations[0];
    let flags = op
        .params
        .iter()
        .find(|p| p.location == ParamLocation::Header)
        .expect("a header");
    assert_eq!(
        flags.ty,
        ValueType::List(Box::new(ValueType::Named("WidgetFlag".into())))
    );
    assert_eq!(flags.rust_name, "widget_flags");
}

#[test]
fn the_real_spec() {
    let api = model_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/anthropic.yaml"));
    assert_eq!(api.version, "2023-06-01");
    assert_eq!(api.base_url, "https://api.anthropic.com");
    let results = operation(&api, "messages_batches_results");
    assert_eq!(results.resource, ["messages", "batches"]);
    assert_eq!(
        results.response,
        Response::JsonLines("MessageBatchIndividualResponse".into())
    );
    assert!(matches!(
        operation(&api, "messages_batches_list").pagination,
        Pagination::Cursor { .. }
    ));
    assert!(matches!(
        operation(&api, "completions_create").response,
        Response::JsonOrEvents { .. }
    ));
    assert_eq!(operation(&api, "messages_batches_cancel").body, Body::None);
    // The Admin API's operations send the admin key; every other the API key.
    let admin = api.schemes.iter().position(|s| s.name == "AdminKeyAuth");
    for op in &api.operations {
        let expected = if op.resource[0] == "admin" {
            admin
        } else {
            Some(0)
        };
        assert_eq!(op.security, expected, "{}", op.id);
    }
    assert!(api.operations.iter().all(|op| !op.docs.url.is_empty()));
}
