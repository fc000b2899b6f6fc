#!/usr/bin/env python3
"""Checks that every field on the transcribed API reference pages is in the spec.

Each reference page lists its parameters and its response as a tree of lines:

    - `name: optional type`        a field (a parameter, or a property of an object)
    - `Name = type`                a named type: one member of a union, or the
                                   object a section returns
    - `"value"`                    a literal value the enclosing type allows

The pages are someone else's prose, so the repository does not hold them. It
holds their facts instead: spec/reference/<page>.json (messages/create.md ->
spec/reference/messages/create.json) has the page's endpoint, its sections and
their tree of lines, each with its line number and nothing else: no
descriptions, no examples. Reading a page into that tree (read_page) is one
half of this script; checking a tree against the spec (check_page) is the
other, and it runs the same on a tree read from a page or from the manifest.

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
cannot be read or the manifest does not list exactly the pages of PAGES.

Usage:
    doc_coverage.py [--spec FILE] [--manifest DIR] [--rows]   check the manifest
    doc_coverage.py [--spec FILE] --docs DIR [--rows]         check the pages themselves
    doc_coverage.py --write-manifest --docs DIR [--manifest DIR]
        (re)write the manifest from the pages: one file per page of PAGES,
        removing the files of pages no longer listed (`cargo xtask reference`)
"""
import argparse
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_SPEC = os.path.join(ROOT, "spec", "anthropic.yaml")
DEFAULT_MANIFEST = os.path.join(ROOT, "spec", "reference")

# Reference page (under the api-reference directory) -> operationId in the spec.
# The one list of covered pages: the manifest writer writes exactly these, and
# the check refuses a manifest that holds any other page. To cover a page, add
# it here and run `cargo xtask reference --docs DIR`.
PAGES = {
    "models/list.md": "models_list",
    "models/retrieve.md": "models_retrieve",
    "beta/models/list.md": "beta_models_list",
    "beta/models/retrieve.md": "beta_models_retrieve",
    "messages/create.md": "messages_create",
    "messages/count_tokens.md": "messages_count_tokens",
    "messages/batches/create.md": "messages_batches_create",
    "messages/batches/retrieve.md": "messages_batches_retrieve",
    "messages/batches/list.md": "messages_batches_list",
    "messages/batches/cancel.md": "messages_batches_cancel",
    "messages/batches/delete.md": "messages_batches_delete",
    "messages/batches/results.md": "messages_batches_results",
    "completions/create.md": "completions_create",
    "beta/files/upload.md": "beta_files_upload",
    "beta/files/list.md": "beta_files_list",
    "beta/files/retrieve_metadata.md": "beta_files_retrieve_metadata",
    "beta/files/download.md": "beta_files_download",
    "beta/files/delete.md": "beta_files_delete",
    "beta/skills/create.md": "beta_skills_create",
    "beta/skills/list.md": "beta_skills_list",
    "beta/skills/retrieve.md": "beta_skills_retrieve",
    "beta/skills/delete.md": "beta_skills_delete",
    "beta/skills/versions/create.md": "beta_skills_versions_create",
    "beta/skills/versions/list.md": "beta_skills_versions_list",
    "beta/skills/versions/retrieve.md": "beta_skills_versions_retrieve",
    "beta/skills/versions/delete.md": "beta_skills_versions_delete",
    "admin/organizations/me.md": "admin_organizations_me",
    "admin/invites/create.md": "admin_invites_create",
    "admin/invites/list.md": "admin_invites_list",
    "admin/invites/retrieve.md": "admin_invites_retrieve",
    "admin/invites/delete.md": "admin_invites_delete",
    "admin/users/retrieve.md": "admin_users_retrieve",
    "admin/users/list.md": "admin_users_list",
    "admin/users/update.md": "admin_users_update",
    "admin/users/delete.md": "admin_users_delete",
    "admin/workspaces/create.md": "admin_workspaces_create",
    "admin/workspaces/list.md": "admin_workspaces_list",
    "admin/workspaces/retrieve.md": "admin_workspaces_retrieve",
    "admin/workspaces/update.md": "admin_workspaces_update",
    "admin/workspaces/archive.md": "admin_workspaces_archive",
    "admin/workspaces/members/create.md": "admin_workspaces_members_create",
    "admin/workspaces/members/list.md": "admin_workspaces_members_list",
    "admin/workspaces/members/retrieve.md": "admin_workspaces_members_retrieve",
    "admin/workspaces/members/update.md": "admin_workspaces_members_update",
    "admin/workspaces/members/delete.md": "admin_workspaces_members_delete",
    "admin/api_keys/retrieve.md": "admin_api_keys_retrieve",
    "admin/api_keys/list.md": "admin_api_keys_list",
    "admin/api_keys/update.md": "admin_api_keys_update",
    "admin/usage_report/retrieve_messages.md": "admin_usage_report_messages",
    "admin/usage_report/retrieve_claude_code.md": "admin_usage_report_claude_code",
    "admin/cost_report/retrieve.md": "admin_cost_report_retrieve",
    "beta/messages/create.md": "beta_messages_create",
    "beta/messages/count_tokens.md": "beta_messages_count_tokens",
    "beta/messages/batches/create.md": "beta_messages_batches_create",
    "beta/messages/batches/retrieve.md": "beta_messages_batches_retrieve",
    "beta/messages/batches/list.md": "beta_messages_batches_list",
    "beta/messages/batches/cancel.md": "beta_messages_batches_cancel",
    "beta/messages/batches/delete.md": "beta_messages_batches_delete",
    "beta/messages/batches/results.md": "beta_messages_batches_results",
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
#
# A page's facts, as read_page returns them and spec/reference/<page>.json
# holds them:
#
#     {"page": "models/list.md", "operation_id": "models_list",
#      "endpoint": {"method": "get", "path": "/v1/models"},      (null if none)
#      "sections": [{"title": "Query Parameters", "line": 9, "lines": [LINE, ...]}, ...],
#      "unparsed": [LINENO, ...]}
#
# where a LINE is one of
#
#     {"line": 11, "kind": "field", "name": "after_id", "optional": true, "type": "string"}
#     {"line": 30, "kind": "named", "name": "UnionMember0", "type": "string"}
#     {"line": 84, "kind": "literal", "value": "model"}
#
# with "children": [LINE, ...] when lines are nested under it. Types are the
# page's own text (`optional` aside); sections the check ignores (Example) are
# left out, and "unparsed" numbers the `- `...`` lines that are none of the
# three, so the check can still report them.


class InputError(Exception):
    """An input the check cannot run on: a missing page, a stale or broken manifest."""


class Node:
    """One line of a page's field tree."""

    def __init__(self, kind, lineno, name=None, optional=False, type_=None, value=None):
        self.kind, self.lineno = kind, lineno
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

    def fact(self):
        out = {"line": self.lineno, "kind": self.kind}
        if self.kind == "literal":
            out["value"] = self.value
        else:
            out["name"] = self.name
            if self.kind == "field":
                out["optional"] = self.optional
            out["type"] = self.type
        if self.children:
            out["children"] = [c.fact() for c in self.children]
        return out


# The keys of a LINE of each kind; a manifest with any other key (a
# description, say) is refused rather than silently carried.
LINE_KEYS = {
    "field": {"line": int, "kind": str, "name": str, "optional": bool, "type": str},
    "named": {"line": int, "kind": str, "name": str, "type": str},
    "literal": {"line": int, "kind": str, "value": str},
}
PAGE_KEYS = {"page": str, "operation_id": str, "endpoint": (dict, type(None)), "sections": list, "unparsed": list}
SECTION_KEYS = {"title": str, "line": int, "lines": list}
ENDPOINT_KEYS = {"method": str, "path": str}


def expect_keys(obj, keys, where, optional=()):
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected an object, found {type(obj).__name__}")
    unknown = sorted(set(obj) - set(keys) - set(optional))
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}")
    for key, kind in keys.items():
        # bool is an int to isinstance; a line number must not be `true`.
        if key not in obj or not isinstance(obj[key], kind) or (kind is int and isinstance(obj[key], bool)):
            raise InputError(f"{where}: `{key}` is missing or not a {getattr(kind, '__name__', 'value')}")


def node_of(fact, where):
    """The Node of one LINE of a manifest, children included."""
    kind = fact.get("kind") if isinstance(fact, dict) else None
    if kind not in LINE_KEYS:
        raise InputError(f"{where}: a line of unknown kind {kind!r}")
    expect_keys(fact, LINE_KEYS[kind], where, optional=("children",))
    node = Node(kind, fact["line"], name=fact.get("name"), optional=fact.get("optional", False),
                type_=fact.get("type"), value=fact.get("value"))
    children = fact.get("children", [])
    if not isinstance(children, list):
        raise InputError(f"{where}: `children` is not a list")
    node.children = [node_of(c, f"{where} > line {fact['line']}") for c in children]
    return node


def check_facts(facts, name, operation_id, where):
    """Refuses facts that are not this page's, or that this checker cannot read."""
    expect_keys(facts, PAGE_KEYS, where)
    if facts["page"] != name or facts["operation_id"] != operation_id:
        raise InputError(f"{where} is stale: it holds {facts['page']} as {facts['operation_id']}, PAGES has "
                         f"{name} as {operation_id}; run `cargo xtask reference --docs DIR`")
    if facts["endpoint"] is not None:
        expect_keys(facts["endpoint"], ENDPOINT_KEYS, f"{where}: endpoint")
    for n, section in enumerate(facts["sections"]):
        expect_keys(section, SECTION_KEYS, f"{where}: section {n}")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in facts["unparsed"]):
        raise InputError(f"{where}: `unparsed` holds something other than line numbers")


def trees(facts, where):
    """(title, heading line, root Node) of every section of the facts."""
    out = []
    for section in facts["sections"]:
        root = Node("root", section["line"])
        root.children = [node_of(f, f"{where}: {section['title']}") for f in section["lines"]]
        out.append((section["title"], section["line"], root))
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
    root = Node("root", start)
    stack = [(-1, root)]
    for n in range(start, end):
        m = LINE.match(lines[n])
        if not m:
            continue
        parts = classify(m.group(2))
        if parts is None:
            unparsed.append(n + 1)
            continue
        depth = len(m.group(1)) // 2
        node = Node(lineno=n + 1, **parts)
        while stack[-1][0] >= depth:
            stack.pop()
        stack[-1][1].children.append(node)
        stack.append((depth, node))
    return root


def read_page(docs, name, operation_id):
    """The facts of one reference page (see above)."""
    with open(os.path.join(docs, name), encoding="utf-8") as f:
        lines = f.read().split("\n")
    heads = [(n, l[4:].strip()) for n, l in enumerate(lines) if l.startswith("### ")]
    unparsed = []
    sections = []
    for i, (n, title) in enumerate(heads):
        if title in IGNORED_SECTIONS:
            continue
        end = heads[i + 1][0] if i + 1 < len(heads) else len(lines)
        root = parse_tree(lines, n + 1, end, unparsed)
        sections.append({"title": title, "line": n + 1, "lines": [c.fact() for c in root.children]})
    endpoint = next((ENDPOINT.match(l) for l in lines if ENDPOINT.match(l)), None)
    return {
        "page": name,
        "operation_id": operation_id,
        "endpoint": {"method": endpoint.group(1), "path": endpoint.group(2)} if endpoint else None,
        "sections": sections,
        "unparsed": unparsed,
    }


def read_pages(docs):
    missing = [p for p in PAGES if not os.path.isfile(os.path.join(docs, p))]
    if missing:
        raise InputError(f"reference pages missing under {docs}: {', '.join(missing)}")
    return [read_page(docs, name, op) for name, op in PAGES.items()]


def field_count(facts):
    return sum(len(root.fields()) for _, _, root in trees(facts, facts["page"]))


# ------------------------------------------------------------- the manifest


def manifest_file(name):
    """The manifest file of a page, relative to the manifest directory."""
    return os.path.splitext(name)[0] + ".json"


def manifest_text(facts):
    """The manifest file of a page: JSON with one line per page line, in page order.

    One line per fact keeps a diff of the manifest as short as the change to
    the page it follows, where json.dumps(indent=2) would spread every line
    over five.
    """
    def dump(value):
        return json.dumps(value, ensure_ascii=False)

    def node(fact, pad):
        head = dump({k: v for k, v in fact.items() if k != "children"})
        if "children" not in fact:
            return pad + head
        return f'{pad}{head[:-1]}, "children": [\n{nodes(fact["children"], pad + "  ")}\n{pad}]}}'

    def nodes(facts, pad):
        return ",\n".join(node(f, pad) for f in facts)

    sections = []
    for section in facts["sections"]:
        head = dump({k: v for k, v in section.items() if k != "lines"})
        body = f'\n{nodes(section["lines"], "      ")}\n    ' if section["lines"] else ""
        sections.append(f'    {head[:-1]}, "lines": [{body}]}}')
    out = [f'  "page": {dump(facts["page"])}',
           f'  "operation_id": {dump(facts["operation_id"])}',
           f'  "endpoint": {dump(facts["endpoint"])}',
           '  "sections": [\n' + ",\n".join(sections) + "\n  ]" if sections else '  "sections": []',
           f'  "unparsed": {dump(facts["unparsed"])}']
    text = "{\n" + ",\n".join(out) + "\n}\n"
    if json.loads(text) != facts:
        raise AssertionError(f"the manifest of {facts['page']} does not read back as its facts")
    return text


def manifest_files(manifest):
    """Every .json file under the manifest directory, relative to it, with `/`."""
    out = set()
    for dirpath, _, files in os.walk(manifest):
        for f in files:
            if f.endswith(".json"):
                out.add(os.path.relpath(os.path.join(dirpath, f), manifest).replace(os.sep, "/"))
    return out


def shown(path):
    """A path inside the repository as relative to it, so messages read the same in every clone."""
    path = os.path.abspath(path)
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def read_manifest(manifest):
    """The facts of every page of PAGES from the manifest, which must hold exactly those."""
    hint = "run `cargo xtask reference --docs DIR`"
    extra = sorted(manifest_files(manifest) - {manifest_file(p) for p in PAGES})
    if extra:
        raise InputError(f"{shown(manifest)} holds pages that PAGES does not list: {', '.join(extra)}; {hint}")
    missing = [manifest_file(p) for p in PAGES if not os.path.isfile(os.path.join(manifest, manifest_file(p)))]
    if missing:
        raise InputError(f"{shown(manifest)} has no facts for {', '.join(missing)}; {hint}")
    out = []
    for name, op in PAGES.items():
        path = os.path.join(manifest, manifest_file(name))
        where = shown(path)
        try:
            with open(path, encoding="utf-8") as f:
                facts = json.load(f)
        except (OSError, ValueError) as e:
            raise InputError(f"cannot read {where}: {e}") from e
        check_facts(facts, name, op, where)
        trees(facts, where)  # refuse a malformed line now rather than halfway through the check
        out.append(facts)
    return out


def write_manifest(docs, manifest):
    """Writes the facts of every page of PAGES, and removes the files of pages no longer listed."""
    pages = read_pages(docs)
    wanted = {manifest_file(f["page"]): manifest_text(f) for f in pages}
    changed = 0
    for rel, text in wanted.items():
        path = os.path.join(manifest, rel)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    continue
        except FileNotFoundError:
            pass
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        changed += 1
    removed = sorted(manifest_files(manifest) - set(wanted))
    for rel in removed:
        os.remove(os.path.join(manifest, rel))
        parent = os.path.dirname(os.path.join(manifest, rel))
        while os.path.abspath(parent) != os.path.abspath(manifest) and not os.listdir(parent):
            os.rmdir(parent)
            parent = os.path.dirname(parent)
    lines = sum(field_count(f) for f in pages)
    print(f"wrote {len(pages)} pages ({lines} field lines) from {docs} to {shown(manifest)}: "
          f"{changed} changed, {len(removed)} removed")


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

    def values(self, alts):
        """The alternatives of one value of the maps (additionalProperties) among alts."""
        out = []
        for a in alts:
            if a.kind == "object" and isinstance(a.schema.get("additionalProperties"), dict):
                out += self.alternatives(a.schema["additionalProperties"], a.label + "{}")
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
    if elements is not None and not scalars and not array_members(node):
        # `array of X`: the lines below describe one element.
        alts, path = spec.elements(alts), path + "[]"
    elif len(scalars) == 1 and elements is None and scalars[0].startswith("map["):
        # `map[X]`: the lines below describe one value of the map.
        alts, path = spec.values(alts), path + "{}"
    check_children(spec, page, node, owner, path, alts)


def array_members(node):
    """Whether node's union members are whole values, one of them an array.

    `array of string or "unrestricted"` with `UnionMember0 = array of string`
    and `UnionMember1 = "unrestricted"` is an array or a literal, not an array
    of either: the members, not the lines of one element, are below it.
    """
    return any(UNION_MEMBER.match(n.name) and parse_type(n.type)[1] is not None for n in node.of("named"))


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
    """The schema of a JSON body, or of one line of a JSON Lines body."""
    holder = spec.resolve(holder or {})
    content = holder.get("content") or {}
    media = content.get("application/json") or content.get("application/x-jsonl") or {}
    return media.get("schema")


def check_page(spec, facts):
    """The results of checking one page's facts against the spec."""
    name, operation_id = facts["page"], facts["operation_id"]
    page = Page(name, operation_id)
    sections = []
    for title, lineno, root in trees(facts, name):
        page.field_lines += root.fields()
        if title not in SECTIONS:
            page.problems.append((lineno, f"section `{title}` is not one this checker knows"))
            continue
        sections.append((SECTIONS[title], root, lineno))
    for n in facts["unparsed"]:
        page.problems.append((n, "a `- `...`` line that is neither a field, a named type nor a literal"))

    if operation_id not in spec.operations:
        page.problems.append((1, f"no operation `{operation_id}` in the spec"))
        return page
    method, key, op, item = spec.operations[operation_id]

    # The table, the page and the spec agree on which operation this is.
    docs_ref = (op.get("externalDocs") or {}).get("description")
    if docs_ref != f"docs/api-reference/{name}":
        page.problems.append((1, f"{operation_id}'s externalDocs names {docs_ref!r}, not this page"))
    endpoint = facts["endpoint"]
    if endpoint is None:
        page.problems.append((1, "no `**method** `path`` line"))
    elif (endpoint["method"], endpoint["path"]) != (method, key.split("?")[0]):
        page.problems.append((1, f"page documents {endpoint['method']} {endpoint['path']}, "
                                 f"{operation_id} is {method} {key}"))

    params = {}
    for p in (item.get("parameters") or []) + (op.get("parameters") or []):
        p = spec.resolve(p)
        loc = p.get("in")
        params[(loc, p["name"].lower() if loc == "header" else p["name"])] = p
        if loc == "query" and p["name"].endswith("[]"):
            # `group_by[]` is the wire name (bracket form) of the page's field `group_by`.
            params.setdefault((loc, p["name"][:-2]), p)

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
    ap.add_argument("--docs", help="read the pages from this api-reference directory instead of the manifest")
    ap.add_argument("--manifest", default=DEFAULT_MANIFEST,
                    help="the directory of the pages' facts (default: spec/reference)")
    ap.add_argument("--write-manifest", action="store_true",
                    help="write the manifest from the pages of --docs instead of checking")
    ap.add_argument("--rows", action="store_true", help="also print where each field line was found")
    args = ap.parse_args()

    if args.write_manifest:
        if args.docs is None:
            ap.error("--write-manifest reads the pages: pass --docs DIR")
        try:
            write_manifest(args.docs, args.manifest)
        except (InputError, OSError) as e:
            print(e, file=sys.stderr)
            return 2
        return 0

    try:
        spec = Spec(args.spec)
    except (OSError, yaml.YAMLError) as e:
        print(f"cannot read the spec: {e}", file=sys.stderr)
        return 2
    try:
        facts = read_pages(args.docs) if args.docs is not None else read_manifest(args.manifest)
    except (InputError, OSError) as e:
        print(e, file=sys.stderr)
        return 2

    pages = [check_page(spec, f) for f in facts]

    source = args.docs if args.docs is not None else shown(args.manifest)
    print(f"doc coverage of {args.spec} against {source}")
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
