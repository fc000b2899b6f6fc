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

/// `text` without white space (nor the commas the formatter adds before a
/// closing bracket), so that an assertion does not depend on where the
/// formatter breaks a line (compare with `squeezed` needles).
fn squeezed(text: &str) -> String {
    let flat: String = text.split_whitespace().collect();
    // The formatter adds a trailing comma where it breaks a list.
    flat.replace(",)", ")")
        .replace(",>", ">")
        .replace(",}", "}")
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
    let types = snapshot_file(&output, "types.rs", "open_enum__types");

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
    // Typify's own type (a struct of two options) is replaced, not kept.
    assert!(!types.contains("pub struct Color"), "{types}");
    assert!(types.contains("pub color: crate::types::Color,"), "{types}");
}

#[test]
fn array_header_is_sent_as_one_comma_separated_value() {
    let output = generate("array_header.yaml");
    let requests = snapshot_file(&output, "requests.rs", "array_header__requests");
    let flat = squeezed(&requests);

    // Stored as a list of the open set, taken as anything that converts.
    assert!(
        flat.contains(&squeezed(
            "widget_flags: ::std::option::Option<::std::vec::Vec<types::WidgetFlag>>"
        )),
        "{requests}"
    );
    assert!(
        flat.contains(&squeezed(
            "pub fn widget_flags(mut self, widget_flags: impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<types::WidgetFlag>>) -> Self"
        )),
        "{requests}"
    );
    // Joined into one header value by the runtime.
    assert!(
        flat.contains(&squeezed(r#"call.header_list("widget-flags", value)"#)),
        "{requests}"
    );
    // The items are an open set, so they get the open-enum treatment too.
    let enums = generated_file(&output, "open_enums.rs");
    assert!(enums.contains("pub enum WidgetFlag {"), "{enums}");
}

#[test]
fn nullable_fields_are_options_required_only_where_a_request_sends_them() {
    let output = generate("nullable.yaml");
    let types = snapshot_file(&output, "types.rs", "nullable__types");
    let widget = type_body(&types, "pub struct Widget {");
    let update = type_body(&types, "pub struct WidgetUpdate {");

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

    // Sent by a request: required, so `None` goes out as an explicit `null`;
    // a missing one reads as `null`, so that a reply's block, which leaves
    // its null fields out, decodes as its input twin (`to_param`).
    assert!(
        update.contains(
            "#[serde(default)]\n    \
             pub parent_id: ::std::option::Option<::std::string::String>,"
        ),
        "{update}"
    );
    assert!(!update.contains("skip_serializing_if"), "{update}");
    assert!(!update.contains("deserialize_with"), "{update}");
}

/// The text of the item that starts at `start`, up to its closing brace.
fn type_body<'t>(text: &'t str, start: &str) -> &'t str {
    let at = text
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}`:\n{text}"));
    let rest = &text[at..];
    let end = rest
        .find("\n}\n")
        .unwrap_or_else(|| panic!("`{start}` does not end"));
    &rest[..end]
}

#[test]
fn beta_variant_is_a_beta_resource_with_beta_true_in_the_url() {
    let output = generate("beta_variant.yaml");
    let resources = snapshot_file(&output, "resources.rs", "beta_variant__resources");
    let requests = snapshot_file(&output, "requests.rs", "beta_variant__requests");
    let flat = squeezed(&resources);

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
    for request in ["BetaWidgetsRetrieveRequest", "WidgetsRetrieveRequest"] {
        let signature = format!(
            "pub fn retrieve(&self, widget_id: impl ::std::convert::Into<::std::string::String>) -> crate::{request}<'a>"
        );
        assert!(flat.contains(&squeezed(&signature)), "{resources}");
    }
    // Only the beta form sends `beta=true`, before any other query.
    assert_eq!(
        requests.matches(r#"call.query("beta", "true");"#).count(),
        1,
        "{requests}"
    );
    let beta = type_body(&requests, "impl<'a> BetaWidgetsRetrieveRequest<'a> {");
    assert!(beta.contains(r#"call.query("beta", "true");"#), "{beta}");
    // The path parameter is one segment, checked before sending.
    assert!(
        squeezed(beta).contains(
            r#"crate::call::path(&["/v1/widgets/",crate::call::segment(&self.widget_id).as_str()])"#
        ),
        "{beta}"
    );
    assert!(
        beta.contains(r#"base.check(crate::checks::path_segment("widget_id", &widget_id));"#),
        "{beta}"
    );
}

#[test]
fn error_responses_decode_into_the_error_body() {
    let output = generate("error_response.yaml");
    let types = snapshot_file(&output, "types.rs", "error_response__types");

    // The runtime decodes every error status's body as `ErrorResponse`.
    assert!(types.contains("pub struct ErrorResponse {"), "{types}");
    // The error type inside the body is an open set.
    let enums = generated_file(&output, "open_enums.rs");
    assert!(enums.contains("pub enum ErrorType {"), "{enums}");
}

#[test]
fn cursor_paged_list_gets_pages_and_items() {
    let output = generate("pagination.yaml");
    let requests = snapshot_file(&output, "requests.rs", "pagination__requests");

    assert!(
        requests.contains("impl crate::pagination::Page for types::WidgetPage"),
        "{requests}"
    );
    assert!(
        requests.contains("type Item = types::Widget;"),
        "{requests}"
    );
    // The ids are nullable (an empty page), so they are read as options.
    assert!(
        squeezed(&requests).contains(&squeezed(
            "crate::pagination::by_ids(self.has_more, backward, self.first_id.as_deref(), self.last_id.as_deref())"
        )),
        "{requests}"
    );
    assert!(requests.contains("pub fn pages("), "{requests}");
    assert!(requests.contains("pub fn items("), "{requests}");
    // Starting from `before_id` pages backward, and a cursor moves the request.
    assert!(
        requests.contains("let backward = self.before_id.is_some();"),
        "{requests}"
    );
    assert!(
        requests.contains("crate::pagination::Cursor::Before(id) => self.before_id(id),"),
        "{requests}"
    );
    // `limit` is checked against the spec's bounds before anything is sent.
    let limit = requests.find("pub fn limit(").expect("a `limit` setter");
    let setter = &requests[limit..];
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
fn page_token_list_follows_next_page() {
    let output = generate("page_token.yaml");
    let requests = snapshot_file(&output, "requests.rs", "page_token__requests");
    let flat = squeezed(&requests);

    assert!(
        flat.contains(&squeezed(
            "crate::pagination::by_token(self.has_more, self.next_page.as_deref())"
        )),
        "{requests}"
    );
    assert!(
        requests.contains("crate::pagination::Cursor::Token(token) => self.page(token),"),
        "{requests}"
    );
    assert!(requests.contains("let backward = false;"), "{requests}");
    assert!(requests.contains("type Item = types::Skill;"), "{requests}");
    // A named open set as a query parameter is taken as anything that converts.
    assert!(
        flat.contains(&squeezed(
            "pub fn source(mut self, source: impl ::std::convert::Into<types::SkillSource>) -> Self"
        )),
        "{requests}"
    );
}

#[test]
fn discriminated_union_dispatches_on_the_tag_and_keeps_unknown_members() {
    let output = generate("tagged_union.yaml");
    let unions = snapshot_file(&output, "unions.rs", "tagged_union__unions");
    let types = generated_file(&output, "types.rs");

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
    assert!(!types.contains("pub enum Shape"), "{types}");
    assert!(
        types.contains("::std::vec::Vec<crate::types::Shape>"),
        "{types}"
    );
}

#[test]
fn a_member_under_two_tags_and_a_reply_union_told_apart_by_shape() {
    let output = generate("union_shapes.yaml");
    let unions = generated_file(&output, "unions.rs").to_string();
    let types = generated_file(&output, "types.rs").to_string();

    // Both tags the discriminator maps to `Circle` read as its variant.
    let invocation = r#"crate::impls::tagged_union!(Shape, "type", { Circle => "circle" | "round", Square => "square", }"#;
    assert!(
        squeezed(&unions).contains(&squeezed(invocation)),
        "{unions}"
    );
    assert!(
        unions.contains("`circle` (or `round`): A round shape."),
        "{unions}"
    );

    // A reply's union of a string and a list keeps any other shape.
    let label = type_body(&types, "pub enum ShapeListLabel {");
    assert!(label.contains("Other(::serde_json::Value),"), "{label}");
    let at = types
        .find("pub enum ShapeListLabel {")
        .expect("the label union");
    assert!(
        types[..at].trim_end().ends_with("#[non_exhaustive]"),
        "{}",
        &types[at.saturating_sub(200)..at]
    );
}

#[test]
fn schema_shared_by_request_and_response_is_one_type_both_ways() {
    let output = generate("shared_schema.yaml");
    let types = snapshot_file(&output, "types.rs", "shared_schema__types");
    let resources = generated_file(&output, "resources.rs");
    let requests = generated_file(&output, "requests.rs");

    let note = type_body(&types, "pub struct Note {");
    // Both ways: serialized by derive, decoded by the generated decoder.
    assert!(
        types.contains(
            "#[derive(::serde::Serialize, Clone, Debug, PartialEq)]\n#[non_exhaustive]\npub struct Note {"
        ),
        "{types}"
    );
    assert!(
        types.contains("impl<'de> ::serde::Deserialize<'de> for Note {"),
        "{types}"
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
        squeezed(resources).contains(&squeezed(
            "pub fn create(&self, body: impl ::std::convert::TryInto<types::Note, Error: ::std::fmt::Display>) -> crate::NotesCreateRequest<'a>"
        )),
        "{resources}"
    );
    assert!(
        requests.contains("crate::Response<types::Note>"),
        "{requests}"
    );
    assert!(requests.contains("call.json(&body);"), "{requests}");
}

#[test]
fn event_stream_response_gets_a_stream_method() {
    let output = generate("streaming.yaml");
    let resources = snapshot_file(&output, "resources.rs", "streaming__resources");
    let requests = snapshot_file(&output, "requests.rs", "streaming__requests");
    let unions = generated_file(&output, "unions.rs");
    let flat = squeezed(&resources);

    for (method, request) in [
        ("create_stream", "ThingsCreateStreamRequest"),
        ("create", "ThingsCreateRequest"),
    ] {
        let signature = format!(
            "pub fn {method}(&self, body: impl ::std::convert::TryInto<types::ThingParams, Error: ::std::fmt::Display>) -> crate::{request}<'a>"
        );
        assert!(
            flat.contains(&squeezed(&signature)),
            "{method}: {resources}"
        );
    }
    // The stream form sets the flag and answers with typed events; the JSON
    // form clears it, so it always answers with JSON.
    let stream = type_body(&requests, "impl<'a> ThingsCreateStreamRequest<'a> {");
    assert!(
        stream.contains("body.stream = ::std::option::Option::Some(true);"),
        "{stream}"
    );
    assert!(
        squeezed(stream).contains(&squeezed(
            "::std::result::Result<crate::EventStream<types::ThingEvent>, crate::Error>"
        )),
        "{stream}"
    );
    assert!(stream.contains("base.events(call).await"), "{stream}");
    let plain = type_body(&requests, "impl<'a> ThingsCreateRequest<'a> {");
    assert!(
        plain.contains("body.stream = ::std::option::Option::None;"),
        "{plain}"
    );
    assert!(plain.contains("base.json(call).await"), "{plain}");
    assert!(requests.contains(r#""things_create""#), "{requests}");
    assert!(unions.contains("pub enum ThingEvent {"), "{unions}");
}

#[test]
fn json_lines_answer_is_a_stream_of_typed_lines() {
    let output = generate("jsonl.yaml");
    let requests = snapshot_file(&output, "requests.rs", "jsonl__requests");

    assert!(
        squeezed(&requests).contains(&squeezed(
            "pub async fn send(self) -> ::std::result::Result<crate::JsonLines<types::JobResult>, crate::Error>"
        )),
        "{requests}"
    );
    assert!(
        requests.contains("base.json_lines(call).await"),
        "{requests}"
    );
}

#[test]
fn binary_answer_is_a_byte_stream() {
    let output = generate("binary.yaml");
    let requests = snapshot_file(&output, "requests.rs", "binary__requests");

    assert!(
        squeezed(&requests).contains(&squeezed(
            "pub async fn send(self) -> ::std::result::Result<crate::ByteStream, crate::Error>"
        )),
        "{requests}"
    );
    assert!(requests.contains("base.bytes(call).await"), "{requests}");
    // A download is written out in one call.
    assert!(
        requests.contains("self.send().await?.save_to(path).await"),
        "{requests}"
    );
    assert!(
        requests.contains("self.send().await?.write_to(writer).await"),
        "{requests}"
    );
}

#[test]
fn bodiless_request_and_empty_answer() {
    let output = generate("empty.yaml");
    let requests = snapshot_file(&output, "requests.rs", "empty__requests");
    let resources = generated_file(&output, "resources.rs");

    let cancel = type_body(&requests, "impl<'a> JobsCancelRequest<'a> {");
    assert!(cancel.contains("::reqwest::Method::POST"), "{cancel}");
    assert!(!cancel.contains("call.json("), "no body: {cancel}");
    let delete = type_body(&requests, "impl<'a> JobsDeleteRequest<'a> {");
    assert!(delete.contains("::reqwest::Method::DELETE"), "{delete}");
    assert!(
        squeezed(delete).contains(&squeezed(
            "::std::result::Result<crate::Response<()>, crate::Error>"
        )),
        "{delete}"
    );
    assert!(delete.contains("base.empty(call).await"), "{delete}");
    assert!(
        squeezed(resources).contains(&squeezed(
            "pub fn cancel(&self, job_id: impl ::std::convert::Into<::std::string::String>) -> crate::JobsCancelRequest<'a>"
        )),
        "{resources}"
    );
}

#[test]
fn multipart_body_is_built_from_files_and_text() {
    let output = generate("multipart.yaml");
    let requests = snapshot_file(&output, "requests.rs", "multipart__requests");
    let resources = generated_file(&output, "resources.rs");
    let flat = squeezed(&requests);

    // The required file is the method's argument; the rest are setters.
    assert!(
        squeezed(resources).contains(&squeezed(
            "pub fn upload(&self, file: impl ::std::convert::Into<crate::Upload>) -> crate::FilesUploadRequest<'a>"
        )),
        "{resources}"
    );
    assert!(
        flat.contains(&squeezed(
            "pub fn files(mut self, files: impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<crate::Upload>>) -> Self"
        )),
        "{requests}"
    );
    // Each field is its own part, under the name the spec gives it.
    assert!(
        requests.contains(r#"form.file("file", value);"#),
        "{requests}"
    );
    assert!(
        requests.contains(r#"form.file("files[]", file);"#),
        "{requests}"
    );
    assert!(
        requests.contains(r#"form.text("title", value);"#),
        "{requests}"
    );
    assert!(requests.contains("call.multipart(form);"), "{requests}");
}

#[test]
fn nested_resources_and_a_second_credential() {
    let output = generate("nested_resource.yaml");
    let resources = snapshot_file(&output, "resources.rs", "nested_resource__resources");
    let requests = generated_file(&output, "requests.rs");
    let meta = generated_file(&output, "meta.rs");

    // `client.skills().versions().retrieve(skill_id, version)`.
    assert!(
        resources.contains("pub fn versions(&self) -> SkillsVersions<'a>"),
        "{resources}"
    );
    assert!(
        squeezed(&resources).contains(&squeezed(
            "pub fn retrieve(&self, skill_id: impl ::std::convert::Into<::std::string::String>, version: impl ::std::convert::Into<::std::string::String>) -> crate::SkillsVersionsRetrieveRequest<'a>"
        )),
        "{resources}"
    );
    assert!(
        resources.contains("pub fn admin(&self) -> Admin<'_>"),
        "{resources}"
    );
    // Each operation names the credential it sends.
    let admin = type_body(requests, "impl<'a> AdminUsersRetrieveRequest<'a> {");
    assert!(
        admin.contains("crate::generated::meta::Scheme::AdminKeyAuth"),
        "{admin}"
    );
    let skill = type_body(requests, "impl<'a> SkillsRetrieveRequest<'a> {");
    assert!(
        skill.contains("crate::generated::meta::Scheme::ApiKeyAuth"),
        "{skill}"
    );
    assert!(meta.contains("AdminKeyAuth,"), "{meta}");
}

#[test]
fn request_types_get_constructors_in_the_order_of_required() {
    let output = generate("constructors.yaml");
    let constructors = snapshot_file(&output, "constructors.rs", "constructors__constructors");
    let flat = squeezed(&constructors);

    // `new` takes the required fields in the order of the schema's
    // `required` list, each as anything that converts.
    assert!(
        flat.contains(&squeezed(
            "pub fn new(customer: impl ::std::convert::Into<::std::string::String>, quantity: i64, lines: impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<crate::types::Line>>) -> Self"
        )),
        "{constructors}"
    );
    // Optional fields start unset; lists start empty.
    assert!(
        flat.contains("discount:::std::option::Option::None"),
        "{constructors}"
    );
    assert!(
        flat.contains("tags:::std::default::Default::default()"),
        "{constructors}"
    );
    // A one-value tag is filled in and has no setter.
    assert!(
        flat.contains("type_:crate::types::BookType::Book"),
        "{constructors}"
    );
    assert!(!constructors.contains("pub fn type_("), "{constructors}");
    // Setters for every field, by value, taking anything that converts;
    // a union that may be a string takes a string.
    assert!(
        flat.contains(&squeezed(
            "pub fn note(mut self, note: impl ::std::convert::Into<crate::types::OrderParamsNote>) -> Self"
        )),
        "{constructors}"
    );
    assert!(
        flat.contains(&squeezed(
            "pub fn discount(mut self, discount: f64) -> Self"
        )),
        "{constructors}"
    );
    // Nothing required: `new()` (typify derives this one's `Default`; the
    // generator adds one where typify does not).
    let wrapping = &constructors[constructors
        .find("impl crate::types::Wrapping {")
        .expect("the wrapping's methods")..];
    assert!(wrapping.contains("pub fn new() -> Self {"), "{wrapping}");
    // Four required fields: no `new`, the builder's `build()` instead.
    let address = &constructors[constructors
        .find("impl crate::types::Address {")
        .expect("the address's setters")..];
    let address = &address[..address.find("\n}\n").expect("the impl ends")];
    assert!(!address.contains("pub fn new("), "{address}");
    assert!(
        address.contains("pub fn builder() -> builder::Address"),
        "{address}"
    );
    assert!(
        flat.contains(&squeezed(
            "pub fn build(self) -> ::std::result::Result<crate::types::Address, crate::Error>"
        )),
        "{constructors}"
    );
    // A required field left unset is named by the runtime's one message.
    assert!(
        flat.contains(&squeezed("crate::checks::unset(\"Address\",")),
        "{constructors}"
    );
    assert!(
        flat.contains(&squeezed("(\"postcode\", postcode.is_some())")),
        "{constructors}"
    );
    // A bounded string stays a `String`: the bound is checked, not typed.
    let types = generated_file(&output, "types.rs");
    assert!(!types.contains("pub struct OrderParamsCustomer"), "{types}");
}

#[test]
fn request_bodies_are_checked_through_lists_and_union_members() {
    let output = generate("constructors.yaml");
    let validation = snapshot_file(&output, "validation.rs", "constructors__validation");
    let requests = generated_file(&output, "requests.rs");
    let flat = squeezed(&validation);

    for check in [
        r#"crate::checks::length(at.field("customer"),value,::std::option::Option::Some(1usize),::std::option::Option::Some(64usize),)?;"#,
        r#"crate::checks::range(at.field("quantity"),value,::std::option::Option::Some(1f64),::std::option::Option::None,)?;"#,
        r#"crate::checks::items(at.field("lines"),value.len(),::std::option::Option::None,::std::option::Option::Some(50usize),)?;"#,
        r#"crate::checks::range(at.field("amount"),value,::std::option::Option::Some(5f64),::std::option::Option::None,)?;"#,
    ] {
        assert!(flat.contains(&squeezed(check)), "{check}: {validation}");
    }
    // An optional field is checked when set.
    assert!(
        flat.contains(&squeezed(
            "if let ::std::option::Option::Some(value) = &self.discount {"
        )),
        "{validation}"
    );
    // Lists and union members are walked into; a union's unknown member has
    // nothing to check.
    assert!(
        flat.contains(&squeezed(
            r#"crate::checks::Validate::validate(&self.lines, at.field("lines"))?;"#
        )),
        "{validation}"
    );
    assert!(
        flat.contains(&squeezed(
            "Self::Gift(value) => crate::checks::Validate::validate(value, at),"
        )),
        "{validation}"
    );
    // A type with nothing bounded inside gets no impl.
    assert!(
        !validation.contains("for crate::types::TextPart"),
        "{validation}"
    );
    // The request runs the checks before anything is sent.
    assert!(
        squeezed(requests).contains(&squeezed(
            "crate::checks::Validate::validate(&body, crate::checks::At::ROOT)"
        )),
        "{requests}"
    );
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
        meta.contains(r#"Self::ApiKeyAuth => "x-api-key","#),
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

// ---- specs the model cannot represent: an error, never a skipped method ----

/// Rejects `fixture`, checks the problem is at the line of `needle`, and
/// that the message says `what`.
fn rejected_at(fixture: &str, snapshot: &str, needle: &str, what: &str) {
    let (problem, text) = reject(fixture, snapshot);
    let line = line_of(&fixture_text(fixture), needle);
    assert_located(&problem, &text, fixture, line);
    assert!(problem.message.contains(what), "{text}");
}

#[test]
fn a_spec_without_the_error_body_is_rejected() {
    rejected_at(
        "broken/no_error_response.yaml",
        "broken__no_error_response",
        "  schemas:",
        "no `ErrorResponse` schema",
    );
}

#[test]
fn an_inline_json_body_is_rejected() {
    rejected_at(
        "broken/inline_body.yaml",
        "broken__inline_body",
        "            schema:",
        "must be a `$ref` to a named schema",
    );
}

#[test]
fn a_cursor_list_without_a_cursor_page_is_rejected() {
    rejected_at(
        "broken/cursor_without_page.yaml",
        "broken__cursor_without_page",
        "    WidgetPage:",
        "missing: first_id",
    );
}

#[test]
fn events_without_a_stream_flag_are_rejected() {
    rejected_at(
        "broken/stream_without_flag.yaml",
        "broken__stream_without_flag",
        "        '200':",
        "boolean `stream` property",
    );
}

#[test]
fn an_unreadable_media_type_is_rejected() {
    rejected_at(
        "broken/unsupported_media.yaml",
        "broken__unsupported_media",
        "            application/xml:",
        "`application/xml` answers are not supported",
    );
}

#[test]
fn a_parameter_named_like_a_request_option_is_rejected() {
    rejected_at(
        "broken/reserved_param.yaml",
        "broken__reserved_param",
        "        - name: timeout",
        "`timeout()`",
    );
}

#[test]
fn an_inline_union_whose_name_is_taken_is_rejected_not_dropped() {
    rejected_at(
        "broken/union_name_taken.yaml",
        "broken__union_name_taken",
        "        part:",
        "would be named `WidgetPart`",
    );
}

#[test]
fn each_group_is_a_feature_and_each_type_compiles_under_the_groups_reaching_it() {
    let output = generate("features.yaml");
    let types = snapshot_file(&output, "types.rs", "features__types");
    let resources = generated_file(&output, "resources.rs");
    let requests = generated_file(&output, "requests.rs");
    let cfg_before = |text: &str, item: &str| -> String {
        let at = text
            .find(item)
            .unwrap_or_else(|| panic!("{item} in\n{text}"));
        let start = text[..at].rfind("#[cfg(").unwrap_or(at);
        // The cfg must be one of the attributes right above the item.
        let between = &text[start..at];
        if between.contains("\npub ") || between.contains("\nimpl") || start == at {
            return String::new();
        }
        between[..between.find('\n').unwrap_or(between.len())].to_string()
    };
    // Reached by one group's operations only; reached by both; by none.
    assert_eq!(
        cfg_before(&types, "pub struct SkillVersion "),
        "#[cfg(feature = \"skills\")]"
    );
    assert_eq!(
        cfg_before(&types, "pub struct Owner "),
        "#[cfg(any(feature = \"admin\", feature = \"skills\"))]"
    );
    assert_eq!(cfg_before(&types, "pub struct ErrorResponse "), "");
    // A child tag without `x-feature` is in its parent's group.
    assert_eq!(
        cfg_before(requests, "pub struct SkillsVersionsRetrieveRequest"),
        "#[cfg(feature = \"skills\")]"
    );
    assert_eq!(
        cfg_before(requests, "pub struct AdminUsersRetrieveRequest"),
        "#[cfg(feature = \"admin\")]"
    );
    // The accessor from the client is compiled with its group.
    assert_eq!(
        cfg_before(resources, "pub fn admin(&self) -> Admin<'_>"),
        "#[cfg(feature = \"admin\")]"
    );
    // The manifest's lines: one feature per group, what it needs, and `full`.
    let manifest = &output.manifest_features;
    assert!(manifest.contains("\nskills = []\n"), "{manifest}");
    assert!(manifest.contains("\nadmin = [\"skills\"]\n"), "{manifest}");
    assert!(
        manifest.contains("full = [\"skills\", \"admin\"]"),
        "{manifest}"
    );
    assert!(manifest.contains("# The Admin API.\n"), "{manifest}");
}

#[test]
fn a_feature_named_like_a_hand_written_one_is_rejected() {
    rejected_at(
        "broken/feature_reserved.yaml",
        "broken__feature_reserved",
        "    x-feature: full",
        "cannot name a cargo feature",
    );
}

#[test]
fn untagged_unions_told_apart_by_kind_decode_by_kind() {
    let output = generate("untagged_union.yaml");
    let types = snapshot_file(&output, "types.rs", "untagged_union__types");
    let flat = squeezed(&types);

    // Text or parts: a string member and an array member, no buffering.
    let content = "impl<'de>::serde::Deserialize<'de>forWidgetCreateContent{";
    assert!(flat.contains(content), "{types}");
    let content = &flat[flat.find(content).unwrap_or_default()..];
    assert!(content.contains("fnvisit_str<"), "{types}");
    assert!(content.contains("fnvisit_seq<"), "{types}");
    assert!(
        content.contains(r#"f.write_str("astringoranarray")"#),
        "{types}"
    );

    // The reply's union keeps what no member reads as `Other`, so it reads
    // any kind, and an object its member refuses.
    let assembly = "impl<'de>::serde::Deserialize<'de>forWidgetAssembly{";
    assert!(flat.contains(assembly), "{types}");
    let assembly = &flat[flat.find(assembly).unwrap_or_default()..];
    assert!(
        assembly.contains("Err(_)=>WidgetAssembly::Other(value)"),
        "{types}"
    );
    assert!(assembly.contains("fnvisit_unit<"), "{types}");

    // Two objects: serde's derive tries each in turn.
    let origin = types
        .find("pub enum WidgetCreateOrigin")
        .unwrap_or_else(|| panic!("no origin union: {types}"));
    let attributes = types[..origin].rsplit("\n\n").next().unwrap_or_default();
    assert!(attributes.contains("Deserialize"), "{attributes}");
    assert!(attributes.contains("#[serde(untagged)]"), "{attributes}");
    assert!(
        !flat.contains("Deserialize<'de>forWidgetCreateOrigin"),
        "{types}"
    );
}
