"""The bundled sample articles through the whole path: indexer, index, sitrepd.

tests/samples-expected.json states, from what the samples say, which places,
countries, persons and publication dates each sample has.  Every query here
must return exactly the samples that the ground truth predicts: nothing
missing, nothing extra.
"""
import json
import os
import unittest

import harness

SRC = harness.source_dir()
with open(os.path.join(SRC, "tests", "samples-expected.json"), encoding="utf-8") as f:
    EXPECTED = json.load(f)


class Samples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir("sitrep-test-samples-")
        config, cls.index, cls.ids = harness.index_samples(cls.tmp.name)
        cls.server = harness.Server(cls.index, config)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def search(self, **params):
        params.setdefault("limit", "250")
        # The ground truth is per article: every copy of a syndicated story
        # is checked here, so copies are not collapsed (test_dedup.py checks
        # the collapsing against the same ground truth).
        params.setdefault("dedup", "false")
        status, _, body = self.server.get("/v1/search", params)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["total"]["relation"], "eq")
        self.assertEqual(body["total"]["value"], len(body["hits"]))
        return body

    def expect(self, predicate):
        return sorted(self.ids[k] for k, v in EXPECTED.items() if predicate(v))

    def got(self, **params):
        return sorted(h["id"] for h in self.search(**params)["hits"])

    def test_every_sample_is_indexed_with_its_date(self):
        self.assertEqual(len(EXPECTED), 46)
        for key, want in EXPECTED.items():
            self.assertIn(key, self.ids, key)
            status, _, rec = self.server.get("/v1/articles/" + self.ids[key])
            self.assertEqual(status, 200, key)
            self.assertEqual(rec["published"], want["published"], key)
            self.assertEqual(rec["title"], want["title"], key)
            self.assertEqual(rec["published_inferred"], want["published_from"] == "text", key)

    def test_place_filters(self):
        for name in ("Kharkiv", "Kyiv", "Mariupol", "Bakhmut", "Kherson", "Odesa", "Aleppo",
                     "Khartoum", "Zaporizhzhia"):
            with self.subTest(place=name):
                self.assertEqual(self.got(place=name),
                                 self.expect(lambda v: name in v["places"]))
        # Other spellings and scripts resolve to the same place.
        self.assertEqual(self.got(place="Kharkov"), self.got(place="Kharkiv"))
        self.assertEqual(self.got(place="Харків"), self.got(place="Kharkiv"))
        self.assertEqual(self.got(place="Artemivsk"), self.got(place="Bakhmut"))

    def test_country_filters_cover_places_inside(self):
        for code in ("UA", "SY", "SD"):
            with self.subTest(country=code):
                self.assertEqual(self.got(place=code),
                                 self.expect(lambda v: code in v["countries"]))
        both = self.expect(lambda v: "SY" in v["countries"] or "SD" in v["countries"])
        self.assertEqual(self.got(place="SY|SD"), both)

    def test_person_filters(self):
        for full, surname in (("Volodymyr Zelensky", "Zelensky"), ("Vladimir Putin", "Putin"),
                              ("Antonio Guterres", "Guterres"),
                              ("Bashar al-Assad", "Assad")):
            with self.subTest(person=full):
                want = self.expect(lambda v: full in v["persons"])
                self.assertTrue(want)
                self.assertEqual(self.got(person=full), want)
                if surname != "Assad":
                    self.assertEqual(self.got(person=surname), want)
        # Spellings config/gazetteer.yaml lists resolve to the canonical id.
        self.assertEqual(self.search(person="Zelenskyy")["query"]["person"],
                         ["person:volodymyr-zelensky"])
        # The canonical surname keeps meaning everyone of that surname.
        self.assertEqual(self.search(person="Zelensky")["query"]["person"], ["zelensky"])
        self.assertEqual(self.got(person="Zelenskyy"), self.got(person="Volodymyr Zelensky"))
        self.assertEqual(self.got(person="Володимир Зеленський"),
                         self.got(person="Volodymyr Zelensky"))
        self.assertEqual(self.got(person="António Guterres"), self.got(person="Antonio Guterres"))

    def test_date_ranges(self):
        for frm, to in (("2022-02-24", "2022-03-05"), ("2022", "2022"), ("2023-05", "2023-06"),
                        ("2016-01-01", "2021-12-31")):
            with self.subTest(frm=frm, to=to):
                lo = frm if len(frm) == 10 else (frm + "-01-01" if len(frm) == 4 else frm + "-01")
                hi = to if len(to) == 10 else (to + "-12-31" if len(to) == 4 else to + "-31")
                self.assertEqual(self.got(**{"from": frm, "to": to}),
                                 self.expect(lambda v: lo <= v["published"] <= hi))

    def test_filters_combine(self):
        want = self.expect(lambda v: "UA" in v["countries"] and "Volodymyr Zelensky" in v["persons"]
                           and v["published"].startswith("2022"))
        self.assertTrue(want)
        self.assertEqual(self.got(place="UA", person="Zelensky", **{"from": "2022", "to": "2022"}),
                         want)

    def test_text_query_with_filter_ranks_and_highlights(self):
        body = self.search(q="shelling", place="Kharkiv")
        self.assertTrue(body["hits"])
        for hit in body["hits"]:
            self.assertIn(hit["id"], self.expect(lambda v: "Kharkiv" in v["places"]))
            # The snippet comes from the text; a hit that matched in its
            # title alone starts at the lead instead.
            status, _, rec = self.server.get("/v1/articles/" + hit["id"])
            if "shell" in rec["text"].lower():
                self.assertIn("<mark>", hit["snippet"])
            else:
                self.assertNotIn("<mark>", hit["snippet"])
                self.assertIn("shell", rec["title"].lower())

    def test_sort_by_date(self):
        hits = self.search(sort="date_asc")["hits"]
        dates = [h["published"] for h in hits]
        self.assertEqual(len(hits), 46)
        self.assertEqual(dates, sorted(dates))
        dates = [h["published"] for h in self.search()["hits"]]
        self.assertEqual(dates, sorted(dates, reverse=True))


if __name__ == "__main__":
    unittest.main(verbosity=2)
