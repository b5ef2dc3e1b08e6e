"""test_api.py - facets, timeline, cursor paging and POST /v1/search over
the bundled samples (issue #4).

The index is built from indexer/samples; every expected number is computed
here from tests/samples-expected.json (which places, countries, persons,
publication dates and URLs each sample has), never copied from the server's
own output.  Two facts come from elsewhere, and each is named where used:
the gazetteer file says which place names are countries and which admin-1
region a place lies in, and the server's place and person resolution (which
test_samples.py checks against the same ground truth) turns a name into the
id a facet reports.

Facet counts the ground truth cannot state (an admin-1 region's count
depends on the gazetteer; a person the extractor finds that the ground
truth does not list) are still checked exactly against the filter on the
same value: a facet count is, by design, the total that filter returns.
"""

import base64
import collections
import datetime
import json
import os
import struct
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = harness.source_dir()
SAMPLES = os.path.join(SRC, "indexer", "samples")
GAZETTEER = os.path.join(SRC, "indexer", "gazetteer", "places.tsv")
with open(os.path.join(SRC, "tests", "samples-expected.json"), encoding="utf-8") as f:
    EXPECTED = list(json.load(f).values())

ORIGIN = "http://allowed.example"
# The persons test_samples.py holds the extractor to (every mention found).
CHECKED_PERSONS = ("Volodymyr Zelensky", "Vladimir Putin", "Antonio Guterres",
                   "Bashar al-Assad")


def load_gazetteer():
    """id -> (kind, name, admin1_id) for every row of places.tsv."""
    rows = {}
    with open(GAZETTEER, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            rows[cols[0]] = (cols[1], cols[2], cols[4])
    return rows


def source_of(sample):
    """The publisher host the indexer derives from a sample's URL."""
    if not sample.get("url"):
        return None
    host = urllib.parse.urlsplit(sample["url"]).hostname.lower()
    return host[4:] if host.startswith("www.") else host


def day(s):
    return datetime.date.fromisoformat(s)


def by_count(counter):
    """[(value, count)] as facets order them: count descending, then value."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


class ApiTest(harness.ErrorAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir("sitrep-test-api-")
        cls.dir = cls.tmp.name
        cls.config = harness.write_config(cls.dir, cors_origins=(ORIGIN,))
        cls.index = os.path.join(cls.dir, "index")
        harness.build_index(cls.index, [SAMPLES], cls.config)
        cls.gazetteer = load_gazetteer()
        cls.country_names = {name for kind, name, _ in cls.gazetteer.values()
                             if kind == "country"}
        cls.srv = harness.Server(cls.index, cls.config).start()
        # Per-article ground truth: copies are not collapsed here
        # (test_dedup.py checks dedup=true, the default).
        cls.srv.defaults = {"dedup": "false"}
        cls._ids = {}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -----------------------------------------------------------

    def get(self, path, params=None):
        r = self.srv.get(path, params)
        self.assertEqual(r.headers.get("content-type"), "application/json; charset=utf-8", r)
        self.assertIsNotNone(r.body, r)
        return r

    def ok(self, path, params=None):
        r = self.get(path, params)
        self.assertEqual(r.status, 200, r)
        return r.body

    def search(self, **params):
        return self.ok("/v1/search", params)

    def post(self, body, content_type="application/json", params=None):
        if isinstance(body, dict):
            body = dict(self.srv.defaults, **body)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": content_type} if content_type else {}
        target = "/v1/search"
        if params:
            target += "?" + urllib.parse.urlencode(params)
        return self.srv.request("POST", target, headers=headers, body=data)

    def resolved(self, param, name):
        """The id the server resolves a place or person name to."""
        key = (param, name)
        if key not in self._ids:
            self._ids[key] = self.search(**{param: name, "limit": 1})["query"][param][0]
        return self._ids[key]

    def facet(self, name, size=100, **params):
        body = self.search(facets=name, facet_size=size, **params)
        return body["facets"][name]

    def samples(self, pred=lambda s: True):
        return [s for s in EXPECTED if pred(s)]

    # -- facets ------------------------------------------------------------

    def test_facet_country_is_exact(self):
        want = collections.Counter(c for s in EXPECTED for c in s["countries"])
        got = self.facet("country")
        self.assertEqual([(e["value"], e["count"]) for e in got], by_count(want))
        labels = {e["value"]: e["label"] for e in got}
        self.assertEqual(labels["UA"], "Ukraine")
        self.assertEqual(labels["SY"], "Syria")

    def test_facet_source_is_exact(self):
        want = collections.Counter(source_of(s) for s in EXPECTED if source_of(s))
        got = self.facet("source")
        self.assertEqual([(e["value"], e["count"]) for e in got], by_count(want))
        self.assertEqual([e["label"] for e in got], [e["value"] for e in got])

    def test_facet_date_counts_months(self):
        want = collections.Counter(s["published"][:7] for s in EXPECTED)
        got = self.facet("date")
        self.assertEqual([(e["value"], e["count"]) for e in got], by_count(want))
        self.assertEqual(sum(e["count"] for e in got), len(EXPECTED))

    def test_facet_place(self):
        # Countries are left to the country facet; every other place a
        # sample mentions counts once per sample, and so does the admin-1
        # region it lies in (the gazetteer says which).
        names = collections.Counter(p for s in EXPECTED for p in s["places"]
                                    if p not in self.country_names)
        want = collections.Counter()
        for s in EXPECTED:
            ids = set()
            for p in s["places"]:
                if p in self.country_names:
                    continue
                pid = self.resolved("place", p)
                ids.add(pid)
                if self.gazetteer[pid][2]:
                    ids.add(self.gazetteer[pid][2])
            want.update(ids)
        got = self.facet("place")
        counts = {e["value"]: e["count"] for e in got}
        labels = {e["value"]: e["label"] for e in got}
        for name, n in names.items():
            with self.subTest(place=name):
                pid = self.resolved("place", name)
                self.assertEqual(counts.get(pid), n)
                self.assertEqual(labels[pid], self.gazetteer[pid][1])
        for pid, n in want.items():
            with self.subTest(place_id=pid):
                self.assertEqual(counts.get(pid), n)
        self.assertEqual(counts["sitrep:admin1-ua-07"], want["sitrep:admin1-ua-07"])
        self.assertEqual(labels["sitrep:admin1-ua-07"], "Kharkiv Oblast")
        for e in got:
            self.assertFalse(e["value"].startswith("sitrep:country-"), e)
        self.assertEqual([e["count"] for e in got],
                         sorted((e["count"] for e in got), reverse=True))

    def test_facet_person(self):
        got = self.facet("person")
        counts = {e["value"]: e["count"] for e in got}
        for name in CHECKED_PERSONS:
            with self.subTest(person=name):
                want = sum(1 for s in EXPECTED if name in s["persons"])
                pid = self.resolved("person", name)
                self.assertTrue(pid.startswith("person:"), pid)
                self.assertEqual(counts.get(pid), want)
        labels = {e["value"]: e["label"] for e in got}
        self.assertEqual(labels["person:volodymyr-zelensky"], "Volodymyr Zelensky")

    def test_facet_counts_equal_filter_totals(self):
        # Whatever the extractor found, clicking a facet value finds exactly
        # that many articles.
        for facet, param in (("place", "place"), ("person", "person"),
                             ("country", "place"), ("source", "source")):
            for e in self.facet(facet, q="Ukraine OR Syria OR Sudan"):
                with self.subTest(facet=facet, value=e["value"]):
                    body = self.search(q="Ukraine OR Syria OR Sudan", limit=1,
                                       **{param: e["value"]})
                    self.assertEqual(body["total"], {"value": e["count"], "relation": "eq"})

    def test_facets_count_all_matches_not_the_page(self):
        full = self.search(facets="country,date", limit=250)
        one = self.search(facets="country,date", limit=1)
        self.assertEqual(one["facets"], full["facets"])
        self.assertEqual(len(one["hits"]), 1)
        self.assertEqual(one["total"], {"value": len(EXPECTED), "relation": "eq"})
        # With filters: counted over the filtered matches.
        ua = self.samples(lambda s: "UA" in s["countries"])
        body = self.search(place="UA", facets="country,date", facet_size=100, limit=2)
        self.assertEqual(body["total"]["value"], len(ua))
        self.assertEqual([(e["value"], e["count"]) for e in body["facets"]["country"]],
                         by_count(collections.Counter(c for s in ua for c in s["countries"])))
        self.assertEqual([(e["value"], e["count"]) for e in body["facets"]["date"]],
                         by_count(collections.Counter(s["published"][:7] for s in ua)))
        zel = self.search(person="Volodymyr Zelensky", facets="person", facet_size=1)
        n = sum(1 for s in EXPECTED if "Volodymyr Zelensky" in s["persons"])
        # Without dedup, count and articles are both the articles.
        self.assertEqual(zel["facets"]["person"],
                         [{"value": "person:volodymyr-zelensky", "label": "Volodymyr Zelensky",
                           "count": n, "articles": n}])

    def test_facet_size_and_order(self):
        full = self.facet("country")
        body = self.search(facets="country|date", facet_size=3)
        self.assertEqual(body["facets"]["country"], full[:3])
        self.assertEqual(list(body["facets"]), ["country", "date"])
        self.assertEqual(len(self.search(facets="place")["facets"]["place"]), 10)
        self.assertEqual(body["query"]["facets"], ["country", "date"])
        self.assertEqual(body["query"]["facet_size"], 3)
        # Repeated keys and "," both work; a name twice counts once.
        body = self.search(facets=["source", "date,source"])
        self.assertEqual(list(body["facets"]), ["source", "date"])
        # No match, empty lists.
        body = self.search(q="nonexistentwordzz", facets="place,person")
        self.assertEqual(body["facets"], {"place": [], "person": []})
        self.assertNotIn("facets", self.search(limit=1))

    def test_facet_errors(self):
        for params, param in (({"facets": "place,plaec"}, "facets"),
                              ({"facets": "day"}, "facets"),
                              ({"facets": ""}, "facets"),
                              ({"facets": "place,,person"}, "facets"),
                              ({"facets": "place", "facet_size": "0"}, "facet_size"),
                              ({"facets": "place", "facet_size": "101"}, "facet_size"),
                              ({"facets": "place", "facet_size": "ten"}, "facet_size"),
                              ({"facet_size": "5"}, "facet_size")):
            with self.subTest(params=params):
                self.assertError(self.get("/v1/search", params), 400, "invalid_parameter",
                                 param)
        err = self.assertError(self.get("/v1/search", {"facets": "plaec"}), 400,
                               "invalid_parameter", "facets")
        self.assertIn("plaec", err["message"])
        self.assertIn("place, person, country, source, date", err["message"])

    # -- timeline ----------------------------------------------------------

    def buckets(self, body):
        return [(b["date"], b["articles"]) for b in body["buckets"]]

    def test_timeline_days_zero_filled_within_from_to(self):
        body = self.ok("/v1/timeline", {"from": "2022-02-20", "to": "2022-03-05"})
        self.assertEqual(body["interval"], "day")
        counts = collections.Counter(s["published"] for s in EXPECTED)
        want, d = [], day("2022-02-20")
        while d <= day("2022-03-05"):
            want.append((d.isoformat(), counts[d.isoformat()]))
            d += datetime.timedelta(days=1)
        self.assertEqual(self.buckets(body), want)
        self.assertIn(("2022-02-26", 0), want)  # zero-filled inside
        self.assertEqual(body["total"], {"value": sum(n for _, n in want), "relation": "eq"})
        for b in body["buckets"]:
            self.assertEqual(b["unique"], b["articles"])
        # dedup=false comes from the server's defaults (setUpClass).
        self.assertEqual(body["query"], {"from": "2022-02-20", "to": "2022-03-05",
                                         "dedup": False})

    def test_timeline_default_spans_first_to_last_match(self):
        # Kharkiv is reported from February to October 2022: more than 92
        # days, so months, from the first matched month to the last.
        kharkiv = self.samples(lambda s: "Kharkiv" in s["places"])
        first = min(day(s["published"]) for s in kharkiv)
        last = max(day(s["published"]) for s in kharkiv)
        self.assertGreater((last - first).days, 92)
        body = self.ok("/v1/timeline", {"place": "Kharkiv"})
        self.assertEqual(body["interval"], "month")
        counts = collections.Counter(s["published"][:7] for s in kharkiv)
        want, y, m = [], first.year, first.month
        while (y, m) <= (last.year, last.month):
            want.append((f"{y:04d}-{m:02d}-01", counts[f"{y:04d}-{m:02d}"]))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        self.assertEqual(self.buckets(body), want)
        self.assertEqual(body["total"]["value"], len(kharkiv))
        self.assertEqual(body["undated"], 0)
        # A short span defaults to days, first to last match.
        body = self.ok("/v1/timeline", {"q": "Mariupol", "from": "2022-03", "to": "2022-03"})
        self.assertEqual(body["interval"], "day")
        self.assertEqual(body["buckets"][0]["date"], "2022-03-01")
        self.assertEqual(body["buckets"][-1]["date"], "2022-03-31")

    def test_timeline_weeks(self):
        params = {"place": "UA", "interval": "week", "from": "2022-02-01", "to": "2022-03-31"}
        body = self.ok("/v1/timeline", params)
        self.assertEqual(body["interval"], "week")
        ua = self.samples(lambda s: "UA" in s["countries"]
                          and "2022-02-01" <= s["published"] <= "2022-03-31")
        monday = lambda d: d - datetime.timedelta(days=d.weekday())  # noqa: E731
        counts = collections.Counter(monday(day(s["published"])) for s in ua)
        want, w = [], monday(day("2022-02-01"))
        while w <= day("2022-03-31"):
            want.append((w.isoformat(), counts[w]))
            w += datetime.timedelta(days=7)
        self.assertEqual(self.buckets(body), want)
        self.assertEqual(body["buckets"][0]["date"], "2022-01-31")  # the Monday before
        self.assertEqual(body["total"]["value"], len(ua))
        self.assertEqual(body["query"]["interval"], "week")
        self.assertEqual(body["query"]["place"], ["sitrep:country-ua"])

    def test_timeline_months_with_filters(self):
        body = self.ok("/v1/timeline", {"interval": "month", "from": "2022", "to": "2023",
                                        "person": "Volodymyr Zelensky"})
        zel = self.samples(lambda s: "Volodymyr Zelensky" in s["persons"]
                           and s["published"][:4] in ("2022", "2023"))
        counts = collections.Counter(s["published"][:7] for s in zel)
        want = [(f"{y}-{m:02d}-01", counts[f"{y}-{m:02d}"])
                for y in (2022, 2023) for m in range(1, 13)]
        self.assertEqual(self.buckets(body), want)
        self.assertEqual(sum(n for _, n in want), len(zel))
        # The whole corpus, month by month, sums to every sample.
        body = self.ok("/v1/timeline", {"interval": "month"})
        self.assertEqual(sum(b["articles"] for b in body["buckets"]), len(EXPECTED))
        self.assertEqual(body["buckets"][0]["date"],
                         min(s["published"] for s in EXPECTED)[:7] + "-01")
        self.assertEqual(body["buckets"][-1]["date"],
                         max(s["published"] for s in EXPECTED)[:7] + "-01")

    def test_timeline_empty(self):
        body = self.ok("/v1/timeline", {"q": "nonexistentwordzz"})
        self.assertEqual((body["buckets"], body["total"]["value"]), ([], 0))
        body = self.ok("/v1/timeline", {"q": "nonexistentwordzz", "from": "2022-03-01",
                                        "to": "2022-03-03"})
        self.assertEqual(self.buckets(body), [("2022-03-01", 0), ("2022-03-02", 0),
                                              ("2022-03-03", 0)])

    def test_timeline_errors(self):
        cases = [({"interval": "year"}, "invalid_parameter", "interval"),
                 ({"interval": "day"}, "invalid_parameter", "interval"),  # 2016-2024 in days
                 ({"from": "1900", "to": "2200"}, "invalid_parameter", "from"),
                 ({"limit": "5"}, "invalid_parameter", "limit"),
                 ({"offset": "5"}, "invalid_parameter", "offset"),
                 ({"cursor": "x"}, "invalid_parameter", "cursor"),
                 ({"sort": "date_asc"}, "invalid_parameter", "sort"),
                 ({"facets": "place"}, "invalid_parameter", "facets"),
                 ({"from": "2022-13"}, "invalid_parameter", "from"),
                 ({"place": "Atlantisville Nowhere"}, "invalid_parameter", "place"),
                 ({"from": "2022-03", "to": "2022-02"}, "conflicting_parameters", "to"),
                 ({"q": "shelling AND"}, "query_syntax_error", "q"),
                 ({"intervall": "day"}, "invalid_parameter", "intervall")]
        for params, code, param in cases:
            with self.subTest(params=params):
                self.assertError(self.get("/v1/timeline", params), 400, code, param)
        err = self.assertError(self.get("/v1/timeline", {"interval": "day"}), 400,
                               "invalid_parameter", "interval")
        self.assertIn("1000", err["message"])
        self.assertError(self.get("/v1/search", {"interval": "day"}), 400,
                         "invalid_parameter", "interval")

    # -- cursors -----------------------------------------------------------

    def walk(self, limit, **params):
        """Follows next_cursor from the first page; returns the ids in order
        and the number of pages."""
        ids, pages, cursor = [], 0, None
        total = None
        while True:
            p = dict(params, limit=limit)
            if cursor:
                p["cursor"] = cursor
            body = self.search(**p)
            pages += 1
            if total is None:
                total = body["total"]
            self.assertEqual(body["total"], total)
            ids += [h["id"] for h in body["hits"]]
            cursor = body.get("next_cursor")
            if not cursor:
                return ids, pages
            self.assertLessEqual(pages, 100)
            self.assertRegex(cursor, r"^[A-Za-z0-9_-]+$")

    def test_cursor_visits_every_hit_once(self):
        for params in ({}, {"sort": "date_asc"}, {"sort": "date_desc", "place": "UA"},
                       {"q": "Kyiv OR Kharkiv OR Ukraine OR Syria"},
                       {"q": "shelling OR strike OR Russia", "sort": "date_desc"},
                       {"q": "Zelensky", "sort": "date_asc"}):
            big = self.search(limit=250, **params)
            want = [h["id"] for h in big["hits"]]
            self.assertEqual(big["total"]["value"], len(want))
            self.assertNotIn("next_cursor", big)
            for limit in (1, 3, 7):
                with self.subTest(params=params, limit=limit):
                    got, pages = self.walk(limit, **params)
                    self.assertEqual(got, want)
                    self.assertEqual(len(set(got)), len(got))
                    self.assertEqual(pages, max(1, -(-len(want) // limit)))
        # Same-day pairs exist, so date orders had ties to break.
        days = collections.Counter(s["published"] for s in EXPECTED)
        self.assertTrue(any(n > 1 for n in days.values()))

    def test_cursor_after_offset_page_and_with_facets(self):
        first = self.search(sort="date_asc", limit=5, offset=10, facets="country")
        rest = self.search(sort="date_asc", limit=250, cursor=first["next_cursor"],
                           facets="country")
        everything = self.search(sort="date_asc", limit=250)
        self.assertEqual([h["id"] for h in first["hits"] + rest["hits"]],
                         [h["id"] for h in everything["hits"]][10:])
        self.assertEqual(rest["facets"], first["facets"])
        self.assertEqual(rest["total"], first["total"])
        self.assertNotIn("offset", rest["query"])
        self.assertEqual(rest["query"]["cursor"], first["next_cursor"])
        # The last page has no next_cursor; neither has an exactly full one.
        self.assertNotIn("next_cursor", rest)
        n = len(EXPECTED)
        self.assertNotIn("next_cursor", self.search(limit=n))
        self.assertIn("next_cursor", self.search(limit=n - 1))

    def test_cursor_errors(self):
        cursor = self.search(limit=2, q="Kyiv")["next_cursor"]
        cases = [({"q": "Kyiv", "cursor": cursor, "offset": "2"}, "conflicting_parameters",
                  "cannot be combined with offset"),
                 ({"q": "Kyiv", "cursor": cursor, "offset": "0"}, "conflicting_parameters",
                  "offset"),
                 ({"q": "Kharkiv", "cursor": cursor}, "invalid_parameter", "another query"),
                 ({"q": "Kyiv", "sort": "date_asc", "cursor": cursor}, "invalid_parameter",
                  "another query"),
                 ({"q": "Kyiv", "cursor": cursor + "A"}, "invalid_parameter", "cursor"),
                 ({"q": "Kyiv", "cursor": cursor[:-2]}, "invalid_parameter", "cursor"),
                 ({"q": "Kyiv", "cursor": "not a cursor"}, "invalid_parameter", "cursor"),
                 ({"q": "Kyiv", "cursor": ""}, "invalid_parameter", "cursor"),
                 ({"q": "Kyiv", "cursor": [cursor, cursor]}, "invalid_parameter", "cursor")]
        for params, code, message in cases:
            with self.subTest(params=str(params)[:60]):
                err = self.assertError(self.get("/v1/search", params), 400, code, "cursor")
                self.assertTrue(err["message"].startswith("cursor: "), err)
                self.assertIn(message, err["message"])
        # The same query in another spelling is the same query.
        body = self.search(place="geonames:706483", limit=2)
        again = self.search(place="Kharkiv", limit=2, cursor=body["next_cursor"])
        self.assertEqual(again["query"]["place"], ["geonames:706483"])

    # Forged cursors: right checksum, wrong content.  The layout is
    # server/cursor.c's: version, revision, documents, fingerprint,
    # position, docid, key length, key, FNV-1a 32 checksum, base64url.

    @staticmethod
    def decode(cursor):
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        version, rev, docs, fp, pos, docid, klen = struct.unpack(">BQQQQIB", raw[:38])
        return dict(version=version, rev=rev, docs=docs, fp=fp, pos=pos, docid=docid,
                    key=raw[38:38 + klen])

    @staticmethod
    def encode(c):
        raw = struct.pack(">BQQQQIB", c["version"], c["rev"], c["docs"], c["fp"], c["pos"],
                          c["docid"], len(c["key"])) + c["key"]
        h = 0x811c9dc5
        for b in raw:
            h = ((h ^ b) * 0x01000193) & 0xffffffff
        return base64.urlsafe_b64encode(raw + struct.pack(">I", h)).decode().rstrip("=")

    def test_forged_cursors(self):
        page = self.search(limit=3, sort="date_desc")
        c = self.decode(page["next_cursor"])
        self.assertEqual(c["pos"], 3)
        self.assertEqual(c["key"].decode(), page["hits"][2]["published"].replace("-", ""))
        self.assertEqual(self.encode(c), page["next_cursor"])
        forged = [
            (dict(c, rev=c["rev"] + 1), "index has changed"),
            (dict(c, docs=c["docs"] + 1), "index has changed"),
            (dict(c, fp=c["fp"] ^ 1), "another query"),
            (dict(c, key=b"19990101"), "another date"),
            (dict(c, docid=99999), "no longer in the index"),
            (dict(c, version=2), "another version"),
        ]
        for cur, message in forged:
            with self.subTest(message=message):
                r = self.get("/v1/search", {"limit": 3, "sort": "date_desc",
                                            "cursor": self.encode(cur)})
                err = self.assertError(r, 400, "invalid_parameter", "cursor")
                self.assertIn(message, err["message"])
        # Relevance continues by position, and checks the hit is there.
        page = self.search(limit=3, q="Kyiv")
        c = self.decode(page["next_cursor"])
        for cur in (dict(c, pos=c["pos"] + 1), dict(c, pos=1000), dict(c, pos=0)):
            with self.subTest(pos=cur["pos"]):
                r = self.get("/v1/search", {"limit": 3, "q": "Kyiv",
                                            "cursor": self.encode(cur)})
                self.assertError(r, 400, "invalid_parameter", "cursor")

    # -- POST /v1/search ---------------------------------------------------

    def same_answer(self, a, b):
        for key in ("query", "total", "hits", "facets", "next_cursor", "index"):
            self.assertEqual(a.get(key), b.get(key), key)

    def test_post_equals_get(self):
        cases = [
            ({"q": "shelling", "limit": "5"}, {"q": "shelling", "limit": 5}),
            ({"place": "Kharkiv|Kyiv", "sort": "date_asc", "limit": "3", "offset": "2",
              "facets": "place,country,date", "facet_size": "4"},
             {"place": ["Kharkiv", "Kyiv"], "sort": "date_asc", "limit": 3, "offset": 2,
              "facets": ["place", "country", "date"], "facet_size": 4}),
            ({"person": "Zelensky", "from": "2022-03", "to": "2022-12", "exclude_place": "Kyiv"},
             {"person": "Zelensky", "from": "2022-03", "to": "2022-12",
              "exclude_place": ["Kyiv"]}),
            ({"source": "example.org", "lang": "en"}, {"source": ["example.org"], "lang": "en"}),
            ({}, {}),
        ]
        for get_params, body in cases:
            with self.subTest(body=body):
                g = self.search(**get_params)
                r = self.post(body)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.headers["content-type"], "application/json; charset=utf-8")
                self.same_answer(r.body, g)
        # Cursors cross forms: a GET page's cursor continues in a POST.
        g = self.search(q="Kyiv", limit=4)
        r = self.post({"q": "Kyiv", "limit": 4, "cursor": g["next_cursor"]})
        self.assertEqual(r.status, 200, r)
        self.same_answer(r.body, self.search(q="Kyiv", limit=4, cursor=g["next_cursor"]))
        # Content-Type parameters and case are fine.
        r = self.post({"q": "Kyiv"}, content_type="Application/JSON; charset=utf-8")
        self.assertEqual(r.status, 200, r)

    def test_highlight_tags(self):
        """highlight and pre_tag/post_tag: the snippet is the same escaped
        text, with the chosen tags (or none) around the same matches."""
        def snippets(**params):
            body = self.search(q="shelling", fields="id|snippet", limit=5, **params)
            self.assertTrue(body["hits"], body)
            return {h["id"]: h["snippet"] for h in body["hits"]}

        marked = snippets()
        self.assertTrue(all("<mark>" in s for s in marked.values()), marked)
        plain = snippets(highlight="false")
        custom = snippets(pre_tag='<em class="hit">', post_tag="</em>")
        self.assertEqual(set(plain), set(marked))
        for doc_id, s in marked.items():
            self.assertEqual(plain[doc_id], s.replace("<mark>", "").replace("</mark>", ""))
            self.assertEqual(custom[doc_id], s.replace("<mark>", '<em class="hit">')
                             .replace("</mark>", "</em>"))
            self.assertNotIn("<mark>", plain[doc_id])
        # The same in a POST body.
        r = self.post({"q": "shelling", "fields": "id|snippet", "limit": 5, "highlight": False})
        self.assertEqual(r.status, 200, r)
        self.assertEqual({h["id"]: h["snippet"] for h in r.body["hits"]}, plain)
        for params, param in [({"highlight": "maybe"}, "highlight"), ({"pre_tag": ""}, "pre_tag"),
                              ({"post_tag": "x" * 65}, "post_tag")]:
            with self.subTest(params=params):
                self.assertError(self.srv.get("/v1/search", dict(q="shelling", **params)), 400,
                                 "invalid_parameter", param)
        self.assertError(self.srv.get("/v1/timeline", {"highlight": "false"}), 400,
                         "invalid_parameter", "highlight")

    def test_post_errors(self):
        cases = [
            (b"", "application/json", "body", "empty"),
            (b"{", "application/json", "body", "not valid JSON"),
            (b'{"q": "a"} trailing', "application/json", "body", "not valid JSON"),
            (b'["q", "shelling"]', "application/json", "body", "JSON object"),
            (b'"q=shelling"', "application/json", "body", "JSON object"),
            (b"42", "application/json", "body", "JSON object"),
            (b'{"q": "a", "q": "b"}', "application/json", "body", "duplicate"),
            (b'{"q": "\xff"}', "application/json", "body", "not valid JSON"),
            (b'{"q": "a\\u0000b"}', "application/json", "body", "not valid JSON"),
            (b'{"limit": 5.5}', "application/json", "limit", "a fraction"),
            (b'{"limit": "x"}', "application/json", "limit", "whole number"),
            (b'{"limit": -1}', "application/json", "limit", "whole number"),
            (b'{"q": null}', "application/json", "q", "null"),
            (b'{"place": {"id": "UA"}}', "application/json", "place", "an object"),
            (b'{"place": ["Kyiv", ["Kharkiv"]]}', "application/json", "place", "an array"),
            (b'{"q": ["a", "b"]}', "application/json", "q", "more than once"),
            (b'{"colour": "red"}', "application/json", "colour", "unknown parameter"),
            (b'{"facets": "plaec"}', "application/json", "facets", "plaec"),
            (b'{"interval": "day"}', "application/json", "interval", "/v1/search"),
            (b'{"cursor": "x", "offset": 0}', "application/json", "cursor", "offset"),
            (b'{"q": "shelling"}', "text/plain", None, "Content-Type"),
            (b'{"q": "shelling"}', "application/x-www-form-urlencoded", None, "Content-Type"),
            (b'{"q": "shelling"}', "application/jsonx", None, "Content-Type"),
            (b'{"q": "shelling"}', None, None, "Content-Type"),
        ]
        for body, ctype, param, message in cases:
            with self.subTest(body=body[:40], ctype=ctype):
                r = self.post(body, content_type=ctype)
                code = "conflicting_parameters" if param == "cursor" else "invalid_parameter"
                if message == "Content-Type":
                    err = self.assertError(r, 415, "unsupported_media_type", None, message)
                else:
                    err = self.assertError(r, 400, code, param, message)
                if param is None:
                    self.assertNotIn("param", err)
        # Parameters come from the body only.
        r = self.post({"q": "shelling"}, params={"limit": "5"})
        self.assertError(r, 400, "invalid_parameter", "limit", "JSON body")
        # A body over the search cap (8 x limits.query_bytes = 64 KiB) is 413.
        r = self.post({"q": "a " * 40000})
        self.assertError(r, 413, "payload_too_large")
        # A q over limits.query_bytes inside a body under the cap names q.
        r = self.post({"q": "a" * 9000})
        self.assertError(r, 400, "invalid_parameter", "q")

    # -- routes and CORS ---------------------------------------------------

    def test_routes_and_cors(self):
        r = self.srv.request("OPTIONS", "/v1/timeline", headers={
            "Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.headers.get("access-control-allow-origin"), ORIGIN)
        self.assertIn("GET", r.headers.get("access-control-allow-methods", ""))
        r = self.srv.request("OPTIONS", "/v1/search", headers={
            "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type"})
        self.assertEqual(r.status, 204, r)
        self.assertIn("POST", r.headers.get("access-control-allow-methods", ""))
        self.assertIn("Content-Type", r.headers.get("access-control-allow-headers", ""))
        r = self.post({"q": "Kyiv"})
        self.assertTrue(r.headers.get("x-index-revision", "").isdigit(), r.headers)
        r = self.srv.request("POST", "/v1/search", headers={
            "Origin": ORIGIN, "Content-Type": "application/json"}, body=b'{"q":"Kyiv"}')
        self.assertEqual(r.headers.get("access-control-allow-origin"), ORIGIN)
        for method, path, allow in (("DELETE", "/v1/timeline", "GET, HEAD, OPTIONS"),
                                    ("POST", "/v1/timeline", "GET, HEAD, OPTIONS"),
                                    ("PUT", "/v1/search", "GET, HEAD, POST, OPTIONS")):
            with self.subTest(method=method, path=path):
                r = self.srv.request(method, path)
                self.assertError(r, 405, "method_not_allowed")
                self.assertEqual(r.headers.get("allow"), allow)
        r = self.srv.request("HEAD", "/v1/timeline")
        self.assertEqual((r.status, r.raw), (200, b""))
        r = self.get("/v1/timeline", {"interval": "month"})
        self.assertTrue(r.headers.get("x-index-revision", "").isdigit(), r.headers)

    # -- last: the index changes under a cursor ----------------------------

    def test_zz_cursor_from_an_older_revision(self):
        """Runs last: it adds an article to the index the others read."""
        page = self.search(limit=2, sort="date_asc")
        late = harness.write_jsonl(os.path.join(self.dir, "late.jsonl"), [{
            "id": "t-late", "published": "2024-06-01", "source": "example.org",
            "title": "A late report", "text": "Nothing happened in Kyiv today, officials said."}])
        harness.build_index(self.index, [late], self.config)
        r = self.get("/v1/search", {"limit": 2, "sort": "date_asc",
                                    "cursor": page["next_cursor"]})
        err = self.assertError(r, 400, "invalid_parameter", "cursor")
        self.assertIn("index has changed", err["message"])
        self.assertIn("repeat the search", err["message"])
        # A fresh walk sees the new article exactly once.
        ids, _ = self.walk(10, sort="date_asc")
        self.assertEqual(len(ids), len(EXPECTED) + 1)
        self.assertEqual(ids[-1], "t-late")


class ShardedTest(unittest.TestCase):
    """The samples split over two indexes behind a Xapian stub file, each of
    them two shards (index.shards), so the stub nests stubs:
    cursors continue by position there (a decider sees shard-local docids),
    and facets and timelines count across shards."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir("sitrep-test-api-shards-")
        d = cls.tmp.name
        cls.config = harness.write_config(d, shards=2)
        text_dir, web_dir = os.path.join(d, "text"), os.path.join(d, "web")
        os.mkdir(text_dir)
        os.mkdir(web_dir)
        for name in os.listdir(SAMPLES):
            target = web_dir if name.endswith((".html", ".jsonl")) else text_dir
            if name.endswith((".html", ".jsonl", ".txt", ".md")):
                os.symlink(os.path.join(SAMPLES, name), os.path.join(target, name))
        shards = [os.path.join(d, "shard1"), os.path.join(d, "shard2")]
        harness.build_index(shards[0], [text_dir], cls.config)
        harness.build_index(shards[1], [web_dir], cls.config)
        cls.stub = os.path.join(d, "shards.stub")
        with open(cls.stub, "w", encoding="utf-8") as f:
            f.write("".join(f"auto {s}\n" for s in shards))
        cls.srv = harness.Server(cls.stub, cls.config).start()
        # Per-article ground truth: copies are not collapsed here
        # (test_dedup.py checks dedup=true, the default).
        cls.srv.defaults = {"dedup": "false"}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def search(self, **params):
        r = self.srv.get("/v1/search", params)
        self.assertEqual(r.status, 200, r)
        return r.body

    def test_cursor_walk_across_shards(self):
        for params in ({}, {"sort": "date_asc"}, {"q": "Kyiv OR Syria"}):
            want = [h["id"] for h in self.search(limit=250, **params)["hits"]]
            self.assertEqual(len(want), len(set(want)))
            got, cursor = [], None
            while True:
                p = dict(params, limit=3, **({"cursor": cursor} if cursor else {}))
                body = self.search(**p)
                got += [h["id"] for h in body["hits"]]
                cursor = body.get("next_cursor")
                if not cursor:
                    break
            with self.subTest(params=params):
                self.assertEqual(got, want)
        self.assertEqual(len(self.search(limit=250)["hits"]), len(EXPECTED))

    def test_facets_and_timeline_across_shards(self):
        body = self.search(facets="country,date", facet_size=100, limit=1)
        want = collections.Counter(c for s in EXPECTED for c in s["countries"])
        self.assertEqual([(e["value"], e["count"]) for e in body["facets"]["country"]],
                         by_count(want))
        self.assertEqual(body["total"], {"value": len(EXPECTED), "relation": "eq"})
        r = self.srv.get("/v1/timeline", {"interval": "month"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sum(b["articles"] for b in r.body["buckets"]), len(EXPECTED))


if __name__ == "__main__":
    unittest.main(verbosity=2)
