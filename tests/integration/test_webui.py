"""test_webui.py - the web UI that sitrepd serves at GET / (issue #4; the
brief's "we ship a small web UI").

First over plain HTTP: the page and every file it loads are served with
their types, and nothing outside the built-in files can be reached.  Then
in headless Chromium (playwright-core from tests/package.json, installed
by scripts/install-deps.sh; chromium from Debian): webui.mjs clicks through
a search, a facet, an article and a bad date, and prints what the page
showed; each of those is compared here with the API's own answer to the
same request, so the page must render exactly what the API says.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = harness.source_dir()
SAMPLES = os.path.join(SRC, "indexer", "samples")
TESTS = os.path.join(SRC, "tests")
CHROMIUM = os.environ.get("SITREP_CHROMIUM", "/usr/bin/chromium")


class WebUi(unittest.TestCase, harness.ErrorAssertions):
    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        cls.index = os.path.join(cls.tmp.name, "index")
        cls.config = harness.write_config(cls.tmp.name)
        harness.build_index(cls.index, [SAMPLES], config=cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def base(self):
        return f"http://127.0.0.1:{self.srv.port}"

    # -- plain HTTP ---------------------------------------------------------

    def test_page_and_its_files(self):
        r = self.srv.get("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["content-type"], "text/html; charset=utf-8")
        html = r.raw.decode("utf-8")
        refs = re.findall(r'(?:src|href)="(/ui/[^"]+)"', html)
        self.assertEqual(sorted(refs), ["/ui/app.js", "/ui/style.css"])
        types = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
        for ref in refs:
            f = self.srv.get(ref)
            self.assertEqual(f.status, 200, ref)
            self.assertEqual(f.headers["content-type"], types[os.path.splitext(ref)[1]], ref)
            with open(os.path.join(SRC, "server", "web", ref[len("/ui/"):]), "rb") as src:
                self.assertEqual(f.raw, src.read(), ref)
        self.assertEqual(self.srv.get("/ui/index.html").raw, r.raw)

    def test_head_and_methods(self):
        r = self.srv.request("HEAD", "/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.raw, b"")
        self.assertError(self.srv.request("POST", "/", body=b"x"), 405, "method_not_allowed")
        self.assertError(self.srv.request("DELETE", "/ui/app.js"), 405, "method_not_allowed")

    def test_nothing_else_is_reachable(self):
        for path in ["/ui/", "/ui/nope.js", "/ui/../config/sitrep.yaml",
                     "/ui/..%2f..%2fconfig%2fsitrep.yaml", "/ui/%2e%2e/meson.build",
                     "/ui/web/app.js", "/ui/embed.py", "/index.html", "/ui//etc/passwd",
                     "/ui/app.js%00.html"]:
            with self.subTest(path=path):
                r = self.srv.raw_response(
                    f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                self.assertIn(r.status, (400, 404), path)
                self.assertIn(b'"error"', r.raw, path)
                self.assertNotIn(b"listen:", r.raw, path)

    # -- in the browser -------------------------------------------------------

    def api(self, path, **params):
        r = self.srv.get(path, params)
        return r.status, r.body

    def test_browser_session(self):
        node = shutil.which("node")
        modules = os.path.join(TESTS, "node_modules", "playwright-core")
        missing = [what for what, ok in [("node", node), ("chromium", os.path.exists(CHROMIUM)),
                                         ("tests/node_modules/playwright-core",
                                          os.path.isdir(modules))] if not ok]
        self.assertFalse(missing, f"missing {missing}: run scripts/install-deps.sh")
        proc = subprocess.run([node, os.path.join(TESTS, "integration", "webui.mjs"), self.base()],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        seen = json.loads(proc.stdout)
        self.assertEqual(seen["page_errors"], [])
        self.assertEqual(seen["failed_requests"], [])
        self.assertEqual(seen["console_errors_before_error_step"], [])

        # The first page: the newest 20 of every article, newest first.
        _, every = self.api("/v1/search", limit=20)
        self.assertEqual(seen["initial"]["titles"], [h["title"] for h in every["hits"]])
        self.assertRegex(seen["initial"]["status"],
                         rf"^20 of {every['total']['value']} articles")
        _, tl = self.api("/v1/timeline")
        self.assertEqual(seen["initial"]["timeline_bars"], len(tl["buckets"]))

        # A query: the hits in the API's order, its place facet in the
        # sidebar, and the query in the page's URL.
        _, res = self.api("/v1/search", q="evacuation", limit=20, facets="place")
        self.assertGreater(res["total"]["value"], 1)
        self.assertEqual(seen["query"]["titles"], [h["title"] for h in res["hits"]])
        self.assertEqual(seen["query"]["facet_places"], [f["value"] for f in res["facets"]["place"]])
        self.assertEqual(urllib.parse.urlsplit(seen["query"]["url"]).query, "q=evacuation")

        # Clicking the top place facet filters by its id.
        top = res["facets"]["place"][0]["value"]
        self.assertEqual(seen["facet"]["place"], top)
        _, filtered = self.api("/v1/search", q="evacuation", place=top, limit=20)
        self.assertEqual(seen["facet"]["titles"], [h["title"] for h in filtered["hits"]])
        self.assertEqual(len(filtered["hits"]), top_count := res["facets"]["place"][0]["count"])
        self.assertGreater(top_count, 0)

        # The reader shows the first of those articles.
        _, article = self.api("/v1/articles/" + urllib.parse.quote(filtered["hits"][0]["id"], safe=""))
        self.assertEqual(seen["reader"]["title"], article["title"])
        self.assertEqual(seen["reader"]["paragraphs"], len([p for p in article["text"].split("\n") if p]))

        # A bad date: the API's own message, shown as an error.
        status, err = self.api("/v1/search", **{"from": "2022-13"})
        self.assertEqual(status, 400)
        self.assertEqual(seen["error"]["class"], "error")
        self.assertEqual(seen["error"]["status"], err["error"]["message"])


if __name__ == "__main__":
    unittest.main()
