//! The rules: each difference between two surfaces, with its two words.
//!
//! The semver word follows how the crate exposes the construct: a new
//! method, setter, field of a `#[non_exhaustive]` struct or variant of a
//! `#[non_exhaustive]` enum is minor; anything that can stop a user's code
//! from compiling (a removal, a changed type, a new argument, a variant
//! added to an exhaustive enum) is major; docs are patch. The runtime word
//! follows the wire: a deployed program sends what the old spec allowed and
//! decodes answers with the old types, which ignore unknown fields and keep
//! unknown values of open sets and unknown members of tagged unions.

use std::collections::{BTreeMap, BTreeSet};

use super::surface::{
    group_of, Constructor, EnumDef, FieldDef, OpenSetDef, Presence, StructDef, Surface, TypeDef,
    UnionDef,
};
use super::{Change, Runtime, Semver};
use crate::model::{Body, FormFieldKind, Operation, Response, ValueType};

pub(super) fn changes(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Vec::new();
    operations(old, new, &mut out);
    types(old, new, &mut out);
    out
}

fn push(
    out: &mut Vec<Change>,
    semver: Semver,
    runtime: Runtime,
    pointer: String,
    what: String,
    group: &str,
) {
    out.push(Change {
        semver,
        runtime,
        pointer,
        what,
        group: group.to_string(),
    });
}

fn breaks_if(condition: bool) -> Runtime {
    if condition {
        Runtime::Breaks
    } else {
        Runtime::Safe
    }
}

// ---- operations ----

/// `client.messages().batches().list()`.
fn call(op: &Operation) -> String {
    let mut out = "client".to_string();
    for resource in &op.resource {
        out.push_str(&format!(".{resource}()"));
    }
    out.push_str(&format!(".{}()", op.method_name));
    out
}

fn stream_call(op: &Operation) -> String {
    let plain = call(op);
    format!("{}_stream()", plain.trim_end_matches("()"))
}

fn operations(old: &Surface, new: &Surface, out: &mut Vec<Change>) {
    let key = |op: &Operation| (op.resource.clone(), op.method_name.clone());
    let olds: BTreeMap<_, &Operation> = old.api.operations.iter().map(|o| (key(o), o)).collect();
    let news: BTreeMap<_, &Operation> = new.api.operations.iter().map(|o| (key(o), o)).collect();
    for (k, o) in &olds {
        if !news.contains_key(k) {
            push(
                out,
                Semver::Major,
                Runtime::Breaks,
                o.pointer.clone(),
                format!(
                    "`{}` removed; deployed programs call an operation the API no longer has",
                    call(o)
                ),
                &group_of(&o.resource),
            );
        }
    }
    for (k, n) in &news {
        match olds.get(k) {
            None => push(
                out,
                Semver::Minor,
                Runtime::Safe,
                n.pointer.clone(),
                format!("`{}` added", call(n)),
                &group_of(&n.resource),
            ),
            Some(o) => operation(old, new, o, n, out),
        }
    }
}

fn endpoint(op: &Operation) -> String {
    let query: Vec<String> = op
        .fixed_query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    format!("{} {}{query}", op.http_method, op.path_template())
}

fn operation(old: &Surface, new: &Surface, o: &Operation, n: &Operation, out: &mut Vec<Change>) {
    let group = group_of(&n.resource);
    let name = call(n);
    let at = |suffix: &str| format!("{}{suffix}", n.pointer);
    if endpoint(o) != endpoint(n) {
        push(
            out,
            Semver::Patch,
            Runtime::Breaks,
            n.pointer.clone(),
            format!(
                "`{name}` sends `{}` (was `{}`); deployed programs call the old endpoint",
                endpoint(n),
                endpoint(o)
            ),
            &group,
        );
    }
    members(&name, &members_of(o), &members_of(n), &group, out);
    body(&name, &at("/requestBody"), &o.body, &n.body, &group, out);
    response(o, n, &group, out);
    match (o.pagination.page_and_item(), n.pagination.page_and_item()) {
        (None, Some(_)) => push(
            out,
            Semver::Minor,
            Runtime::Safe,
            n.pointer.clone(),
            format!("`{name}` gains `.pages()` and `.items()`"),
            &group,
        ),
        (Some(_), None) => push(
            out,
            Semver::Major,
            Runtime::Safe,
            n.pointer.clone(),
            format!("`.pages()` and `.items()` of `{name}` removed"),
            &group,
        ),
        _ => {}
    }
    let scheme = |s: &Surface, op: &Operation| {
        op.security
            .and_then(|i| s.api.schemes.get(i))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "no credential".to_string())
    };
    let (was, now) = (scheme(old, o), scheme(new, n));
    if was != now {
        push(
            out,
            Semver::Patch,
            Runtime::Breaks,
            at("/security"),
            format!(
                "`{name}` authenticates with `{now}` (was `{was}`); deployed programs send the old credential"
            ),
            &group,
        );
    }
    if o.default_betas != n.default_betas {
        push(
            out,
            Semver::Patch,
            Runtime::Safe,
            at("/x-default-betas"),
            format!(
                "`{name}` sends the betas {:?} by default (was {:?})",
                n.default_betas, o.default_betas
            ),
            &group,
        );
    }
    let docs = [
        ("summary", "/summary", &o.docs.summary, &n.docs.summary),
        (
            "description",
            "/description",
            &o.docs.description,
            &n.docs.description,
        ),
        (
            "reference page",
            "/externalDocs/url",
            &o.docs.url,
            &n.docs.url,
        ),
    ];
    for (what, suffix, was, now) in docs {
        if was != now {
            push(
                out,
                Semver::Patch,
                Runtime::Safe,
                at(suffix),
                format!("{what} of `{name}` changed"),
                &group,
            );
        }
    }
}

/// A parameter or form field: an argument of the method when required,
/// else a setter of the request.
struct Member {
    key: String,
    kind: &'static str,
    name: String,
    rust: String,
    required: bool,
    ty: String,
    description: String,
    pointer: String,
}

impl Member {
    fn how(&self) -> String {
        if self.required {
            format!("argument `{}`", self.rust)
        } else {
            format!("setter `.{}()`", self.rust)
        }
    }
}

fn members_of(op: &Operation) -> Vec<Member> {
    let mut out: Vec<Member> = op
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| Member {
            key: format!("{:?} {}", p.location, p.name),
            kind: "parameter",
            name: p.name.clone(),
            rust: p.rust_name.clone(),
            required: p.required,
            ty: value_type(&p.ty),
            description: p.description.clone(),
            pointer: format!("{}/parameters/{i}", op.pointer),
        })
        .collect();
    if let Body::Multipart(form) = &op.body {
        out.extend(form.fields.iter().map(|f| Member {
            key: format!("form {}", f.name),
            kind: "form field",
            name: f.name.clone(),
            rust: f.rust_name.clone(),
            required: f.required,
            ty: match &f.kind {
                FormFieldKind::Text(ty) => value_type(ty),
                FormFieldKind::File => "Upload".to_string(),
                FormFieldKind::Files => "Vec<Upload>".to_string(),
            },
            description: f.description.clone(),
            pointer: format!("{}/requestBody", op.pointer),
        }));
    }
    out
}

fn value_type(ty: &ValueType) -> String {
    match ty {
        ValueType::String => "String".to_string(),
        ValueType::Integer { unsigned: true } => "u64".to_string(),
        ValueType::Integer { unsigned: false } => "i64".to_string(),
        ValueType::Number => "f64".to_string(),
        ValueType::Boolean => "bool".to_string(),
        ValueType::DateTime => "Timestamp".to_string(),
        ValueType::Date => "Date".to_string(),
        ValueType::Named(name) => name.clone(),
        ValueType::List(item) => format!("Vec<{}>", value_type(item)),
    }
}

fn members(call: &str, olds: &[Member], news: &[Member], group: &str, out: &mut Vec<Change>) {
    for o in olds {
        if !news.iter().any(|n| n.key == o.key) {
            push(
                out,
                Semver::Major,
                Runtime::Breaks,
                o.pointer.clone(),
                format!(
                    "{} `{}` of `{call}` removed ({}); deployed programs that send it send what the API no longer takes",
                    o.kind,
                    o.name,
                    o.how()
                ),
                group,
            );
        }
    }
    for n in news {
        let Some(o) = olds.iter().find(|o| o.key == n.key) else {
            if n.required {
                push(
                    out,
                    Semver::Major,
                    Runtime::Breaks,
                    n.pointer.clone(),
                    format!(
                        "`{call}` takes a new argument `{}` (required {} `{}`); deployed programs do not send it",
                        n.rust, n.kind, n.name
                    ),
                    group,
                );
            } else {
                push(
                    out,
                    Semver::Minor,
                    Runtime::Safe,
                    n.pointer.clone(),
                    format!(
                        "`{call}` gains the setter `.{}()` (optional {} `{}`)",
                        n.rust, n.kind, n.name
                    ),
                    group,
                );
            }
            continue;
        };
        if o.required != n.required {
            let (semver, runtime, what) = if n.required {
                (
                    Semver::Major,
                    Runtime::Breaks,
                    "is now required: an argument instead of a setter; deployed programs that leave it out are refused",
                )
            } else {
                (
                    Semver::Major,
                    Runtime::Safe,
                    "is now optional: a setter instead of an argument",
                )
            };
            push(
                out,
                semver,
                runtime,
                n.pointer.clone(),
                format!("{} `{}` of `{call}` {what}", n.kind, n.name),
                group,
            );
        }
        if o.ty != n.ty {
            push(
                out,
                Semver::Major,
                Runtime::Breaks,
                n.pointer.clone(),
                format!(
                    "{} `{}` of `{call}` takes `{}` (was `{}`)",
                    n.kind, n.name, n.ty, o.ty
                ),
                group,
            );
        }
        if o.description != n.description {
            push(
                out,
                Semver::Patch,
                Runtime::Safe,
                n.pointer.clone(),
                format!("description of {} `{}` of `{call}` changed", n.kind, n.name),
                group,
            );
        }
    }
}

fn body(call: &str, pointer: &str, o: &Body, n: &Body, group: &str, out: &mut Vec<Change>) {
    let describe = |b: &Body| match b {
        Body::None => "no body".to_string(),
        Body::Json(json) => format!("a `{}` body", json.type_name),
        Body::Multipart(_) => "a form".to_string(),
    };
    let description = |b: &Body| match b {
        Body::None => String::new(),
        Body::Json(json) => json.description.clone(),
        Body::Multipart(form) => form.description.clone(),
    };
    if describe(o) != describe(n) {
        push(
            out,
            Semver::Major,
            Runtime::Breaks,
            pointer.to_string(),
            format!("`{call}` takes {} (was {})", describe(n), describe(o)),
            group,
        );
    } else if description(o) != description(n) {
        push(
            out,
            Semver::Patch,
            Runtime::Safe,
            pointer.to_string(),
            format!("description of the body of `{call}` changed"),
            group,
        );
    }
}

fn response(o: &Operation, n: &Operation, group: &str, out: &mut Vec<Change>) {
    let main = |r: &Response| match r {
        Response::Json(ty) | Response::JsonOrEvents { json: ty, .. } => format!("`{ty}`"),
        Response::JsonLines(ty) => format!("JSON Lines of `{ty}`"),
        Response::Binary => "bytes".to_string(),
        Response::Empty => "nothing".to_string(),
    };
    let events = |r: &Response| match r {
        Response::JsonOrEvents { event, .. } => Some(event.clone()),
        _ => None,
    };
    let pointer = format!("{}/responses", n.pointer);
    if main(&o.response) != main(&n.response) {
        push(
            out,
            Semver::Major,
            Runtime::Breaks,
            pointer.clone(),
            format!(
                "`{}` answers with {} (was {}); deployed programs read the old answer",
                call(n),
                main(&n.response),
                main(&o.response)
            ),
            group,
        );
    }
    match (events(&o.response), events(&n.response)) {
        (None, Some(_)) => push(
            out,
            Semver::Minor,
            Runtime::Safe,
            pointer,
            format!("`{}` added", stream_call(n)),
            group,
        ),
        (Some(_), None) => push(
            out,
            Semver::Major,
            Runtime::Breaks,
            pointer,
            format!(
                "`{}` removed; the API no longer streams this answer",
                stream_call(o)
            ),
            group,
        ),
        (Some(was), Some(now)) if was != now => push(
            out,
            Semver::Major,
            Runtime::Breaks,
            pointer,
            format!("`{}` streams `{now}` events (was `{was}`)", stream_call(n)),
            group,
        ),
        _ => {}
    }
}

// ---- types ----

/// Whether a type is sent, read, or both, on either side.
#[derive(Clone, Copy)]
struct Role {
    request: bool,
    response: bool,
}

/// What the rules of one type need to see.
struct TypeCx<'a> {
    old: &'a Surface,
    new: &'a Surface,
    name: &'a str,
    role: Role,
    group: String,
}

impl TypeCx<'_> {
    fn push(
        &self,
        out: &mut Vec<Change>,
        semver: Semver,
        runtime: Runtime,
        pointer: String,
        what: String,
    ) {
        push(out, semver, runtime, pointer, what, &self.group);
    }
}

fn types(old: &Surface, new: &Surface, out: &mut Vec<Change>) {
    let names: BTreeSet<&String> = old.types.keys().chain(new.types.keys()).collect();
    for name in names {
        let groups: BTreeSet<String> = old
            .groups_of(name)
            .into_iter()
            .chain(new.groups_of(name))
            .collect();
        let group = match groups.len() {
            0 => "other".to_string(),
            1 => groups.into_iter().next().unwrap_or_default(),
            _ => "shared".to_string(),
        };
        let cx = TypeCx {
            old,
            new,
            name,
            role: Role {
                request: old.request.contains(name) || new.request.contains(name),
                response: old.response.contains(name) || new.response.contains(name),
            },
            group,
        };
        match (old.types.get(name), new.types.get(name)) {
            (Some(_), None) => cx.push(
                out,
                Semver::Major,
                Runtime::Safe,
                old.type_pointer(name),
                format!("type `{name}` removed"),
            ),
            (None, Some(_)) => cx.push(
                out,
                Semver::Minor,
                Runtime::Safe,
                new.type_pointer(name),
                format!("type `{name}` added"),
            ),
            (Some(o), Some(n)) => type_change(&cx, o, n, out),
            (None, None) => {}
        }
    }
}

fn type_change(cx: &TypeCx, o: &TypeDef, n: &TypeDef, out: &mut Vec<Change>) {
    let name = cx.name;
    let pointer = cx.new.type_pointer(name);
    if o.doc() != n.doc() {
        cx.push(
            out,
            Semver::Patch,
            Runtime::Safe,
            format!("{pointer}/description"),
            format!("documentation of `{name}` changed"),
        );
    }
    match (o, n) {
        (TypeDef::Struct(o), TypeDef::Struct(n)) => struct_change(cx, o, n, out),
        (TypeDef::Enum(o), TypeDef::Enum(n)) => enum_change(cx, o, n, out),
        (TypeDef::OpenSet(o), TypeDef::OpenSet(n)) => set_change(cx, o, n, out),
        (TypeDef::Union(o), TypeDef::Union(n)) => union_change(cx, o, n, out),
        (TypeDef::Other { wraps: was, .. }, TypeDef::Other { wraps: now, .. }) => {
            if was != now {
                cx.push(
                    out,
                    Semver::Major,
                    Runtime::Breaks,
                    pointer,
                    format!("`{name}` wraps `{now}` (was `{was}`)"),
                );
            }
        }
        _ => {
            // A closed set opened up accepts everything it accepted.
            let widened = matches!(o, TypeDef::Enum(e) if e.is_string_set())
                && matches!(n, TypeDef::OpenSet(_));
            cx.push(
                out,
                Semver::Major,
                breaks_if(!widened),
                pointer,
                format!("`{name}` is now {} (was {})", n.kind(), o.kind()),
            );
        }
    }
}

fn struct_change(cx: &TypeCx, o: &StructDef, n: &StructDef, out: &mut Vec<Change>) {
    let name = cx.name;
    let role = cx.role;
    let takes = |c: &Option<Constructor>, wire: &str| c.as_ref().is_some_and(|c| c.takes(wire));
    for f in &o.fields {
        if n.fields.iter().any(|g| g.wire == f.wire) {
            continue;
        }
        let decoders = role.response && f.presence == Presence::Required;
        let why = if role.request {
            "; deployed programs that set it send a field the API no longer takes"
        } else if decoders {
            "; deployed decoders require it"
        } else {
            ""
        };
        cx.push(
            out,
            Semver::Major,
            breaks_if(role.request || decoders),
            cx.old.field_pointer(name, &f.wire),
            format!("field `{name}.{}` removed{why}", f.ident),
        );
    }
    for f in &n.fields {
        let pointer = cx.new.field_pointer(name, &f.wire);
        let Some(was) = o.fields.iter().find(|g| g.wire == f.wire) else {
            field_added(cx, n, f, pointer, out);
            continue;
        };
        let ctor_changed = takes(&o.constructor, &f.wire) != takes(&n.constructor, &f.wire);
        let ty_changed = was.ty != f.ty;
        let type_note = if ty_changed {
            format!(" (`{}`, was `{}`)", f.ty, was.ty)
        } else {
            String::new()
        };
        let ctor_note = match (
            takes(&o.constructor, &f.wire),
            takes(&n.constructor, &f.wire),
        ) {
            (true, false) => format!("; `{name}::new` no longer takes it"),
            (false, true) => format!("; `{name}::new` takes it"),
            _ => String::new(),
        };
        let semver = if ty_changed || ctor_changed {
            Semver::Major
        } else {
            Semver::Patch
        };
        match (was.presence, f.presence) {
            (Presence::Required | Presence::Tag, Presence::Optional) => {
                let nullable = cx.new.is_nullable(name, &f.wire);
                let how = if nullable && !cx.old.is_nullable(name, &f.wire) {
                    "nullable"
                } else {
                    "optional"
                };
                let why = if role.response {
                    "; deployed decoders fail when it is absent or null"
                } else {
                    ""
                };
                cx.push(
                    out,
                    semver,
                    breaks_if(role.response),
                    pointer.clone(),
                    format!(
                        "field `{name}.{}` is now {how}{type_note}{ctor_note}{why}",
                        f.ident
                    ),
                );
            }
            (Presence::Optional, Presence::Required | Presence::Tag) => {
                let why = if role.request {
                    "; deployed programs that leave it out are refused"
                } else {
                    ""
                };
                cx.push(
                    out,
                    semver,
                    breaks_if(role.request),
                    pointer.clone(),
                    format!(
                        "field `{name}.{}` is now required{type_note}{ctor_note}{why}",
                        f.ident
                    ),
                );
            }
            (a, b) if a != b || ctor_changed => cx.push(
                out,
                Semver::Major,
                breaks_if(ty_changed),
                pointer.clone(),
                format!(
                    "field `{name}.{}` is now {}{type_note}{ctor_note}",
                    f.ident,
                    presence(b)
                ),
            ),
            _ if ty_changed => cx.push(
                out,
                Semver::Major,
                Runtime::Breaks,
                pointer.clone(),
                format!("field `{name}.{}` changes type{type_note}", f.ident),
            ),
            _ => {}
        }
        if was.doc != f.doc {
            cx.push(
                out,
                Semver::Patch,
                Runtime::Safe,
                format!("{pointer}/description"),
                format!("documentation of field `{name}.{}` changed", f.ident),
            );
        }
    }
    constructor_change(cx, o, n, out);
}

fn presence(p: Presence) -> &'static str {
    match p {
        Presence::Required => "required",
        Presence::Optional => "optional",
        Presence::Tag => "a tag the crate fills in",
    }
}

fn field_added(cx: &TypeCx, n: &StructDef, f: &FieldDef, pointer: String, out: &mut Vec<Change>) {
    let name = cx.name;
    if cx.role.request && f.presence == Presence::Required {
        let how = if n.constructor.as_ref().is_some_and(|c| c.takes(&f.wire)) {
            format!("`{name}::new` takes it")
        } else {
            format!("`{name}::builder()` requires it")
        };
        cx.push(
            out,
            Semver::Major,
            Runtime::Breaks,
            pointer,
            format!(
                "field `{name}.{}` added, required: {how}; deployed programs do not send it",
                f.ident
            ),
        );
        return;
    }
    let (semver, literal) = if n.non_exhaustive {
        (Semver::Minor, "")
    } else {
        (
            Semver::Major,
            "; the struct is exhaustive, so literals of it no longer compile",
        )
    };
    let how = match (cx.role.request, f.presence) {
        (true, Presence::Optional) => format!(", optional: setter `.{}()`", f.ident),
        (true, Presence::Tag) => {
            "; deployed programs do not send the tag the API now requires".to_string()
        }
        _ => String::new(),
    };
    cx.push(
        out,
        semver,
        breaks_if(cx.role.request && f.presence == Presence::Tag),
        pointer,
        format!("field `{name}.{}` added{how}{literal}", f.ident),
    );
}

/// What `new` takes beyond the fields' own changes: its order, or whether
/// there is one.
fn constructor_change(cx: &TypeCx, o: &StructDef, n: &StructDef, out: &mut Vec<Change>) {
    let name = cx.name;
    let pointer = format!("{}/required", cx.new.type_pointer(name));
    let args = |a: &[String]| a.join(", ");
    match (&o.constructor, &n.constructor) {
        (Some(Constructor::New(was)), Some(Constructor::New(now))) => {
            let kept_was: Vec<&String> = was.iter().filter(|w| now.contains(w)).collect();
            let kept_now: Vec<&String> = now.iter().filter(|w| was.contains(w)).collect();
            if kept_was != kept_now {
                cx.push(
                    out,
                    Semver::Major,
                    Runtime::Safe,
                    pointer,
                    format!(
                        "`{name}::new` takes ({}) (was ({}))",
                        args(now),
                        args(was)
                    ),
                );
            }
        }
        (Some(Constructor::New(was)), Some(Constructor::Builder)) => cx.push(
            out,
            Semver::Major,
            Runtime::Safe,
            pointer,
            format!(
                "`{name}::new({})` removed: more required fields than `new` takes, so `{name}::builder()` builds it",
                args(was)
            ),
        ),
        (Some(Constructor::Builder), Some(Constructor::New(now))) => cx.push(
            out,
            Semver::Minor,
            Runtime::Safe,
            pointer,
            format!("`{name}::new({})` added", args(now)),
        ),
        (None, Some(_)) => cx.push(
            out,
            Semver::Minor,
            Runtime::Safe,
            cx.new.type_pointer(name),
            format!("`{name}` is now sent in requests: it gains a constructor and setters"),
        ),
        (Some(_), None) => cx.push(
            out,
            Semver::Major,
            Runtime::Safe,
            cx.new.type_pointer(name),
            format!("no request holds `{name}` any more: its constructor and setters are removed"),
        ),
        _ => {}
    }
}

fn enum_change(cx: &TypeCx, o: &EnumDef, n: &EnumDef, out: &mut Vec<Change>) {
    let name = cx.name;
    let (added, literal) = if n.non_exhaustive {
        (Semver::Minor, "")
    } else {
        (
            Semver::Major,
            ": matches on it without a wildcard arm no longer compile",
        )
    };
    if o.is_string_set() && n.is_string_set() {
        for v in &o.variants {
            if n.variants.iter().any(|w| w.wire == v.wire) {
                continue;
            }
            let why = if cx.role.request {
                "; deployed programs that send it are refused"
            } else {
                ""
            };
            cx.push(
                out,
                Semver::Major,
                breaks_if(cx.role.request),
                cx.old.value_pointer(name, &v.wire),
                format!(
                    "closed enum `{name}` loses `\"{}\"` (`{name}::{}`){why}",
                    v.wire, v.ident
                ),
            );
        }
        for v in &n.variants {
            let pointer = cx.new.value_pointer(name, &v.wire);
            match o.variants.iter().find(|w| w.wire == v.wire) {
                None => {
                    let why = if cx.role.response {
                        "; deployed decoders reject the value"
                    } else {
                        ""
                    };
                    cx.push(
                        out,
                        added,
                        breaks_if(cx.role.response),
                        pointer,
                        format!(
                            "closed enum `{name}` gains `\"{}\"` (`{name}::{}`){literal}{why}",
                            v.wire, v.ident
                        ),
                    );
                }
                Some(was) if was.ident != v.ident => cx.push(
                    out,
                    Semver::Major,
                    Runtime::Safe,
                    pointer,
                    format!(
                        "`{name}::{}` is now `{name}::{}` (`\"{}\"`)",
                        was.ident, v.ident, v.wire
                    ),
                ),
                Some(_) => {}
            }
        }
        return;
    }
    let pointer = cx.new.type_pointer(name);
    let shape = |v: &super::surface::VariantDef| match &v.holds {
        Some(ty) => format!("{}({ty})", v.ident),
        None => v.ident.clone(),
    };
    for v in &o.variants {
        if !n.variants.iter().any(|w| w.ident == v.ident) {
            cx.push(
                out,
                Semver::Major,
                breaks_if(cx.role.request),
                cx.old.type_pointer(name),
                format!("`{name}::{}` removed", shape(v)),
            );
        }
    }
    for v in &n.variants {
        match o.variants.iter().find(|w| w.ident == v.ident) {
            None => {
                let why = if cx.role.response {
                    "; deployed decoders reject the new shape"
                } else {
                    ""
                };
                cx.push(
                    out,
                    added,
                    breaks_if(cx.role.response),
                    pointer.clone(),
                    format!("`{name}::{}` added{literal}{why}", shape(v)),
                );
            }
            Some(was) if was.holds != v.holds => cx.push(
                out,
                Semver::Major,
                Runtime::Breaks,
                pointer.clone(),
                format!("`{name}::{}` is now `{name}::{}`", shape(was), shape(v)),
            ),
            Some(_) => {}
        }
    }
}

fn set_change(cx: &TypeCx, o: &OpenSetDef, n: &OpenSetDef, out: &mut Vec<Change>) {
    let name = cx.name;
    for (value, variant) in &o.values {
        if n.values.iter().any(|(v, _)| v == value) {
            continue;
        }
        let why = if cx.role.request {
            "; deployed programs that send it send a value the API no longer knows"
        } else {
            ""
        };
        cx.push(
            out,
            Semver::Major,
            breaks_if(cx.role.request),
            cx.old.value_pointer(name, value),
            format!(
                "open set `{name}` loses the known value `\"{value}\"` (`{name}::{variant}`){why}"
            ),
        );
    }
    for (value, variant) in &n.values {
        let pointer = cx.new.value_pointer(name, value);
        match o.values.iter().find(|(v, _)| v == value) {
            None => cx.push(
                out,
                Semver::Minor,
                Runtime::Safe,
                pointer,
                format!(
                    "open set `{name}` gains `\"{value}\"` (`{name}::{variant}`); deployed programs read it as `{name}::Other`"
                ),
            ),
            Some((_, was)) if was != variant => cx.push(
                out,
                Semver::Major,
                Runtime::Safe,
                pointer,
                format!("`{name}::{was}` is now `{name}::{variant}` (`\"{value}\"`)"),
            ),
            Some(_) => {}
        }
    }
}

fn union_change(cx: &TypeCx, o: &UnionDef, n: &UnionDef, out: &mut Vec<Change>) {
    let name = cx.name;
    if o.property != n.property {
        cx.push(
            out,
            Semver::Patch,
            Runtime::Breaks,
            cx.new.type_pointer(name),
            format!(
                "`{name}` is told apart by `{}` (was `{}`); deployed decoders read every member as `{name}::Other`",
                n.property, o.property
            ),
        );
    }
    for m in &o.members {
        if n.members.iter().any(|w| w.tag == m.tag) {
            continue;
        }
        let why = if cx.role.request {
            "; deployed programs that send it are refused"
        } else {
            ""
        };
        cx.push(
            out,
            Semver::Major,
            breaks_if(cx.role.request),
            cx.old.member_pointer(name, &m.schema),
            format!(
                "`{name}::{}` removed (`{}: {}`){why}",
                m.variant, o.property, m.tag
            ),
        );
    }
    for m in &n.members {
        let pointer = cx.new.member_pointer(name, &m.schema);
        match o.members.iter().find(|w| w.tag == m.tag) {
            None => cx.push(
                out,
                Semver::Minor,
                Runtime::Safe,
                pointer,
                format!(
                    "`{name}::{}({})` added (`{}: {}`); deployed programs read it as `{name}::Other`",
                    m.variant, m.ty, n.property, m.tag
                ),
            ),
            Some(was) if was.ty != m.ty => cx.push(
                out,
                Semver::Major,
                Runtime::Breaks,
                pointer,
                format!(
                    "`{name}::{}` holds `{}` (was `{}`)",
                    m.variant, m.ty, was.ty
                ),
            ),
            Some(was) if was.variant != m.variant => cx.push(
                out,
                Semver::Major,
                Runtime::Safe,
                pointer,
                format!("`{name}::{}` is now `{name}::{}`", was.variant, m.variant),
            ),
            Some(_) => {}
        }
    }
}
