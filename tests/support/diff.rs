//! The fixture pairs of `cargo xtask diff`: `tests/fixtures/diff/base.yaml`
//! and one edit of it per rule, with the line each must produce. The report
//! tests (`spec_diff.rs`) and the cargo-semver-checks agreement test
//! (`semver_agreement.rs`) read the same table.

use std::path::{Path, PathBuf};

use codegen::diff::{Report, Runtime, Semver};

use crate::generator::workspace_root;

/// One rule, on one fixture pair.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// The fixture `tests/fixtures/diff/<name>.yaml`.
    pub name: &'static str,
    pub semver: Semver,
    pub runtime: Runtime,
    /// The pointer of the line the rule produces.
    pub pointer: &'static str,
    /// A piece of that line's text.
    pub what: &'static str,
}

const fn case(
    name: &'static str,
    semver: Semver,
    runtime: Runtime,
    pointer: &'static str,
    what: &'static str,
) -> Case {
    Case {
        name,
        semver,
        runtime,
        pointer,
        what,
    }
}

use Runtime::{Breaks, Safe};
use Semver::{Major, Minor, Patch};

/// Every rule of the README's table, one fixture pair each.
pub const CASES: &[Case] = &[
    case(
        "operation_removed",
        Major,
        Breaks,
        "/paths/~1v1~1gadgets~1{gadget_id}/delete",
        "`client.gadgets().delete()` removed",
    ),
    case(
        "parameter_removed",
        Major,
        Breaks,
        "/paths/~1v1~1gadgets/get/parameters/0",
        "parameter `limit` of `client.gadgets().list()` removed (setter `.limit()`)",
    ),
    case(
        "response_field_removed",
        Major,
        Breaks,
        "/components/schemas/Gadget/properties/weight",
        "field `Gadget.weight` removed; deployed decoders require it",
    ),
    case(
        "request_field_removed",
        Major,
        Breaks,
        "/components/schemas/GadgetCreateParams/properties/note",
        "field `GadgetCreateParams.note` removed",
    ),
    case(
        "known_value_removed",
        Major,
        Breaks,
        "/components/schemas/GadgetColor/anyOf/1/enum/2",
        "open set `GadgetColor` loses the known value `\"blue\"`",
    ),
    case(
        "parameter_made_required",
        Major,
        Breaks,
        "/paths/~1v1~1gadgets/get/parameters/0",
        "parameter `limit` of `client.gadgets().list()` is now required",
    ),
    case(
        "request_field_made_required",
        Major,
        Breaks,
        "/components/schemas/GadgetCreateParams/properties/note",
        "`GadgetCreateParams::new` takes it",
    ),
    case(
        "required_request_field_added",
        Major,
        Breaks,
        "/components/schemas/GadgetCreateParams/properties/owner",
        "field `GadgetCreateParams.owner` added, required",
    ),
    case(
        "field_type_changed",
        Major,
        Breaks,
        "/components/schemas/Gadget/properties/weight",
        "field `Gadget.weight` changes type (`String`, was `i64`)",
    ),
    case(
        "closed_enum_value_added",
        Major,
        Breaks,
        "/components/schemas/GadgetStatus/enum/2",
        "closed enum `GadgetStatus` gains `\"archived\"`",
    ),
    case(
        "open_set_value_added",
        Minor,
        Safe,
        "/components/schemas/GadgetColor/anyOf/1/enum/3",
        "open set `GadgetColor` gains `\"yellow\"`",
    ),
    case(
        "response_field_made_optional",
        Major,
        Breaks,
        "/components/schemas/Gadget/properties/weight",
        "field `Gadget.weight` is now optional (`Option<i64>`, was `i64`)",
    ),
    case(
        "response_field_made_nullable",
        Major,
        Breaks,
        "/components/schemas/Gadget/properties/weight",
        "field `Gadget.weight` is now nullable (`Option<i64>`, was `i64`)",
    ),
    case(
        "optional_request_field_added",
        Minor,
        Safe,
        "/components/schemas/GadgetCreateParams/properties/label",
        "field `GadgetCreateParams.label` added, optional: setter `.label()`",
    ),
    case(
        "optional_response_field_added",
        Minor,
        Safe,
        "/components/schemas/Gadget/properties/label",
        "field `Gadget.label` added",
    ),
    case(
        "parameter_added",
        Minor,
        Safe,
        "/paths/~1v1~1gadgets/get/parameters/1",
        "gains the setter `.order()`",
    ),
    case(
        "operation_added",
        Minor,
        Safe,
        "/paths/~1v1~1gadgets~1{gadget_id}/post",
        "`client.gadgets().update()` added",
    ),
    case(
        "union_member_added",
        Minor,
        Safe,
        "/components/schemas/GadgetPart/oneOf/2",
        "`GadgetPart::Spring(GadgetSpring)` added",
    ),
    case(
        "description_changed",
        Patch,
        Safe,
        "/paths/~1v1~1gadgets/get/description",
        "description of `client.gadgets().list()` changed",
    ),
];

/// The path of a diff fixture (`base`, or a case's name).
pub fn fixture(name: &str) -> PathBuf {
    workspace_root()
        .join("tests/fixtures/diff")
        .join(format!("{name}.yaml"))
}

/// The text of a diff fixture.
pub fn fixture_text(name: &str) -> String {
    let path = fixture(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// How reports name a fixture: relative to the repository.
pub fn label(name: &str) -> PathBuf {
    Path::new("tests/fixtures/diff").join(format!("{name}.yaml"))
}

/// The report from the base to the fixture `name`.
pub fn report(name: &str) -> Report {
    codegen::diff::compare_str(
        &label("base"),
        &fixture_text("base"),
        &label(name),
        &fixture_text(name),
    )
    .unwrap_or_else(|e| panic!("base.yaml -> {name}.yaml must compare:\n{e}"))
}
