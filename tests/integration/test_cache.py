"""test_cache.py - the search answer cache (server/cache.h) over HTTP.

A repeated search is answered from memory: the second request is
"X-Cache: hit" with the first answer (took_ms 0) and the same ETag; GET
and POST with the same parameters share an answer; an error is never kept;
a commit by sitrep-index changes the revision (an upsert into a sharded
index too), so the same request runs again and sees the change; the bound (server.cache_bytes) holds, the
least recently used answer leaves first, and an answer over an eighth of
the bound is not kept; with cache_bytes 0 there is no cache at all.
/v1/stats counts entries, bytes, hits and misses.
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ARTICLES = [
    {"id": f"c-{i:02d}", "published": f"2022-03-{i % 28 + 1:02d}", "source": "example.org",
     "lang": "en", "title": f"Shelling report {i}",
     "text": f"Shelling hit Kharkiv again, report {i} said. Word{i} appears here."}
    for i in range(30)
]
LATE = {"id": "c-late", "published": "2022-04-01", "source": "example.org", "lang": "en",
        "title": "Late shelling", "text": "Late shelling hit Kharkiv, officials said."}


def without_took(body):
    body = dict(body)
    body.pop("took_ms")
    return body


class CacheTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        cls.dir = cls.tmp.name
        # Two shards: an upsert there must still move the revision
        # (test_zz_commit_changes_the_answer).
        cls.config = harness.write_config(cls.dir, shards=2)
        cls.index = os.path.join(cls.dir, "index")
        cls.fixture = harness.write_jsonl(os.path.join(cls.dir, "fixture.jsonl"), ARTICLES)
        harness.build_index(cls.index, [cls.fixture], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def stats(self, srv=None):
        r = (srv or self.srv).get("/v1/stats")
        self.assertEqual(r.status, 200, r)
        return r.body["cache"]

    def test_repeat_is_a_hit(self):
        params = {"q": "shelling", "facets": "date,place", "limit": 7}
        before = self.stats()
        a = self.srv.get("/v1/search", params)
        b = self.srv.get("/v1/search", params)
        self.assertEqual((a.status, b.status), (200, 200))
        self.assertEqual(a.headers.get("x-cache"), "miss")
        self.assertEqual(b.headers.get("x-cache"), "hit")
        self.assertEqual(b.body["took_ms"], 0)
        self.assertEqual(without_took(a.body), without_took(b.body))
        self.assertEqual(a.headers["etag"], b.headers["etag"])
        self.assertEqual(a.headers["x-index-revision"], b.headers["x-index-revision"])
        after = self.stats()
        self.assertEqual(after["hits"] - before["hits"], 1)
        self.assertEqual(after["misses"] - before["misses"], 1)
        self.assertTrue(after["enabled"])
        # A 304 still works from a kept answer.
        c = self.srv.get("/v1/search", params, headers={"If-None-Match": a.headers["etag"]})
        self.assertEqual(c.status, 304, c)

    def test_other_parameters_are_other_answers(self):
        a = self.srv.get("/v1/search", {"q": "word3"})
        b = self.srv.get("/v1/search", {"q": "word4"})
        self.assertEqual(a.headers.get("x-cache"), "miss")
        self.assertEqual(b.headers.get("x-cache"), "miss")
        self.assertEqual([h["id"] for h in a.body["hits"]], ["c-03"])
        self.assertEqual([h["id"] for h in b.body["hits"]], ["c-04"])
        # The same words with a different limit are a different page.
        c = self.srv.get("/v1/search", {"q": "word3", "limit": 1})
        self.assertEqual(c.headers.get("x-cache"), "miss")
        self.assertEqual(c.body["query"]["limit"], 1)

    def test_get_and_post_share(self):
        self.srv.get("/v1/search", {"q": "kharkiv", "limit": 3})
        r = self.srv.request("POST", "/v1/search", body=json.dumps({"q": "kharkiv", "limit": 3}),
                             headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("x-cache"), "hit")
        self.assertEqual(len(r.body["hits"]), 3)

    def test_post_first_then_get_has_an_etag(self):
        """A POST answer has no ETag; the GET that finds it kept gets one,
        the same as the GET that ran."""
        body = json.dumps({"q": "report", "limit": 4})
        r = self.srv.request("POST", "/v1/search", body=body,
                             headers={"Content-Type": "application/json"})
        self.assertEqual((r.status, r.headers.get("x-cache")), (200, "miss"))
        self.assertNotIn("etag", r.headers)
        g = self.srv.get("/v1/search", {"q": "report", "limit": 4})
        self.assertEqual(g.headers.get("x-cache"), "hit")
        self.assertRegex(g.headers.get("etag", ""), r'^W/"[0-9a-f]+-[0-9a-f]{16}"$')
        self.assertEqual(self.srv.get("/v1/search", {"q": "report", "limit": 4})
                         .headers.get("etag"), g.headers["etag"])
        ran = self.srv.get("/v1/search", {"limit": 4, "q": "report"})  # another key
        self.assertEqual(ran.headers.get("x-cache"), "miss")
        self.assertEqual(ran.headers["etag"], g.headers["etag"])

    def test_errors_are_not_kept(self):
        for _ in range(2):
            r = self.srv.get("/v1/search", {"q": "shelling", "limit": "abc"})
            self.assertEqual(r.status, 400, r)
            self.assertNotIn("x-cache", r.headers)

    def test_zz_commit_changes_the_answer(self):
        """Runs last in this class: it adds an article to the shared index."""
        params = {"q": "shelling", "sort": "date_desc", "limit": 1}
        a = self.srv.get("/v1/search", params)
        b = self.srv.get("/v1/search", params)
        self.assertEqual(b.headers.get("x-cache"), "hit")
        late = harness.write_jsonl(os.path.join(self.dir, "late.jsonl"), [LATE])
        harness.build_index(self.index, [late], self.config)
        c = self.srv.get("/v1/search", params)
        self.assertEqual(c.status, 200, c)
        self.assertEqual(c.headers.get("x-cache"), "miss")
        self.assertNotEqual(c.headers["x-index-revision"], a.headers["x-index-revision"])
        self.assertEqual(c.body["hits"][0]["id"], "c-late")
        self.assertEqual(c.body["total"]["value"], a.body["total"]["value"] + 1)
        self.assertEqual(self.srv.get("/v1/search", params).headers.get("x-cache"), "hit")
        # An upsert keeps the document count; on this index of two shards
        # the revision, summed over them, still moves.
        self.assertEqual(self.srv.get("/v1/stats").body["shards"], 2)
        again = harness.write_jsonl(os.path.join(self.dir, "again.jsonl"),
                                    [dict(LATE, title="Late shelling, updated")])
        harness.build_index(self.index, [again], self.config)
        d = self.srv.get("/v1/search", params)
        self.assertEqual(d.headers.get("x-cache"), "miss")
        self.assertNotEqual(d.headers["x-index-revision"], c.headers["x-index-revision"])
        self.assertEqual(d.body["hits"][0]["title"], "Late shelling, updated")
        self.assertEqual(d.body["total"], c.body["total"])


class BoundTest(unittest.TestCase):
    """A small cache: the bound holds, the oldest answer leaves first."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        d = cls.tmp.name
        cls.config = harness.write_config(d, extra="  cache_bytes: 8KiB\n")
        cls.index = os.path.join(d, "index")
        harness.build_index(cls.index, [harness.write_jsonl(os.path.join(d, "f.jsonl"),
                                                            ARTICLES)], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()
        cfg0 = harness.write_config(d, extra="  cache_bytes: 0\n")
        os.rename(cfg0, os.path.join(d, "off.yaml"))
        cls.off = harness.Server(cls.index, os.path.join(d, "off.yaml")).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.off.stop()
        cls.tmp.cleanup()

    def test_bound_and_order(self):
        small = [{"q": f"word{i}", "fields": "id"} for i in range(30)]
        for p in small:
            self.assertEqual(self.srv.get("/v1/search", p).status, 200)
        st = self.srv.get("/v1/stats").body["cache"]
        self.assertLessEqual(st["bytes"], 8 * 1024)
        self.assertGreater(st["entries"], 0)
        self.assertLess(st["entries"], 30)
        # The newest is still there, the first one left.
        self.assertEqual(self.srv.get("/v1/search", small[-1]).headers.get("x-cache"), "hit")
        self.assertEqual(self.srv.get("/v1/search", small[0]).headers.get("x-cache"), "miss")
        # An answer over an eighth of the bound (1 KiB) is never kept.
        big = {"q": "shelling", "limit": 30}
        a = self.srv.get("/v1/search", big)
        self.assertGreater(len(a.raw), 1024)
        self.assertEqual(self.srv.get("/v1/search", big).headers.get("x-cache"), "miss")

    def test_off(self):
        for _ in range(2):
            r = self.off.get("/v1/search", {"q": "shelling"})
            self.assertEqual(r.status, 200, r)
            self.assertNotIn("x-cache", r.headers)
        st = self.off.get("/v1/stats").body["cache"]
        self.assertEqual(st, {"enabled": False, "entries": 0, "bytes": 0, "hits": 0,
                              "misses": 0})


if __name__ == "__main__":
    unittest.main(verbosity=2)
