"""test_etag.py - ETag and If-None-Match on the read endpoints.

The ETag is made from the answer (server/etag.h): W/"<length>-<hash>" of
the JSON body with took_ms set to 0.  Checked here over HTTP: the same
request twice has the same tag, a different query another one; If-None-Match
with the tag, a list holding it, the tag without W/, or "*" is a 304 without
a body that keeps ETag, X-Request-Id, X-Index-Revision and CORS; HEAD has
GET's tag; errors, POST answers and streamed exports have none; and after
an article is indexed into the index the server is reading, the same
request is a 200 with a new tag, also for the old tag in If-None-Match.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ORIGIN = "http://allowed.example"
ETAG_RE = r'^W/"[0-9a-f]+-[0-9a-f]{16}"$'

ARTICLES = [
    {"id": "e-kharkiv", "published": "2022-02-28", "source": "example.org", "lang": "en",
     "url": "https://example.org/e-kharkiv", "title": "Shelling hits Kharkiv",
     "text": "Heavy shelling hit residential districts of Kharkiv on Monday, officials said."},
    {"id": "e-kyiv", "published": "2022-03-02", "source": "example.org", "lang": "en",
     "url": "https://example.org/e-kyiv", "title": "Kyiv metro shelters families",
     "text": "Families sheltered in the Kyiv metro as shelling continued overnight."},
    {"id": "e-aleppo", "published": "2016-12-10", "source": "example.net", "lang": "en",
     "url": "https://example.net/e-aleppo", "title": "Airstrikes pound eastern Aleppo",
     "text": "Airstrikes pounded eastern Aleppo overnight, rescue workers said."},
]

LATE = {"id": "e-kharkiv-late", "published": "2022-03-05", "source": "example.org",
        "lang": "en", "url": "https://example.org/e-kharkiv-late",
        "title": "More shelling in Kharkiv",
        "text": "Shelling hit Kharkiv again on Saturday, the regional governor said."}

# (path, params) of every read endpoint that answers JSON.
READS = [
    ("/v1/search", {"q": "shelling"}),
    ("/v1/search", {"place": "Kharkiv", "facets": "place,date"}),
    ("/v1/timeline", {"q": "shelling", "interval": "month"}),
    ("/v1/geo", {"q": "shelling"}),
    ("/v1/entities", {"prefix": "khar", "type": "place"}),
    ("/v1/entities/geonames:706483", None),
    ("/v1/articles/e-kharkiv", None),
    ("/v1/health", None),
    ("/v1/openapi.json", None),
]


class EtagTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        cls.dir = cls.tmp.name
        cls.config = harness.write_config(cls.dir, cors_origins=(ORIGIN,))
        cls.index = os.path.join(cls.dir, "index")
        fixture = harness.write_jsonl(os.path.join(cls.dir, "fixture.jsonl"), ARTICLES)
        harness.build_index(cls.index, [fixture], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()

    @classmethod
    def tearDownClass(cls):
        code = cls.srv.stop()
        cls.tmp.cleanup()
        assert code == 0, f"sitrepd exited {code}:\n{cls.srv.log()}"

    def get(self, path, params=None, method="GET", **headers):
        return self.srv.request(method, path, params, headers=headers)

    def assertNotModified(self, r, etag):
        self.assertEqual(r.status, 304, r)
        self.assertEqual(r.raw, b"")
        self.assertEqual(r.headers.get("etag"), etag)
        self.assertRegex(r.headers.get("x-request-id", ""), r"^[0-9a-f]{16}$")
        self.assertNotIn("content-type", r.headers)

    def test_every_read_endpoint(self):
        for path, params in READS:
            with self.subTest(path=path, params=params):
                a = self.get(path, params)
                self.assertEqual(a.status, 200, a)
                etag = a.headers.get("etag")
                self.assertRegex(etag or "", ETAG_RE)
                b = self.get(path, params)
                self.assertEqual(b.headers.get("etag"), etag, "the same request, another tag")
                head = self.get(path, params, method="HEAD")
                self.assertEqual((head.status, head.raw), (200, b""))
                self.assertEqual(head.headers.get("etag"), etag)
                self.assertNotModified(self.get(path, params, **{"If-None-Match": etag}),
                                       etag)
                self.assertNotModified(
                    self.get(path, params, method="HEAD", **{"If-None-Match": etag}), etag)

    def test_stats_has_an_etag(self):
        # uptime_s is part of the answer, so the tag changes every second.
        r = self.get("/v1/stats")
        self.assertRegex(r.headers.get("etag", ""), ETAG_RE)
        again = self.get("/v1/stats", **{"If-None-Match": r.headers["etag"]})
        self.assertIn(again.status, (200, 304))

    def test_took_ms_does_not_count(self):
        a = self.get("/v1/search", {"q": "shelling"})
        for _ in range(5):
            b = self.get("/v1/search", {"q": "shelling"})
            self.assertEqual(b.headers["etag"], a.headers["etag"])
        self.assertIn("took_ms", a.body)

    def test_different_queries_differ(self):
        tags = {self.get("/v1/search", p).headers["etag"]
                for p in ({"q": "shelling"}, {"q": "airstrikes"}, {"q": "shelling", "limit": 1},
                          {"q": "shelling", "sort": "date_asc"})}
        self.assertEqual(len(tags), 4)
        self.assertNotEqual(self.get("/v1/articles/e-kharkiv").headers["etag"],
                            self.get("/v1/articles/e-kyiv").headers["etag"])

    def test_if_none_match_forms(self):
        r = self.get("/v1/search", {"q": "shelling"})
        etag = r.headers["etag"]
        strong = etag[2:]  # weak comparison: W/ does not matter
        matching = ["*", etag, strong, f'"nope", {etag}', f'W/"a-b",{strong} , "c"',
                    f" , {etag}"]
        for value in matching:
            with self.subTest(value=value):
                self.assertNotModified(
                    self.get("/v1/search", {"q": "shelling"}, **{"If-None-Match": value}),
                    etag)
        for value in ['"nope"', 'W/"nope", "x"', etag[:-2] + '"', etag + "junk", "**"]:
            with self.subTest(value=value):
                n = self.get("/v1/search", {"q": "shelling"}, **{"If-None-Match": value})
                self.assertEqual(n.status, 200, n)
                self.assertEqual(n.headers.get("etag"), etag)

    def test_several_header_lines(self):
        r = self.get("/v1/health")
        etag = r.headers["etag"]
        raw = self.srv.raw_response(
            ("GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
             f'If-None-Match: "nope"\r\nIf-None-Match: {etag}\r\n\r\n').encode())
        self.assertEqual(raw.status, 304, raw)

    def test_304_keeps_headers(self):
        r = self.get("/v1/search", {"q": "shelling"}, Origin=ORIGIN)
        etag = r.headers["etag"]
        self.assertIn("ETag", r.headers.get("access-control-expose-headers", ""))
        n = self.get("/v1/search", {"q": "shelling"}, Origin=ORIGIN,
                     **{"If-None-Match": etag})
        self.assertNotModified(n, etag)
        self.assertEqual(n.headers.get("x-index-revision"), r.headers["x-index-revision"])
        self.assertNotEqual(n.headers.get("x-request-id"), r.headers["x-request-id"])
        self.assertEqual(n.headers.get("access-control-allow-origin"), ORIGIN)
        self.assertIn("ETag", n.headers.get("access-control-expose-headers", ""))
        pre = self.srv.request("OPTIONS", "/v1/search",
                               headers={"Origin": ORIGIN,
                                        "Access-Control-Request-Method": "GET",
                                        "Access-Control-Request-Headers": "if-none-match"})
        self.assertEqual(pre.status, 204)
        self.assertIn("If-None-Match", pre.headers.get("access-control-allow-headers", ""))

    def test_no_etag_on_errors_posts_exports(self):
        err = self.get("/v1/search", {"limit": "x"}, **{"If-None-Match": "*"})
        self.assertEqual(err.status, 400)
        self.assertNotIn("etag", err.headers)
        missing = self.get("/v1/articles/nope", **{"If-None-Match": "*"})
        self.assertEqual(missing.status, 404)
        self.assertNotIn("etag", missing.headers)
        post = self.srv.request("POST", "/v1/search", body=b'{"q": "shelling"}',
                                headers={"Content-Type": "application/json",
                                         "If-None-Match": "*"})
        self.assertEqual(post.status, 200)
        self.assertNotIn("etag", post.headers)
        for fmt in ("ndjson", "csv", "geojson"):
            with self.subTest(format=fmt):
                e = self.get("/v1/search", {"q": "shelling", "format": fmt},
                             **{"If-None-Match": "*"})
                self.assertEqual(e.status, 200)
                self.assertNotIn("etag", e.headers)
                self.assertTrue(e.raw)

    def test_zz_new_articles_new_tag(self):
        """Named to run last: it changes the index the other tests read."""
        params = {"q": "shelling", "place": "Kharkiv"}
        before = self.get("/v1/search", params)
        old = before.headers["etag"]
        timeline = self.get("/v1/timeline", {"q": "shelling"}).headers["etag"]
        late = harness.write_jsonl(os.path.join(self.dir, "late.jsonl"), [LATE])
        harness.build_index(self.index, [late], self.config)
        after = self.get("/v1/search", params, **{"If-None-Match": old})
        self.assertEqual(after.status, 200, after)
        self.assertNotEqual(after.headers["etag"], old)
        self.assertIn("e-kharkiv-late", [h["id"] for h in after.body["hits"]])
        self.assertGreater(int(after.headers["x-index-revision"]),
                           int(before.headers["x-index-revision"]))
        t = self.get("/v1/timeline", {"q": "shelling"}, **{"If-None-Match": timeline})
        self.assertEqual(t.status, 200)
        self.assertNotModified(
            self.get("/v1/search", params, **{"If-None-Match": after.headers["etag"]}),
            after.headers["etag"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
