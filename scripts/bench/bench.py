"""bench.py - the measurements behind scripts/bench.sh (Python standard
library; wrk and nginx as programs).  For each corpus size, --runs times:

  ingest   sitrep-index (with extraction), plain Xapian (bench-xapian load:
           a TermGenerator, no extraction) and SQLite FTS5 (fts5.py load)
           on the same articles: wall time, articles/s, MB/s, size on disk,
           peak RSS (wait4 of the one process);
  queries  a fixed, mixed query set through sitrepd over HTTP (wrk, one
           keep-alive connection, --query-seconds per query), in-process on
           plain Xapian (bench-xapian query: hits alone, and hits with
           Xapian's snippets) and on FTS5 (fts5.py query):
           p50/p95/p99 and the number of hits each engine reports;
  load     wrk, 2 threads, --wrk-seconds at 1, 8 and 64 connections: sitrepd
           on the simple queries (rotating), sitrepd on the whole mix, and
           nginx serving one static JSON file of a search answer's size
           (the HTTP ceiling of this machine).

Then it prints one set of tables per size, with the medians of the runs and
the ratios between columns, and a scaling table over the sizes.

The corpus: articles of 2-6 KB, each a real title and real paragraphs drawn
at random from ../shared/data's FA-KES articles (generated text when that is
absent), re-dated over 2015-2018 and spread over 23 outlets.  The reference
engines get the places, countries and persons of each paragraph as sitrep's
own extraction finds them (bench-extract --dump, once per paragraph, not
timed), so their filters select nearly the same articles as sitrep's; the
hits columns show how nearly.
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "scripts", "bench")
BUILD = os.environ.get("SITREP_BUILD_DIR", os.path.join(ROOT, "build"))
INDEXER = os.path.join(BUILD, "indexer", "sitrep-index")
SERVER = os.path.join(BUILD, "server", "sitrepd")
EXTRACT_BENCH = os.path.join(BUILD, "tests", "bench-extract")
XAPIAN_BENCH = os.path.join(BUILD, "scripts", "bench", "bench-xapian")
FTS5 = [sys.executable, os.path.join(BENCH, "fts5.py")]
WRK_LUA = os.path.join(BENCH, "wrk.lua")
CORPUS = os.path.join(ROOT, "..", "shared", "data", "corpora", "fakes_syria.jsonl")
# sitrep-index writes a bulk load into one shard per core (index.shards),
# at most 4: Xapian writes each database on one thread.
SHARDS = max(1, min(4, os.cpu_count() or 1))

# The query set: name, sitrepd parameters, whether it is a "simple" query
# (the throughput runs rotate over those), and for the references the
# date range as (from, to) months.  Place and person values are resolved
# through sitrepd's answer (its echo) into the references' filter terms.
QUERIES = [
    ("single term", {"q": "shelling"}, True),
    ("AND of two", {"q": "airstrike hospital"}, True),
    ("phrase", {"q": '"civil defence"'}, True),
    ("place filter", {"place": "Aleppo"}, False),
    ("place + text", {"q": "killed", "place": "Aleppo"}, True),
    ("person filter", {"person": "Bashar al-Assad"}, False),
    ("date range", {"from": "2016-03", "to": "2016-09"}, False),
    ("text + date", {"q": "rebels", "from": "2017", "to": "2017"}, True),
    ("facets on", {"q": "killed", "facets": "place,date"}, False),
    # sitrepd's default collapses near-duplicates; the references have no
    # such thing and run the plain single-term query.
    ("single term, dedup", {"q": "shelling", "dedup": "true"}, False),
]
SELECTIVE = ["phrase", "place + text", "person filter", "text + date"]
HOSTS = [f"outlet{i:02d}.example" for i in range(23)]
CONCURRENCY = [1, 8, 64]


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run(cmd, timeout, **kw):
    """Runs cmd; returns (wall seconds, peak RSS in KiB of that process,
    stdout).  Exits on failure."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    box = {}
    threading.Thread(target=lambda: box.update(err=p.stderr.read()), daemon=True).start()
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    el = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 1) or (p.returncode == 1 and cmd[0] != INDEXER):
        sys.exit(f"{' '.join(cmd)}: exit {p.returncode} after {el:.0f} s "
                 f"(timeout {timeout:.0f} s)\n{box.get('err', '')[-2000:]}")
    return el, ru.ru_maxrss, out


# ---- corpus -------------------------------------------------------------

def paragraph_pool(tmp):
    """[(title, passage, entities)] from FA-KES, or generated."""
    rng = random.Random(7)
    items = []  # (title, paragraph, published)
    if os.path.exists(CORPUS):
        with open(CORPUS, encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                # FA-KES texts are one line: cut them into passages of
                # whole sentences, 150-450 characters each.
                sentences = re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"])",
                                     " ".join((a.get("text") or "").split()))
                cur = ""
                for sent in sentences:
                    cur = f"{cur} {sent}" if cur else sent
                    if len(cur) >= rng.randint(150, 450):
                        items.append((a.get("title") or "", cur, a.get("published")))
                        cur = ""
                if len(cur) >= 60:
                    items.append((a.get("title") or "", cur, a.get("published")))
        kind = "FA-KES passages, re-sampled"
    else:
        words = ("shelling airstrike hospital civil defence killed rebels forces said "
                 "village convoy army fighters government opposition wounded civilians "
                 "the of in and to on a near").split()
        names = ["Aleppo", "Idlib", "Homs", "Damascus", "Raqqa", "Deir ez-Zor", "Daraa",
                 "Bashar al-Assad", "Vladimir Putin", "Recep Tayyip Erdogan"]
        for i in range(3000):
            s = [" ".join(rng.choices(words, k=12)) + f" in {rng.choice(names)}"
                 for _ in range(rng.randint(2, 6))]
            items.append((" ".join(rng.choices(words, k=7)).capitalize(),
                          ". ".join(x.capitalize() for x in s) + ".", "2017-01-01"))
        kind = "generated text"
    path = os.path.join(tmp, "paragraphs.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for i, (_, p, pub) in enumerate(items):
            f.write(json.dumps({"id": str(i), "text": p, "published": pub}) + "\n")
    _, _, out = run([EXTRACT_BENCH, "--dump", path], 600)
    ents = {}
    for line in out.splitlines():
        r = json.loads(line)
        places, countries = set(), set()
        for p in r.get("places", []):
            places.add(p["id"])
            if p.get("admin1_id"):
                places.add(p["admin1_id"])
            if p.get("country"):
                countries.add(p["country"].lower())
        persons = {p["id"] for p in r.get("persons", [])}
        ents[int(r["id"])] = (places, countries, persons)
    pool = [(t, p, ents.get(i, (set(), set(), set()))) for i, (t, p, _) in enumerate(items)]
    return pool, kind


def make_corpus(pool, n, corpus, ref):
    """Writes n articles to corpus (what sitrep-index reads) and the same
    with "places", "countries" and "persons" to ref (the references).
    Returns the size of corpus in bytes."""
    rng = random.Random(42 + n)
    base = time.mktime((2015, 1, 1, 12, 0, 0, 0, 0, 0))
    with open(corpus, "w", encoding="utf-8") as out, open(ref, "w", encoding="utf-8") as rout:
        for i in range(n):
            target = rng.randint(2000, 6000)
            title = rng.choice(pool)[0]
            paras, size, tries = [], 0, 0
            places, countries, persons = set(), set(), set()
            while size < target and tries < 50:
                tries += 1
                _, p, (pl, co, pe) = rng.choice(pool)
                if size + len(p) > 6000 and paras:
                    continue
                paras.append(p)
                size += len(p) + 2
                places |= pl
                countries |= co
                persons |= pe
            t = time.gmtime(base + rng.randrange(0, 4 * 365) * 86400)
            a = {"id": f"bench-{i:07d}", "title": title,
                 "url": f"https://{HOSTS[i % len(HOSTS)]}/{i}",
                 "published": time.strftime("%Y-%m-%d", t), "text": "\n\n".join(paras)}
            out.write(json.dumps(a, ensure_ascii=False) + "\n")
            a.update(places=sorted(places), countries=sorted(countries),
                     persons=sorted(persons))
            rout.write(json.dumps(a, ensure_ascii=False) + "\n")
    return os.path.getsize(corpus)


def dir_size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


# ---- servers --------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sitrepd(index, tmp, cache=False):
    # Built-in defaults, but no rate limit and room for wrk's 64
    # connections: the benchmark is one client sending as fast as it can.
    # The answer cache (server.cache_bytes) is off unless asked for: the
    # latencies measure the engine, not a lookup of the same answer.
    config = os.path.join(tmp, "bench.yaml")
    with open(config, "w") as f:
        f.write("limits:\n  rate_per_second: 0\n  connections_per_ip: 1024\n"
                "  connections: 1024\n" +
                ("" if cache else "server:\n  cache_bytes: 0\n"))
    proc = subprocess.Popen([SERVER, "--config", config, "--index", index,
                             "--listen", "127.0.0.1:0"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in proc.stderr:
        m = re.match(r"sitrepd: listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            # Keep draining the log so the server never blocks on it.
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, int(m.group(1))
    sys.exit("sitrepd did not start")


def start_nginx(tmp, body):
    """nginx in the foreground, as this user, on a free loopback port,
    serving body as /answer.json.  Returns (process, port)."""
    d = os.path.join(tmp, "nginx")
    os.makedirs(os.path.join(d, "www"), exist_ok=True)
    with open(os.path.join(d, "www", "answer.json"), "wb") as f:
        f.write(body)
    port = free_port()
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""{user}daemon off;
worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {d}/www;
  }}
}}
""")
    proc = subprocess.Popen(["nginx", "-p", d, "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/answer.json") as r:
                if r.read() == body:
                    return proc, port
        except OSError:
            time.sleep(0.05)
    proc.terminate()
    sys.exit("nginx did not start")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ---- queries --------------------------------------------------------------

def search_path(params):
    """sitrepd's defaults, but a page of 20 and, unless asked, without
    collapsing near-duplicates, so that it does what the references do."""
    p = dict({"dedup": "false"}, **params, limit="20")
    return "/v1/search?" + urllib.parse.urlencode(p, quote_via=urllib.parse.quote)


def date_terms(frm, to):
    """The Y/M terms covering whole months or years from frm to to."""
    if len(frm) == 4 and len(to) == 4:
        return [f"Y{y}" for y in range(int(frm), int(to) + 1)]
    y, m = int(frm[:4]), int(frm[5:7]) if len(frm) > 4 else 1
    ty, tm = int(to[:4]), int(to[5:7]) if len(to) > 4 else 12
    out = []
    while (y, m) <= (ty, tm):
        out.append(f"M{y}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def reference_queries(port):
    """Asks sitrepd once per query (warming it up) and turns each query
    into the references' form: filter terms from the resolved place and
    person in sitrepd's echo.  Returns (lines, {kind: sitrep hits},
    body of the single-term answer)."""
    lines, hits, sample = [], {}, None
    for kind, params, _ in QUERIES:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{search_path(params)}") as r:
                body = r.read()
        except urllib.error.HTTPError as e:
            sys.exit(f"sitrepd: {search_path(params)}: {e.code} {e.read()[:500]!r}")
        ans = json.loads(body)
        sample = sample or body
        hits[kind] = ("" if ans["total"]["relation"] == "eq" else "≥") + \
            str(ans["total"]["value"])
        echo = ans["query"]
        filters, q = [], {"kind": kind, "text": params.get("q", ""),
                          "fts": params.get("q", ""), "place": [], "person": [],
                          "facets": "facets" in params}
        for place in echo.get("place", []):
            place = place if isinstance(place, str) else place.get("id", "")
            if re.fullmatch(r"[A-Za-z]{2}", place):
                filters.append(["N" + place.lower()])
                q["place"].append("country:" + place.lower())
            else:
                filters.append(["XP" + place])
                q["place"].append(place)
        for person in echo.get("person", []):
            person = person if isinstance(person, str) else person.get("id", "")
            filters.append(["XPE" + person])
            q["person"].append(person)
        if "from" in params:
            filters.append(date_terms(params["from"], params["to"]))
            q["from"] = (params["from"] + "-01-01")[:10] if len(params["from"]) == 4 \
                else params["from"] + "-01"
            q["to"] = params["to"] + ("-12-31" if len(params["to"]) == 4 else "-31")
        q["filters"] = filters
        lines.append(q)
    return lines, hits, sample


def wrk(port, paths, conns, seconds, threads=2):
    """wrk over paths (rotating); returns its done() summary."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
    try:
        p = subprocess.run(["wrk", "-t", str(min(threads, conns)), "-c", str(conns),
                            "-d", f"{seconds}s", "--timeout", "10s", "-s", WRK_LUA,
                            f"http://127.0.0.1:{port}"],
                           capture_output=True, text=True, timeout=seconds + 60,
                           env=dict(os.environ, BENCH_PATHS=f.name))
    finally:
        os.unlink(f.name)
    for line in p.stdout.splitlines():
        if line.startswith("BENCH "):
            r = json.loads(line[6:])
            # Timeouts are results (the table shows them); refusals are not.
            if r["non2xx"]:
                sys.exit(f"wrk: {r['non2xx']} non-2xx answers on {paths[:3]}")
            return r
    sys.exit(f"wrk failed: {p.stdout}{p.stderr}")


def throughput(out, port, suffix, args):
    """wrk at each concurrency over the simple queries and the whole mix,
    into out["load"][("sitrep simple" + suffix, c)] and "sitrep mixed"."""
    simple = [search_path(p) for _, p, s in QUERIES if s]
    mixed = [search_path(p) for _, p, _ in QUERIES]
    for c in CONCURRENCY:
        out["load"][("sitrep simple" + suffix, c)] = wrk(port, simple, c, args.wrk_seconds)
        out["load"][("sitrep mixed" + suffix, c)] = wrk(port, mixed, c, args.wrk_seconds)


# ---- one run ------------------------------------------------------------

def one_run(args, size, r, corpus, ref, tmp):
    out = {"ingest": {}, "latency": {}, "hits": {}, "load": {}}
    timeout = max(600, size / 20)
    index = os.path.join(tmp, f"sitrep-{r}")
    xdb = os.path.join(tmp, f"xapian-{r}")
    fdb = os.path.join(tmp, f"fts5-{r}.db")
    for name, cmd, path in (("sitrep", [INDEXER, "--shards", str(SHARDS), "--index", index, "-q",
                                         corpus], index),
                            ("xapian", [XAPIAN_BENCH, "load", ref, xdb], xdb),
                            ("fts5", FTS5 + ["load", ref, fdb], fdb)):
        log(f"size {size} run {r + 1}: ingest {name} (load {loadavg()})")
        el, rss, _ = run(cmd, timeout)
        disk = dir_size(path) + (dir_size(fdb + "-wal") if name == "fts5" and
                                 os.path.exists(fdb + "-wal") else 0)
        out["ingest"][name] = {"seconds": el, "rss_kb": rss, "disk": disk}

    proc, port = start_sitrepd(index, tmp)
    try:
        out["sitrepd_rss_start"] = rss_kb(proc.pid)
        lines, hits, sample = reference_queries(port)
        out["hits"]["sitrep"] = hits
        qfile = os.path.join(tmp, "queries.jsonl")
        with open(qfile, "w") as f:
            for q in lines:
                f.write(json.dumps(q) + "\n")
        log(f"size {size} run {r + 1}: queries through sitrepd (load {loadavg()})")
        for kind, params, _ in QUERIES:
            w = wrk(port, [search_path(params)], 1, args.query_seconds, threads=1)
            out["latency"].setdefault("sitrep", {})[kind] = {
                "p50": w["p50_ms"], "p95": w["p95_ms"], "p99": w["p99_ms"]}
        out["sitrepd_rss_queries"] = rss_kb(proc.pid)
        log(f"size {size} run {r + 1}: queries in-process (load {loadavg()})")
        for name, cmd in (("xapian", [XAPIAN_BENCH, "query", xdb, qfile, str(args.queries), ref]),
                          ("fts5", FTS5 + ["query", fdb, qfile, str(args.queries)])):
            _, _, res = run(cmd, 1800)
            for x in json.loads(res):
                out["latency"].setdefault(name, {})[x["kind"]] = x
                if "snippets" in x:
                    out["latency"].setdefault(name + "+snippets", {})[x["kind"]] = x["snippets"]
                out["hits"].setdefault(name, {})[x["kind"]] = \
                    ("" if x.get("exact", True) else "≥") + str(x["hits"])
        log(f"size {size} run {r + 1}: throughput (load {loadavg()})")
        throughput(out, port, "", args)
        out["sitrepd_rss_load"] = rss_kb(proc.pid)
    finally:
        stop(proc)
    # The same rotation with the answer cache on, as sitrepd runs by
    # default: after the first round every answer is a kept one.
    proc, port = start_sitrepd(index, tmp, cache=True)
    try:
        log(f"size {size} run {r + 1}: throughput, cache on (load {loadavg()})")
        throughput(out, port, ", cache", args)
        out["sitrepd_rss_cache"] = rss_kb(proc.pid)
    finally:
        stop(proc)
    nginx, nport = start_nginx(tmp, sample)
    try:
        for c in CONCURRENCY:
            out["load"][("nginx static", c)] = wrk(nport, ["/answer.json"], c, args.wrk_seconds)
    finally:
        stop(nginx)
    out["answer_bytes"] = len(sample)
    for path in (index, xdb):
        shutil.rmtree(path, ignore_errors=True)
    for path in (fdb, fdb + "-wal", fdb + "-shm"):
        if os.path.exists(path):
            os.unlink(path)
    return out


# ---- tables -------------------------------------------------------------

def med(xs):
    return statistics.median(xs)


def ratio(a, b):
    return f"{a / b:.2f}×" if b else "–"


def ms(x):
    return f"{x:.3f}" if x < 1 else f"{x:.2f}"


def report(size, csize, runs, meta):
    n = len(runs)
    s = {}
    print(f"\n### {size:,} articles ({csize / 1e6:.0f} MB of JSON Lines), median of {n} "
          f"run{'s' if n > 1 else ''}\n")
    print(f"| ingest | sitrep-index (with extraction, {SHARDS} shard{'s' if SHARDS > 1 else ''}) "
          "| plain Xapian (TermGenerator) "
          "| SQLite FTS5 | sitrep ÷ Xapian |")
    print("|---|---|---|---|---|")
    ing = {e: {k: med([r["ingest"][e][k] for r in runs]) for k in ("seconds", "rss_kb", "disk")}
           for e in ("sitrep", "xapian", "fts5")}
    rate = {e: size / ing[e]["seconds"] for e in ing}
    s["rate"] = rate
    s["disk"] = {e: ing[e]["disk"] for e in ing}
    print("| wall time, s | " + " | ".join(f"{ing[e]['seconds']:.1f}" for e in ing) +
          f" | {ratio(ing['sitrep']['seconds'], ing['xapian']['seconds'])} |")
    print("| articles/s | " + " | ".join(f"{rate[e]:,.0f}" for e in ing) +
          f" | {ratio(rate['sitrep'], rate['xapian'])} |")
    print("| MB/s | " + " | ".join(f"{csize / 1e6 / ing[e]['seconds']:.2f}" for e in ing) +
          f" | {ratio(rate['sitrep'], rate['xapian'])} |")
    print("| size on disk, MB | " + " | ".join(f"{ing[e]['disk'] / 1e6:,.0f}" for e in ing) +
          f" | {ratio(ing['sitrep']['disk'], ing['xapian']['disk'])} |")
    print("| peak RSS, MB | " + " | ".join(f"{ing[e]['rss_kb'] / 1024:,.0f}" for e in ing) +
          f" | {ratio(ing['sitrep']['rss_kb'], ing['xapian']['rss_kb'])} |")

    print("\n| query | hits: sitrep / Xapian / FTS5 (≥ a lower bound) | sitrepd HTTP p50 / p95 / p99 ms "
          "| Xapian in-process p50 / p95 / p99 ms | Xapian + snippets in-process p50 / p95 / p99 ms "
          "| FTS5 in-process p50 / p95 / p99 ms "
          "| HTTP ÷ Xapian p50 | HTTP ÷ Xapian + snippets p50 | sitrep ÷ FTS5 p50 |")
    print("|---|---|---|---|---|---|---|---|---|")
    s["p50"] = {}

    def versus(a, b):
        d = a - b
        ok = "✓" if a <= 1.3 * b or d <= 0.1 else "✗"
        return f"{ratio(a, b)} ({'+' if d >= 0 else '−'}{abs(d):.2f} ms) {ok}"

    engines = ("sitrep", "xapian", "xapian+snippets", "fts5")
    for kind, _, _ in QUERIES:
        p = {e: [med([r["latency"][e][kind][k] for r in runs]) for k in ("p50", "p95", "p99")]
             for e in engines}
        h = [runs[-1]["hits"][e][kind] for e in ("sitrep", "xapian", "fts5")]
        s["p50"][kind] = p["sitrep"][0]
        print(f"| {kind} | {' / '.join(map(str, h))} | "
              + " | ".join(" / ".join(ms(x) for x in p[e]) for e in p)
              + f" | {versus(p['sitrep'][0], p['xapian'][0])} "
              f"| {versus(p['sitrep'][0], p['xapian+snippets'][0])} "
              f"| {ratio(p['sitrep'][0], p['fts5'][0])} |")
    print("\nXapian + snippets: the same in-process search and a snippet of each hit's "
          "text by Xapian's MSet::snippet as sitrep asks for them, the texts read "
          "beforehand (bench-xapian.cc); queries without words have none to make.  "
          "✓: within 1.3× or 0.1 ms.")

    print("\n| wrk, 2 threads | " + " | ".join(f"c={c} req/s (p50 / p99 ms)" for c in CONCURRENCY)
          + " |")
    print("|---|" + "---|" * len(CONCURRENCY))
    for name in ("sitrep simple", "sitrep mixed", "sitrep simple, cache", "sitrep mixed, cache",
                 "nginx static"):
        cells = []
        for c in CONCURRENCY:
            rps = med([r["load"][(name, c)]["rps"] for r in runs])
            p50 = med([r["load"][(name, c)]["p50_ms"] for r in runs])
            p99 = med([r["load"][(name, c)]["p99_ms"] for r in runs])
            errors = max(r["load"][(name, c)]["errors"] for r in runs)
            cells.append(f"{rps:,.0f} ({ms(p50)} / {ms(p99)})" +
                         (f", {errors} errors" if errors else ""))
        print(f"| {name} | " + " | ".join(cells) + " |")
    s["rps8"] = med([r["load"][("sitrep simple", 8)]["rps"] for r in runs])
    for name in ("sitrep simple", "sitrep simple, cache"):
        cells = []
        for c in CONCURRENCY:
            a = med([r["load"][(name, c)]["rps"] for r in runs])
            b = med([r["load"][("nginx static", c)]["rps"] for r in runs])
            cells.append(f"{100 * a / b:.1f} %")
        print(f"| {name} ÷ nginx | " + " | ".join(cells) + " |")

    print(f"\nsitrepd RSS: {med([r['sitrepd_rss_start'] for r in runs]) / 1024:.0f} MB "
          f"after start, {med([r['sitrepd_rss_queries'] for r in runs]) / 1024:.0f} MB after "
          f"the queries, {med([r['sitrepd_rss_load'] for r in runs]) / 1024:.0f} MB after the "
          f"wrk runs, {med([r['sitrepd_rss_cache'] for r in runs]) / 1024:.0f} MB after those "
          f"with the cache on; the static answer served by nginx is {runs[-1]['answer_bytes']:,} bytes "
          f"(sitrepd's answer to the single-term query). Load average {meta['load']}.")
    s["rss"] = med([r["sitrepd_rss_load"] for r in runs])
    return s


def num(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def scaling(results):
    sizes = sorted(results)
    if len(sizes) < 2:
        return
    print("\n### Scaling (each cell: value, then × the smallest size's value)\n")
    cols = ["articles/s sitrep", "articles/s Xapian", "articles/s FTS5", "sitrep index MB",
            "FTS5 MB"] + [f"p50 ms {k}" for k in ("single term",) + tuple(SELECTIVE)] + \
           ["c=8 req/s simple", "sitrepd RSS MB"]
    print("| articles | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))

    def vals(s):
        return ([s["rate"]["sitrep"], s["rate"]["xapian"], s["rate"]["fts5"],
                 s["disk"]["sitrep"] / 1e6, s["disk"]["fts5"] / 1e6] +
                [s["p50"][k] for k in ("single term",) + tuple(SELECTIVE)] +
                [s["rps8"], s["rss"] / 1024])
    base = vals(results[sizes[0]])
    for size in sizes:
        v = vals(results[size])
        print(f"| {size:,} | " + " | ".join(
            f"{num(x)} ({x / b:.2f}×)" if b else num(x) for x, b in zip(v, base)) + " |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", type=int, default=200,
                    help="in-process repetitions of each query")
    ap.add_argument("--query-seconds", type=int, default=2,
                    help="wrk seconds per query for the HTTP latencies")
    ap.add_argument("--wrk-seconds", type=int, default=5)
    ap.add_argument("--workdir", default=os.environ.get("TMPDIR", "/tmp"))
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    for exe in (INDEXER, SERVER, EXTRACT_BENCH, XAPIAN_BENCH):
        if not os.access(exe, os.X_OK):
            sys.exit(f"{exe} is missing: build first (scripts/build.sh)")
    tmpd = tempfile.TemporaryDirectory(prefix="sitrep-bench-", dir=args.workdir)
    tmp = tmpd.name
    t_start = time.monotonic()
    load0 = loadavg()
    pool, kind = paragraph_pool(tmp)
    print(f"## sitrep benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
          f"load average {load0} at the start\n\ncorpus: {kind} ({len(pool):,} passages); "
          f"{args.runs} run(s) per size; HTTP latency from wrk (1 connection, "
          f"{args.query_seconds:g} s per query), in-process latency over {args.queries} "
          f"repetitions, throughput {args.wrk_seconds} s per cell.")
    p = subprocess.run([EXTRACT_BENCH, "--repeat", "3", CORPUS if os.path.exists(CORPUS) else
                        os.path.join(tmp, "paragraphs.jsonl")], capture_output=True, text=True)
    print(f"\nextraction alone (bench-extract, one thread): {p.stdout.strip()}")
    # Bytes on disk per article with every file of one run present; the
    # first guess is refined by what each run used.
    results, last, per_article = {}, None, 4300 * 10
    for size in sizes:
        st = os.statvfs(tmp)
        free = st.f_bavail * st.f_frsize
        if size * per_article * 1.3 > free:
            print(f"\n### {size:,} articles: skipped, it needs about "
                  f"{size * per_article / 1e9:.0f} GB on disk and {free / 1e9:.0f} GB are free")
            continue
        with open("/proc/meminfo") as f:
            avail = next(int(x.split()[1]) * 1024 for x in f if x.startswith("MemAvailable:"))
        if avail < 2e9:
            print(f"\n### {size:,} articles: skipped, only {avail / 1e9:.1f} GB of memory "
                  f"are available (the engines and the page cache want 2 GB or more)")
            continue
        corpus = os.path.join(tmp, f"corpus-{size}.jsonl")
        ref = os.path.join(tmp, f"corpus-{size}-ref.jsonl")
        if last:
            # Ingest grows about linearly; the query and wrk parts do not.
            est = args.runs * (last[1] * size / last[0] + last[2])
            log(f"size {size}: about {est / 60:.0f} minutes at the rates of size {last[0]}")
        log(f"size {size}: writing the corpus")
        csize = make_corpus(pool, size, corpus, ref)
        runs = []
        for r in range(args.runs):
            t0 = time.monotonic()
            runs.append(one_run(args, size, r, corpus, ref, tmp))
            el = time.monotonic() - t0
            log(f"size {size} run {r + 1}: {el:.0f} s")
            ingest = sum(x["seconds"] for x in runs[-1]["ingest"].values())
            last = (size, ingest, el - ingest)
            used = (sum(runs[-1]["ingest"][e]["disk"] for e in runs[-1]["ingest"]) +
                    2 * csize) / size
            per_article = max(per_article // 2, int(used))
        results[size] = report(size, csize, runs, {"load": f"{load0} → {loadavg()}"})
        for path in (corpus, ref):
            os.unlink(path)
    scaling(results)
    print(f"\ntotal time {time.monotonic() - t_start:.0f} s; load average at the end "
          f"{loadavg()}")


if __name__ == "__main__":
    main()
