"""test_crash.py - crash safety (issue #5): SIGKILL sitrep-index and sitrepd
at seeded random points of large ingests, many times over one index, and
check after every kill that the index opens, that everything reported as
committed is there and intact, that nothing is there twice, and that
running the same ingest again completes the set.

sitrep-index runs with -v --commits: "committed N" follows the N
"indexed" lines it made durable, so the articles reported committed are
exactly those before the last "committed" line the test read.  Every run
ingests the same corpus from the start in batches of BATCH, so the index
must hold a prefix of the corpus whose length is a multiple of BATCH (or
the whole corpus), at least as long as anything ever reported: a batch
lands whole or not at all, and a killed re-run never loses what an earlier
run committed.  The same again on an index of two shards (--shards 2),
where a kill during a commit may leave the last batch in one shard only:
there the index holds every batch before its last whole, and of the last
what some shards committed.

sitrepd takes the corpus as POST /v1/ingest bodies of BATCH articles from a
client thread; a 200 means the body is durable.  After each kill every
body answered 200 must be there whole, and every other body whole or not at
all.

Scale with SITREP_CRASH_ROUNDS (kills of the indexer; the server gets half
as many) and SITREP_CRASH_ARTICLES (corpus size).  Under the sanitizer
setup (ASAN_OPTIONS set) the defaults are smaller, to stay bounded.
Randomness is seeded (SITREP_CRASH_SEED): where a kill lands varies with
the machine's speed, but what is checked holds wherever it lands.
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

SANITIZED = bool(os.environ.get("ASAN_OPTIONS"))
ROUNDS = int(os.environ.get("SITREP_CRASH_ROUNDS", "6" if SANITIZED else "12"))
ARTICLES = int(os.environ.get("SITREP_CRASH_ARTICLES", "400" if SANITIZED else "1000"))
SEED = int(os.environ.get("SITREP_CRASH_SEED", "5"))
BATCH = 20
INGEST_KEY = "crash-ingest-key-1b2c3d4e5f60"
KEYS = ("api_keys:\n"
        "  - name: crash\n"
        f"    key: {INGEST_KEY}\n"
        "    scopes: [ingest, search]\n")

# Totals for the summary line at the end.
TOTALS = {"kills": 0, "articles_checked": 0, "requests": 0}


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                          **kw)


def no_report(test, text, what):
    report = harness.sanitizer_report(text)
    test.assertFalse(report, f"{what}: sanitizer report:\n{text}")


class Killed:
    """A sitrep-index run, SIGKILLed when told; its stdout is read as it
    comes.  committed: the ids reported durable ("indexed" lines followed
    by a "committed N" line that counts them)."""

    def __init__(self, cmd, kill_at):
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.kill_at = kill_at
        self.indexed = 0
        self.committed = []
        self.bad_lines = []
        self.reached = threading.Event()
        self.stderr = b""
        if kill_at <= 0:
            self.reached.set()
        self._out = threading.Thread(target=self._read_out, daemon=True)
        self._err = threading.Thread(target=self._read_err, daemon=True)
        self._out.start()
        self._err.start()

    def _read_out(self):
        pending = []
        for raw in self.proc.stdout:
            if not raw.endswith(b"\n"):
                break  # a line cut by the kill says nothing
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("indexed "):
                pending.append(line.split(" ")[1])
                self.indexed += 1
                if self.indexed >= self.kill_at:
                    self.reached.set()
            elif line.startswith("committed "):
                if int(line.split(" ")[1]) != len(pending):
                    self.bad_lines.append(f"{line!r} after {len(pending)} indexed lines")
                self.committed += pending
                pending = []
            else:
                self.bad_lines.append(line)
        self.reached.set()

    def _read_err(self):
        self.stderr = self.proc.stderr.read()

    def kill(self, delay):
        """SIGKILL delay seconds after the kill point; True when the process
        was still running then."""
        self.reached.wait(300)
        time.sleep(delay)
        alive = self.proc.poll() is None
        self.proc.kill()
        self.proc.wait()
        self._out.join(10)
        self._err.join(10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return alive


class CrashTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin = harness.env_or_skip("SITREP_INDEX_BIN")
        harness.env_or_skip("SITREP_SERVER_BIN")
        cls.tmp = harness.tempdir("sitrep-test-crash-")
        cls.dir = cls.tmp.name
        cls.config = harness.write_config(cls.dir, extra=KEYS)
        cls.corpus = synthetic.corpus(SEED, ARTICLES)
        cls.ids = [a["id"] for a in cls.corpus]
        cls.pos = {id_: i for i, id_ in enumerate(cls.ids)}
        cls.jsonl = harness.write_jsonl(os.path.join(cls.dir, "corpus.jsonl"), cls.corpus)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        print(f"test_crash: {TOTALS['kills']} kills survived, "
              f"{TOTALS['articles_checked']} articles checked, "
              f"{TOTALS['requests']} requests, 0 failures", file=sys.stderr)

    # -- checks ------------------------------------------------------------

    def present(self, index):
        """Opens the index with the CLI: {id: record} of the corpus ids it
        holds, each checked intact, and its document count, which must be
        the number of distinct ids found (nothing twice, nothing else)."""
        p = run([self.bin, "stats", "--config", self.config, "--index", index])
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        no_report(self, p.stderr, "stats")
        documents = json.loads(p.stdout)["documents"]
        p = run([self.bin, "get", "--config", self.config, "--index", index, *self.ids])
        self.assertIn(p.returncode, (0, 1), p.stderr.decode()[-2000:])
        no_report(self, p.stderr, "get")
        records = {}
        for line in p.stdout.decode("utf-8").splitlines():
            rec = json.loads(line)
            self.assertIsNone(synthetic.check_record(rec))
            self.assertNotIn(rec["id"], records)
            records[rec["id"]] = rec
        TOTALS["articles_checked"] += len(records)
        self.assertEqual(documents, len(records),
                         "the document count is not the number of distinct ids")
        self.assertLessEqual(documents, len(self.ids))
        return records

    def check_over_http(self, index, expect):
        """A fresh sitrepd over the index agrees: stats, an export of every
        id (unique), and a sample of whole articles."""
        with harness.Server(index, self.config) as srv:
            auth = {"Authorization": f"Bearer {INGEST_KEY}"}
            r = srv.get("/v1/stats", headers=auth)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.body["documents"], len(expect))
            r = srv.request("GET", "/v1/search", {"format": "ndjson", "dedup": "false",
                                                  "sort": "date_asc", "limit": "10000"},
                            headers=auth)
            self.assertEqual(r.status, 200, r)
            hits = [json.loads(l) for l in r.raw.decode("utf-8").splitlines() if l]
            ids = [h["id"] for h in hits]
            self.assertEqual(len(ids), len(set(ids)), "an id is exported twice")
            self.assertEqual(set(ids), set(expect))
            for h in hits:
                self.assertIsNone(synthetic.check_record(h))
                self.assertIsNone(synthetic.check_snippet(h))
            sample = random.Random(len(expect)).sample(sorted(expect), min(25, len(expect)))
            for id_ in sample:
                r = srv.get(f"/v1/articles/{id_}", headers=auth)
                self.assertEqual(r.status, 200, r)
                self.assertIsNone(synthetic.check_record(r.body))
                self.assertEqual(r.body["text"], expect[id_]["text"])
            TOTALS["requests"] += 2 + len(sample)
            TOTALS["articles_checked"] += len(hits) + len(sample)

    def index_cmd(self, index, shards=1):
        return [self.bin, "--config", self.config, "--index", index, "--batch", str(BATCH),
                "--shards", str(shards), "-v", "--commits", self.jsonl]

    # -- sitrep-index --------------------------------------------------------

    def test_indexer_killed(self):
        self.indexer_killed("cli-index", 1, ROUNDS)

    def test_indexer_killed_sharded(self):
        self.indexer_killed("cli-index-shards", 2, ROUNDS // 2)

    def indexer_killed(self, name, shards, rounds):
        rng = random.Random(SEED + shards)
        index = os.path.join(self.dir, name)
        ever = set()  # every id ever reported committed
        longest = 0
        for rnd in range(rounds + 1):
            if rnd == rounds // 2:
                # Half way: one run to the end completes the set.
                self.complete_cli(index, shards)
                ever = set(self.ids)
                longest = len(self.ids)
                continue
            if rnd % 4 == 1:
                # Early: while loading the gazetteer or in the first batches.
                kill_at, delay = 0, rng.uniform(0.0, 1.0)
            else:
                kill_at, delay = rng.randrange(1, len(self.ids)), rng.uniform(0.0, 0.05)
            run_ = Killed(self.index_cmd(index, shards), kill_at)
            alive = run_.kill(delay)
            self.assertEqual(run_.bad_lines, [])
            no_report(self, run_.stderr, "sitrep-index")
            if not alive:
                # It finished before the kill (a late kill point on a fast
                # machine): it must have succeeded.
                self.assertEqual(run_.proc.returncode, 0, run_.stderr.decode())
            TOTALS["kills"] += alive
            ever.update(run_.committed)
            records = self.present(index)
            n = len(records)
            if shards == 1:
                # A prefix of the corpus, whole batches only, nothing lost.
                self.assertEqual(set(records), set(self.ids[:n]))
                self.assertTrue(n % BATCH == 0 or n == len(self.ids), n)
            elif records:
                # Every batch before the last one present is whole.
                top = max(self.pos[i] for i in records) + 1
                whole = top - (top - 1) % BATCH - 1
                self.assertTrue(set(self.ids[:whole]) <= set(records) <= set(self.ids[:top]),
                                f"round {rnd}: not the batches before the last whole")
            self.assertTrue(ever <= set(records),
                            f"round {rnd}: {len(ever - set(records))} committed articles lost")
            self.assertGreaterEqual(n, longest, "a re-run lost earlier commits")
            longest = n
            if rnd % 4 == 3:
                self.check_over_http(index, records)
        self.complete_cli(index, shards)
        p = run([self.bin, "stats", "--config", self.config, "--index", index])
        self.assertEqual(json.loads(p.stdout)["shards"], shards)

    def complete_cli(self, index, shards):
        """Runs the ingest to its end: the index is then exactly the corpus."""
        for _ in range(50):
            p = run(self.index_cmd(index, shards))
            # A killed writer's lock may outlive it for a moment (exit 3).
            if p.returncode != 3 or b"another process" not in p.stderr:
                break
            time.sleep(0.1)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        no_report(self, p.stderr, "sitrep-index")
        self.assertEqual(p.stdout.decode().count("indexed "), len(self.ids))
        records = self.present(index)
        self.assertEqual(set(records), set(self.ids))
        self.check_over_http(index, records)

    # -- sitrepd ---------------------------------------------------------------

    def test_server_killed(self):
        rng = random.Random(SEED + 1)
        index = os.path.join(self.dir, "http-index")
        batches = [self.corpus[i:i + BATCH] for i in range(0, len(self.corpus), BATCH)]
        acked = set()  # batch numbers answered 200
        start = 0
        for rnd in range(max(1, ROUNDS // 2)):
            srv = harness.Server(index, self.config).start()
            # Each round sends from where the last one stopped, so the
            # kills fall all over the corpus.
            order = [(start + k) % len(batches) for k in range(len(batches))]
            kill_after = rng.randrange(1, len(batches))
            sender = Sender(srv, batches, order, kill_after)
            sender.start()
            sender.reached.wait(300)
            time.sleep(rng.uniform(0.0, 0.05))
            alive = srv.alive()
            sender.killing = True
            srv.proc.kill()
            srv.proc.wait()
            sender.join(60)
            self.assertFalse(sender.is_alive())
            self.assertEqual(sender.failures, [])
            srv.stop()  # reaps it; fails on a sanitizer report
            TOTALS["kills"] += alive
            TOTALS["requests"] += sender.requests
            acked |= set(sender.acked)
            start = (sender.acked[-1] + 1) % len(batches) if sender.acked else start
            records = self.present(index)
            for b, batch in enumerate(batches):
                there = sum(a["id"] in records for a in batch)
                if b in acked:
                    self.assertEqual(there, len(batch), f"round {rnd}: batch {b} answered "
                                     f"200 but {len(batch) - there} of it is missing")
                else:
                    self.assertIn(there, (0, len(batch)), f"round {rnd}: batch {b} is torn")
            for id_, rec in records.items():
                self.assertEqual(rec["text"], self.corpus[self.pos[id_]]["text"])
        # Re-sending every batch completes the set, without duplicates.
        with harness.Server(index, self.config) as srv:
            sender = Sender(srv, batches, range(len(batches)), len(batches) + 1)
            sender.run()
            self.assertEqual(sender.failures, [])
            self.assertEqual(len(sender.acked), len(batches))
            TOTALS["requests"] += sender.requests
        records = self.present(index)
        self.assertEqual(set(records), set(self.ids))
        self.check_over_http(index, records)


class Sender(threading.Thread):
    """POSTs batches in order until the server dies; acked: the batch
    numbers answered 200 (each checked: every id indexed, none rejected).
    reached is set once kill_after batches were answered."""

    def __init__(self, srv, batches, order, kill_after):
        super().__init__(daemon=True)
        self.srv, self.batches, self.order = srv, batches, list(order)
        self.kill_after = kill_after
        self.acked, self.failures = [], []
        self.requests = 0
        self.killing = False  # set just before the server is killed
        self.reached = threading.Event()

    def run(self):
        headers = {"Authorization": f"Bearer {INGEST_KEY}",
                   "Content-Type": "application/x-ndjson"}
        try:
            for b in self.order:
                batch = self.batches[b]
                body = "".join(json.dumps(a) + "\n" for a in batch).encode("utf-8")
                try:
                    r = self.srv.request("POST", "/v1/ingest", headers=headers, body=body,
                                         timeout=120)
                except (OSError, http.client.HTTPException):
                    if not self.killing:
                        self.failures.append(f"batch {b}: connection failed")
                    return  # killed: whether this batch landed is not known
                self.requests += 1
                if r.status != 200:
                    if not self.killing:
                        self.failures.append(f"batch {b}: {r}")
                    return
                if r.body["ids"] != [a["id"] for a in batch] or r.body["rejected"] != 0:
                    self.failures.append(f"batch {b}: {r}")
                    return
                self.acked.append(b)
                if len(self.acked) >= self.kill_after:
                    self.reached.set()
        finally:
            self.reached.set()


if __name__ == "__main__":
    unittest.main(verbosity=2)
