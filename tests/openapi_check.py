#!/usr/bin/env python3
"""Checks Assent's OpenAPI description, and real exchanges with a running server against it, with
implementations independent of the Rust crates that wrote them: openapi-spec-validator for the document
(the OpenAPI 3.1 schema), jsonschema (Draft 2020-12, formats checked) for every body.

argv[1]: the document. stdin: one exchange per line,
{"method", "path" (the template, as in the document), "status", "contentType", "response", "request"?,
"headers"? (the meaningful response headers sent: each must be described for that status)}.
Prints {"exchanges": n, "findings": [...]} as JSON; exit 2 when there are findings, exit 3 when a library
is missing (`pip install openapi-spec-validator jsonschema rfc3339-validator`)."""
import json
import sys

try:
    from jsonschema import Draft202012Validator, FormatChecker
    from openapi_spec_validator import validate
    import rfc3339_validator  # noqa: F401  (without it jsonschema skips "date-time" silently)
except ImportError as e:
    print(f"a checker is not installed: {e}")
    sys.exit(3)

doc = json.load(open(sys.argv[1]))
findings = []
try:
    validate(doc)
except Exception as e:  # the validator raises its own error types, with the path to the fault
    findings.append(f"the document is not valid OpenAPI 3.1: {e}")

formats = FormatChecker()
assert "date-time" in formats.checkers, "date-time would not be checked"


def check(schema, value, what):
    # The schema's "#/components/..." references resolve against a root that holds the components.
    root = dict(schema, components=doc.get("components", {}))
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    for error in Draft202012Validator(root, format_checker=formats).iter_errors(value):
        where = "/".join(str(p) for p in error.absolute_path)
        findings.append(f"{what}: at /{where}: {error.message}")


n = 0
for line in sys.stdin:
    if not line.strip():
        continue
    n += 1
    x = json.loads(line)
    what = f"{x['method']} {x['path']} -> {x['status']}"
    op = doc["paths"].get(x["path"], {}).get(x["method"].lower())
    if op is None:
        findings.append(f"{what}: the operation is not described")
        continue
    if "request" in x:
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is None:
            findings.append(f"{what}: a JSON request body is not described")
        else:
            check(body["schema"], x["request"], f"{what} (request)")
    response = op["responses"].get(str(x["status"]))
    if response is None:
        findings.append(f"{what}: this status is not described ({sorted(op['responses'])})")
        continue
    described = {h.lower() for h in response.get("headers", {})}
    for header in x.get("headers", []):
        if header.lower() not in described:
            findings.append(f"{what}: the header {header} is sent but not described")
    content = response.get("content", {})
    media = (x.get("contentType") or "").split(";")[0].strip()
    if not content:
        continue
    if media not in content:
        findings.append(f"{what}: answered {media!r}, described {sorted(content)}")
        continue
    if media == "application/json":
        check(content[media]["schema"], x["response"], what)

print(json.dumps({"exchanges": n, "findings": findings}))
sys.exit(2 if findings else 0)
