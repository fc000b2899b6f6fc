//! Generator output on small fixture specs, one construct each, as insta snapshots; broken specs and their error messages.
//!
//! The fixtures live in `tests/fixtures/codegen/` and the accepted snapshots
//! in `tests/snapshots/`. Besides each snapshot, every test asserts the
//! property the construct is about, so a snapshot accepted without reading
//! it still cannot hide a regression. After an intended change to the
//! generator, review the new snapshots (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test -p workspace-tests --test codegen_snapshots`
//! and read the diff). Under `CI=true` a missing or changed snapshot fails.

use std::path::Path;

use codegen::{Error, SpecProblem};
use workspace_tests::generator::{
    fixture_label, fixture_text, generate_fixture, generated_file, line_of,
};

/// Generates `fixture`, which must be accepted.
fn generate(fixture: &str) -> codegen::Output {
    generate_fixture(fixture).unwrap_or_else(|e| panic!("{fixture} must generate:\n{e}"))
}

/// Snapshots the generated file `path` of `output` as `<snapshot>`.
fn snapshot_file(output: &codegen::Output, path: &str, snapshot: &str) -> String {
    let contents = generated_file(output, path).to_string();
    insta::assert_snapshot!(snapshot, contents);
    contents
}

/// Generates the broken `fixture`, which must be rejected with exactly one
/// problem, snapshots the error's text, and returns the problem.
fn reject(fixture: &str, snapshot: &str) -> (SpecProblem, String) {
    let error = match generate_fixture(fixture) {
        Ok(_) => panic!("{fixture} is broken and must be rejected"),
        Err(error) => error,
    };
    let text = error.to_string();
    insta::assert_snapshot!(snapshot, text);
    match error {
        Error::Spec(mut problems) => {
            assert_eq!(problems.len(), 1, "one defect, one problem: {text}");
            (problems.remove(0), text)
        }
        other => panic!("{fixture} must fail as a spec problem, not {other:?}"),
    }
}

/// `text` without white space, so that an assertion does not depend on
/// where the formatter breaks a line (compare with `squeezed` needles).
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect()
}

/// The error names the file and the line, in the problem and in its text.
fn assert_located(problem: &SpecProblem, text: &str, fixture: &str, line: usize) {
    let label = fixture_label(fixture);
    assert_eq!(problem.location.file, Path::new(&label));
    assert_eq!(problem.location.line, Some(line), "{text}");
    assert!(
        text.contains(&format!("{label}:{line}")),
        "the message names `{label}:{line}`: {text}"
    );
}

// ---- constructs the generator accepts ----

#[test]
fn open_enum_becomes_an_enum_that_keeps_unknown_values() {
    let output = generate("open_enum.yaml");
    let enums = snapshot_file(&output, "open_enums.rs", "open_enum__open_enums");
    let raw = snapshot_file(&output, "raw.rs", "open_enum__raw");

    assert!(enums.contains("pub enum Color {"), "{enums}");
    assert!(enums.contains("Other(::std::string::String)"), "{enums}");
    // Values that are not identifiers, and a value named `other`, still get
    // distinct variants.
    assert!(enums.contains("V3dBlue"), "{enums}");
    assert!(enums.contains("DarkGreen"), "{enums}");
    assert!(enums.contains("OtherValue"), "{enums}");
    // The impls come from the runtime's `open_enum!`, given every variant
    // with its wire value (the macro's own tests cover what it does).
    let flat = squeezed(&enums);
    assert!(flat.contains("crate::impls::open_enum!(Color{"), "{enums}");
    for mapping in [
        r#"Red => "red""#,
        r#"DarkGreen => "dark-green""#,
        r#"V3dBlue => "3d-blue""#,
        r#"OtherValue => "other""#,
    ] {
        assert!(flat.contains(&squeezed(mapping)), "{mapping}: {enums}");
    }
    // Progenitor's own type (a struct of two options) is replaced, not kept.
    assert!(!raw.contains("pub struct Color"), "{raw}");
    assert!(raw.contains("pub color: crate::types::Color,"), "{raw}");
}

#[test]
fn array_header_is_sent_as_one_comma_separated_value() {
    let output = generate("array_header.yaml");
    let raw = snapshot_file(&output, "raw.rs", "array_header__raw");
    let resources = snapshot_file(&output, "resources.rs", "array_header__resources");

    let list = "crate::CommaSeparated<crate::types::WidgetFlag>";
    assert!(raw.contains(&format!("Option<{list}>")), "{raw}");
    assert!(
        raw.contains(r#"header_map.append("widget-flags", value.to_string().try_into()?);"#),
        "{raw}"
    );
    assert!(!raw.contains("Vec<crate::types::WidgetFlag>"), "{raw}");
    assert!(resources.contains("pub fn widget_flags<V>"), "{resources}");
    assert!(
        resources.contains(&format!("V: std::convert::TryInto<{list}>")),
        "{resources}"
    );
    // The items are an open set, so they get the open-enum treatment too.
    let enums = generated_file(&output, "open_enums.rs");
    assert!(enums.contains("pub enum WidgetFlag {"), "{enums}");
}

#[test]
fn nullable_fields_are_options_required_only_where_a_request_sends_them() {
    let output = generate("nullable.yaml");
    let raw = snapshot_file(&output, "raw.rs", "nullable__raw");
    let widget = type_body(&raw, "pub struct Widget {");
    let update = type_body(&raw, "pub struct WidgetUpdate {");

    // Response only: null and absent both read as `None`, and `None` is left
    // out when written back, required or not.
    for field in [
        "parent_id: ::std::option::Option<::std::string::String>",
        "weight: ::std::option::Option<i64>",
    ] {
        let at = widget
            .find(field)
            .unwrap_or_else(|| panic!("no `{field}`: {widget}"));
        // The line before the field (the last line here is the field's own start).
        let attribute = widget[..at].lines().rev().nth(1).unwrap_or_default();
        assert!(
            attribute
                .contains(r#"#[serde(skip_serializing_if = "::std::option::Option::is_none")]"#),
            "{field}: {widget}"
        );
    }
    assert!(
        widget.contains("pub id: ::std::string::String,"),
        "{widget}"
    );
    assert!(!widget.contains("deserialize_with"), "{widget}");

    // Sent by a request: required, so `None` goes out as an explicit `null`
    // and a missing field does not decode.
    assert!(
        update.contains(
            "#[serde(deserialize_with = \"::std::option::Option::deserialize\")]\n        \
             pub parent_id: ::std::option::Option<::std::string::String>,"
        ),
        "{update}"
    );
    assert!(!update.contains("skip_serializing_if"), "{update}");
}

/// The text of the item that starts at `start`, up to its closing brace.
fn type_body<'t>(raw: &'t str, start: &str) -> &'t str {
    let at = raw
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}`:\n{raw}"));
    let rest = &raw[at..];
    let end = rest
        .find("\n    }\n")
        .unwrap_or_else(|| panic!("`{start}` does not end"));
    &rest[..end]
}

#[test]
fn beta_variant_is_a_beta_resource_with_beta_true_in_the_url() {
    let output = generate("beta_variant.yaml");
    let resources = snapshot_file(&output, "resources.rs", "beta_variant__resources");
    let raw = snapshot_file(&output, "raw.rs", "beta_variant__raw");

    // `client.widgets().retrieve(id)` and `client.beta().widgets().retrieve(id)`.
    assert!(
        resources.contains("pub fn beta(&self) -> Beta<'_>"),
        "{resources}"
    );
    assert!(
        resources.contains("pub fn widgets(&self) -> Widgets<'_>"),
        "{resources}"
    );
    assert!(
        resources.contains("pub fn widgets(&self) -> BetaWidgets<'a>"),
        "{resources}"
    );
    assert!(
        resources.contains(
            "pub fn retrieve<P0>(&self, widget_id: P0) -> BetaWidgetsRetrieveRequest<'a>"
        ),
        "{resources}"
    );
    assert!(
        resources
            .contains("pub fn retrieve<P0>(&self, widget_id: P0) -> WidgetsRetrieveRequest<'a>"),
        "{resources}"
    );
    assert!(raw.contains(r#""{}/v1/widgets/{}?beta=true""#), "{raw}");
    assert_eq!(
        raw.matches("?beta=true\"").count(),
        1,
        "only the beta form: {raw}"
    );
}

#[test]
fn error_responses_decode_into_the_error_body() {
    let output = generate("error_response.yaml");
    let raw = snapshot_file(&output, "raw.rs", "error_response__raw");

    assert!(
        raw.contains("Result<ResponseValue<types::Widget>, Error<types::ErrorResponse>>"),
        "{raw}"
    );
    for range in ["400u16..=499u16 => {", "500u16..=599u16 => {"] {
        let at = raw
            .find(range)
            .unwrap_or_else(|| panic!("no arm `{range}`:\n{raw}"));
        let arm = &raw[at..at + 300.min(raw.len() - at)];
        assert!(
            arm.contains("ErrorResponse"),
            "the {range} arm decodes the error body: {arm}"
        );
    }
    // The error type inside the body is an open set.
    let enums = generated_file(&output, "open_enums.rs");
    assert!(enums.contains("pub enum ErrorType {"), "{enums}");
}

#[test]
fn cursor_paged_list_gets_pages_and_items() {
    let output = generate("pagination.yaml");
    let resources = snapshot_file(&output, "resources.rs", "pagination__resources");

    assert!(
        resources.contains("impl crate::pagination::Page for types::WidgetPage"),
        "{resources}"
    );
    assert!(
        resources.contains("type Item = types::Widget;"),
        "{resources}"
    );
    // The ids are nullable (an empty page), so they are read as options.
    assert!(
        resources.contains("self.first_id.as_deref()"),
        "{resources}"
    );
    assert!(resources.contains("self.last_id.as_deref()"), "{resources}");
    assert!(resources.contains("pub fn pages("), "{resources}");
    assert!(resources.contains("pub fn items("), "{resources}");
    // Starting from `before_id` pages backward.
    assert!(resources.contains("self.backward = true;"), "{resources}");
    // `limit` is checked against the spec's bounds before anything is sent.
    let limit = resources.find("pub fn limit<V>").expect("a `limit` setter");
    let setter = &resources[limit..];
    let setter = &setter[..setter.find("\n    }\n").expect("the setter ends")];
    assert!(setter.contains("crate::checks::range("), "{setter}");
    assert!(
        setter.contains("::std::option::Option::Some(1f64)"),
        "{setter}"
    );
    assert!(
        setter.contains("::std::option::Option::Some(1000f64)"),
        "{setter}"
    );
}

#[test]
fn discriminated_union_dispatches_on_the_tag_and_keeps_unknown_members() {
    let output = generate("tagged_union.yaml");
    let unions = snapshot_file(&output, "unions.rs", "tagged_union__unions");
    let raw = generated_file(&output, "raw.rs");

    assert!(unions.contains("pub enum Shape {"), "{unions}");
    // Variants are named after the tag values, not the member schemas.
    assert!(unions.contains("Circle(crate::types::Circle)"), "{unions}");
    assert!(
        unions.contains("Square(crate::types::SquareShape)"),
        "{unions}"
    );
    assert!(unions.contains("Other(::serde_json::Value)"), "{unions}");
    // Dispatch comes from the runtime's `tagged_union!`, given the tag
    // property and every variant with its tag (the macro's own tests cover
    // the dispatch and the `Other` fallback).
    let flat = squeezed(&unions);
    let invocation =
        r#"crate::impls::tagged_union!(Shape, "type", { Circle => "circle", Square => "square", }"#;
    assert!(flat.contains(&squeezed(invocation)), "{unions}");
    // Typify's untagged enum is replaced, and the list holds our enum.
    assert!(!raw.contains("pub enum Shape"), "{raw}");
    assert!(
        raw.contains("::std::vec::Vec<crate::types::Shape>"),
        "{raw}"
    );
}

#[test]
fn schema_shared_by_request_and_response_is_one_type_both_ways() {
    let output = generate("shared_schema.yaml");
    let raw = snapshot_file(&output, "raw.rs", "shared_schema__raw");
    let resources = generated_file(&output, "resources.rs");

    let note = type_body(&raw, "pub struct Note {");
    assert!(
        raw.contains("#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]\n    pub struct Note {"),
        "{raw}"
    );
    // An optional field with a default is left unset rather than always sent.
    assert!(
        note.contains("pub pinned: ::std::option::Option<bool>"),
        "{note}"
    );
    assert!(
        note.contains("pub colour: ::std::option::Option<crate::types::Colour>"),
        "{note}"
    );
    // The body goes in as the operation's argument and comes back as the response.
    assert!(
        resources.contains("pub fn create<Bd>(&self, body: Bd) -> NotesCreateRequest<'a>"),
        "{resources}"
    );
    assert!(
        resources.contains("crate::Response<types::Note>"),
        "{resources}"
    );
}

#[test]
fn event_stream_response_gets_a_stream_method() {
    let output = generate("streaming.yaml");
    let resources = snapshot_file(&output, "resources.rs", "streaming__resources");
    let unions = generated_file(&output, "unions.rs");

    assert!(
        resources
            .contains("pub fn create_stream<Bd>(&self, body: Bd) -> ThingsCreateStreamRequest<'a>"),
        "{resources}"
    );
    assert!(
        resources.contains("pub type ThingsCreateStreamRequest<'a> = crate::StreamRequest<\n    'a,\n    types::ThingParams,\n    types::ThingEvent,\n>;")
            || resources.contains("pub type ThingsCreateStreamRequest<'a> = crate::StreamRequest<'a, types::ThingParams, types::ThingEvent>;"),
        "{resources}"
    );
    assert!(resources.contains(r#""things_create""#), "{resources}");
    assert!(resources.contains(r#""/v1/things""#), "{resources}");
    // The JSON form stays available beside it, and clears the flag that
    // would switch the answer to events.
    assert!(
        resources.contains(".body_map(|body| body.stream(::std::option::Option::<bool>::None))"),
        "{resources}"
    );
    assert!(
        resources.contains("pub fn create<Bd>(&self, body: Bd) -> ThingsCreateRequest<'a>"),
        "{resources}"
    );
    assert!(unions.contains("pub enum ThingEvent {"), "{unions}");
}

#[test]
fn security_scheme_version_and_server_become_constants() {
    let output = generate("nullable.yaml");
    let meta = snapshot_file(&output, "meta.rs", "meta");
    assert!(
        meta.contains(r#"pub const API_VERSION: &str = "2023-06-01";"#),
        "{meta}"
    );
    assert!(
        meta.contains(r#"pub const API_KEY_HEADER: &str = "x-api-key";"#),
        "{meta}"
    );
    assert!(
        meta.contains(r#"pub const DEFAULT_BASE_URL: &str = "https://api.example.com";"#),
        "{meta}"
    );
}

#[test]
fn every_file_carries_the_generated_header_naming_spec_and_command() {
    let output = generate("open_enum.yaml");
    assert!(!output.files.is_empty());
    for file in &output.files {
        let first = file.contents.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            "// @generated by `cargo xtask generate` from `tests/fixtures/codegen/open_enum.yaml`.",
            "{}",
            file.path.display()
        );
    }
    assert_eq!(output.stats.operations, 1);
    assert_eq!(
        output.stats.lines,
        output
            .files
            .iter()
            .map(|f| f.contents.lines().count())
            .sum::<usize>()
    );
}

// ---- broken specs: the error names the file, the line and the reason ----

#[test]
fn yaml_syntax_error_names_file_line_and_column() {
    let fixture = "broken/yaml_syntax.yaml";
    let (problem, text) = reject(fixture, "broken__yaml_syntax");
    // The parser notices the unclosed `[` on the line after it opens.
    let opened = line_of(&fixture_text(fixture), "tags: [widgets");
    assert_located(&problem, &text, fixture, opened + 1);
    assert!(problem.location.column.is_some(), "{text}");
    assert!(problem.message.starts_with("invalid YAML:"), "{text}");
    assert!(
        text.contains(&format!("while parsing a flow sequence at line {opened}")),
        "{text}"
    );
}

#[test]
fn dangling_ref_names_file_line_pointer_and_target() {
    let fixture = "broken/dangling_ref.yaml";
    let (problem, text) = reject(fixture, "broken__dangling_ref");
    let line = line_of(&fixture_text(fixture), "#/components/schemas/Gadget");
    assert_located(&problem, &text, fixture, line);
    assert_eq!(
        problem.location.pointer.as_deref(),
        Some("/paths/~1v1~1widgets~1{widget_id}/get/responses/200/content/application~1json/schema/$ref")
    );
    assert!(
        text.contains("$ref `#/components/schemas/Gadget` does not resolve"),
        "{text}"
    );
}

#[test]
fn duplicate_operation_id_names_both_operations() {
    let fixture = "broken/duplicate_operation_id.yaml";
    let (problem, text) = reject(fixture, "broken__duplicate_operation_id");
    let source = fixture_text(fixture);
    let second = source
        .match_indices("operationId: widgets_retrieve")
        .nth(1)
        .map(|(at, _)| source[..at].lines().count())
        .expect("the fixture has two operations");
    assert_located(&problem, &text, fixture, second);
    assert_eq!(
        problem.location.pointer.as_deref(),
        Some("/paths/~1v1~1widgets~1{widget_id}~1parts/get/operationId")
    );
    assert!(
        text.contains("duplicate operationId `widgets_retrieve`"),
        "{text}"
    );
    let first = line_of(&source, "operationId: widgets_retrieve");
    assert!(
        text.contains(&format!(
            "(first used at line {first}, /paths/~1v1~1widgets~1{{widget_id}}/get)"
        )),
        "names the first: {text}"
    );
}

#[test]
fn key_written_twice_is_an_error_not_last_one_wins() {
    let fixture = "broken/duplicate_key.yaml";
    let (problem, text) = reject(fixture, "broken__duplicate_key");
    // serde_yaml reports the mapping entry at the first of the two keys.
    let line = line_of(&fixture_text(fixture), "        id:");
    assert_located(&problem, &text, fixture, line);
    assert!(problem.message.starts_with("invalid YAML:"), "{text}");
    assert!(
        text.contains(r#"components.schemas.Widget.properties: duplicate entry with key "id""#),
        "{text}"
    );
}

#[test]
fn misspelled_key_is_an_error_not_silently_dropped() {
    let fixture = "broken/misspelled_key.yaml";
    let (problem, text) = reject(fixture, "broken__misspelled_key");
    let line = line_of(&fixture_text(fixture), "nulable: true");
    assert_located(&problem, &text, fixture, line);
    assert_eq!(
        problem.location.pointer.as_deref(),
        Some("/components/schemas/Widget/properties/parent_id/nulable")
    );
    assert!(
        text.contains("`nulable` is not an OpenAPI 3.0 construct"),
        "{text}"
    );
}

#[test]
fn missing_external_docs_names_the_operation() {
    let fixture = "broken/missing_external_docs.yaml";
    let (problem, text) = reject(fixture, "broken__missing_external_docs");
    let line = line_of(&fixture_text(fixture), "    get:");
    assert_located(&problem, &text, fixture, line);
    assert!(
        text.contains("operation `widgets_retrieve` must name its docs page in `externalDocs`"),
        "{text}"
    );
}

#[test]
fn unreadable_spec_names_the_file() {
    let missing = Path::new("tests/fixtures/codegen/no-such-spec.yaml");
    let error = codegen::generate(missing, "no-such-spec.yaml").expect_err("there is no such file");
    assert!(matches!(error, Error::Read { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("cannot read tests/fixtures/codegen/no-such-spec.yaml"),
        "{error}"
    );
}
