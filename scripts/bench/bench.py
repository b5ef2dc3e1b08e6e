"""bench.py - the measurements behind scripts/bench.sh (Python standard
library only).  Each figure is the median of several runs; the table says how
many."""
import argparse
import http.client
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
INDEXER = os.path.join(BUILD, "indexer", "sitrep-index")
SERVER = os.path.join(BUILD, "server", "sitrepd")
EXTRACT_BENCH = os.path.join(BUILD, "tests", "bench-extract")
CORPUS = os.path.join(ROOT, "..", "shared", "data", "corpora", "fakes_syria.jsonl")

QUERIES = [
    ("single term", {"q": "shelling"}),
    ("AND of two", {"q": "airstrike hospital"}),
    ("phrase", {"q": '"civil defence"'}),
    ("place filter", {"place": "SY"}),
    ("place + text", {"q": "killed", "place": "Aleppo"}),
    ("person filter", {"person": "Assad"}),
    ("date range", {"from": "2016-03", "to": "2016-09"}),
    ("text + date", {"q": "rebels", "from": "2017", "to": "2017"}),
]


def make_corpus(path, n):
    """n articles: the real corpus re-sampled with new ids and dates, or
    generated sentences when it is not there."""
    rng = random.Random(42)
    src = []
    if os.path.exists(CORPUS):
        with open(CORPUS, encoding="utf-8") as f:
            src = [json.loads(l) for l in f if l.strip()]
    words = ("shelling airstrike hospital civil defence killed rebels Aleppo Idlib Homs "
             "Damascus Raqqa forces said Monday village convoy").split()
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            if src:
                a = dict(rng.choice(src))
            else:
                a = {"title": " ".join(rng.choices(words, k=8)),
                     "text": ". ".join(" ".join(rng.choices(words, k=14)) for _ in range(25))}
            day = rng.randrange(0, 4 * 365)
            t = time.gmtime(time.mktime((2015, 1, 1, 12, 0, 0, 0, 0, 0)) + day * 86400)
            a["id"] = f"bench-{i:07d}"
            a["url"] = f"https://bench.example/{i}"
            a["published"] = time.strftime("%Y-%m-%d", t)
            out.write(json.dumps(a) + "\n")
    return os.path.getsize(path)


def dir_size(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def ingest(corpus, index):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.monotonic()
    p = subprocess.run([INDEXER, "--index", index, "-q", corpus], capture_output=True)
    el = time.monotonic() - t0
    if p.returncode not in (0, 1):
        sys.exit(p.stderr.decode())
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return el, max(rss, before)


def start_server(index):
    # Built-in defaults, but no rate limit: the benchmark is one client
    # sending as fast as it can.
    config = os.path.join(os.path.dirname(index), "bench.yaml")
    with open(config, "w") as f:
        f.write("limits:\n  rate_per_second: 0\n")
    proc = subprocess.Popen([SERVER, "--config", config, "--index", index,
                             "--listen", "127.0.0.1:0"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in proc.stderr:
        m = re.match(r"sitrepd: listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            # Keep draining the log so the server never blocks on it.
            import threading
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, int(m.group(1))
    sys.exit("sitrepd did not start")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def latencies(port, params, n):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    path = "/v1/search?" + "&".join(f"{k}={urllib.parse.quote(v)}"
                                    for k, v in params.items())
    out, total = [], None
    for i in range(n + 5):
        t0 = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        el = time.perf_counter() - t0
        if r.status != 200:
            sys.exit(f"{path}: {r.status} {body[:200]}")
        if i >= 5:  # warm-up
            out.append(el * 1000)
        total = json.loads(body)["total"]["value"]
    conn.close()
    out.sort()
    return out, total


def pct(xs, p):
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="sitrep-bench-")
    corpus = os.path.join(tmp.name, "corpus.jsonl")
    size = make_corpus(corpus, args.articles)
    print(f"corpus: {args.articles} articles, {size / 1e6:.1f} MB "
          f"({'re-sampled FA-KES' if os.path.exists(CORPUS) else 'generated'})\n")

    times, rsss = [], []
    for r in range(args.runs):
        index = os.path.join(tmp.name, f"index{r}")
        el, rss = ingest(corpus, index)
        times.append(el)
        rsss.append(rss)
    el = statistics.median(times)
    index = os.path.join(tmp.name, "index0")
    print("| ingest (sitrep-index, with extraction) | value |")
    print("|---|---|")
    print(f"| wall time, median of {args.runs} | {el:.2f} s |")
    print(f"| articles/s | {args.articles / el:,.0f} |")
    print(f"| MB/s | {size / 1e6 / el:.2f} |")
    print(f"| index size | {dir_size(index) / 1e6:.1f} MB |")
    print(f"| peak RSS | {max(rsss) / 1024:.0f} MB |")
    print()

    proc, port = start_server(index)
    try:
        rss0 = rss_kb(proc.pid)
        print(f"| query through sitrepd (HTTP keep-alive, {args.queries} runs) | hits | p50 ms | p95 ms | p99 ms |")
        print("|---|---|---|---|---|")
        for name, params in QUERIES:
            xs, total = latencies(port, params, args.queries)
            print(f"| {name} | {total} | {pct(xs, 50):.2f} | {pct(xs, 95):.2f} | {pct(xs, 99):.2f} |")
        print()
        print(f"sitrepd RSS: {rss0 / 1024:.0f} MB after start, "
              f"{rss_kb(proc.pid) / 1024:.0f} MB after the queries")
    finally:
        proc.terminate()
        proc.wait()

    if os.path.exists(EXTRACT_BENCH) and os.path.exists(CORPUS):
        p = subprocess.run([EXTRACT_BENCH, "--repeat", "3", CORPUS], capture_output=True,
                           text=True)
        print("\nextraction (bench-extract, one core, FA-KES x3):", p.stdout.strip())


if __name__ == "__main__":
    main()
