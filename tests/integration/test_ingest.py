"""test_ingest.py - writing over HTTP: POST /v1/ingest, DELETE
/v1/articles/{id}, API keys and scopes, and the write lock shared with
sitrep-index (issue #4).

The server runs over an index of indexer/samples/reports.jsonl built by
the CLI, so HTTP writes land next to what the CLI wrote.  Each test uses
its own article ids and made-up words, so the tests do not depend on one
another's order.
"""

import json
import os
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = harness.source_dir()
REPORTS = os.path.join(SRC, "indexer", "samples", "reports.jsonl")
INGEST_KEY = "ingest-key-5f0c9a7e3b1d4c2a"
SEARCH_KEY = "search-key-0a9b8c7d6e5f4a3b"
ADMIN_KEY = "admin-key-77aa55cc33ee11ff"
BODY_LIMIT = 64 * 1024
NDJSON = "application/x-ndjson"
KEYS = (
    "api_keys:\n"
    "  - name: newsroom\n"
    f"    key: {INGEST_KEY}\n"
    "    scopes: [ingest]\n"
    "  - name: dashboard\n"
    f"    key: {SEARCH_KEY}\n"
    "    scopes: [search]\n"
    "  - name: operator\n"
    f"    key: {ADMIN_KEY}\n"
    "    scopes: [admin]\n"
)
LIMITS = f"limits:\n  body_bytes: {BODY_LIMIT}\n"


def article(id_, word, title=None, place="Kharkiv"):
    """A small article about place that holds the made-up word."""
    return {
        "id": id_,
        "title": title or f"Shelling reported in {place}",
        "url": f"https://wire.example/{id_}",
        "source": "wire.example",
        "lang": "en",
        "published": "2024-05-06",
        "text": f"Artillery fire hit residential districts of {place} overnight, "
                f"regional officials said on Monday. The word of the day is {word}.",
    }


def ndjson(records):
    """Records (dicts, or strings sent as they are) as an NDJSON body."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


class IngestTest(harness.ErrorAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        cls.dir = cls.tmp.name
        cls.config = harness.write_config(cls.dir, extra=LIMITS + KEYS)
        cls.index = os.path.join(cls.dir, "index")
        harness.build_index(cls.index, [REPORTS], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        # The log names keys, never holds them.
        for key in (INGEST_KEY, SEARCH_KEY, ADMIN_KEY):
            assert key not in cls.srv.log(), "a key was logged"
        cls.tmp.cleanup()

    # -- helpers -----------------------------------------------------------

    def ingest(self, body, key=INGEST_KEY, content_type=NDJSON, srv=None):
        headers = bearer(key) if key else {}
        if content_type:
            headers["Content-Type"] = content_type
        if not isinstance(body, bytes):
            body = ndjson(body)
        return (srv or self.srv).request("POST", "/v1/ingest", headers=headers, body=body)

    def ingest_ok(self, body, **kw):
        r = self.ingest(body, **kw)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["content-type"], "application/json; charset=utf-8")
        self.assertEqual(int(r.headers["x-index-revision"]), r.body["index"]["revision"])
        return r.body

    def delete(self, id_, key=INGEST_KEY, srv=None):
        return (srv or self.srv).request("DELETE", "/v1/articles/" + id_,
                                         headers=bearer(key) if key else {})

    def search_ids(self, srv=None, **params):
        r = (srv or self.srv).get("/v1/search", dict(params, limit=50))
        self.assertEqual(r.status, 200, r)
        return sorted(h["id"] for h in r.body["hits"])

    def documents(self):
        r = self.srv.get("/v1/stats")
        self.assertEqual(r.status, 200, r)
        return r.body["documents"]

    # -- keys and scopes ---------------------------------------------------

    def test_ingest_without_key(self):
        r = self.ingest([article("auth-none", "zyxwoolf")], key=None)
        self.assertError(r, 401, "missing_api_key")
        self.assertTrue(r.headers["www-authenticate"].startswith("Bearer"), r)
        self.assertEqual(self.srv.get("/v1/articles/auth-none").status, 404)

    def test_ingest_wrong_key(self):
        r = self.ingest([article("auth-wrong", "zyxwoolf")], key="not-a-key-0000000000000")
        self.assertError(r, 401, "invalid_api_key")
        self.assertIn('error="invalid_token"', r.headers["www-authenticate"])
        # A key with a stray character, or another scheme, is no better.
        self.assertError(self.ingest([article("auth-wrong", "w")], key=INGEST_KEY + "x"),
                         401, "invalid_api_key")
        r = self.srv.request("POST", "/v1/ingest", body=ndjson([article("auth-wrong", "w")]),
                             headers={"Authorization": "Basic " + INGEST_KEY,
                                      "Content-Type": NDJSON})
        self.assertError(r, 401, "invalid_api_key")
        self.assertEqual(self.srv.get("/v1/articles/auth-wrong").status, 404)

    def test_ingest_key_without_scope(self):
        for key in (SEARCH_KEY, ADMIN_KEY):
            r = self.ingest([article("auth-scope", "zyxwoolf")], key=key)
            self.assertError(r, 403, "forbidden", message="'ingest' scope")
            self.assertNotIn(key, r.raw.decode())
        self.assertEqual(self.srv.get("/v1/articles/auth-scope").status, 404)

    def test_scheme_is_case_insensitive(self):
        r = self.srv.request("POST", "/v1/ingest", body=ndjson([article("auth-case", "w")]),
                             headers={"Authorization": "bearer " + INGEST_KEY,
                                      "Content-Type": NDJSON})
        self.assertEqual(r.status, 200, r)

    def test_reading_stays_open_by_default(self):
        self.assertEqual(self.srv.get("/v1/search", {"q": "Kyiv"}).status, 200)
        self.assertEqual(self.srv.get("/v1/stats").status, 200)

    def test_preflight_needs_no_key(self):
        origin = "http://allowed.example"
        for path, method in (("/v1/ingest", "POST"), ("/v1/articles/x", "DELETE")):
            r = self.srv.request("OPTIONS", path, headers={
                "Origin": origin, "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "authorization, content-type"})
            self.assertEqual(r.status, 204, r)
            self.assertEqual(r.headers["access-control-allow-origin"], origin)
            self.assertIn(method, r.headers["access-control-allow-methods"])
            self.assertIn("Authorization", r.headers["access-control-allow-headers"])

    # -- ingest ------------------------------------------------------------

    def test_ingest_then_find(self):
        before = self.documents()
        body = self.ingest_ok([article("ing-find-1", "quorvantine"),
                               article("ing-find-2", "quorvantine", place="Odesa")])
        self.assertEqual((body["indexed"], body["rejected"]), (2, 0), body)
        self.assertEqual(body["ids"], ["ing-find-1", "ing-find-2"])
        self.assertEqual(body["errors"], [])
        self.assertEqual(body["index"]["documents"], before + 2)
        self.assertEqual(self.documents(), before + 2)

        r = self.srv.get("/v1/articles/ing-find-1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["title"], "Shelling reported in Kharkiv")
        # Extraction ran: the place is known and filterable.
        self.assertIn("Kharkiv", [p["name"] for p in r.body["places"]])
        self.assertEqual(self.search_ids(q="quorvantine"), ["ing-find-1", "ing-find-2"])
        self.assertEqual(self.search_ids(q="quorvantine", place="Kharkiv"), ["ing-find-1"])
        self.assertEqual(self.search_ids(q="quorvantine", place="Odesa"), ["ing-find-2"])
        self.assertIn("ing-find-1", self.search_ids(place="Kharkiv", source="wire.example"))

    def test_good_and_bad_lines(self):
        body = self.ingest_ok([
            article("mixed-1", "plivendor"),
            '{"id": "mixed-bad-json", "title": ',
            article("mixed-3", "plivendor"),
            {"id": "mixed-no-text", "title": "A title and nothing else"},
            article("mixed-5", "plivendor"),
        ])
        self.assertEqual((body["indexed"], body["rejected"]), (3, 2), body)
        self.assertEqual(body["ids"], ["mixed-1", "mixed-3", "mixed-5"])
        self.assertEqual([e["line"] for e in body["errors"]], [2, 4], body)
        self.assertIn("invalid JSON", body["errors"][0]["message"])
        self.assertIn("text", body["errors"][1]["message"])
        self.assertFalse(body["errors_truncated"])
        self.assertEqual(self.search_ids(q="plivendor"), ["mixed-1", "mixed-3", "mixed-5"])
        self.assertEqual(self.srv.get("/v1/articles/mixed-no-text").status, 404)

    def test_all_bad_is_still_200(self):
        before = self.documents()
        body = self.ingest_ok(["[1, 2]", "nonsense", '{"title": "no text"}'])
        self.assertEqual((body["indexed"], body["rejected"]), (0, 3), body)
        self.assertEqual([e["line"] for e in body["errors"]], [1, 2, 3])
        self.assertEqual(body["index"]["documents"], before)

    def test_error_list_is_capped_counts_exact(self):
        lines = ["oops"] * 150 + [article("capped-ok", "w")]
        body = self.ingest_ok(lines)
        self.assertEqual((body["indexed"], body["rejected"]), (1, 150))
        self.assertEqual(len(body["errors"]), 100)
        self.assertTrue(body["errors_truncated"])
        self.assertEqual(body["errors"][-1]["line"], 100)

    def test_reingest_replaces(self):
        self.ingest_ok([article("upsert-1", "glimmerfen", title="First version")])
        before = self.documents()
        body = self.ingest_ok([article("upsert-1", "glimmerfen", title="Second version")])
        self.assertEqual(body["indexed"], 1)
        self.assertEqual(body["index"]["documents"], before)
        self.assertEqual(self.documents(), before)
        r = self.srv.get("/v1/articles/upsert-1")
        self.assertEqual(r.body["title"], "Second version")
        self.assertEqual(self.search_ids(q="glimmerfen"), ["upsert-1"])
        self.assertEqual(self.search_ids(q="title:second AND glimmerfen"), ["upsert-1"])
        self.assertEqual(self.search_ids(q="title:first AND glimmerfen"), [])

    def test_id_derived_like_the_cli(self):
        # No id: derived from the URL, the same way sitrep-index does.
        a = article(None, "derivedword")
        del a["id"]
        body = self.ingest_ok([a])
        self.assertEqual(body["indexed"], 1, body)
        with harness.tempdir() as d:
            config = harness.write_config(d)
            idx = os.path.join(d, "index")
            harness.build_index(idx, [harness.write_jsonl(os.path.join(d, "a.jsonl"), [a])],
                                config)
            with harness.Server(idx, config) as cli_srv:
                self.assertEqual(self.search_ids(srv=cli_srv, q="derivedword"), body["ids"])

    def test_json_array_body(self):
        records = [article("array-1", "arraywordy"), article("array-2", "arraywordy")]
        body = self.ingest_ok(json.dumps(records).encode(), content_type="application/json")
        self.assertEqual((body["indexed"], body["rejected"]), (2, 0), body)
        self.assertEqual(self.search_ids(q="arraywordy"), ["array-1", "array-2"])

    def test_media_types(self):
        for ctype in ("application/jsonl", "application/x-ndjson; charset=utf-8",
                      "Application/NDJSON"):
            body = self.ingest_ok([article("media-ok", "w")], content_type=ctype)
            self.assertEqual(body["indexed"], 1)
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "text/csv", None):
            r = self.ingest([article("media-bad", "w")], content_type=ctype)
            self.assertError(r, 415, "unsupported_media_type")
        self.assertEqual(self.srv.get("/v1/articles/media-bad").status, 404)

    def test_empty_body(self):
        for body in (b"", b"\n  \n"):
            self.assertError(self.ingest(body), 400, "invalid_parameter", param="body")

    def test_query_parameters_refused(self):
        r = self.srv.request("POST", "/v1/ingest?refresh=true", body=ndjson([article("q", "w")]),
                             headers=dict(bearer(INGEST_KEY), **{"Content-Type": NDJSON}))
        self.assertError(r, 400, "invalid_parameter", param="refresh")

    def test_oversize_body(self):
        word = "oversizeword"
        records = [article(f"big-{i}", word) for i in range(BODY_LIMIT // 300)]
        data = ndjson(records)
        self.assertGreater(len(data), BODY_LIMIT)
        head = ("POST /v1/ingest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                f"Authorization: Bearer {INGEST_KEY}\r\nContent-Type: {NDJSON}\r\n")
        # Declared: refused before the body is read.
        r = self.srv.raw_response(
            (head + f"Content-Length: {len(data)}\r\n\r\n").encode() + data)
        self.assertError(r, 413, "payload_too_large")
        # Chunked: refused once the body passes the limit.
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 8192]), data[i:i + 8192])
                          for i in range(0, len(data), 8192)) + b"0\r\n\r\n"
        r = self.srv.raw_response((head + "Transfer-Encoding: chunked\r\n\r\n").encode()
                                  + chunks)
        self.assertError(r, 413, "payload_too_large")
        self.assertEqual(self.search_ids(q=word), [])
        self.assertEqual(self.srv.get("/v1/articles/big-0").status, 404)

    # -- delete ------------------------------------------------------------

    def test_delete(self):
        self.ingest_ok([article("del-1", "vanishword")])
        before = self.documents()
        self.assertError(self.delete("del-1", key=None), 401, "missing_api_key")
        self.assertError(self.delete("del-1", key=SEARCH_KEY), 403, "forbidden")
        self.assertEqual(self.srv.get("/v1/articles/del-1").status, 200)

        r = self.delete("del-1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["deleted"], "del-1")
        self.assertEqual(r.body["index"]["documents"], before - 1)
        self.assertEqual(int(r.headers["x-index-revision"]), r.body["index"]["revision"])
        self.assertError(self.srv.get("/v1/articles/del-1"), 404, "not_found")
        self.assertEqual(self.search_ids(q="vanishword"), [])
        self.assertError(self.delete("del-1"), 404, "not_found")

    def test_delete_unknown(self):
        self.assertError(self.delete("no-such-article-anywhere"), 404, "not_found")
        self.assertError(self.delete("no-such-article-anywhere", key=None), 401,
                         "missing_api_key")

    def test_delete_sample_with_slash_in_id(self):
        self.ingest_ok([article("wire/2024/slashed", "slashword")])
        r = self.delete("wire%2F2024%2Fslashed")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["deleted"], "wire/2024/slashed")

    # -- the write lock ----------------------------------------------------

    def test_busy_while_the_cli_writes(self):
        # sitrep-index reading stdin holds the writer until EOF; -v says when
        # it has put the first article (so the lock is held).
        cli = subprocess.Popen(
            [harness.env_or_skip("SITREP_INDEX_BIN"), "--config", self.config,
             "--index", self.index, "-v", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            cli.stdin.write(ndjson([article("cli-held", "lockword")]))
            cli.stdin.flush()
            line = [None]
            reader = threading.Thread(target=lambda: line.__setitem__(0, cli.stdout.readline()))
            reader.start()
            reader.join(60)
            self.assertTrue(line[0] and line[0].startswith(b"indexed cli-held"), line[0])

            r = self.ingest([article("http-while-busy", "lockword")])
            self.assertError(r, 503, "index_busy")
            self.assertEqual(r.headers.get("retry-after"), "1", r)
            self.assertError(self.delete("cli-held"), 503, "index_busy")
            # Reading goes on meanwhile.
            self.assertEqual(self.srv.get("/v1/search", {"q": "Kyiv"}).status, 200)
        finally:
            cli.stdin.close()
            cli.wait(60)
            err = cli.stderr.read().decode()
            cli.stdout.close()
            cli.stderr.close()
        self.assertEqual(cli.returncode, 0, err)
        self.assertFalse(harness.sanitizer_report(err), err)
        self.assertEqual(self.srv.get("/v1/articles/http-while-busy").status, 404)
        # The CLI is done: HTTP writes work again, and see what it wrote.
        body = self.ingest_ok([article("http-after-cli", "lockword")])
        self.assertEqual(body["indexed"], 1)
        self.assertEqual(self.search_ids(q="lockword"), ["cli-held", "http-after-cli"])

    def test_concurrent_ingests_all_land(self):
        results = []

        def one(i):
            results.append(self.ingest([article(f"conc-{i}-{j}", "concword") for j in range(3)]))

        threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(sorted(r.status for r in results), [200] * 4, results)
        self.assertEqual(len(self.search_ids(q="concword")), 12)


class NewIndexTest(harness.ErrorAssertions, unittest.TestCase):
    """A server started before any index exists."""

    def test_ingest_creates_the_index_delete_does_not(self):
        with harness.tempdir() as d:
            config = harness.write_config(d, extra=KEYS)
            index = os.path.join(d, "index")
            with harness.Server(index, config) as srv:
                self.assertError(srv.get("/v1/search", {"q": "x"}), 503, "index_unavailable")
                r = srv.request("DELETE", "/v1/articles/x", headers=bearer(INGEST_KEY))
                self.assertError(r, 503, "index_unavailable")
                self.assertFalse(os.path.exists(index))
                r = srv.request("POST", "/v1/ingest", body=ndjson([article("first", "genesisw")]),
                                headers=dict(bearer(INGEST_KEY), **{"Content-Type": NDJSON}))
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.body["index"]["documents"], 1)
                r = srv.get("/v1/search", {"q": "genesisw"})
                self.assertEqual([h["id"] for h in r.body["hits"]], ["first"])


class SearchKeyTest(harness.ErrorAssertions, unittest.TestCase):
    """server.search_requires_key: true."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        extra = "  search_requires_key: true\n" + KEYS  # continues "server:"
        cls.config = harness.write_config(cls.tmp.name, extra=extra)
        cls.index = os.path.join(cls.tmp.name, "index")
        harness.build_index(cls.index, [REPORTS], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    READS = [("/v1/search", {"q": "Kyiv"}), ("/v1/timeline", {"interval": "month"}),
             ("/v1/geo", {}), ("/v1/entities", {"prefix": "khar"}),
             ("/v1/entities/geonames:706483", {}),
             ("/v1/articles/sample-2022-02-24-kyiv-explosions", {}), ("/v1/stats", {})]

    def test_reads_need_a_search_key(self):
        for path, params in self.READS:
            with self.subTest(path=path):
                self.assertError(self.srv.get(path, params), 401, "missing_api_key")
                self.assertError(self.srv.get(path, params, bearer("wrong-key-000000000000")),
                                 401, "invalid_api_key")
                self.assertError(self.srv.get(path, params, bearer(INGEST_KEY)), 403,
                                 "forbidden")
                self.assertEqual(self.srv.get(path, params, bearer(SEARCH_KEY)).status, 200)
        r = self.srv.request("POST", "/v1/search", body=b'{"q": "Kyiv"}',
                             headers={"Content-Type": "application/json"})
        self.assertError(r, 401, "missing_api_key")
        r = self.srv.request("POST", "/v1/search", body=b'{"q": "Kyiv"}',
                             headers=dict(bearer(SEARCH_KEY),
                                          **{"Content-Type": "application/json"}))
        self.assertEqual(r.status, 200, r)

    def test_health_and_preflight_stay_open(self):
        self.assertEqual(self.srv.get("/v1/health").status, 200)
        r = self.srv.request("OPTIONS", "/v1/search",
                             headers={"Origin": "http://allowed.example"})
        self.assertEqual(r.status, 204, r)

    def test_unknown_paths_are_404_without_key(self):
        self.assertError(self.srv.get("/v1/nope"), 404, "not_found")


if __name__ == "__main__":
    unittest.main(verbosity=2)
