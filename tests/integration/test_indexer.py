"""sitrep-index end to end: real files in a temp folder, a real index on disk.

Checks what a user of the indexer relies on: every bad record is reported with
its file and line and skipped, nothing already indexed is lost, re-indexing
never duplicates, stdin works, an interrupted run leaves a valid index, and a
second writer is refused.  The index is inspected with `sitrep-index stats`
and `get`.
"""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

import harness

BIN = os.environ["SITREP_INDEX_BIN"]
SRC = os.environ["SITREP_SOURCE_DIR"]
SAMPLES = os.path.join(SRC, "indexer", "samples")


def run(cmd, **kw):
    """subprocess.run, failing on a sanitizer report in the program's stderr
    (the build-asan pass of scripts/test.sh): its exit status alone does not
    tell when a test expects a failure."""
    p = subprocess.run(cmd, **kw)
    if harness.sanitizer_report(p.stderr):
        raise AssertionError(f"{' '.join(cmd)}: sanitizer report:\n"
                             + p.stderr.decode(errors="replace"))
    return p


def article(i, **extra):
    rec = {
        "id": f"t-{i:06d}",
        "title": f"Report {i} on shelling near Kharkiv",
        "url": f"https://example.org/reports/{i}",
        "published": "2022-03-01",
        "text": f"Report number {i}. Shelling was reported near Kharkiv on Monday, "
        "local officials said. " * 3,
    }
    rec.update(extra)
    return rec


class Indexer(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sitrep-test-indexer-")
        self.dir = self.tmp.name
        self.index = os.path.join(self.dir, "index")

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return path

    def run_index(self, *args, stdin=None, timeout=120):
        p = run([BIN, "--index", self.index, "-v", *args], input=stdin,
                capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode(), p.stderr.decode(errors="replace")

    def stats(self):
        p = run([BIN, "stats", "--index", self.index], capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return json.loads(p.stdout)

    def get(self, *ids):
        p = run([BIN, "get", "--index", self.index, *ids], capture_output=True,
                timeout=60)
        return p.returncode, [json.loads(l) for l in p.stdout.decode().splitlines()]

    def indexed_ids(self, stdout):
        return [l.split()[1] for l in stdout.splitlines() if l.startswith("indexed ")]

    # --- the bundled samples ------------------------------------------------

    def test_samples_index_cleanly_and_reindex_without_duplicates(self):
        with open(os.path.join(SRC, "tests", "samples-expected.json")) as f:
            expected = json.load(f)
        rc, out, err = self.run_index(SAMPLES)
        self.assertEqual(rc, 0, err)
        ids = self.indexed_ids(out)
        self.assertEqual(len(ids), len(expected), err)
        self.assertEqual(self.stats()["documents"], len(expected))
        # Every JSON Lines sample keeps its own id.
        for key in expected:
            if not key.endswith((".txt", ".html", ".htm", ".md")):
                self.assertIn(key, ids)
        rc, out2, err = self.run_index(SAMPLES)
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(self.indexed_ids(out2)), sorted(ids))
        self.assertEqual(self.stats()["documents"], len(expected))

    # --- bad input ----------------------------------------------------------

    def test_bad_json_lines_are_reported_with_line_and_skipped(self):
        good1 = json.dumps(article(1))
        good2 = json.dumps(article(2))
        lines = [
            good1,                                         # 1 ok
            '{"id": "broken", "text": "no closing brace"',  # 2 invalid JSON
            '{"id": "u", "title": "x", "text": "bad \xff"}'.encode("latin-1"),  # 3 bad UTF-8
            json.dumps({"id": "empty", "title": "t", "text": ""}),  # 4 empty text
            "",                                            # 5 blank: ignored
            json.dumps({"id": 7, "text": 12}),             # 6 wrong types
            "[1, 2]",                                      # 7 not an object
            good2,                                         # 8 ok
        ]
        data = b"\n".join(l if isinstance(l, bytes) else l.encode() for l in lines) + b"\n"
        path = self.write("bad.jsonl", data)
        rc, out, err = self.run_index(path)
        self.assertEqual(rc, 1, "rejections must show in the exit status")
        for line in (2, 3, 4, 6, 7):
            self.assertIn(f"{path}:{line}: ", err)
        self.assertNotIn(f"{path}:5:", err)
        self.assertNotIn(f"{path}:1:", err)
        self.assertIn("UTF-8", err)
        self.assertIn("empty text", err)
        self.assertEqual(sorted(self.indexed_ids(out)), ["t-000001", "t-000002"])
        self.assertEqual(self.stats()["documents"], 2)

    def test_bad_files_never_lose_what_is_indexed(self):
        rc, out, err = self.run_index(self.write("first.jsonl", json.dumps(article(1)) + "\n"))
        self.assertEqual(rc, 0, err)
        empty = self.write("empty.txt", b"")
        binary = self.write("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
        huge = self.write("huge.jsonl", json.dumps(article(2)).encode() + b"\n" +
                          b'{"id":"huge","text":"' + b"x" * (50 << 20) + b'"}\n' +
                          json.dumps(article(3)).encode() + b"\n")
        rc, out, err = self.run_index(empty, binary, huge, timeout=300)
        self.assertEqual(rc, 1)
        self.assertIn(f"{empty}:", err)
        self.assertIn(f"{binary}:1: ", err)
        self.assertIn(f"{huge}:2: ", err)
        self.assertIn("too large", err)
        self.assertEqual(sorted(self.indexed_ids(out)), ["t-000002", "t-000003"])
        self.assertEqual(self.stats()["documents"], 3)
        rc, recs = self.get("t-000001")
        self.assertEqual(rc, 0)
        self.assertEqual(recs[0]["title"], article(1)["title"])

    def test_unreadable_paths_are_reported(self):
        rc, out, err = self.run_index(os.path.join(self.dir, "missing.jsonl"),
                                      self.write("notes.docx", b"PK\x03\x04"))
        self.assertEqual(rc, 1)
        self.assertIn("missing.jsonl: cannot open", err)
        self.assertIn("notes.docx: unsupported file type", err)

    # --- ids, replacement, stdin ------------------------------------------------

    def test_ids_are_derived_and_stable(self):
        no_id = {k: v for k, v in article(1).items() if k != "id"}
        no_id_no_url = {k: v for k, v in no_id.items() if k != "url"}
        path = self.write("a.jsonl", json.dumps(no_id) + "\n" + json.dumps(no_id_no_url) + "\n")
        rc, out, err = self.run_index(path)
        self.assertEqual(rc, 0, err)
        ids = self.indexed_ids(out)
        self.assertEqual(ids[0], "example-org-reports-1")
        self.assertRegex(ids[1], r"^h-[0-9a-f]{32}$")
        rc, out, err = self.run_index(path)
        self.assertEqual(self.indexed_ids(out), ids)
        self.assertEqual(self.stats()["documents"], 2)

    def test_same_id_replaces(self):
        self.run_index(self.write("v1.jsonl", json.dumps(article(1, title="First version")) + "\n"))
        self.run_index(self.write("v2.jsonl", json.dumps(article(1, title="Second version")) + "\n"))
        self.assertEqual(self.stats()["documents"], 1)
        rc, recs = self.get("t-000001")
        self.assertEqual(recs[0]["title"], "Second version")

    def test_stdin_json_lines(self):
        data = "".join(json.dumps(article(i)) + "\n" for i in range(5)).encode()
        rc, out, err = self.run_index("-", stdin=data)
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(self.indexed_ids(out)), 5)
        self.assertEqual(self.stats()["documents"], 5)

    def test_published_is_inferred_from_the_text(self):
        rec = article(1)
        del rec["published"]
        rec["text"] = "Residents queued for water. Photo taken on Feb. 28, 2022 in the city. " * 2
        self.run_index(self.write("d.jsonl", json.dumps(rec) + "\n"))
        rc, recs = self.get("t-000001")
        self.assertEqual(recs[0]["published"], "2022-02-28")
        self.assertTrue(recs[0]["published_inferred"])

    # --- interruption and locking -------------------------------------------

    def feed(self, proc, start, n):
        for i in range(start, start + n):
            proc.stdin.write((json.dumps(article(i)) + "\n").encode())
        proc.stdin.flush()

    def test_killed_run_loses_at_most_the_batch_in_progress(self):
        proc = subprocess.Popen([BIN, "--index", self.index, "--batch", "50", "-q", "-"],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        self.feed(proc, 0, 175)
        # 3 batches of 50 are committed; 25 articles sit in the open batch.
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if self.stats()["documents"] >= 150:
                    break
            except AssertionError:
                pass
            time.sleep(0.1)
        proc.kill()
        proc.communicate()
        st = self.stats()
        self.assertEqual(st["documents"], 150)
        rc, recs = self.get("t-000000", "t-000149")
        self.assertEqual(rc, 0)
        self.assertEqual(len(recs), 2)
        # Re-running the whole input completes the set without duplicates.
        data = "".join(json.dumps(article(i)) + "\n" for i in range(175)).encode()
        rc, out, err = self.run_index("-", stdin=data)
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.stats()["documents"], 175)

    def test_interrupt_commits_what_was_read_and_second_writer_is_refused(self):
        proc = subprocess.Popen([BIN, "--index", self.index, "--batch", "1000", "-v", "-"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        self.feed(proc, 0, 30)
        # Once it has indexed a record it holds the lock: a second writer
        # fails cleanly.
        self.assertTrue(proc.stdout.readline().startswith(b"indexed "))
        rc, out, err = self.run_index(self.write("x.jsonl", json.dumps(article(99)) + "\n"))
        self.assertEqual(rc, 3)
        self.assertIn("another process", err)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(harness.sanitizer_report(err), "", err)
        self.assertEqual(proc.returncode, 130, err)
        self.assertEqual(self.stats()["documents"], 30)


class Extract(unittest.TestCase):
    def test_extract_offsets_point_into_the_input(self):
        text = ("Russian forces shelled Kharkiv on Monday, Ukrainian officials said. "
                "President Volodymyr Zelensky visited Kyiv hospitals; Zelensky said the "
                "situation remained tense.").encode()
        p = run([BIN, "extract", "--published", "2022-03-02", "-"], input=text,
                capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        res = json.loads(p.stdout)
        self.assertEqual(res["published"], "2022-03-02")
        names = {pl["name"] for pl in res["places"]}
        self.assertIn("Kharkiv", names)
        self.assertIn("Kyiv", names)
        for ent in res["places"] + res["persons"]:
            for m in ent["mentions"]:
                self.assertEqual(text[m["start"]:m["end"]].decode(), m["text"])
        persons = {p["id"]: p for p in res["persons"]}
        self.assertIn("person:volodymyr-zelensky", persons)
        self.assertEqual(len(persons["person:volodymyr-zelensky"]["mentions"]), 2)
        self.assertIn({"date": "2022-02-28", "precision": "day"},
                      [{"date": d["date"], "precision": d["precision"]} for d in res["dates"]])

    def test_extract_rejects_bad_input(self):
        p = run([BIN, "extract", "-"], input=b"bad \xff utf8", capture_output=True,
                timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("UTF-8", p.stderr.decode())
        p = run([BIN, "extract", "--published", "2022-13-45", "-"], input=b"x",
                capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
