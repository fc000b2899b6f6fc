//! The untagged unions decode by the kind of JSON they meet (string, array,
//! object, boolean), with no buffering. serde's own `#[serde(untagged)]`
//! derive is the reference: a mirror of each union, derived here, must pick
//! the same member for every input, including the inputs that only the
//! catch-all `Other` takes and the ones no member takes.

use anthropic_client::types;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, Debug)]
#[serde(untagged)]
#[allow(dead_code)]
enum WebSearchContentMirror {
    Error(types::WebSearchToolResultError),
    Array(Vec<types::WebSearchResultBlock>),
    Other(Value),
}

#[derive(Deserialize, Debug)]
#[serde(untagged)]
#[allow(dead_code)]
enum GeosMirror {
    Array(Vec<String>),
    String(Value),
}

/// Which member a decoded value is, by name.
fn web_search_member(content: &types::WebSearchToolResultBlockContent) -> &'static str {
    match content {
        types::WebSearchToolResultBlockContent::WebSearchToolResultError(_) => "Error",
        types::WebSearchToolResultBlockContent::Array(_) => "Array",
        types::WebSearchToolResultBlockContent::Other(_) => "Other",
        _ => "unknown",
    }
}

fn mirror_member(content: &WebSearchContentMirror) -> &'static str {
    match content {
        WebSearchContentMirror::Error(_) => "Error",
        WebSearchContentMirror::Array(_) => "Array",
        WebSearchContentMirror::Other(_) => "Other",
    }
}

fn web_search_inputs() -> Vec<Value> {
    vec![
        json!({"type": "web_search_tool_result_error", "error_code": "max_uses_exceeded"}),
        // An error code this crate does not know is still an error.
        json!({"type": "web_search_tool_result_error", "error_code": "too_far_away"}),
        json!([{"type": "web_search_result", "url": "https://a.example", "title": "A",
                "encrypted_content": "Eq", "page_age": null}]),
        json!([]),
        // An object the error member cannot read, an array its members
        // cannot read, and kinds no member reads: all `Other`.
        json!({"type": "web_search_digest", "summary": "short"}),
        json!([{"type": "web_search_result", "url": 7}]),
        json!("a digest"),
        json!(12),
        json!(1.5),
        json!(true),
        json!(null),
    ]
}

#[test]
fn a_union_with_other_picks_the_member_serde_would() {
    for input in web_search_inputs() {
        let ours: types::WebSearchToolResultBlockContent =
            serde_json::from_value(input.clone()).expect("a union with `Other` takes any JSON");
        let reference: WebSearchContentMirror =
            serde_json::from_value(input.clone()).expect("serde's union takes any JSON");
        assert_eq!(
            web_search_member(&ours),
            mirror_member(&reference),
            "{input}"
        );
        // And nothing is lost: the JSON comes back as it came.
        assert_eq!(serde_json::to_value(&ours).expect("encodes"), input);
    }
}

#[test]
fn the_member_reads_the_json_itself() {
    let content: types::WebSearchToolResultBlockContent = serde_json::from_value(json!([
        {"type": "web_search_result", "url": "https://a.example", "title": "A",
         "encrypted_content": "Eq", "page_age": "2 days"}
    ]))
    .expect("decodes");
    let types::WebSearchToolResultBlockContent::Array(results) = content else {
        panic!("an array of results is the `Array` member: {content:?}");
    };
    assert_eq!(results[0].url, "https://a.example");
    assert_eq!(results[0].page_age.as_deref(), Some("2 days"));
}

#[test]
fn a_union_without_other_refuses_what_no_member_reads_naming_the_kinds() {
    // A request type: a string or a list of blocks.
    let text: types::MessageParamContent =
        serde_json::from_value(json!("Hello")).expect("a string");
    assert!(matches!(text, types::MessageParamContent::String(ref s) if s == "Hello"));
    let blocks: types::MessageParamContent =
        serde_json::from_value(json!([{"type": "text", "text": "Hello"}])).expect("blocks");
    assert!(matches!(blocks, types::MessageParamContent::Array(ref b) if b.len() == 1));
    for input in [
        json!(12),
        json!(null),
        json!({"text": "Hello"}),
        json!(false),
    ] {
        let error = serde_json::from_value::<types::MessageParamContent>(input.clone())
            .expect_err("no member reads it");
        assert!(
            error.to_string().contains("expected a string or an array"),
            "{input}: {error}"
        );
    }
    // A member that meets its kind but not its shape is an error too, as
    // with serde's derive (which has no `Other` to fall back on either).
    assert!(serde_json::from_value::<types::MessageParamContent>(json!([7])).is_err());
}

#[test]
fn a_string_member_that_is_an_enum_reads_its_values_only() {
    for input in [
        json!("unrestricted"),
        json!(["us", "eu"]),
        json!("anywhere"),
        json!(3),
    ] {
        let ours = serde_json::from_value::<types::AllowedInferenceGeos>(input.clone());
        let reference = serde_json::from_value::<GeosMirror>(input.clone())
            .ok()
            .filter(|m| match m {
                // The mirror's string member takes any string; the union's,
                // only the enum's values.
                GeosMirror::String(v) => v == "unrestricted",
                GeosMirror::Array(_) => true,
            });
        assert_eq!(ours.is_ok(), reference.is_some(), "{input}");
        if let Ok(geos) = ours {
            assert_eq!(serde_json::to_value(&geos).expect("encodes"), input);
        }
    }
}
