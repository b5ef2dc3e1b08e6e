"""test_api2.py - GET /v1/geo, /v1/entities, near=, timespan=, exports
(format=ndjson|csv|geojson) and fields= over the bundled samples (issue #4,
part 2).

As in test_api.py, every expected value is computed here from
tests/samples-expected.json (the places, countries, persons and dates of
each sample) and from the gazetteer's own files: indexer/gazetteer/places.tsv
(names, alternate names, kinds, admin-1 regions, coordinates) and
config/gazetteer.yaml (the persons' aliases), read by the small readers
below.  The one fact taken from the server is how a place name in the
ground truth resolves to an id (test_samples.py holds that resolution to
the same ground truth).  Where the extractor finds more than the ground
truth states (a place such as Azovstal), the check is the API's own
contract instead: a count equals the total of the filter on that value.

A second index of generated articles, more than one export page long,
checks that exports page through the whole result.
"""

import collections
import csv
import datetime
import io
import json
import math
import os
import re
import subprocess
import sys
import unicodedata
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = harness.source_dir()
SAMPLES = os.path.join(SRC, "indexer", "samples")
GAZETTEER = os.path.join(SRC, "indexer", "gazetteer", "places.tsv")
SUPPLEMENT = os.path.join(SRC, "config", "gazetteer.yaml")
with open(os.path.join(SRC, "tests", "samples-expected.json"), encoding="utf-8") as f:
    EXPECTED_BY_KEY = json.load(f)
EXPECTED = list(EXPECTED_BY_KEY.values())
ORIGIN = "http://allowed.example"
CSV_COLUMNS = ["id", "title", "url", "source", "lang", "published", "places", "persons"]
EARTH_KM = 6371.0088

Place = collections.namedtuple(
    "Place", "id kind name country admin1_id admin1 lat lon population alt_names")


def load_gazetteer():
    """id -> Place for every row of places.tsv."""
    rows = {}
    with open(GAZETTEER, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            rows[c[0]] = Place(c[0], c[1], c[2], c[3], c[4], c[5],
                               float(c[6]) if c[6] else None, float(c[7]) if c[7] else None,
                               int(c[8] or 0), [a for a in c[9].split("|") if a])
    return rows


def load_supplement():
    """The entries of config/gazetteer.yaml as two lists of dicts (places,
    persons) with their scalar keys and "aliases".  The file keeps to a
    small part of YAML (its header says how): "  - key: value" starts an
    entry, "    key: value" continues it, and alias lists are flow lists
    that may span lines."""
    sections = {"places": [], "persons": []}
    section, entry, pending = None, None, None
    with open(SUPPLEMENT, encoding="utf-8") as f:
        for raw in f:
            line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
            if not line.strip():
                continue
            if pending is not None:
                pending += " " + line.strip()
                if pending.endswith("]"):
                    entry["aliases"] = [a.strip() for a in pending[1:-1].split(",") if a.strip()]
                    pending = None
                continue
            if not line.startswith(" ") and line.endswith(":"):
                section = line[:-1]
                continue
            m = re.match(r"^  (- |  )(\w+):\s*(.*)$", line)
            if not m or section not in sections:
                continue
            if m.group(1) == "- ":
                entry = {}
                sections[section].append(entry)
            key, value = m.group(2), m.group(3)
            if key == "aliases":
                if value.startswith("[") and value.endswith("]"):
                    entry["aliases"] = [a.strip() for a in value[1:-1].split(",") if a.strip()]
                else:
                    pending = value
            else:
                entry[key] = value
    return sections["places"], sections["persons"]


def name_key(s):
    """What names are compared by (gazetteer.h): case, Latin diacritics,
    apostrophes and Arabic marks aside, hyphens and runs of spaces as one
    space."""
    out = []
    for ch in s.casefold():
        if ch in "'`\u2018\u2019\u02bc\u02bb\u02b9\u02be\u02bf\u00b4":
            continue
        if ch in " \t-\u00a0" or "\u2010" <= ch <= "\u2015":
            out.append(" ")
            continue
        base = unicodedata.normalize("NFD", ch)
        if "a" <= base[0] <= "z":  # a Latin letter: drop its marks
            ch = base[0]
        if unicodedata.category(ch) == "Mn" or ch == "\u0640":
            continue
        out.append(ch)
    return " ".join("".join(out).split())


def words_start(name, prefix):
    """True when a word of name starts with prefix (both keyed)."""
    k, p = name_key(name), name_key(prefix)
    starts = [0] + [i + 1 for i, c in enumerate(k) if c == " "]
    return bool(p) and any(k.startswith(p, i) for i in starts)


def haversine_km(lat1, lon1, lat2, lon2):
    rad = math.pi / 180
    dlat, dlon = (lat2 - lat1) * rad, (lon2 - lon1) * rad
    a = (math.sin(dlat / 2) ** 2
         + math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin(dlon / 2) ** 2)
    return 2 * EARTH_KM * math.asin(math.sqrt(min(a, 1)))


def months_back(today, n):
    """today minus n calendar months, the day clamped to the month's end."""
    y, m = today.year, today.month - n
    while m < 1:
        m += 12
        y -= 1
    last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(y, m, min(today.day, last))


def index_samples(index, config):
    """Indexes the samples; returns sample key -> article id (the keys of
    samples-expected.json are ids or file names: "indexed ID FILE:LINE")."""
    p = subprocess.run([harness.env_or_skip("SITREP_INDEX_BIN"), "--config", config,
                        "--index", index, "-v", SAMPLES],
                       capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    assert not harness.sanitizer_report(p.stderr), p.stderr.decode()
    ids = {}
    for line in p.stdout.decode().splitlines():
        _, doc_id, where = line.split(" ", 2)
        ids[doc_id] = doc_id
        ids[os.path.basename(where.rsplit(":", 1)[0])] = doc_id
    return {key: ids[key] for key in EXPECTED_BY_KEY}


class Api2Test(harness.ErrorAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir("sitrep-test-api2-")
        cls.dir = cls.tmp.name
        cls.config = harness.write_config(cls.dir, cors_origins=(ORIGIN,))
        cls.index = os.path.join(cls.dir, "index")
        cls.ids = index_samples(cls.index, cls.config)
        cls.gz = load_gazetteer()
        cls.sup_places, cls.sup_persons = load_supplement()
        cls.srv = harness.Server(cls.index, cls.config).start()
        # Per-article ground truth: copies are not collapsed here
        # (test_dedup.py checks dedup=true, the default).
        cls.srv.defaults = {"dedup": "false"}
        cls._resolved = {}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -----------------------------------------------------------

    def get(self, path, params=None, headers=None):
        return self.srv.get(path, params, headers)

    def ok(self, path, params=None):
        r = self.get(path, params)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("content-type"), "application/json; charset=utf-8", r)
        return r.body

    def search(self, **params):
        return self.ok("/v1/search", params)

    def resolved(self, name):
        """The id the server resolves a ground-truth place name to."""
        if name not in self._resolved:
            body = self.search(place=name, limit=1)
            self._resolved[name] = body["query"]["place"][0]
        return self._resolved[name]

    def sample_place_ids(self, s):
        """The XP terms a sample has by the ground truth: its places but
        countries, and the admin-1 regions they lie in."""
        ids = set()
        for name in s["places"]:
            pid = self.resolved(name)
            if self.gz[pid].kind == "country":
                continue
            ids.add(pid)
            if self.gz[pid].admin1_id:
                ids.add(self.gz[pid].admin1_id)
        return ids

    def place_counts(self, pred=lambda s: True):
        """Ground-truth document counts of every place id, countries by
        their country code (as place=UA filters)."""
        counts = collections.Counter()
        for s in EXPECTED:
            if pred(s):
                counts.update(self.sample_place_ids(s))
                counts.update(f"sitrep:country-{c.lower()}" for c in s["countries"])
        return counts

    def samples(self, pred):
        return [s for s in EXPECTED if pred(s)]

    def article_ids(self, pred):
        return sorted(self.ids[k] for k, s in EXPECTED_BY_KEY.items() if pred(s))

    def names_of(self, pid):
        """Every name of a place: places.tsv's, and the supplement's for it."""
        p = self.gz[pid]
        names = [p.name] + p.alt_names
        for e in self.sup_places:
            if e.get("id") == pid:
                names += [e["name"]] + e.get("aliases", [])
        return names

    # -- GET /v1/geo -------------------------------------------------------

    def test_geo_features_and_counts(self):
        body = self.ok("/v1/geo", {"top": 0})
        self.assertEqual(body["type"], "FeatureCollection")
        self.assertEqual(body["total"], {"value": len(EXPECTED), "relation": "eq"})
        # dedup=false comes from the server's defaults (setUpClass).
        self.assertEqual(body["query"], {"limit": 500, "top": 0, "dedup": False})
        want = {pid: n for pid, n in self.place_counts().items()
                if self.gz[pid].kind != "country" and self.gz[pid].lat is not None}
        got = {f["properties"]["id"]: f for f in body["features"]}
        for pid, n in want.items():
            with self.subTest(place=pid):
                f = got.get(pid)
                self.assertIsNotNone(f, pid)
                p = self.gz[pid]
                self.assertEqual(f["geometry"], {"type": "Point", "coordinates": [p.lon, p.lat]})
                self.assertEqual(f["properties"], {"id": pid, "name": p.name,
                                                   "country": p.country, "admin1": p.admin1,
                                                   "count": n, "articles": []})
                self.assertEqual(f["type"], "Feature")
        # Features the ground truth does not list (the extractor finds a
        # little more) still count what their filter finds.
        for pid in set(got) - set(want):
            with self.subTest(extra=pid):
                total = self.search(place=pid, limit=1)["total"]["value"]
                self.assertEqual(got[pid]["properties"]["count"], total)
        # Countries are no features; by count, then id.
        self.assertFalse(any(pid.startswith("sitrep:country-") for pid in got))
        order = [(-f["properties"]["count"], f["properties"]["id"]) for f in body["features"]]
        self.assertEqual(order, sorted(order))
        self.assertEqual(body["total_places"], len(body["features"]))
        self.assertIn("geonames:706483", got)
        self.assertIn("sitrep:admin1-ua-07", got)  # Kharkiv Oblast, through its places

    def test_geo_filters_limit_and_top_articles(self):
        y2022 = lambda s: s["published"].startswith("2022")  # noqa: E731
        body = self.ok("/v1/geo", {"from": "2022", "to": "2022", "top": 3})
        self.assertEqual(body["total"]["value"], len(self.samples(y2022)))
        want = {pid: n for pid, n in self.place_counts(y2022).items()
                if self.gz[pid].kind != "country" and self.gz[pid].lat is not None}
        got = {f["id"]: f["properties"] for f in body["features"]}
        for pid, n in want.items():
            self.assertEqual(got[pid]["count"], n, pid)
        # Each place's first articles are /v1/search's first for that
        # place under the same filters, newest first; all about the place.
        for f in body["features"]:
            pid = f["id"]
            with self.subTest(place=pid):
                page = self.search(place=pid, limit=3, **{"from": "2022", "to": "2022"})
                self.assertEqual(f["properties"]["articles"], [h["id"] for h in page["hits"]])
                self.assertEqual(len(f["properties"]["articles"]),
                                 min(3, f["properties"]["count"]))
                if pid in want:
                    about = set(self.article_ids(
                        lambda s: y2022(s) and pid in self.sample_place_ids(s)))
                    self.assertLessEqual(set(f["properties"]["articles"]), about)
                dates = [h["published"] for h in page["hits"]]
                self.assertEqual(dates, sorted(dates, reverse=True))
        # With q, the order is relevance, as /v1/search's.
        body = self.ok("/v1/geo", {"q": "shelling OR strike", "top": 2, "limit": 3})
        self.assertEqual(len(body["features"]), 3)
        self.assertGreaterEqual(body["total_places"], 3)
        for f in body["features"]:
            page = self.search(q="shelling OR strike", place=f["id"], limit=2)
            self.assertEqual(f["properties"]["articles"], [h["id"] for h in page["hits"]])
            self.assertEqual(f["properties"]["count"],
                             self.search(q="shelling OR strike", place=f["id"], limit=1)
                             ["total"]["value"])
        # limit keeps the first places; the default top is 5.
        full = self.ok("/v1/geo", {})
        self.assertEqual(full["query"]["top"], 5)
        two = self.ok("/v1/geo", {"limit": 2})
        self.assertEqual(two["features"], full["features"][:2])
        self.assertEqual(two["total_places"], full["total_places"])
        self.assertTrue(all(len(f["properties"]["articles"]) == min(5, f["properties"]["count"])
                            for f in full["features"]))
        # Nothing matches: no features.
        none = self.ok("/v1/geo", {"q": "nonexistentwordzz"})
        self.assertEqual((none["features"], none["total_places"]), ([], 0))

    def test_geo_errors(self):
        cases = [({"top": "51"}, "invalid_parameter", "top"),
                 ({"top": "-1"}, "invalid_parameter", "top"),
                 ({"limit": "0"}, "invalid_parameter", "limit"),
                 ({"limit": "2001"}, "invalid_parameter", "limit"),
                 ({"offset": "5"}, "invalid_parameter", "offset"),
                 ({"sort": "date_asc"}, "invalid_parameter", "sort"),
                 ({"facets": "place"}, "invalid_parameter", "facets"),
                 ({"format": "csv"}, "invalid_parameter", "format"),
                 ({"place": "Atlantisville Nowhere"}, "invalid_parameter", "place"),
                 ({"near": "1,2"}, "invalid_parameter", "near"),
                 ({"timespan": "7d", "to": "2022"}, "conflicting_parameters", "timespan"),
                 ({"q": "shelling AND"}, "query_syntax_error", "q")]
        for params, code, param in cases:
            with self.subTest(params=params):
                self.assertError(self.get("/v1/geo", params), 400, code, param)

    # -- GET /v1/entities --------------------------------------------------

    def expected_places(self, prefix):
        """[(id, count)] of the places a prefix should suggest, ranked."""
        counts = self.place_counts()
        found = [(pid, n) for pid, n in counts.items()
                 if any(words_start(name, prefix) for name in self.names_of(pid))]
        return sorted(found, key=lambda e: (-e[1], name_key(self.gz[e[0]].name), e[0]))

    def test_entities_places_by_prefix(self):
        for prefix in ("khar", "KHAR", "Khark", "Харк", "kyi", "mariu", "rakka", "Kherson"):
            with self.subTest(prefix=prefix):
                want = self.expected_places(prefix)
                body = self.ok("/v1/entities", {"type": "place", "prefix": prefix,
                                                "limit": 100})
                got = [(e["id"], e["count"]) for e in body["entities"]]
                self.assertEqual(got, want)
                for e in body["entities"]:
                    p = self.gz[e["id"]]
                    self.assertEqual((e["type"], e["kind"], e["name"], e["country"], e["lat"],
                                      e["lon"]),
                                     ("place", p.kind, p.name, p.country, p.lat, p.lon))
                    self.assertIn(e["matched"], self.names_of(e["id"]))
                    self.assertTrue(words_start(e["matched"], prefix), e)
        # The worked examples, spelt out.
        ids = lambda b: [e["id"] for e in b["entities"]]  # noqa: E731
        khar = self.ok("/v1/entities", {"type": "place", "prefix": "khar"})
        self.assertEqual(ids(khar)[:2], ["sitrep:admin1-ua-07", "geonames:706483"])
        self.assertIn("geonames:379252", ids(khar))  # Khartoum
        cyr = self.ok("/v1/entities", {"type": "place", "prefix": "Харк"})
        self.assertIn("geonames:706483", ids(cyr))
        self.assertEqual(cyr["entities"][ids(cyr).index("geonames:706483")]["count"],
                         len(self.samples(lambda s: "Kharkiv" in s["places"])))
        self.assertTrue(cyr["entities"][0]["matched"].startswith("Харк"))
        # An alias of another language finds the place (Artemivsk: Bakhmut).
        self.assertIn("geonames:713174", ids(self.ok("/v1/entities", {"prefix": "artemivs"})))
        # Countries count every article about a place inside them.
        ukr = self.ok("/v1/entities", {"prefix": "ukrai", "type": "place"})
        self.assertEqual(ukr["entities"][0]["id"], "sitrep:country-ua")
        self.assertEqual(ukr["entities"][0]["count"],
                         len(self.samples(lambda s: "UA" in s["countries"])))
        # A place nothing mentions is never suggested.
        self.assertEqual(self.ok("/v1/entities", {"prefix": "Kharkivtsi"})["entities"], [])
        self.assertEqual(self.ok("/v1/entities", {"prefix": "zzzzqq"})["entities"], [])

    def test_entities_persons(self):
        zel = len(self.samples(lambda s: "Volodymyr Zelensky" in s["persons"]))
        entry = next(p for p in self.sup_persons if p["name"] == "Volodymyr Zelensky")
        alias = next(a for a in entry["aliases"] if " " not in a and a.isascii())
        cyrillic = next(a for a in entry["aliases"] if not a.isascii() and " " not in a)
        for prefix, matched in (("zel", "Volodymyr Zelensky"), ("volodymyr zel", None),
                                (alias, alias), (alias[:-1].upper(), None),
                                (cyrillic[:5], None)):
            with self.subTest(prefix=prefix):
                body = self.ok("/v1/entities", {"type": "person", "prefix": prefix})
                got = [(e["id"], e["name"], e["count"]) for e in body["entities"]]
                self.assertEqual(got, [("person:volodymyr-zelensky", "Volodymyr Zelensky", zel)])
                m = body["entities"][0]["matched"]
                self.assertIn(m, [entry["name"]] + entry["aliases"])
                if matched:
                    self.assertEqual(m, matched)
                self.assertEqual(body["entities"][0]["type"], "person")
        # Persons by count; the ground truth's persons with theirs.
        body = self.ok("/v1/entities", {"type": "person", "limit": 100})
        counts = {e["id"]: e["count"] for e in body["entities"]}
        order = [-e["count"] for e in body["entities"]]
        self.assertEqual(order, sorted(order))
        for name in ("Volodymyr Zelensky", "Vladimir Putin", "Bashar al-Assad"):
            pid = self.search(person=name, limit=1)["query"]["person"][0]
            self.assertEqual(counts[pid], len(self.samples(lambda s, n=name: n in s["persons"])))
        self.assertEqual(body["query"], {"type": ["person"], "prefix": None, "limit": 100})
        # Both kinds at once, by count.
        both = self.ok("/v1/entities", {"prefix": "pu", "type": "place|person"})
        self.assertIn("person:vladimir-putin", [e["id"] for e in both["entities"]])
        self.assertEqual(both["query"]["type"], ["place", "person"])

    def test_entities_limit_and_default_ranking(self):
        body = self.ok("/v1/entities", {"type": "place"})
        self.assertEqual(len(body["entities"]), 10)
        want = sorted(self.place_counts().items(),
                      key=lambda e: (-e[1], name_key(self.gz[e[0]].name), e[0]))
        got = [(e["id"], e["count"]) for e in body["entities"]]
        # Extracted places beyond the ground truth come in with few
        # mentions; the top ten are the ground truth's.
        self.assertEqual(got, want[:10])
        self.assertEqual(body["entities"][0]["id"], "sitrep:country-ua")
        self.assertNotIn("matched", body["entities"][0])
        three = self.ok("/v1/entities", {"type": "place", "limit": 3})
        self.assertEqual(three["entities"], body["entities"][:3])

    def test_entity_by_id(self):
        kh = self.gz["geonames:706483"]
        body = self.ok("/v1/entities/geonames:706483")
        self.assertEqual((body["id"], body["type"], body["kind"], body["name"]),
                         ("geonames:706483", "place", "city", "Kharkiv"))
        self.assertEqual(sorted(body["aliases"]),
                         sorted(set(n for n in self.names_of(kh.id) if n != kh.name)))
        self.assertEqual(body["hierarchy"], {
            "admin1": {"id": kh.admin1_id, "name": kh.admin1},
            "country": {"id": "sitrep:country-ua", "code": "UA",
                        "name": self.gz["sitrep:country-ua"].name}})
        self.assertEqual((body["lat"], body["lon"], body["population"]),
                         (kh.lat, kh.lon, kh.population))
        self.assertEqual(body["count"], self.place_counts()["geonames:706483"])
        # An admin-1 region and a country.
        body = self.ok("/v1/entities/sitrep:admin1-ua-07")
        self.assertEqual((body["kind"], body["hierarchy"]["admin1"]), ("admin1", None))
        self.assertEqual(body["hierarchy"]["country"]["code"], "UA")
        self.assertEqual(body["count"], self.place_counts()["sitrep:admin1-ua-07"])
        body = self.ok("/v1/entities/sitrep:country-sy")
        self.assertEqual((body["kind"], body["name"], body["hierarchy"]),
                         ("country", "Syria", {"admin1": None, "country": None}))
        self.assertEqual(body["count"], len(self.samples(lambda s: "SY" in s["countries"])))
        # A place nothing mentions: known, count 0.
        zero = next(p for p in self.gz.values() if p.kind == "city" and p.country == "NZ")
        self.assertEqual(self.ok(f"/v1/entities/{zero.id}")["count"], 0)
        # A person of the supplement, with every alias.
        entry = next(p for p in self.sup_persons if p["name"] == "Volodymyr Zelensky")
        body = self.ok("/v1/entities/person:volodymyr-zelensky")
        self.assertEqual((body["type"], body["name"], body["surname"]),
                         ("person", "Volodymyr Zelensky", "Zelensky"))
        self.assertEqual(sorted(body["aliases"]), sorted(set(entry["aliases"])))
        self.assertEqual(body["count"],
                         len(self.samples(lambda s: "Volodymyr Zelensky" in s["persons"])))
        # A person only the index knows: the name it was indexed with.
        invented = next(n for s in EXPECTED for n in s["invented_persons"])
        pid = self.search(person=invented, limit=1)["query"]["person"][0]
        body = self.ok(f"/v1/entities/{pid}")
        self.assertEqual((body["name"], body["aliases"]), (invented, []))
        self.assertEqual(body["count"],
                         len(self.samples(lambda s: invented in s["invented_persons"])))
        # Unknown ids.
        for bad in ("geonames:1", "person:nobody-at-all", "nonsense", "sitrep:country-zz"):
            with self.subTest(id=bad):
                self.assertError(self.get(f"/v1/entities/{bad}"), 404, "not_found")

    def test_entities_errors(self):
        cases = [({"type": "city"}, "type"), ({"type": ""}, "type"),
                 ({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"),
                 ({"prefix": ["a", "b"]}, "prefix"), ({"q": "Kharkiv"}, "q"),
                 ({"place": "UA"}, "place"), ({"prefx": "khar"}, "prefx")]
        for params, param in cases:
            with self.subTest(params=params):
                self.assertError(self.get("/v1/entities", params), 400, "invalid_parameter",
                                 param)
        self.assertError(self.get("/v1/entities/geonames:706483", {"limit": "5"}), 400,
                         "invalid_parameter", "limit")
        self.assertError(self.get("/v1/search", {"prefix": "khar"}), 400, "invalid_parameter",
                         "prefix")

    # -- near= -------------------------------------------------------------

    def near_expectation(self, lat, lon, km):
        """The ids of the samples about a place within km of (lat, lon), the
        distance to the nearest of them, and how many such places there
        are.  Countries and admin-1 regions are not near anything."""
        places, dist = set(), {}
        for s in EXPECTED:
            for name in s["places"]:
                p = self.gz[self.resolved(name)]
                if p.kind in ("country", "admin1") or p.lat is None:
                    continue
                d = haversine_km(lat, lon, p.lat, p.lon)
                if d <= km:
                    places.add(p.id)
                    key = self.ids[next(k for k, v in EXPECTED_BY_KEY.items() if v is s)]
                    dist[key] = min(d, dist.get(key, d))
        return dist, places

    def test_near_radius_includes_and_excludes(self):
        kh = self.gz["geonames:706483"]
        for lat, lon, radius, km in ((49.99, 36.23, "10km", 10), (49.99, 36.23, "150km", 150),
                                     (49.99, 36.23, "93.2mi", 93.2 * 1.609344),
                                     (47.1, 37.55, "5km", 5), (46.5, 31.0, "1000km", 1000),
                                     (50.2, 36.0, "1km", 1)):
            with self.subTest(near=(lat, lon, radius)):
                dist, places = self.near_expectation(lat, lon, km)
                body = self.search(near=f"{lat},{lon},{radius}", limit=250)
                self.assertEqual(sorted(h["id"] for h in body["hits"]), sorted(dist))
                self.assertEqual(body["total"]["value"], len(dist))
                self.assertEqual(body["query"]["near"], f"{lat:g},{lon:g},{radius}")
                # The extractor may find more places than the ground truth
                # (Azovstal, in Mariupol): at least these are near.
                self.assertGreaterEqual(body["query"]["near_places"], len(places))
                for h in body["hits"]:
                    self.assertAlmostEqual(h["distance_km"], dist[h["id"]], delta=0.051)
        # Kharkiv is in, Izium (about 120 km away) is not, within 100 km.
        dist, places = self.near_expectation(kh.lat, kh.lon, 100)
        self.assertIn("geonames:706483", places)
        self.assertNotIn("geonames:707292", places)
        self.assertEqual(self.search(near="50.2,36,1km")["total"]["value"], 0)

    def test_near_sort_distance_and_combinations(self):
        lat, lon = 48.0, 37.8  # the Donbas front
        dist, _ = self.near_expectation(lat, lon, 300)
        body = self.search(near=f"{lat},{lon},300km", sort="distance", limit=250)
        self.assertEqual(body["query"]["sort"], "distance")
        got = [h["distance_km"] for h in body["hits"]]
        self.assertEqual(got, sorted(got))
        self.assertEqual(sorted(h["id"] for h in body["hits"]), sorted(dist))
        self.assertGreater(len(set(got)), 2)
        # Cursors walk the distance order.
        ids, cursor = [], None
        while True:
            page = self.search(near=f"{lat},{lon},300km", sort="distance", limit=3,
                               **({"cursor": cursor} if cursor else {}))
            ids += [h["id"] for h in page["hits"]]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        self.assertEqual(ids, [h["id"] for h in body["hits"]])
        # A cursor is for its own point.
        first = self.search(near=f"{lat},{lon},300km", sort="distance", limit=3)
        r = self.get("/v1/search", {"near": f"{lat},{lon + 0.001},300km", "sort": "distance",
                                    "limit": 3, "cursor": first["next_cursor"]})
        self.assertError(r, 400, "invalid_parameter", "cursor", "another query")
        # With other filters, in /v1/timeline and /v1/geo.
        both = self.search(near=f"{lat},{lon},300km", person="Zelensky", limit=250)
        zel = set(self.article_ids(lambda s: "Volodymyr Zelensky" in s["persons"]))
        self.assertEqual(sorted(h["id"] for h in both["hits"]), sorted(set(dist) & zel))
        tl = self.ok("/v1/timeline", {"near": f"{lat},{lon},300km", "interval": "month"})
        self.assertEqual(sum(b["articles"] for b in tl["buckets"]), len(dist))
        geo = self.ok("/v1/geo", {"near": f"{lat},{lon},300km", "top": 0})
        self.assertEqual(geo["total"]["value"], len(dist))
        # Without sort=distance the default order stays; fields= trims.
        plain = self.search(near=f"{lat},{lon},300km", fields="id|distance_km", limit=250)
        self.assertEqual([set(h) for h in plain["hits"]], [{"id", "distance_km"}] * len(dist))
        self.assertNotIn("distance_km", self.search(limit=1)["hits"][0])

    def test_near_errors(self):
        for value in ("49.99,36.23", "49.99,36.23,30", "49.99,36.23,30 km", "91,36,5km",
                      "49,181,5km", "49,36,0km", "49,36,-5km", "49,36,20001km", "nan,36,5km",
                      "49,36,5km,1", "a,b,ckm", ""):
            with self.subTest(near=value):
                err = self.assertError(self.get("/v1/search", {"near": value}), 400,
                                       "invalid_parameter", "near")
                self.assertTrue(err["message"].startswith("near: "), err)
        self.assertError(self.get("/v1/search", {"sort": "distance"}), 400, "invalid_parameter",
                         "sort", "near")
        self.assertError(self.get("/v1/search", {"fields": "id|distance_km"}), 400,
                         "invalid_parameter", "fields")
        self.assertError(self.get("/v1/timeline", {"near": "1,2"}), 400, "invalid_parameter",
                         "near")

    # -- timespan= ---------------------------------------------------------

    def test_timespan(self):
        today = datetime.datetime.now(datetime.timezone.utc).date()
        first = min(datetime.date.fromisoformat(s["published"]) for s in EXPECTED)
        months = (today.year - first.year) * 12 + today.month - first.month + 1
        cases = [("24h", today - datetime.timedelta(days=1)),
                 ("7d", today - datetime.timedelta(days=7)),
                 ("4w", today - datetime.timedelta(days=28)),
                 ("3m", months_back(today, 3)),
                 (f"{months - 30}m", months_back(today, months - 30)),
                 (f"{(today - first).days // 7 - 100}w",
                  today - datetime.timedelta(weeks=(today - first).days // 7 - 100)),
                 (f"{months + 1}m", months_back(today, months + 1))]
        for span, start in cases:
            with self.subTest(timespan=span):
                # A run across midnight UTC could shift a day: recompute then.
                body = self.search(timespan=span, limit=250)
                want = self.article_ids(
                    lambda s: start.isoformat() <= s["published"] <= today.isoformat())
                self.assertEqual(sorted(h["id"] for h in body["hits"]), want)
                self.assertEqual(body["query"]["timespan"], span)
                self.assertEqual((body["query"]["from"], body["query"]["to"]),
                                 (start.isoformat(), today.isoformat()))
        # Somewhere in the middle of the samples, so some are in and some out.
        mid = self.search(timespan=f"{months - 30}m", limit=250)["total"]["value"]
        self.assertTrue(0 < mid < len(EXPECTED), mid)
        self.assertEqual(self.search(timespan=f"{months + 1}m")["total"]["value"], len(EXPECTED))
        # The timeline covers the span to today.
        tl = self.ok("/v1/timeline", {"timespan": f"{months - 30}m", "interval": "month"})
        self.assertEqual(sum(b["articles"] for b in tl["buckets"]), mid)
        self.assertEqual(tl["buckets"][-1]["date"], today.strftime("%Y-%m-01"))

    def test_timespan_errors(self):
        for params in ({"timespan": "7d", "from": "2022"}, {"to": "2023", "timespan": "24h"},
                       {"timespan": "3m", "from": "2022", "to": "2023"}):
            with self.subTest(params=params):
                err = self.assertError(self.get("/v1/search", params), 400,
                                       "conflicting_parameters", "timespan")
                self.assertIn("from", err["message"])
                self.assertError(self.get("/v1/timeline", params), 400,
                                 "conflicting_parameters", "timespan")
        for value in ("7", "d", "0d", "7y", "-7d", "7 d", "10000d", "1.5d", ""):
            with self.subTest(timespan=value):
                self.assertError(self.get("/v1/search", {"timespan": value}), 400,
                                 "invalid_parameter", "timespan")
        # Event dates are another axis: no conflict.
        self.search(timespan="7d", event_from="2022")

    # -- exports -----------------------------------------------------------

    def export(self, fmt, **params):
        r = self.get("/v1/search", dict(params, format=fmt))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("transfer-encoding"), "chunked", r.headers)
        self.assertTrue(r.headers.get("x-index-revision", "").isdigit(), r.headers)
        return r

    def ndjson(self, **params):
        r = self.export("ndjson", **params)
        self.assertEqual(r.headers["content-type"], "application/x-ndjson; charset=utf-8")
        text = r.raw.decode("utf-8")
        self.assertTrue(text == "" or text.endswith("\n"))
        return [json.loads(line) for line in text.splitlines()]

    def csv_rows(self, **params):
        r = self.export("csv", **params)
        self.assertEqual(r.headers["content-type"], "text/csv; charset=utf-8; header=present")
        text = r.raw.decode("utf-8")
        self.assertTrue(text.endswith("\r\n"))
        self.assertNotIn("\n", text.replace("\r\n", ""))  # every line ends CRLF
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))

    def geojson(self, **params):
        r = self.export("geojson", **params)
        self.assertEqual(r.headers["content-type"], "application/geo+json; charset=utf-8")
        body = json.loads(r.raw.decode("utf-8"))
        self.assertEqual(body["type"], "FeatureCollection")
        return body["features"]

    EXPORT_CASES = (
        {},
        {"sort": "date_asc", "place": "UA"},
        {"q": "Kyiv OR Kharkiv OR Syria OR Gaza"},
        {"near": "48,37.8,300km", "sort": "distance"},
        {"person": "Zelensky", "offset": "3"},
        {"q": "nonexistentwordzz"},
    )

    def test_exports_match_json_hits(self):
        for params in self.EXPORT_CASES:
            with self.subTest(params=params):
                hits = self.search(limit=250, **params)["hits"]
                ids = [h["id"] for h in hits]
                # NDJSON: the very same hit objects, in order.
                self.assertEqual(self.ndjson(**params), hits)
                # CSV: a header row, then the hits' columns, in order.
                rows = self.csv_rows(**params)
                self.assertEqual(rows[0], CSV_COLUMNS)
                self.assertEqual([r[0] for r in rows[1:]], ids)
                for row, h in zip(rows[1:], hits):
                    self.assertEqual(row[1:6], [h[k] or "" for k in CSV_COLUMNS[1:6]])
                    self.assertEqual(row[6], "|".join(p["name"] for p in h["places"]))
                    self.assertEqual(row[7], "|".join(p["name"] for p in h["persons"]))
                # GeoJSON: one feature per hit and place with coordinates.
                feats = self.geojson(**params)
                want = [(h["id"], p["id"], [p["lon"], p["lat"]]) for h in hits
                        for p in h["places"] if p.get("lat") is not None]
                self.assertEqual([(f["properties"]["id"], f["properties"]["place"]["id"],
                                   f["geometry"]["coordinates"]) for f in feats], want)
                by_id = {h["id"]: h for h in hits}
                for f in feats:
                    props = dict(f["properties"])
                    place = props.pop("place")
                    h = dict(by_id[props["id"]])
                    p = next(p for p in h.pop("places") if p["id"] == place["id"])
                    self.assertEqual(props, h)
                    self.assertEqual(place, {k: p[k] for k in ("id", "name", "country",
                                                               "admin1")})
                    self.assertEqual((f["type"], f["geometry"]["type"]), ("Feature", "Point"))

    def test_exports_fields_limit_and_cursor(self):
        for fields in ("id|title", "published,id,score", "places|url"):
            with self.subTest(fields=fields):
                hits = self.search(fields=fields, limit=250, place="UA")["hits"]
                names = sorted(set(re.split(r"[|,]", fields)))
                self.assertEqual([sorted(h) for h in hits], [names] * len(hits))
                self.assertEqual(self.ndjson(fields=fields, place="UA"), hits)
                rows = self.csv_rows(fields=fields, place="UA")
                order = [c for c in ("id", "title", "url", "published", "score", "places")
                         if c in names]
                self.assertEqual(rows[0], order)
                self.assertEqual(len(rows), len(hits) + 1)
                for f in self.geojson(fields=fields, place="UA"):
                    self.assertEqual(sorted(set(f["properties"]) - {"place"}),
                                     [n for n in names if n != "places"])
        # Exports go beyond a page: limit up to 10000, all by default.
        self.assertEqual(len(self.ndjson()), len(EXPECTED))
        self.assertEqual(len(self.ndjson(limit="1000")), len(EXPECTED))
        self.assertEqual([h["id"] for h in self.ndjson(limit="7", sort="date_asc")],
                         [h["id"] for h in self.search(limit=7, sort="date_asc")["hits"]])
        self.assertError(self.get("/v1/search", {"limit": "1000"}), 400, "invalid_parameter",
                         "limit")
        self.assertError(self.get("/v1/search", {"limit": "10001", "format": "csv"}), 400,
                         "invalid_parameter", "limit")
        # An export continues a JSON page's cursor.
        page = self.search(limit=5, sort="date_asc")
        rest = self.ndjson(sort="date_asc", cursor=page["next_cursor"])
        everything = [h["id"] for h in self.search(limit=250, sort="date_asc")["hits"]]
        self.assertEqual([h["id"] for h in page["hits"]] + [h["id"] for h in rest], everything)
        # POST exports too; HEAD sends no body; CORS headers as everywhere.
        r = self.srv.request("POST", "/v1/search", headers={"Content-Type": "application/json"},
                             body=json.dumps({"format": "csv", "place": ["UA"],
                                              "dedup": False}).encode())
        self.assertEqual((r.status, r.headers["content-type"]),
                         (200, "text/csv; charset=utf-8; header=present"))
        self.assertEqual(r.raw.decode(), self.export("csv", place="UA").raw.decode())
        r = self.srv.request("HEAD", "/v1/search", {"format": "ndjson"})
        self.assertEqual((r.status, r.raw), (200, b""))
        r = self.get("/v1/search", {"format": "geojson", "limit": "1"}, {"Origin": ORIGIN})
        self.assertEqual(r.headers.get("access-control-allow-origin"), ORIGIN)

    def test_export_errors(self):
        cases = [({"format": "xml"}, "invalid_parameter", "format"),
                 ({"format": "csv", "facets": "place"}, "invalid_parameter", "facets"),
                 ({"format": "ndjson", "fields": "id|titel"}, "invalid_parameter", "fields"),
                 ({"format": "csv", "format ": "json"}, "invalid_parameter", "format "),
                 ({"format": ["csv", "ndjson"]}, "invalid_parameter", "format"),
                 ({"format": "csv", "offset": "10001"}, "invalid_parameter", "offset"),
                 ({"format": "csv", "cursor": "garbage"}, "invalid_parameter", "cursor"),
                 ({"format": "ndjson", "q": "shelling AND"}, "query_syntax_error", "q"),
                 ({"format": "geojson", "place": "Atlantisville Nowhere"}, "invalid_parameter",
                  "place")]
        for params, code, param in cases:
            with self.subTest(params=params):
                self.assertError(self.get("/v1/search", params), 400, code, param)
        # A cursor from another query is refused before anything streams.
        cursor = self.search(limit=2, q="Kyiv")["next_cursor"]
        self.assertError(self.get("/v1/search", {"format": "csv", "q": "Kharkiv",
                                                 "cursor": cursor}),
                         400, "invalid_parameter", "cursor", "another query")

    # -- routes ------------------------------------------------------------

    def test_routes_cors_and_methods(self):
        for path in ("/v1/geo", "/v1/entities", "/v1/entities/geonames:706483"):
            with self.subTest(path=path):
                r = self.srv.request("OPTIONS", path, headers={
                    "Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
                self.assertEqual(r.status, 204, r)
                self.assertEqual(r.headers.get("access-control-allow-origin"), ORIGIN)
                self.assertEqual(r.headers.get("access-control-allow-methods"),
                                 "GET, HEAD, OPTIONS")
                for method in ("POST", "DELETE", "PUT"):
                    r = self.srv.request(method, path)
                    self.assertError(r, 405, "method_not_allowed")
                    self.assertEqual(r.headers.get("allow"), "GET, HEAD, OPTIONS")
                r = self.srv.request("HEAD", path)
                self.assertEqual((r.status, r.raw), (200, b""))
                r = self.get(path, headers={"Origin": ORIGIN})
                self.assertEqual(r.headers.get("access-control-allow-origin"), ORIGIN)
                self.assertTrue(r.headers.get("x-index-revision", "").isdigit(), r.headers)
        self.assertError(self.get("/v1/entities/"), 404, "not_found")
        self.assertError(self.get("/v1/geo/x"), 404, "not_found")


class LongExportTest(unittest.TestCase):
    """Exports longer than one page of the export's runs (200 hits): a
    generated corpus of 450 articles on 150 days."""

    N = 450

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir("sitrep-test-api2-long-")
        d = cls.tmp.name
        cls.config = harness.write_config(d)
        start = datetime.date(2022, 3, 1)
        articles = [{"id": f"gen-{i:04d}", "source": "example.org", "lang": "en",
                     "published": (start + datetime.timedelta(days=i % 150)).isoformat(),
                     "title": f"Report {i}: shelling near the river, quote \"{i}\", comma",
                     "text": f"Report number {i} describes shelling near the river. "
                             f"{'Power was cut. ' * (i % 4)}Officials said more details would "
                             "follow."} for i in range(cls.N)]
        path = harness.write_jsonl(os.path.join(d, "gen.jsonl"), articles)
        cls.index = os.path.join(d, "index")
        harness.build_index(cls.index, [path], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()
        # Per-article ground truth: copies are not collapsed here
        # (test_dedup.py checks dedup=true, the default).
        cls.srv.defaults = {"dedup": "false"}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def walk(self, **params):
        ids, cursor = [], None
        while True:
            p = dict(params, limit=250, **({"cursor": cursor} if cursor else {}))
            r = self.srv.get("/v1/search", p)
            self.assertEqual(r.status, 200, r)
            ids += [h["id"] for h in r.body["hits"]]
            cursor = r.body.get("next_cursor")
            if not cursor:
                return ids

    def test_long_exports_page_through(self):
        for params in ({}, {"sort": "date_asc"}, {"q": "shelling power"},
                       {"q": "river", "sort": "relevance"}):
            with self.subTest(params=params):
                want = self.walk(**params)
                r = self.srv.get("/v1/search", dict(params, format="ndjson"))
                self.assertEqual(r.status, 200, r)
                got = [json.loads(line)["id"] for line in r.raw.decode().splitlines()]
                self.assertEqual(got, want)
                self.assertGreater(len(got), 300)
                r = self.srv.get("/v1/search", dict(params, format="csv", limit="333",
                                                    fields="id|title"))
                rows = list(csv.reader(io.StringIO(r.raw.decode(), newline="")))
                self.assertEqual(rows[0], ["id", "title"])
                self.assertEqual([row[0] for row in rows[1:]], want[:333])
                # RFC 4180 quoting survives the round trip.
                for row in rows[1:4]:
                    n = int(row[0][4:])
                    self.assertEqual(row[1], f"Report {n}: shelling near the river, quote "
                                             f"\"{n}\", comma")
        self.assertEqual(len(self.walk()), self.N)
        r = self.srv.get("/v1/search", {"format": "ndjson", "offset": "440"})
        self.assertEqual(len(r.raw.decode().splitlines()), self.N - 440)


if __name__ == "__main__":
    unittest.main(verbosity=2)
