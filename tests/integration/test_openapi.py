"""test_openapi.py - GET /v1/openapi.json from a running sitrepd.

Checks that the server serves server/openapi.json as it is in the source
tree (JSON, HEAD, ETag, CORS; no index needed), that the served document is
valid OpenAPI (tests/integration/validate-openapi.mjs under node, with the
validator that scripts/install-deps.sh puts in tests/node_modules), and that
it names every error code the server can send: each code string passed to
srv_fail() (or another *fail() helper, or a {status, "code"} pair) in
server/*.c and server/*.h must be in the Error schema's enum, and each
(status, code) pair must be described by a response with that status.

The check is one-directional, server to document: the document may
describe codes of routes this build does not have yet.  Routes and
parameters are compared with the tables the server runs on by the unit
test tests/unit/test-openapi.c.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ORIGIN = "http://allowed.example"
HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATOR = os.path.join(HERE, "validate-openapi.mjs")
NODE_MODULES = os.path.join(os.path.dirname(HERE), "node_modules")

# Codes every build sends: if the scan below misses these, it is broken.
KNOWN_CODES = {"invalid_parameter", "conflicting_parameters", "query_syntax_error",
               "ambiguous_entity", "not_found", "method_not_allowed", "payload_too_large",
               "uri_too_long", "internal_error", "index_unavailable"}

CODE = r'"([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+)"'
# srv_fail(req, out, 400, "code", ...), fail(err, "code", ...),
# respond_error(h, conn, st, 414, "code", ...): the first string literal of
# a call to a *fail* or *error* helper, when it looks like a code.
CALL_RE = re.compile(r"\b(\w*fail\w*|\w*_error)\s*\(([^;\"]*)" + CODE)
# {401, "missing_api_key", ...} in a table, or any "status, code" pair.
PAIR_RE = re.compile(r"\b([1-5][0-9]{2})\s*,\s*" + CODE)
# err->code = "code"; .code = "code"; and JSON text such as fallback bodies.
ASSIGN_RE = re.compile(r"\bcode\s*=\s*" + CODE)
JSON_RE = re.compile(r'\\"code\\"\s*:\s*\\"([a-z_]+)\\"')
STATUS_RE = re.compile(r"\b([1-5][0-9]{2})\s*,\s*$")


def strip_comments(text):
    """C source without /* */ and // comments (string literals kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            out.append(" ")
            i = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def server_error_codes(source_dir):
    """{code: set of statuses seen with it (maybe empty)} from server/*.[ch]."""
    codes = {}
    files = sorted(glob.glob(os.path.join(source_dir, "server", "*.c")) +
                   glob.glob(os.path.join(source_dir, "server", "*.h")))
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = strip_comments(f.read())
        for m in CALL_RE.finditer(text):
            code = m.group(3)
            status = STATUS_RE.search(m.group(2))
            codes.setdefault(code, set())
            if status:
                codes[code].add(int(status.group(1)))
        for m in PAIR_RE.finditer(text):
            codes.setdefault(m.group(2), set()).add(int(m.group(1)))
        for m in ASSIGN_RE.finditer(text):
            codes.setdefault(m.group(1), set())
        for m in JSON_RE.finditer(text):
            codes.setdefault(m.group(1), set())
    return codes


def deref(doc, obj):
    while isinstance(obj, dict) and "$ref" in obj:
        target = doc
        for part in obj["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        obj = target
    return obj


def described_statuses(doc):
    """{status: text of every response description with that status}."""
    seen = {}
    for item in doc["paths"].values():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for status, resp in op["responses"].items():
                if status.isdigit():
                    text = json.dumps(deref(doc, resp))
                    seen.setdefault(int(status), []).append(text)
    return {k: "\n".join(v) for k, v in seen.items()}


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        config = harness.write_config(cls.tmp.name, cors_origins=(ORIGIN,))
        # No index at all: the document must not need one.
        cls.srv = harness.Server(os.path.join(cls.tmp.name, "no-index"), config).start()
        with open(os.path.join(harness.source_dir(), "server", "openapi.json"),
                  encoding="utf-8") as f:
            cls.source = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def fetch(self, method="GET", headers=None):
        return self.srv.request(method, "/v1/openapi.json", headers=headers)

    def test_served_as_in_the_source(self):
        r = self.fetch()
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("content-type"), "application/json; charset=utf-8")
        self.assertTrue(r.headers.get("x-request-id"))
        self.assertEqual(r.body, self.source)
        self.assertTrue(r.body["openapi"].startswith("3."))
        self.assertEqual(r.body["servers"], [{"url": "/"}])

    def test_head_etag_cors(self):
        get = self.fetch(headers={"Origin": ORIGIN})
        etag = get.headers.get("etag")
        self.assertRegex(etag or "", r'^W/"[0-9a-f]+-[0-9a-f]{16}"$')
        self.assertEqual(get.headers.get("access-control-allow-origin"), ORIGIN)
        self.assertIn("ETag", get.headers.get("access-control-expose-headers", ""))
        head = self.fetch("HEAD", headers={"Origin": ORIGIN})
        self.assertEqual((head.status, head.raw), (200, b""))
        self.assertEqual(head.headers.get("etag"), etag)
        self.assertEqual(head.headers.get("access-control-allow-origin"), ORIGIN)
        again = self.fetch(headers={"If-None-Match": etag, "Origin": ORIGIN})
        self.assertEqual((again.status, again.raw), (304, b""))
        self.assertEqual(again.headers.get("etag"), etag)
        self.assertEqual(again.headers.get("access-control-allow-origin"), ORIGIN)
        pre = self.srv.request("OPTIONS", "/v1/openapi.json",
                               headers={"Origin": ORIGIN,
                                        "Access-Control-Request-Method": "GET"})
        self.assertEqual(pre.status, 204)
        self.assertIn("If-None-Match", pre.headers.get("access-control-allow-headers", ""))
        self.assertEqual(self.srv.request("POST", "/v1/openapi.json").status, 405)

    def test_valid_openapi(self):
        node = shutil.which("node")
        if not node or not os.path.isdir(os.path.join(NODE_MODULES, "@seriousme")):
            self.fail("node or tests/node_modules is missing: run scripts/install-deps.sh")
        r = self.fetch()
        self.assertEqual(r.status, 200)
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as f:
            f.write(r.raw)
            path = f.name
        try:
            proc = subprocess.run([node, VALIDATOR, path], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, timeout=120)
        finally:
            os.unlink(path)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        print(proc.stdout.strip(), file=sys.stderr)

    def test_every_error_code_documented(self):
        codes = server_error_codes(harness.source_dir())
        self.assertLessEqual(KNOWN_CODES, set(codes), "the source scan is broken")
        doc = self.source
        enum = set(doc["components"]["schemas"]["Error"]["properties"]["error"]
                   ["properties"]["code"]["enum"])
        missing = sorted(set(codes) - enum)
        self.assertEqual(missing, [], "error codes the server sends but openapi.json "
                         "does not list in components.schemas.Error")
        described = described_statuses(doc)
        for code, statuses in sorted(codes.items()):
            for status in sorted(statuses):
                with self.subTest(code=code, status=status):
                    self.assertIn(f"`{code}`", described.get(status, ""),
                                  f"no {status} response of openapi.json describes {code}")

    def test_scanner_sees_new_codes(self):
        """The scan finds codes in every form a new route might use."""
        with harness.tempdir() as d:
            os.makedirs(os.path.join(d, "server"))
            with open(os.path.join(d, "server", "x.c"), "w") as f:
                f.write('return srv_fail(req, out, 401,\n "missing_api_key", NULL, "x");\n'
                        'auth_fail(req, out, 403, "forbidden");\n'
                        '{415, "unsupported_media_type", "x"},\n'
                        '/* srv_fail(req, out, 400, "in_a_comment") */\n')
            codes = server_error_codes(d)
        self.assertEqual(codes, {"missing_api_key": {401}, "forbidden": {403},
                                 "unsupported_media_type": {415}})


if __name__ == "__main__":
    unittest.main(verbosity=2)
