#!/usr/bin/env python3
"""Checks that every field on the transcribed API reference pages is in the spec.

Each reference page lists its parameters and its response as a tree of lines:

    - `name: optional type`        a field (a parameter, or a property of an object)
    - `Name = type`                a named type: one member of a union, or the
                                   object a section returns
    - `"value"`                    a literal value the enclosing type allows

For every page in PAGES this walks that tree alongside the operation the page
documents (found by operationId: its parameters, its JSON request body and its
200 JSON response) and checks, for every field line, that

- the field exists at that place: a parameter of the operation in the right
  location (query, path, header), or a property of the object schema the
  enclosing lines describe;
- `optional` on the page matches "not required" in the spec;
- the type fits: string, number, boolean, object, map, array of ..., and a
  union's members (`UnionMember0 = string` needs a plain string alternative,
  so an open set stays open);
- every literal value listed under it is in an `enum` of the spec.

The pages' type names do not have to be schema names: a named object is
matched to the union member whose properties and tag literals (`type: "text"`)
fit the documented fields best. Only the field tree counts.

Prints per-page totals (field lines, covered, problems) and every problem as
`page:line: path: what`. Exits 1 when there is a problem, 2 when the inputs
cannot be read.

Usage: doc_coverage.py [--spec FILE] [--docs DIR] [--rows]
"""
import argparse
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_SPEC = os.path.join(ROOT, "spec", "anthropic.yaml")
# The developers and CI keep a copy of shared/ beside the clone.
DEFAULT_DOCS = os.path.normpath(os.path.join(ROOT, "..", "shared", "docs", "api-reference"))

# Reference page (under the api-reference directory) -> operationId in the spec.
PAGES = {
    "models/list.md": "models_list",
    "models/retrieve.md": "models_retrieve",
    "beta/models/list.md": "beta_models_list",
    "beta/models/retrieve.md": "beta_models_retrieve",
    "messages/create.md": "messages_create",
    "messages/count_tokens.md": "messages_count_tokens",
}

# `### ` sections of a page and what they document; any other section is a
# problem, so new content on a page cannot go unchecked.
SECTIONS = {
    "Path Parameters": "path",
    "Query Parameters": "query",
    "Header Parameters": "header",
    "Body Parameters": "body",
    "Returns": "returns",
}
IGNORED_SECTIONS = {"Example"}

LINE = re.compile(r"^( *)- `(.*)`$")
FIELD = re.compile(r'^("[^"]+"|[A-Za-z_][A-Za-z0-9_]*): (optional )?(.+)$')
NAMED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*) = (.+)$")
LITERAL = re.compile(r'^"(.*)"$')
ENDPOINT = re.compile(r"^\*\*([a-z]+)\*\* `([^`]+)`")
UNION_MEMBER = re.compile(r"^UnionMember\d+$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MORE = re.compile(r"^\d+ more$")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


# ---------------------------------------------------------------- the pages


class Node:
    """One line of a page's field tree."""

    def __init__(self, kind, depth, lineno, name=None, optional=False, type_=None, value=None):
        self.kind, self.depth, self.lineno = kind, depth, lineno
        self.name, self.optional, self.type, self.value = name, optional, type_, value
        self.children = []

    def of(self, kind):
        return [c for c in self.children if c.kind == kind]

    def fields(self):
        """This node's field lines and all field lines below it."""
        out = []
        for c in self.children:
            if c.kind == "field":
                out.append(c)
            out += c.fields()
        return out


def classify(text):
    m = FIELD.match(text)
    if m:
        return dict(kind="field", name=m.group(1).strip('"'), optional=bool(m.group(2)), type_=m.group(3))
    m = NAMED.match(text)
    if m:
        return dict(kind="named", name=m.group(1), type_=m.group(2))
    m = LITERAL.match(text)
    if m:
        return dict(kind="literal", value=m.group(1))
    return None


def parse_tree(lines, start, end, unparsed):
    """The tree of field/named/literal lines in lines[start:end] (0-based)."""
    root = Node("root", -1, start)
    stack = [root]
    for n in range(start, end):
        m = LINE.match(lines[n])
        if not m:
            continue
        parts = classify(m.group(2))
        if parts is None:
            unparsed.append(n + 1)
            continue
        node = Node(depth=len(m.group(1)) // 2, lineno=n + 1, **parts)
        while stack[-1].depth >= node.depth:
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)
    return root


def parse_type(text):
    """Splits a documented type into its scalar members and its array part.

    `string or array of A or B` is a string or an array of (A or B): once a
    member starts with `array of`, the rest describe the array's elements.
    Returns (scalars, elements) where elements is None when no array is allowed.
    """
    scalars, elements = [], None
    for token in text.split(" or "):
        if MORE.match(token):
            continue
        if elements is not None:
            elements.append(token)
        elif token.startswith("array of "):
            elements = [token[len("array of "):]]
        else:
            scalars.append(token)
    return scalars, elements


# ----------------------------------------------------------------- the spec


class Alt:
    """One alternative of a schema once `$ref`s and unions are flattened."""

    def __init__(self, schema, label):
        self.schema, self.label = schema, label

    @property
    def kind(self):
        s = self.schema
        if s.get("type"):
            return s["type"]
        if "properties" in s or "additionalProperties" in s:
            return "object"
        return None

    @property
    def properties(self):
        return self.schema.get("properties") or {}

    @property
    def required(self):
        return set(self.schema.get("required") or [])


class Spec:
    def __init__(self, path):
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with open(path) as f:
            self.doc = yaml.load(f, Loader=loader)
        self.operations = {}
        for key, item in (self.doc.get("paths") or {}).items():
            for method, op in item.items():
                if method in HTTP_METHODS and isinstance(op, dict) and "operationId" in op:
                    self.operations[op["operationId"]] = (method, key, op, item)

    def pointer(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported: {ref}")
        node = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def resolve(self, obj):
        """Follows `$ref`s (siblings such as `description` are ignored)."""
        seen = set()
        while isinstance(obj, dict) and "$ref" in obj:
            if obj["$ref"] in seen:
                raise ValueError(f"$ref cycle at {obj['$ref']}")
            seen.add(obj["$ref"])
            obj = self.pointer(obj["$ref"])
        return obj

    def alternatives(self, schema, label):
        """The object/scalar/array alternatives a value of `schema` may take."""
        out = []

        def walk(s, label, depth):
            if depth > 50:
                raise ValueError(f"schema nesting too deep at {label}")
            while isinstance(s, dict) and "$ref" in s:
                label = s["$ref"].split("/")[-1]
                s = self.pointer(s["$ref"])
            if not isinstance(s, dict):
                return
            if "allOf" in s:
                s = self.merge_all_of(s, label)
            for sub in (s.get("oneOf") or []) + (s.get("anyOf") or []):
                walk(sub, label, depth + 1)
            if any(k in s for k in ("type", "properties", "additionalProperties", "enum", "items")):
                out.append(Alt(s, label))

        walk(schema, label, 0)
        return out

    def merge_all_of(self, s, label):
        merged = {k: v for k, v in s.items() if k != "allOf"}
        props, required = dict(merged.get("properties") or {}), list(merged.get("required") or [])
        for part in s["allOf"]:
            for alt in self.alternatives(part, label):
                props.update(alt.properties)
                required += list(alt.required)
                if alt.kind and "type" not in merged:
                    merged["type"] = alt.kind
        if props:
            merged["properties"] = props
        if required:
            merged["required"] = required
        return merged

    def elements(self, alts):
        out = []
        for a in alts:
            if a.kind == "array" and "items" in a.schema:
                out += self.alternatives(a.schema["items"], a.label + "[]")
        return out

    def enum_values(self, alts):
        return {v for a in alts for v in (a.schema.get("enum") or []) if v is not None}


# ------------------------------------------------------------------ checking


class Page:
    """The results for one page."""

    def __init__(self, name, operation_id):
        self.name, self.operation_id = name, operation_id
        self.field_lines = []  # every field line of the checked sections
        self.walked = set()  # field lines matched to a place in the spec
        self.blamed = set()  # field lines with a problem
        self.problems = []  # (lineno, text)
        self.rows = []  # (lineno, path, location)
        self.renamed = set()  # (documented type name, schema it matched)
        self.literals = 0  # literal lines checked

    def problem(self, node, owner, path, text):
        self.problems.append((node.lineno, f"{path}: {text}" if path else text))
        if owner is not None:
            self.blamed.add(owner.lineno)

    @property
    def covered(self):
        return len([f for f in self.field_lines if f.lineno in self.walked and f.lineno not in self.blamed])


def describe(alts):
    kinds = sorted({(a.kind or "null") + (" from an enum" if a.kind and a.schema.get("enum") else "")
                    for a in alts})
    return " or ".join(kinds) if kinds else "nothing"


def check_type(spec, page, node, owner, path, alts):
    """The documented type's scalar members and array part against the alternatives.

    Returns False when a problem was reported.
    """
    scalars, elements = parse_type(node.type)
    ok = True
    for t in scalars:
        if t == "string":
            fits = any(a.kind == "string" and not a.schema.get("enum") for a in alts)
            what = "any string"
        elif t == "number":
            fits = any(a.kind in ("integer", "number") for a in alts)
            what = "a number"
        elif t == "boolean":
            fits = any(a.kind == "boolean" for a in alts)
            what = "a boolean"
        elif t.startswith('"'):
            fits = any(a.kind == "string" for a in alts)
            what = "a string literal"
        elif t == "object" or t.startswith("object {"):
            fits = any(a.kind == "object" for a in alts)
            what = "an object"
        elif t.startswith("map["):
            fits = any(a.kind == "object" and a.schema.get("additionalProperties") not in (None, False)
                       for a in alts)
            what = "a map (an object with additionalProperties)"
        else:
            continue  # a type name: the lines below it say what it is
        if not fits:
            page.problem(node, owner, path, f"documented as {what} ({node.type}), the spec allows {describe(alts)}")
            ok = False
    if elements is not None and not any(a.kind == "array" for a in alts):
        page.problem(node, owner, path, f"documented as an array ({node.type}), the spec allows {describe(alts)}")
        ok = False
    return ok


def check_value(spec, page, node, owner, path, alts):
    """A field's or a named type's value: its type, then the lines below it."""
    if not check_type(spec, page, node, owner, path, alts):
        return  # the lines below would only repeat the mismatch
    scalars, elements = parse_type(node.type)
    if elements is not None and not scalars:
        # `array of X`: the lines below describe one element.
        alts, path = spec.elements(alts), path + "[]"
    check_children(spec, page, node, owner, path, alts)


def check_children(spec, page, node, owner, path, alts):
    fields = node.of("field")
    if fields:
        hint = type_name(node)
        obj = pick_object(spec, page, node, owner, path, fields, alts, hint)
        if obj is not None:
            if hint and obj.label != hint:
                page.renamed.add((hint, obj.label))
            for f in fields:
                check_property(spec, page, f, path, obj)
    allowed = None
    for lit in node.of("literal"):
        page.literals += 1
        if allowed is None:
            allowed = spec.enum_values(alts)
        if lit.value not in allowed:
            page.problem(lit, owner, path, f"value \"{lit.value}\" is not in the spec's enum")
    for named in node.of("named"):
        sub = path if UNION_MEMBER.match(named.name) else f"{path}({named.name})"
        check_value(spec, page, named, owner, sub, alts)


def type_name(node):
    """The type name the page gives the object described by node's field lines."""
    if node.kind != "named":
        return None
    scalars, elements = parse_type(node.type)
    if not scalars and elements and len(elements) == 1 and NAME.match(elements[0]):
        return elements[0]  # `Items = array of Item`: the fields describe an Item
    return None if UNION_MEMBER.match(node.name) else node.name


def literal_of(field):
    """The single literal a field is documented to hold (`type: "text"`), if any."""
    scalars, elements = parse_type(field.type)
    if elements is None and len(scalars) == 1 and LITERAL.match(scalars[0]):
        return LITERAL.match(scalars[0]).group(1)
    return None


def pick_object(spec, page, node, owner, path, fields, alts, hint):
    """The object alternative the documented fields describe, or None after a problem.

    In a union, the members whose tag properties hold the documented literals
    (`type: "text"`) come first, then the one with the most of the documented
    property names; the documented type name only breaks ties.
    """
    objects = [a for a in alts if a.kind == "object"]
    if not objects:
        page.problem(node, owner, path, f"documents fields ({', '.join(f.name for f in fields)}), "
                                        f"the spec allows {describe(alts)}")
        return None
    tags = [(f.name, literal_of(f)) for f in fields if literal_of(f) is not None]

    def tagged(a):
        for name, value in tags:
            prop = a.properties.get(name)
            if prop is None or value not in spec.enum_values(spec.alternatives(prop, a.label)):
                return False
        return True

    pool = [a for a in objects if tagged(a)]
    if not pool:
        if len(objects) > 1:
            # Matching by names alone would report the fields of some other member.
            tag_text = ", ".join(f'{name}: "{value}"' for name, value in tags)
            page.problem(node, owner, path, f"no member of the union ({', '.join(a.label for a in objects)}) "
                                            f"has {tag_text}")
            return None
        pool = objects  # one object: its fields say what is wrong
    score = {id(a): sum(1 for f in fields if f.name in a.properties) for a in pool}
    best = max(score.values())
    pool = [a for a in pool if score[id(a)] == best]
    return ([a for a in pool if a.label == hint] or pool)[0]


def check_property(spec, page, field, path, obj):
    fpath = f"{path}.{field.name}" if path else field.name
    if field.name not in obj.properties:
        page.problem(field, field, fpath, f"no property `{field.name}` in {obj.label}")
        return
    page.walked.add(field.lineno)
    location = f"{obj.label}.{field.name}"
    page.rows.append((field.lineno, fpath, location))
    required = field.name in obj.required
    check_optional(page, field, fpath, required, location)
    alts = spec.alternatives(obj.properties[field.name], location)
    check_value(spec, page, field, field, fpath, alts)


def check_optional(page, field, path, required, location):
    if field.optional and required:
        page.problem(field, field, path, f"documented optional, but {location} is required in the spec")
    elif not field.optional and not required:
        page.problem(field, field, path, f"documented required, but {location} is optional in the spec")


def check_parameters(spec, page, root, where, params):
    for field in root.children:
        if field.kind != "field":
            page.problem(field, None, where, "a line that is not a parameter")
            continue
        key = (where, field.name.lower() if where == "header" else field.name)
        param = params.get(key)
        if param is None:
            page.problem(field, field, field.name, f"no {where} parameter `{field.name}` in {page.operation_id}")
            continue
        page.walked.add(field.lineno)
        location = f"{page.operation_id}({where} {param['name']})"
        page.rows.append((field.lineno, field.name, location))
        check_optional(page, field, field.name, bool(param.get("required")), location)
        alts = spec.alternatives(param.get("schema") or {}, location)
        check_value(spec, page, field, field, field.name, alts)


def json_schema(spec, holder):
    holder = spec.resolve(holder or {})
    content = (holder.get("content") or {}).get("application/json") or {}
    return content.get("schema")


def check_page(spec, docs, name, operation_id):
    page = Page(name, operation_id)
    with open(os.path.join(docs, name)) as f:
        lines = f.read().split("\n")

    heads = [(n, l[4:].strip()) for n, l in enumerate(lines) if l.startswith("### ")]
    unparsed = []
    sections = []
    for i, (n, title) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(lines)
        if title in IGNORED_SECTIONS:
            continue
        root = parse_tree(lines, n + 1, end, unparsed)
        page.field_lines += root.fields()
        if title not in SECTIONS:
            page.problems.append((n + 1, f"section `{title}` is not one this checker knows"))
            continue
        sections.append((SECTIONS[title], root, n + 1))
    for n in unparsed:
        page.problems.append((n, "a `- `...`` line that is neither a field, a named type nor a literal"))

    if operation_id not in spec.operations:
        page.problems.append((1, f"no operation `{operation_id}` in the spec"))
        return page
    method, key, op, item = spec.operations[operation_id]

    # The table, the page and the spec agree on which operation this is.
    docs_ref = (op.get("externalDocs") or {}).get("description")
    if docs_ref != f"docs/api-reference/{name}":
        page.problems.append((1, f"{operation_id}'s externalDocs names {docs_ref!r}, not this page"))
    endpoint = next((ENDPOINT.match(l) for l in lines if ENDPOINT.match(l)), None)
    if endpoint is None:
        page.problems.append((1, "no `**method** `path`` line"))
    elif (endpoint.group(1), endpoint.group(2)) != (method, key.split("?")[0]):
        page.problems.append((1, f"page documents {endpoint.group(1)} {endpoint.group(2)}, "
                                 f"{operation_id} is {method} {key}"))

    params = {}
    for p in (item.get("parameters") or []) + (op.get("parameters") or []):
        p = spec.resolve(p)
        loc = p.get("in")
        params[(loc, p["name"].lower() if loc == "header" else p["name"])] = p

    for where, root, lineno in sections:
        if where in ("path", "query", "header"):
            check_parameters(spec, page, root, where, params)
            continue
        if where == "body":
            schema = json_schema(spec, op.get("requestBody"))
            what = "a JSON request body"
        else:
            schema = json_schema(spec, (op.get("responses") or {}).get("200"))
            what = "a 200 JSON response"
        if schema is None:
            page.problems.append((lineno, f"{operation_id} has no {what}"))
            continue
        label = schema["$ref"].split("/")[-1] if "$ref" in schema else operation_id
        check_children(spec, page, root, None, "", spec.alternatives(schema, label))
    return page


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", default=DEFAULT_SPEC)
    ap.add_argument("--docs", default=DEFAULT_DOCS, help="the api-reference directory")
    ap.add_argument("--rows", action="store_true", help="also print where each field line was found")
    args = ap.parse_args()

    try:
        spec = Spec(args.spec)
    except (OSError, yaml.YAMLError) as e:
        print(f"cannot read the spec: {e}", file=sys.stderr)
        return 2
    missing = [p for p in PAGES if not os.path.isfile(os.path.join(args.docs, p))]
    if missing:
        print(f"reference pages missing under {args.docs}: {', '.join(missing)}", file=sys.stderr)
        return 2

    pages = [check_page(spec, args.docs, name, op) for name, op in PAGES.items()]

    print(f"doc coverage of {args.spec} against {args.docs}")
    width = max(len(p.name) for p in pages)
    for p in pages:
        print(f"  {p.name:<{width}}  {len(p.field_lines):4} field lines  {p.covered:4} covered  "
              f"{len(p.problems):3} problems  ({p.operation_id}; {p.literals} literals)")
    total = [sum(len(p.field_lines) for p in pages), sum(p.covered for p in pages),
             sum(len(p.problems) for p in pages)]
    print(f"  {'total':<{width}}  {total[0]:4} field lines  {total[1]:4} covered  {total[2]:3} problems")
    renamed = sorted({r for p in pages for r in p.renamed})
    if renamed:
        print("  named types matched to a schema of another name: "
              + ", ".join(f"{doc} -> {schema}" for doc, schema in renamed))
    if args.rows:
        for p in pages:
            for lineno, path, location in p.rows:
                print(f"    {p.name}:{lineno}: {path} -> {location}")
    if total[2]:
        print("problems:")
        for p in pages:
            for lineno, text in sorted(p.problems):
                print(f"  {p.name}:{lineno}: {text}")
    return 1 if total[2] else 0


if __name__ == "__main__":
    sys.exit(main())
