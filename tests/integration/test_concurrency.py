"""test_concurrency.py - readers during writes (issue #5).

One sitrepd serves an index while, for a bounded time, two writers keep
changing it: sitrep-index in a loop (small batches, so a commit every few
articles, and deletes) and the server's own write endpoints (POST
/v1/ingest, DELETE /v1/articles/{id}).  Meanwhile four reader threads send
searches (text, filters, facets, cursors, an export), article lookups,
timelines and autocompletion without pause.  Writers upsert new versions of the same ids
(synthetic.py: each version has its own title and text, with a checksum),
so a torn record, the title of one version with the text of another, is
caught.

Checked: no reader request fails (no 5xx, no connection error; an article
lookup may be a 404, the article being deleted), every record and hit is
intact, each response is consistent in itself (facet counts within the
total, the source facet summing to it, timeline buckets summing to
it), and the server log holds no DatabaseModifiedError or internal error:
a reader whose snapshot a commit overwrote reopens and retries inside.

SITREP_CONCURRENCY_SECONDS sets how long the writers run (default 10).
"""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import synthetic  # noqa: E402

SECONDS = float(os.environ.get("SITREP_CONCURRENCY_SECONDS", "10"))
SEED = 11
ARTICLES = 600
VERSIONS = 4
READERS = 4
CLI_BATCH = os.environ.get("SITREP_CONCURRENCY_BATCH", "1")
CLI_ARTICLES = int(os.environ.get("SITREP_CONCURRENCY_RUN", "100"))
INGEST_KEY = "concurrency-ingest-key-9a8b7c6d"
KEYS = ("api_keys:\n"
        "  - name: writer\n"
        f"    key: {INGEST_KEY}\n"
        "    scopes: [ingest]\n")
AUTH = {"Authorization": f"Bearer {INGEST_KEY}"}
WORDS = synthetic.WORDS + [p.lower() for p in synthetic.PLACES]
BAD_LOG = ("DatabaseModified", "internal_error", ": query: ", "get_record:",
           "could not be read", "index unavailable", "Sanitizer", "runtime error")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.failures = []

    def add(self, key, n=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def fail(self, what):
        with self.lock:
            if len(self.failures) < 50:
                self.failures.append(what)
            self.counts["failures"] = self.counts.get("failures", 0) + 1


class ConcurrencyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin = harness.env_or_skip("SITREP_INDEX_BIN")
        cls.tmp = harness.tempdir("sitrep-test-concurrency-")
        cls.dir = cls.tmp.name
        cls.config = harness.write_config(cls.dir, extra=KEYS)
        cls.index = os.path.join(cls.dir, "index")
        first = harness.write_jsonl(os.path.join(cls.dir, "first.jsonl"),
                                    synthetic.corpus(SEED, ARTICLES))
        harness.build_index(cls.index, [first], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def test_readers_during_writes(self):
        stats = Stats()
        deadline = time.monotonic() + SECONDS
        writers = [threading.Thread(target=self.cli_writer, args=(stats, deadline)),
                   threading.Thread(target=self.http_writer, args=(stats, deadline))]
        readers = [threading.Thread(target=self.reader, args=(stats, writers, k))
                   for k in range(READERS)]
        for t in writers + readers:
            t.start()
        for t in writers + readers:
            t.join(SECONDS + 300)
            self.assertFalse(t.is_alive())
        print(f"test_concurrency: {json.dumps(stats.counts, sort_keys=True)}", file=sys.stderr)
        bad = [l for l in self.srv.lines if any(b in l for b in BAD_LOG)]
        self.assertEqual(stats.failures, [], "\n".join(stats.failures + bad))
        # Both writers got their turns, and the readers saw many revisions.
        self.assertGreater(stats.counts.get("cli_runs", 0), 0)
        self.assertGreater(stats.counts.get("http_ingests", 0), 0)
        self.assertGreater(stats.counts.get("requests", 0), 0)
        self.assertEqual(bad, [])
        # Afterwards the index is whole: every id at most once, all intact.
        r = self.srv.request("GET", "/v1/search", {"format": "ndjson", "dedup": "false",
                                                   "limit": "10000"})
        self.assertEqual(r.status, 200, r)
        hits = [json.loads(l) for l in r.raw.decode("utf-8").splitlines() if l]
        ids = [h["id"] for h in hits]
        self.assertEqual(len(ids), len(set(ids)))
        for h in hits:
            self.assertIsNone(synthetic.check_record(h))
        self.assertEqual(self.srv.get("/v1/stats").body["documents"], len(ids))

    # -- writers ---------------------------------------------------------------

    def some_articles(self, rng, count):
        start = rng.randrange(ARTICLES)
        return [synthetic.article(SEED, (start + k) % ARTICLES, rng.randrange(VERSIONS))
                for k in range(count)]

    def writing(self, stats, key, deadline):
        """A writer goes on until the deadline and until it has written at
        least once (the other may have held the lock all along), within a
        minute more."""
        now = time.monotonic()
        return now < deadline or (stats.counts.get(key, 0) == 0 and now < deadline + 60)

    def cli_writer(self, stats, deadline):
        """sitrep-index over CLI_ARTICLES, a commit every CLI_BATCH, then a delete;
        exit 3 (the server holds the lock) is a turn lost, not an error."""
        rng = random.Random(SEED)
        path = os.path.join(self.dir, "cli-batch.jsonl")
        try:
            while self.writing(stats, "cli_runs", deadline):
                harness.write_jsonl(path, self.some_articles(rng, CLI_ARTICLES))
                p = subprocess.run([self.bin, "--config", self.config, "--index", self.index,
                                    "--batch", CLI_BATCH, "-q", path], capture_output=True,
                                   timeout=300)
                self.cli_result(stats, p, "cli_runs")
                victims = [f"syn-{SEED}-{rng.randrange(ARTICLES):05d}" for _ in range(3)]
                p = subprocess.run([self.bin, "delete", "--config", self.config, "--index",
                                    self.index, *victims], capture_output=True, timeout=300)
                self.cli_result(stats, p, "cli_deletes", ok=(0, 1))
        except Exception as e:  # noqa: BLE001 - reported as a failure
            stats.fail(f"cli writer: {e!r}")

    def cli_result(self, stats, p, key, ok=(0,)):
        if harness.sanitizer_report(p.stderr):
            stats.fail(f"{key}: sanitizer report: {p.stderr.decode()}")
        elif p.returncode == 3 and b"another process is writing" in p.stderr:
            stats.add("cli_busy")
        elif p.returncode in ok:
            stats.add(key)
        else:
            stats.fail(f"{key}: exit {p.returncode}: {p.stderr.decode()[-500:]}")

    def http_writer(self, stats, deadline):
        """POST /v1/ingest of 10 articles and two DELETEs, in a loop; 503
        index_busy (sitrep-index holds the lock) is a turn lost."""
        rng = random.Random(SEED + 1)
        headers = dict(AUTH, **{"Content-Type": "application/x-ndjson"})
        try:
            while self.writing(stats, "http_ingests", deadline):
                batch = self.some_articles(rng, 10)
                body = "".join(json.dumps(a) + "\n" for a in batch).encode("utf-8")
                r = self.srv.request("POST", "/v1/ingest", headers=headers, body=body)
                if r.status == 200 and r.body["indexed"] == len(batch):
                    stats.add("http_ingests")
                elif r.status == 503 and r.body["error"]["code"] == "index_busy":
                    stats.add("http_busy")
                else:
                    stats.fail(f"ingest: {r}")
                for _ in range(2):
                    id_ = f"syn-{SEED}-{rng.randrange(ARTICLES):05d}"
                    r = self.srv.request("DELETE", f"/v1/articles/{id_}", headers=AUTH)
                    if r.status in (200, 404):
                        stats.add("http_deletes")
                    elif r.status == 503 and r.body["error"]["code"] == "index_busy":
                        stats.add("http_busy")
                    else:
                        stats.fail(f"delete {id_}: {r}")
                # A pause, so that sitrep-index finds the lock free now and
                # then (it holds it for a whole run, committing every article).
                time.sleep(0.25)
        except Exception as e:  # noqa: BLE001
            stats.fail(f"http writer: {e!r}")

    # -- readers ---------------------------------------------------------------

    def reader(self, stats, writers, k):
        """Reads until the writers are done."""
        rng = random.Random(SEED * 100 + k)
        kinds = [self.read_text_facets, self.read_filtered_pages, self.read_article,
                 self.read_timeline, self.read_export, self.read_entities]
        while any(w.is_alive() for w in writers):
            kind = rng.choice(kinds)
            try:
                kind(stats, rng)
            except (OSError, http.client.HTTPException) as e:
                stats.fail(f"{kind.__name__}: connection: {e!r}")
            except Exception as e:  # noqa: BLE001 - a malformed answer
                stats.fail(f"{kind.__name__}: {e!r}")

    def get(self, stats, path, params):
        r = self.srv.get(path, params)
        stats.add("requests")
        return r

    def check_hits(self, stats, where, hits, snippets):
        for h in hits:
            why = synthetic.check_record(h) or (snippets and synthetic.check_snippet(h))
            if why:
                stats.fail(f"{where}: torn hit: {why}")
        stats.add("hits_checked", len(hits))

    def read_text_facets(self, stats, rng):
        params = {"q": rng.choice(WORDS), "facets": "place,source,date", "facet_size": "5",
                  "limit": "10", "dedup": rng.choice(["false", "true"])}
        r = self.get(stats, "/v1/search", params)
        if r.status != 200:
            return stats.fail(f"search {params}: {r}")
        total = r.body["total"]
        self.check_hits(stats, f"search {params}", r.body["hits"], False)
        if len(r.body["hits"]) > total["value"] and total["relation"] == "eq":
            stats.fail(f"search {params}: more hits than the total: {r}")
        if total["relation"] == "eq":
            for name, values in r.body["facets"].items():
                for v in values:
                    if v["count"] > total["value"]:
                        stats.fail(f"search {params}: facet {name} {v} over {total}")
            if params["dedup"] == "false":
                s = sum(v["count"] for v in r.body["facets"]["source"])
                if s != total["value"]:
                    stats.fail(f"search {params}: source facets sum to {s}, total {total}")

    def read_filtered_pages(self, stats, rng):
        params = {"place": rng.choice(synthetic.PLACES), "sort": rng.choice(["date_asc",
                  "date_desc"]), "limit": "15", "dedup": "false",
                  "from": str(rng.choice(synthetic.YEARS))}
        for _ in range(3):
            r = self.get(stats, "/v1/search", params)
            if "cursor" in params and r.status == 400 and r.body["error"]["param"] == "cursor" \
                    and "index has changed" in r.body["error"]["message"]:
                # A cursor holds for one revision (API.md); the writers
                # made another one since the last page.
                return stats.add("cursors_outdated")
            if r.status != 200:
                return stats.fail(f"search {params}: {r}")
            self.check_hits(stats, f"search {params}", r.body["hits"], True)
            if not r.body.get("next_cursor"):
                break
            params = dict(params, cursor=r.body["next_cursor"])

    def read_article(self, stats, rng):
        id_ = f"syn-{SEED}-{rng.randrange(ARTICLES):05d}"
        r = self.get(stats, f"/v1/articles/{id_}", None)
        if r.status == 200:
            why = synthetic.check_record(r.body)
            if why:
                stats.fail(f"article {id_}: torn: {why}")
            stats.add("articles_checked")
        elif not (r.status == 404 and r.body["error"]["code"] == "not_found"):
            stats.fail(f"article {id_}: {r}")

    def read_timeline(self, stats, rng):
        params = {"place": rng.choice(synthetic.PLACES), "interval": "month",
                  "from": "2021-01", "to": "2024-12", "dedup": "false"}
        r = self.get(stats, "/v1/timeline", params)
        if r.status != 200:
            return stats.fail(f"timeline {params}: {r}")
        s = sum(b["articles"] for b in r.body["buckets"]) + r.body["undated"]
        if r.body["total"]["relation"] == "eq" and s != r.body["total"]["value"]:
            stats.fail(f"timeline {params}: buckets sum to {s}: {r}")

    def read_entities(self, stats, rng):
        """Autocomplete walks the index's place or person terms."""
        params = {"type": rng.choice(["place", "person"]),
                  "prefix": rng.choice(synthetic.PLACES)[:3].lower(), "limit": "10"}
        r = self.get(stats, "/v1/entities", params)
        if r.status != 200:
            return stats.fail(f"entities {params}: {r}")

    def read_export(self, stats, rng):
        params = {"format": "ndjson", "limit": "200", "dedup": "false",
                  "place": rng.choice(synthetic.PLACES)}
        r = self.get(stats, "/v1/search", params)
        if r.status != 200:
            return stats.fail(f"export {params}: {r}")
        lines = r.raw.decode("utf-8").splitlines()
        hits = [json.loads(l) for l in lines if l]
        self.check_hits(stats, f"export {params}", hits, True)
        ids = [h["id"] for h in hits]
        if len(ids) != len(set(ids)):
            stats.fail(f"export {params}: an id twice")


if __name__ == "__main__":
    unittest.main(verbosity=2)
