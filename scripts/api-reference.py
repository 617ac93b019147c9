#!/usr/bin/env python3
"""Renders the API's OpenAPI description (docs/openapi.json, made by `assent openapi`) as a readable
reference, docs/api.md. Run from the repository: `python3 scripts/api-reference.py` rewrites docs/api.md;
`--stdout` prints it instead (the test suite compares the two). Standard library only."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
doc = json.load(open(os.path.join(ROOT, "docs", "openapi.json")))
schemas = doc.get("components", {}).get("schemas", {})
schemes = doc.get("components", {}).get("securitySchemes", {})


def anchor(name):
    return name.lower()


def cell(text):
    return (text or "").replace("\n", " ").replace("|", "\\|")


def type_of(s):
    """A schema as a short type: a link for a named one."""
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{anchor(name)})"
    if "oneOf" in s:
        some = [x for x in s["oneOf"] if x.get("type") != "null"]
        nullable = len(some) < len(s["oneOf"])
        return " or ".join(type_of(x) for x in some) + (", or null" if nullable else "")
    t = s.get("type", "any")
    kinds = t if isinstance(t, list) else [t]
    words = []
    for k in kinds:
        if k == "array":
            words.append(f"array of {type_of(s.get('items', {}))}")
        elif k == "null":
            continue
        else:
            words.append(k + (f" ({s['format']})" if "format" in s else ""))
    out = " or ".join(words) or "null"
    if "null" in kinds:
        out += ", or null"
    if "enum" in s:
        out += ": " + ", ".join(f"`{v}`" for v in s["enum"])
    return out


def limits(s):
    said = []
    for key, word in [("maxLength", "at most {} characters"), ("pattern", "matches `{}`"),
                      ("minimum", "at least {}"), ("maximum", "at most {}")]:
        if key in s and not (key == "minimum" and s[key] == 0 and "maximum" not in s):
            said.append(word.format(s[key]))
    return "; ".join(said)


out = []
info = doc["info"]
out.append(f"# {info['title']} {info['version']}\n")
out.append("<!-- Made by scripts/api-reference.py from docs/openapi.json (`assent openapi`); do not edit. -->\n")
out.append(f"{info.get('description', '')}\n")
out.append("The same description is served at `GET /api/openapi.json` (OpenAPI 3.1); generate a client from it,"
           " or load it into any OpenAPI viewer.\n")

out.append("## Routes\n")
ops = []
for path, item in doc["paths"].items():
    for method, op in item.items():
        ops.append((op.get("tags", [""])[0], path, method, op))
ops.sort(key=lambda o: (["profiles", "integrations", "exports", "meta"].index(o[0]) if o[0] in
                        ["profiles", "integrations", "exports", "meta"] else 9, o[1], o[2]))
for _, path, method, op in ops:
    out.append(f"- [`{method.upper()} {path}`](#{anchor(op['operationId'])}): {op.get('summary', '')}")
out.append("")

for _, path, method, op in ops:
    out.append(f"### {op.get('summary', path)}")
    out.append(f'<a id="{anchor(op["operationId"])}"></a>\n')
    out.append(f"`{method.upper()} {path}`\n")
    if op.get("description"):
        out.append(op["description"].replace("\n", " ") + "\n")
    security = op.get("security")
    if security:
        ways = [name for req in security for name in req]
        out.append("Proof: " + " or ".join(f"[{w}](#{anchor(w)})" for w in ways) + "\n")
    else:
        out.append("Proof: none.\n")
    params = op.get("parameters", [])
    if params:
        out.append("| parameter | in | type | required | description |")
        out.append("| --- | --- | --- | --- | --- |")
        for p in params:
            out.append(f"| `{p['name']}` | {p['in']} | {type_of(p.get('schema', {}))} | "
                       f"{'yes' if p.get('required') else 'no'} | {cell(p.get('description'))} |")
        out.append("")
    body = op.get("requestBody")
    if body:
        for media, content in body["content"].items():
            extra = f": {cell(body['description'])}" if body.get("description") else ""
            out.append(f"Body (`{media}`): {type_of(content['schema'])}{extra}\n")
    out.append("| status | meaning | body |")
    out.append("| --- | --- | --- |")
    for status, r in op["responses"].items():
        bodies = ", ".join(f"{type_of(c['schema'])} (`{m}`)" for m, c in r.get("content", {}).items())
        meaning = cell(r.get("description"))
        for name, h in r.get("headers", {}).items():
            meaning += f"; header `{name}`: {cell(h.get('description'))}"
        out.append(f"| {status} | {meaning} | {bodies} |")
    out.append("")

out.append("## Proof of the caller\n")
for name, s in schemes.items():
    how = f"HTTP `{s['scheme']}`" if s["type"] == "http" else f"header `{s.get('name')}`"
    out.append(f'<a id="{anchor(name)}"></a>**{name}** ({how}): {cell(s.get("description"))}\n')

out.append("## Shapes\n")
for name, s in sorted(schemas.items()):
    out.append(f'### {name}\n<a id="{anchor(name)}"></a>\n')
    if s.get("description"):
        out.append(s["description"].replace("\n", " ") + "\n")
    if "properties" in s:
        required = set(s.get("required", []))
        out.append("| field | type | required | description |")
        out.append("| --- | --- | --- | --- |")
        for field, f in s["properties"].items():
            about = cell(f.get("description"))
            if limits(f):
                about = f"{about} ({limits(f)})" if about else limits(f).capitalize() + "."
            out.append(f"| `{field}` | {type_of(f)} | {'yes' if field in required else 'no'} | {about} |")
        if s.get("additionalProperties") is False:
            out.append("\nNo other fields are accepted.")
        out.append("")
    elif "oneOf" in s:
        out.append("One of: " + ", ".join(type_of(x) for x in s["oneOf"]) + ".\n")
    else:
        out.append(f"{type_of(s)}\n")

text = "\n".join(out).rstrip() + "\n"
if "--stdout" in sys.argv:
    sys.stdout.write(text)
else:
    open(os.path.join(ROOT, "docs", "api.md"), "w").write(text)
