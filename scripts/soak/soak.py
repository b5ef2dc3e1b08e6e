#!/usr/bin/env python3
"""soak.py - a bounded load test of sitrepd on loopback (issue #5, "soak").

Builds a temporary index from the bundled samples plus synthetic articles,
starts sitrepd on 127.0.0.1:0 (rate limit off, an ingest key), and for the
given duration runs wrk with mix.lua (searches, facets, timelines, GeoJSON,
entities) at 8 and then 64 connections, half the time each, while a
parallel loop posts NDJSON batches to /v1/ingest and deletes some of what
it posted.  Prints a table and exits 1 when any request failed, the server
logged a 5xx or a sanitizer report, or its RSS grew past the bound:

    end RSS <= 2 x start RSS + 50 MiB

"start" is measured after one warm-up request per path (the entity name
index and the gazetteer are loaded by then).  What may legitimately grow
after that is bounded and small next to it: MHD's per-connection pools
(64 connections x 2 x limits.header_bytes = 16 MiB), one Xapian handle per
worker and its caches, glibc's per-thread arenas, and the write path's
buffers; growth past twice the start plus that margin means memory kept
per request, that is, a leak.  Under ASan the bound is not checked (its
quarantine keeps up to 256 MiB of freed memory on purpose).

    scripts/soak.sh [SECONDS]            (installs, builds, then runs this)
    soak.py --seconds 15 --server-bin B --index-bin B [--articles N]
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
import harness  # noqa: E402

KEY = "soak-ingest-key-0123456789abcdef"
MIB = 1024 * 1024

PLACES = ["Kharkiv", "Kyiv", "Mariupol", "Odesa", "Lviv", "Aleppo", "Damascus", "Mekelle",
          "Khartoum", "El Fasher", "Gaza", "Zaporizhzhia", "Kramatorsk", "Izium", "Donetsk"]
PERSONS = ["Volodymyr Zelensky", "Vladimir Putin", "Antonio Guterres", "Rafael Grossi",
           "Abiy Ahmed", "Bashar al-Assad"]
WORDS = ["shelling", "convoy", "evacuation", "drone", "strike", "ceasefire", "refugees",
         "curfew", "artillery", "humanitarian", "corridor", "soakword"]


def synthetic(i, prefix="soak-syn"):
    rnd = random.Random(i)
    place, other = rnd.sample(PLACES, 2)
    person = rnd.choice(PERSONS)
    words = rnd.sample(WORDS, 4)
    day = f"20{rnd.randint(16, 24):02d}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    return {
        "id": f"{prefix}-{i}",
        "title": f"{words[0].capitalize()} reported near {place}",
        "url": f"https://soak.example/{prefix}/{i}",
        "source": rnd.choice(["soak.example", "wire.example", "example.org"]),
        "lang": "en",
        "published": day,
        "text": (f"{words[0].capitalize()} and {words[1]} were reported in {place} on Monday, "
                 f"officials said. {person} said the {words[2]} near {other} would continue. "
                 f"Residents described {words[3]} across the city. Item {i}."),
    }


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def http(port, method, path, body=None, headers=None, timeout=30):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError as e:
        return 0, str(e).encode()


class Ingester(threading.Thread):
    """Posts NDJSON batches and deletes some of them until stopped."""

    BATCH = 20

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.stop = threading.Event()
        self.ok = self.failed = self.deleted = self.delete_failed = 0
        self.failures = []

    def run(self):
        n = 0
        auth = {"Authorization": f"Bearer {KEY}"}
        while not self.stop.is_set():
            ids = range(n * self.BATCH, (n + 1) * self.BATCH)
            body = "".join(json.dumps(synthetic(i, "soak-live")) + "\n" for i in ids).encode()
            status, raw = http(self.port, "POST", "/v1/ingest", body,
                               dict(auth, **{"Content-Type": "application/x-ndjson"}))
            if status == 200 and json.loads(raw)["indexed"] == self.BATCH:
                self.ok += 1
                # Every other batch: delete a quarter of it again.
                if n % 2:
                    for i in list(ids)[:self.BATCH // 4]:
                        s, raw = http(self.port, "DELETE", f"/v1/articles/soak-live-{i}",
                                      headers=auth)
                        if s == 200:
                            self.deleted += 1
                        else:
                            self.delete_failed += 1
                            self.failures.append(f"DELETE soak-live-{i}: {s} {raw[:200]!r}")
            else:
                self.failed += 1
                self.failures.append(f"ingest batch {n}: {status} {raw[:200]!r}")
            n += 1
            self.stop.wait(0.2)


def run_wrk(wrk, port, connections, seconds):
    cmd = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
           "-s", os.path.join(HERE, "mix.lua"), f"http://127.0.0.1:{port}"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=seconds + 120)
    m = re.search(r"^SOAK (.*)$", proc.stdout, re.MULTILINE)
    if proc.returncode != 0 or not m:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}")
    return {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=180)
    ap.add_argument("--articles", type=int, default=3000, help="synthetic articles indexed")
    ap.add_argument("--server-bin", default=os.path.join(SRC, "build", "server", "sitrepd"))
    ap.add_argument("--index-bin", default=os.path.join(SRC, "build", "indexer", "sitrep-index"))
    ap.add_argument("--wrk", default=shutil.which("wrk"))
    ap.add_argument("--no-rss-check", action="store_true")
    args = ap.parse_args()
    if not args.wrk:
        print("soak: wrk is not installed (scripts/install-deps.sh installs it)", file=sys.stderr)
        return 77
    os.environ["SITREP_SERVER_BIN"] = args.server_bin
    os.environ["SITREP_INDEX_BIN"] = args.index_bin
    os.environ.setdefault("SITREP_SOURCE_DIR", SRC)
    sanitized = "ASAN_OPTIONS" in os.environ or args.no_rss_check
    half = max(1, args.seconds // 2)

    with tempfile.TemporaryDirectory(prefix="sitrep-soak-") as d:
        config = harness.write_config(d, extra=(
            "limits:\n  rate_per_second: 0\n  connections_per_ip: 256\n  connections: 512\n"
            f"api_keys:\n  - name: soak\n    key: {KEY}\n    scopes: [ingest]\n"))
        corpus = harness.write_jsonl(os.path.join(d, "synthetic.jsonl"),
                                     (synthetic(i) for i in range(args.articles)))
        index = os.path.join(d, "index")
        t0 = time.monotonic()
        harness.build_index(index, [os.path.join(SRC, "indexer", "samples"), corpus], config)
        print(f"soak: indexed the samples and {args.articles} synthetic articles in "
              f"{time.monotonic() - t0:.1f} s", file=sys.stderr)
        srv = harness.Server(index, config).start()
        failures = []
        try:
            # Warm-up: every path of the mix once, each must be a 200.
            lua = open(os.path.join(HERE, "mix.lua")).read()
            for path in re.findall(r'^\s*"(/[^"]*)",$', lua, re.MULTILINE):
                status, raw = http(srv.port, "GET", path)
                if status != 200:
                    failures.append(f"warm-up GET {path}: {status} {raw[:200]!r}")
            rss = {"start": rss_kib(srv.proc.pid)}
            ing = Ingester(srv.port)
            ing.start()
            phases = []
            for c in (8, 64):
                phases.append((c, run_wrk(args.wrk, srv.port, c, half)))
                rss["middle" if c == 8 else "end"] = rss_kib(srv.proc.pid)
            ing.stop.set()
            ing.join(60)
            rss["end"] = rss_kib(srv.proc.pid)
            alive = srv.alive()
        finally:
            code = None
            try:
                code = srv.stop()
            except AssertionError as e:
                failures.append(str(e)[:2000])
        log = srv.log()

    # -- the table ---------------------------------------------------------
    print(f"\n## soak: {args.seconds} s, {args.articles} synthetic articles + samples\n")
    print("| connections | requests | req/s | p50 ms | p99 ms | non-2xx/3xx | socket errors |")
    print("|---|---|---|---|---|---|---|")
    total = errors = 0
    for c, w in phases:
        sock = w["connect"] + w["read"] + w["write"] + w["timeout"]
        total += w["requests"]
        errors += w["status"] + sock
        print(f"| {c} | {w['requests']} | {w['requests'] / (w['duration_us'] / 1e6):.0f} | "
              f"{w['p50_us'] / 1000:.2f} | {w['p99_us'] / 1000:.2f} | {w['status']} | {sock} |")
    print(f"\n| ingest batches ok | ingest batches failed | deletes ok | deletes failed |")
    print("|---|---|---|---|")
    print(f"| {ing.ok} | {ing.failed} | {ing.deleted} | {ing.delete_failed} |")
    bound = 2 * rss["start"] + 50 * 1024
    print(f"\n| RSS start | RSS middle | RSS end | bound (2 x start + 50 MiB) |")
    print("|---|---|---|---|")
    print(f"| {rss['start'] / 1024:.1f} MiB | {rss['middle'] / 1024:.1f} MiB | "
          f"{rss['end'] / 1024:.1f} MiB | {bound / 1024:.1f} MiB"
          f"{' (not checked: sanitizer build)' if sanitized else ''} |")
    served = total + ing.ok + ing.deleted
    print(f"\nrequests served: {served} (wrk {total}, ingest batches {ing.ok}, deletes "
          f"{ing.deleted}); errors: {errors + ing.failed + ing.delete_failed}")

    fives = [line for line in log.splitlines()
             if re.search(r"^sitrepd: \S+ \S+ 5\d\d |: answered 5\d\d", line)]
    # With every other line the server logged about those requests.
    ids = {line.split()[-1] for line in fives if re.match(r"^sitrepd: \S+ \S+ 5", line)}
    fives += [line for line in log.splitlines()
              if any(i in line for i in ids) and line not in fives]
    failures += ing.failures[:20] + fives[:20]
    if errors:
        failures.append(f"{errors} wrk requests failed (non-2xx/3xx or socket errors)")
    if not alive:
        failures.append("sitrepd died")
    if code not in (0, None):
        failures.append(f"sitrepd exited {code}")
    if not sanitized and rss["end"] > bound:
        failures.append(f"RSS grew from {rss['start']} KiB to {rss['end']} KiB, over the bound "
                        f"of {bound} KiB")
    if ing.ok == 0:
        failures.append("no ingest batch went through")
    if failures:
        print("\nsoak: FAILED\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print("\nsoak: ok", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
