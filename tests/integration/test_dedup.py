"""Near-duplicate collapsing (dedup=true, the default) over the bundled samples.

tests/samples-expected.json names, for each syndicated copy, the first
sample of its copy group (duplicate_of): the Kyiv missile strikes pair and
the Odesa group of three.  Every expectation here is computed from that:
a group is one hit with copies = its size, and no two other samples are
ever merged.
"""
import collections
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = harness.source_dir()
with open(os.path.join(SRC, "tests", "samples-expected.json"), encoding="utf-8") as f:
    EXPECTED = json.load(f)


class DedupTest(unittest.TestCase):
    SHARDS = 1

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir("sitrep-test-dedup-")
        config, cls.index, cls.ids = harness.index_samples(cls.tmp.name, cls.SHARDS)
        cls.srv = harness.Server(cls.index, config).start()
        # article id -> the id of its group's first sample (itself if alone)
        cls.group = {cls.ids[k]: cls.ids[v.get("duplicate_of", k)] for k, v in EXPECTED.items()}
        cls.sizes = collections.Counter(cls.group.values())

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def get(self, path, **params):
        r = self.srv.get(path, params)
        self.assertEqual(r.status, 200, r)
        return r.body

    def search(self, **params):
        params.setdefault("limit", "250")
        return self.get("/v1/search", **params)

    def test_ground_truth_has_the_groups(self):
        self.assertEqual(len(EXPECTED), 46)
        self.assertEqual(sorted(n for n in self.sizes.values() if n > 1), [2, 3])

    def test_one_hit_per_group_with_its_copy_count(self):
        body = self.search()
        hits = body["hits"]
        self.assertEqual(body["total"], {"value": len(self.sizes), "relation": "eq"})
        self.assertEqual(len(hits), len(self.sizes))
        # Exactly one member of each group, carrying the group's size: the
        # distinct samples are never merged, the copies always are.
        self.assertEqual(sorted(self.group[h["id"]] for h in hits), sorted(self.sizes))
        for h in hits:
            self.assertEqual(h["copies"], self.sizes[self.group[h["id"]]], h["id"])
        self.assertEqual(sum(h["copies"] for h in hits), len(EXPECTED))

    def test_dedup_false_shows_every_copy(self):
        body = self.search(dedup="false")
        self.assertEqual(body["total"], {"value": len(EXPECTED), "relation": "eq"})
        self.assertEqual(sorted(h["id"] for h in body["hits"]), sorted(self.group))
        self.assertEqual({h["copies"] for h in body["hits"]}, {1})
        self.assertEqual(body["query"]["dedup"], False)
        self.assertNotIn("dedup", self.search()["query"])

    def test_copies_count_matches_only(self):
        # The Odesa group by text: one hit, three copies.
        body = self.search(q="grain terminals")
        odesa = [h for h in body["hits"] if "odesa-port-strikes" in h["id"]]
        self.assertEqual(len(odesa), 1)
        self.assertEqual(odesa[0]["copies"], 3)
        # Filtered to one outlet, only the copy there matches.
        body = self.search(q="grain terminals", source="example.net")
        self.assertEqual([(h["id"], h["copies"]) for h in body["hits"]],
                         [(self.ids["sample-2023-07-20-odesa-port-strikes-wire"], 1)])

    def test_facets_count_groups_and_articles(self):
        body = self.search(facets="source,place,date", facet_size=100)
        for name, param in (("source", "source"), ("place", "place")):
            for e in body["facets"][name]:
                with self.subTest(facet=name, value=e["value"]):
                    # count is what the filter totals, with dedup as without
                    self.assertEqual(self.search(limit=1, **{param: e["value"]})["total"],
                                     {"value": e["count"], "relation": "eq"})
                    raw = self.search(limit=1, dedup="false", **{param: e["value"]})
                    self.assertEqual(raw["total"]["value"], e["articles"])
        sources = {e["value"]: (e["count"], e["articles"]) for e in body["facets"]["source"]}
        # Samples without a URL (the scraped text files) have no source.
        self.assertEqual(sum(a for _, a in sources.values()),
                         sum(1 for v in EXPECTED.values() if v.get("url")))
        # Dated groups count once, in the month of their earliest copy.
        self.assertEqual(sum(e["count"] for e in body["facets"]["date"]), len(self.sizes))
        self.assertEqual(sum(e["articles"] for e in body["facets"]["date"]), len(EXPECTED))
        july = [e for e in body["facets"]["date"] if e["value"] == "2023-07"][0]
        self.assertEqual(july["articles"] - july["count"], 2)  # the two Odesa copies

    def test_timeline_articles_and_unique(self):
        for dedup, total in (("true", 1), ("false", 3)):
            with self.subTest(dedup=dedup):
                body = self.get("/v1/timeline", **{"from": "2023-07-20", "to": "2023-07-20",
                                                   "q": "grain", "dedup": dedup})
                self.assertEqual(body["total"], {"value": total, "relation": "eq"})
                self.assertEqual(body["undated"], 0)
                self.assertEqual(body["buckets"],
                                 [{"date": "2023-07-20", "articles": 3, "unique": 1}])
        body = self.get("/v1/timeline", interval="month")
        self.assertEqual(sum(b["articles"] for b in body["buckets"]) + body["undated"],
                         len(EXPECTED))
        self.assertEqual(sum(b["unique"] for b in body["buckets"]) + body["undated"],
                         len(self.sizes))
        oct22 = [b for b in body["buckets"] if b["date"] == "2022-10-01"][0]
        self.assertEqual(oct22["articles"] - oct22["unique"], 1)  # the Kyiv pair

    def walk(self, limit, **params):
        got, cursor = [], None
        while True:
            p = dict(params, limit=str(limit), fields="id|copies")
            if cursor:
                p["cursor"] = cursor
            body = self.get("/v1/search", **p)
            got += [h["id"] for h in body["hits"]]
            cursor = body.get("next_cursor")
            if not cursor:
                return got

    def test_cursor_visits_every_group_once(self):
        for params in ({}, {"sort": "date_asc"}, {"q": "Ukraine OR Russia"},
                       {"q": "strikes", "sort": "date_desc"}):
            want = [h["id"] for h in self.search(**params)["hits"]]
            for limit in (1, 4):
                with self.subTest(params=params, limit=limit):
                    got = self.walk(limit, **params)
                    self.assertEqual(got, want)
                    self.assertEqual(len({self.group[i] for i in got}), len(got))
        # A cursor is bound to its dedup setting.
        first = self.search(limit=2)
        r = self.srv.get("/v1/search", {"cursor": first["next_cursor"], "dedup": "false"})
        self.assertEqual(r.status, 400, r)

    def test_geo_counts_groups(self):
        body = self.get("/v1/geo", top="5")
        odesa = [f for f in body["features"] if f["properties"]["name"] == "Odesa"][0]
        raw = self.get("/v1/geo", top="5", dedup="false")
        odesa_raw = [f for f in raw["features"] if f["properties"]["name"] == "Odesa"][0]
        self.assertEqual(odesa_raw["properties"]["count"] - odesa["properties"]["count"], 2)
        self.assertEqual(len(odesa["properties"]["articles"]),
                         min(5, odesa["properties"]["count"]))


class ShardedDedupTest(DedupTest):
    """The same over three shards (index.shards): copies land in the shard
    their ids hash to, and are grouped across shards all the same."""
    SHARDS = 3


if __name__ == "__main__":
    unittest.main(verbosity=2)
