"""test_http.py - sitrepd over HTTP against a small index built here.

Indexes a fixture of eight articles written for this test, starts sitrepd
on a free loopback port and checks the answers of issue #2's acceptance
list: text, place, person and date queries return exactly the expected ids;
sorting and paging; articles by id; health and stats; every malformed
parameter is a JSON 4xx naming the parameter; unknown routes and methods;
CORS; an article indexed while the server runs is found without a restart;
and the server is still up after all of it.

Unbalanced query syntax ("(shelling", '"Kharkiv') is either a JSON 400
query_syntax_error or a lenient 200 (the Xapian parser decides per case);
it is never a 5xx.

Place and person answers depend on the extraction module (issue #3); those
tests fail, as expected, until extraction tags the fixture's entities.
"""

import json
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ALLOWED_ORIGIN = "http://allowed.example"

ARTICLES = [
    {"id": "t-kharkiv-shelling", "published": "2022-02-28", "source": "example.org",
     "lang": "en", "url": "https://example.org/kharkiv-shelling",
     "title": "Heavy shelling hits residential districts of Kharkiv",
     "text": "Heavy shelling hit residential districts of Kharkiv on Monday, the regional "
             "governor said. President Volodymyr Zelensky called the strikes on Kharkiv a "
             "war crime. Residents sheltered in basements across the city."},
    {"id": "t-kyiv-curfew", "published": "2022-02-26", "source": "example.org", "lang": "en",
     "url": "https://example.org/kyiv-curfew",
     "title": "Kyiv extends curfew as troops approach the capital",
     "text": "Authorities in Kyiv extended the curfew until Monday morning. Volodymyr "
             "Zelensky said in a video address that he remained in Kyiv with his government."},
    {"id": "t-putin-address", "published": "2022-02-24", "source": "example.net", "lang": "en",
     "url": "https://example.net/putin-address",
     "title": "Vladimir Putin announces military operation in televised address",
     "text": "In a televised address from Moscow before dawn, Vladimir Putin announced what he "
             "called a special military operation. Markets in Moscow fell sharply."},
    {"id": "t-kharkiv-metro", "published": "2022-03-02", "source": "example.org", "lang": "en",
     "url": "https://example.org/kharkiv-metro",
     "title": "Thousands shelter in the Kharkiv metro",
     "text": "Thousands of families sleep in metro stations in Kharkiv as shelling continues. "
             "Mayor Ihor Terekhov said the metro would stay open around the clock."},
    {"id": "t-mariupol-siege", "published": "2022-03-15", "source": "example.com", "lang": "en",
     "url": "https://example.com/mariupol-siege",
     "title": "Mariupol under siege as evacuation corridor fails",
     "text": "An evacuation corridor from Mariupol failed again on Tuesday. Officials in Kyiv "
             "blamed Moscow; a spokesman for Vladimir Putin denied the accusation."},
    {"id": "t-lviv-refugees", "published": "2022-04-10", "source": "example.com", "lang": "en",
     "url": "https://example.com/lviv-refugees",
     "title": "Lviv station crowded with people heading west",
     "text": "The railway station in Lviv was crowded with families heading for the Polish "
             "border. Volunteers handed out soup and blankets on the platforms."},
    {"id": "t-aleppo-airstrikes", "published": "2016-12-10", "source": "example.net",
     "lang": "en", "url": "https://example.net/aleppo-airstrikes",
     "title": "Airstrikes pound eastern Aleppo",
     "text": "Airstrikes pounded eastern Aleppo overnight, rescue workers said. Bashar "
             "al-Assad's forces advanced into several districts of Aleppo."},
    {"id": "t-damascus-ghouta", "published": "2013-08-21", "source": "example.net",
     "lang": "en", "url": "https://example.net/damascus-ghouta",
     "title": "Reports of a chemical attack near Damascus",
     "text": "Opposition activists reported a chemical attack in the Ghouta suburbs east of "
             "Damascus. The claims could not be independently verified."},
]

LATE_ARTICLE = {
    "id": "t-odesa-late", "published": "2022-03-20", "source": "example.org", "lang": "en",
    "url": "https://example.org/odesa-late",
    "title": "Odesa port reopens for grain ships",
    "text": "The port of Odesa reopened for grain ships carrying sunflowerseed cargo, "
            "port officials said.",
}

BY_DATE = sorted(ARTICLES, key=lambda a: a["published"])
IDS_ASC = [a["id"] for a in BY_DATE]


def ids(body):
    return [h["id"] for h in body["hits"]]


class HttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        cls.dir = cls.tmp.name
        cls.config = harness.write_config(cls.dir, cors_origins=(ALLOWED_ORIGIN,))
        cls.index = os.path.join(cls.dir, "index")
        fixture = harness.write_jsonl(os.path.join(cls.dir, "fixture.jsonl"), ARTICLES)
        harness.build_index(cls.index, [fixture], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()

    @classmethod
    def tearDownClass(cls):
        code = cls.srv.stop()
        cls.tmp.cleanup()
        if os.environ.get("SITREP_TEST_VERBOSE"):
            print(cls.srv.log(), file=sys.stderr)
        # SIGTERM is a clean stop.
        assert code == 0, f"sitrepd exited {code}:\n{cls.srv.log()}"

    crashes = []

    def setUp(self):
        # A crash fails the test that caused it (and test_zz_still_up); a
        # fresh server keeps the remaining tests meaningful.
        if not self.srv.alive():
            tail = "\n".join(self.srv.lines[-20:])
            type(self).crashes.append(f"exit {self.srv.proc.returncode}:\n{tail}")
            type(self).srv = harness.Server(self.index, self.config).start()

    # -- helpers -----------------------------------------------------------

    def search(self, **params):
        r = self.srv.get("/v1/search", params)
        self.assertEqual(r.status, 200, r)
        self.assertJson(r)
        return r.body

    def search_ids(self, **params):
        params.setdefault("limit", 50)
        return sorted(ids(self.search(**params)))

    def assertJson(self, r):
        self.assertEqual(r.headers.get("content-type"), "application/json; charset=utf-8", r)
        self.assertIsNotNone(r.body, r)
        self.assertTrue(r.headers.get("x-request-id"), r)

    def assertError(self, r, status, code, param=None):
        self.assertEqual(r.status, status, r)
        self.assertJson(r)
        err = r.body["error"]
        self.assertEqual(err["status"], status)
        self.assertEqual(err["code"], code, r)
        self.assertTrue(err["message"])
        self.assertEqual(err["request_id"], r.headers["x-request-id"])
        if param is not None:
            self.assertEqual(err.get("param"), param, r)
        return err

    # -- text, filters, sorting, paging ------------------------------------

    def test_text_query_exact_ids(self):
        self.assertEqual(self.search_ids(q="metro"), ["t-kharkiv-metro"])
        self.assertEqual(self.search_ids(q="shelling"),
                         ["t-kharkiv-metro", "t-kharkiv-shelling"])
        self.assertEqual(self.search_ids(q="curfew OR airstrikes"),
                         ["t-aleppo-airstrikes", "t-kyiv-curfew"])
        self.assertEqual(self.search_ids(q="nonexistentword"), [])

    def test_response_shape(self):
        body = self.search(q="metro")
        self.assertEqual(body["query"]["q"], "metro")
        self.assertEqual(body["query"]["sort"], "relevance")
        self.assertEqual(body["index"]["documents"], len(ARTICLES) + self.late_count())
        self.assertIsInstance(body["index"]["revision"], int)
        self.assertIsInstance(body["took_ms"], int)
        self.assertEqual(body["total"], {"value": 1, "relation": "eq"})
        hit = body["hits"][0]
        for key in ("id", "title", "url", "source", "lang", "published", "score", "snippet",
                    "places", "persons", "event_dates"):
            self.assertIn(key, hit)
        self.assertEqual(hit["title"], "Thousands shelter in the Kharkiv metro")
        self.assertEqual(hit["url"], "https://example.org/kharkiv-metro")
        self.assertEqual(hit["published"], "2022-03-02")
        self.assertIn("<mark>metro</mark>", hit["snippet"])
        self.assertGreater(hit["score"], 0)

    def test_dates(self):
        self.assertEqual(self.search_ids(**{"from": "2022-02", "to": "2022-03-01"}),
                         ["t-kharkiv-shelling", "t-kyiv-curfew", "t-putin-address"])
        self.assertEqual(self.search_ids(**{"from": "2022-02-26", "to": "2022-02-28"}),
                         ["t-kharkiv-shelling", "t-kyiv-curfew"])
        self.assertEqual(self.search_ids(to="2016"),
                         ["t-aleppo-airstrikes", "t-damascus-ghouta"])
        self.assertEqual(self.search_ids(**{"from": "2022-04-10T00:00:00Z"}),
                         ["t-lviv-refugees"])
        body = self.search(**{"from": "2022-02", "to": "2022-03-01"})
        self.assertEqual(body["query"]["from"], "2022-02-01")
        self.assertEqual(body["query"]["to"], "2022-03-01")

    def test_sort(self):
        body = self.search(sort="date_asc", limit=50, to="2022-12-31")
        self.assertEqual(ids(body), IDS_ASC)
        body = self.search(sort="date_desc", limit=50, to="2022-12-31")
        self.assertEqual(ids(body), IDS_ASC[::-1])
        body = self.search(sort="DateAsc", limit=50, to="2022-12-31")
        self.assertEqual(ids(body), IDS_ASC)
        self.assertEqual(body["query"]["sort"], "date_asc")
        # Without q the default is newest first.
        body = self.search(limit=50, to="2022-12-31")
        self.assertEqual(ids(body), IDS_ASC[::-1])

    def test_paging(self):
        pages = []
        for offset in range(0, len(ARTICLES), 3):
            body = self.search(sort="date_asc", limit=3, offset=offset, to="2022-12-31")
            self.assertLessEqual(len(body["hits"]), 3)
            self.assertEqual(body["total"]["value"], len(ARTICLES))
            pages += ids(body)
        self.assertEqual(pages, IDS_ASC)
        body = self.search(limit=5, offset=100)
        self.assertEqual(body["hits"], [])

    def test_place(self):
        self.assertEqual(self.search_ids(place="Kharkiv"),
                         ["t-kharkiv-metro", "t-kharkiv-shelling"])
        self.assertEqual(self.search_ids(place="Aleppo|Damascus"),
                         ["t-aleppo-airstrikes", "t-damascus-ghouta"])
        self.assertEqual(self.search_ids(place=["Lviv", "Aleppo"]),
                         ["t-aleppo-airstrikes", "t-lviv-refugees"])
        # A country matches every place inside it.
        ua = self.search_ids(place="UA", to="2022-12-31")
        self.assertEqual(ua, ["t-kharkiv-metro", "t-kharkiv-shelling", "t-kyiv-curfew",
                              "t-lviv-refugees", "t-mariupol-siege"])
        body = self.search(place="Kharkiv")
        self.assertTrue(body["query"]["place"][0].startswith("geonames:"), body["query"])
        hit = body["hits"][0]
        self.assertIn("Kharkiv", [p["name"] for p in hit["places"]])

    def test_place_errors(self):
        r = self.srv.get("/v1/search", {"place": "Atlantisville Nowhere"})
        self.assertError(r, 400, "invalid_parameter", "place")
        r = self.srv.get("/v1/search", {"place": "Springfield"})
        err = self.assertError(r, 400, "ambiguous_entity", "place")
        self.assertGreater(len(err["candidates"]), 1)
        for c in err["candidates"]:
            self.assertEqual(set(c), {"id", "name", "country", "admin1", "population"})

    def test_person(self):
        self.assertEqual(self.search_ids(person="Volodymyr Zelensky"),
                         ["t-kharkiv-shelling", "t-kyiv-curfew"])
        self.assertEqual(self.search_ids(person="Zelensky"),
                         ["t-kharkiv-shelling", "t-kyiv-curfew"])
        # A surname alone matches everyone with that surname.
        self.assertEqual(self.search_ids(person="Putin"),
                         ["t-mariupol-siege", "t-putin-address"])
        self.assertEqual(self.search_ids(person="person:vladimir-putin"),
                         ["t-mariupol-siege", "t-putin-address"])

    def test_filters_combine(self):
        self.assertEqual(self.search_ids(q="shelling", **{"from": "2022-03"}),
                         ["t-kharkiv-metro"])
        self.assertEqual(self.search_ids(source="example.net"),
                         ["t-aleppo-airstrikes", "t-damascus-ghouta", "t-putin-address"])

    # -- articles, health, stats -------------------------------------------

    def test_article(self):
        r = self.srv.get("/v1/articles/t-aleppo-airstrikes")
        self.assertEqual(r.status, 200, r)
        self.assertJson(r)
        self.assertEqual(r.body["id"], "t-aleppo-airstrikes")
        self.assertEqual(r.body["title"], "Airstrikes pound eastern Aleppo")
        self.assertIn("rescue workers", r.body["text"])
        self.assertTrue(r.headers.get("x-index-revision", "").isdigit(), r.headers)
        r = self.srv.get("/v1/articles/no-such-article")
        self.assertError(r, 404, "not_found")

    def test_health_and_stats(self):
        r = self.srv.get("/v1/health")
        self.assertEqual((r.status, r.body), (200, {"status": "ok"}))
        r = self.srv.get("/v1/stats")
        self.assertEqual(r.status, 200, r)
        for key in ("documents", "revision", "last_update", "shards", "gazetteer",
                    "uptime_s"):
            self.assertIn(key, r.body)
        self.assertEqual(r.body["documents"], len(ARTICLES) + self.late_count())
        self.assertEqual(r.body["shards"], 1)

    # -- client mistakes ---------------------------------------------------

    def test_bad_parameters(self):
        cases = [
            ({"from": "2022-13-45"}, "from"),
            ({"to": "2022-02-30"}, "to"),
            ({"limit": "-1"}, "limit"),
            ({"limit": "abc"}, "limit"),
            ({"limit": "1e3"}, "limit"),
            ({"limit": "0"}, "limit"),
            ({"limit": "100000"}, "limit"),
            ({"limit": "99999999999999999999999"}, "limit"),
            ({"offset": "-5"}, "offset"),
            ({"offset": "9999", "limit": "20"}, "offset"),
            ({"sort": "sideways"}, "sort"),
            ({"qq": "shelling"}, "qq"),
            ({"q": "a", "limit": "5", "colour": "red"}, "colour"),
            ({"place": ""}, "place"),
            ({"q": "x" * 100 * 1024}, "q"),
        ]
        for params, param in cases:
            with self.subTest(params=str(params)[:80]):
                r = self.srv.get("/v1/search", params)
                self.assertError(r, 400, "invalid_parameter", param)
        r = self.srv.get("/v1/search", {"from": "2022-03", "to": "2022-02"})
        self.assertError(r, 400, "conflicting_parameters", "to")

    def test_bad_bytes(self):
        # %00 and invalid UTF-8 after %-decoding.
        r = self.srv.raw_response(b"GET /v1/search?q=a%00b HTTP/1.1\r\nHost: x\r\n"
                                  b"Connection: close\r\n\r\n")
        self.assertError(r, 400, "invalid_parameter", "q")
        r = self.srv.raw_response(b"GET /v1/search?q=%FF%FE HTTP/1.1\r\nHost: x\r\n"
                                  b"Connection: close\r\n\r\n")
        self.assertError(r, 400, "invalid_parameter", "q")
        # A URI over limits.header_bytes (128 KiB) but within MHD's pool.
        r = self.srv.raw_response(b"GET /v1/search?q=" + b"a" * 140000 + b" HTTP/1.1\r\n"
                                  b"Host: x\r\nConnection: close\r\n\r\n")
        self.assertError(r, 414, "uri_too_long")
        # Headers over limits.header_bytes but within MHD's pool: one big
        # header, then many small ones.
        r = self.srv.raw_response(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                  b"a" * 140000 + b"\r\nConnection: close\r\n\r\n")
        self.assertError(r, 431, "headers_too_large")
        many = b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 100) for i in range(1400))
        r = self.srv.raw_response(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n" + many +
                                  b"Connection: close\r\n\r\n")
        self.assertError(r, 431, "headers_too_large")
        # Just under the limit is served.
        r = self.srv.raw_response(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                  b"a" * 120000 + b"\r\nConnection: close\r\n\r\n")
        self.assertEqual(r.status, 200, r)

    def test_unbalanced_syntax(self):
        for q in ("(shelling", '"Kharkiv', "shelling AND", "NOT", ")(", "title:", 'a"b"c"'):
            with self.subTest(q=q):
                r = self.srv.get("/v1/search", {"q": q})
                self.assertLess(r.status, 500, r)
                self.assertJson(r)
                if r.status != 200:
                    self.assertError(r, 400, "query_syntax_error", "q")

    def test_routes(self):
        r = self.srv.get("/v1/nope")
        self.assertError(r, 404, "not_found")
        r = self.srv.get("/v2/search")
        self.assertError(r, 404, "not_found")
        r = self.srv.get("/v1/articles/t-aleppo-airstrikes%00.json")
        self.assertError(r, 404, "not_found")
        r = self.srv.request("PUT", "/v1/search", body=b'{"q":"x"}',
                             headers={"Content-Type": "application/json"})
        self.assertError(r, 405, "method_not_allowed")
        self.assertIn("GET", r.headers["allow"])
        r = self.srv.request("PUT", "/v1/articles/t-aleppo-airstrikes")
        self.assertError(r, 405, "method_not_allowed")
        self.assertIn("DELETE", r.headers["allow"])
        # DELETE exists, and needs a key (test_ingest.py tests it).
        r = self.srv.request("DELETE", "/v1/articles/t-aleppo-airstrikes")
        self.assertError(r, 401, "missing_api_key")
        r = self.srv.request("HEAD", "/v1/health")
        self.assertEqual(r.status, 200)

    def test_cors(self):
        r = self.srv.get("/v1/health", headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(r.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN)
        r = self.srv.get("/v1/health", headers={"Origin": "http://evil.example"})
        self.assertNotIn("access-control-allow-origin", r.headers)
        r = self.srv.get("/v1/search", {"limit": "abc"}, headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(r.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN)
        r = self.srv.request("OPTIONS", "/v1/search", headers={
            "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization"})
        self.assertIn(r.status, (200, 204), r)
        self.assertEqual(r.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN)
        self.assertIn("GET", r.headers.get("access-control-allow-methods", ""))
        self.assertIn("Authorization", r.headers.get("access-control-allow-headers", ""))

    # -- live updates ------------------------------------------------------

    late_indexed = False

    @classmethod
    def late_count(cls):
        return 1 if cls.late_indexed else 0

    def test_z_live_indexing(self):
        """Named to run last: it changes the index the other tests read."""
        self.assertEqual(self.search_ids(q="sunflowerseed"), [])
        before = self.search()["index"]["revision"]
        late = harness.write_jsonl(os.path.join(self.dir, "late.jsonl"), [LATE_ARTICLE])
        harness.build_index(self.index, [late], self.config)
        type(self).late_indexed = True
        self.assertEqual(self.search_ids(q="sunflowerseed"), ["t-odesa-late"])
        body = self.search(q="sunflowerseed")
        self.assertGreater(body["index"]["revision"], before)
        self.assertEqual(body["index"]["documents"], len(ARTICLES) + 1)
        # Re-indexing the same file replaces, never duplicates.
        harness.build_index(self.index, [late], self.config)
        self.assertEqual(self.search_ids(q="sunflowerseed"), ["t-odesa-late"])
        self.assertEqual(self.search()["index"]["documents"], len(ARTICLES) + 1)

    def test_zz_still_up(self):
        self.assertEqual(self.crashes, [])
        self.assertTrue(self.srv.alive(), self.srv.log())
        r = self.srv.get("/v1/health")
        self.assertEqual(r.status, 200)
        self.assertNotIn(" 500 ", self.srv.log())


class NoIndexYetTest(unittest.TestCase):
    """The server starts before the first indexing run, answers 503, and
    serves the index as soon as it exists."""

    def test_starts_without_index(self):
        with harness.tempdir() as d:
            config = harness.write_config(d)
            index = os.path.join(d, "index")
            with harness.Server(index, config) as srv:
                r = srv.get("/v1/health")
                self.assertEqual((r.status, r.body), (200, {"status": "ok"}))
                r = srv.get("/v1/search", {"q": "curfew"})
                self.assertEqual(r.status, 503, r)
                self.assertEqual(r.body["error"]["code"], "index_unavailable")
                # Parameter mistakes are still 400, index or not.
                r = srv.get("/v1/search", {"limit": "abc"})
                self.assertEqual(r.status, 400, r)
                fixture = harness.write_jsonl(os.path.join(d, "a.jsonl"), ARTICLES[:2])
                harness.build_index(index, [fixture], config)
                r = srv.get("/v1/search", {"q": "curfew"})
                self.assertEqual(r.status, 200, r)
                self.assertEqual(ids(r.body), ["t-kyiv-curfew"])


class RateLimitTest(unittest.TestCase):
    """limits.rate_per_second: a client over its budget gets a JSON 429 with
    Retry-After; other clients (another address, an API key) and liveness
    are not held back.  The burst is small and the rate slow, so the checks
    hold however fast or slow the machine sends."""

    KEY = "rate-limit-test-key-0123456789"

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        d = cls.tmp.name
        cls.config = harness.write_config(d, extra=(
            "limits:\n  rate_per_second: 1\n  rate_burst: 3\n"
            f"api_keys:\n  - name: reader\n    key: {cls.KEY}\n    scopes: [search]\n"))
        cls.index = os.path.join(d, "index")
        fixture = harness.write_jsonl(os.path.join(d, "a.jsonl"), ARTICLES[:2])
        harness.build_index(cls.index, [fixture], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def from_address(self, source, path, headers=""):
        """A GET sent from another loopback address (127.0.0.0/8 is all lo)."""
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10,
                                      source_address=(source, 0)) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n"
                      .encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        return int(data.split(b" ", 2)[1]), data

    def test_limit(self):
        # Three in the burst, then 429s: with one token a second, ten quick
        # requests cannot all pass unless they take seven seconds.
        statuses = [self.from_address("127.0.0.2", "/v1/search?q=curfew")[0] for _ in range(10)]
        self.assertEqual(statuses[:3], [200, 200, 200])
        self.assertIn(429, statuses)
        # The 429 itself: JSON, the code, Retry-After in whole seconds.
        status, raw = self.from_address("127.0.0.2", "/v1/stats")
        self.assertEqual(status, 429)
        head, _, body = raw.partition(b"\r\n\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.decode().partition(":") for line in head.split(b"\r\n")[1:])}
        self.assertTrue(headers["retry-after"].isdigit() and int(headers["retry-after"]) >= 1)
        self.assertEqual(headers["content-type"], "application/json; charset=utf-8")
        err = json.loads(body)["error"]
        self.assertEqual((err["status"], err["code"]), (429, "rate_limited"))
        self.assertIn("rate_per_second", err["message"])
        # Liveness is never limited.
        self.assertEqual(self.from_address("127.0.0.2", "/v1/health")[0], 200)
        # Another address has its own budget, and so has a client with a key
        # (even from the exhausted address).
        self.assertEqual(self.from_address("127.0.0.3", "/v1/stats")[0], 200)
        self.assertEqual(self.from_address("127.0.0.2", "/v1/stats",
                                           f"Authorization: Bearer {self.KEY}\r\n")[0], 200)
        # An invalid key does not buy a new budget.
        self.assertEqual(self.from_address("127.0.0.2", "/v1/stats",
                                           "Authorization: Bearer not-a-key-at-all-xx\r\n")[0], 429)


if __name__ == "__main__":
    unittest.main(verbosity=2)
