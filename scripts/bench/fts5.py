"""fts5.py - SQLite FTS5, the other reference beside sitrep (Python standard
library only: the sqlite3 module of Debian's python3, SQLite 3.40).

    python3 fts5.py load CORPUS.jsonl DB
    python3 fts5.py query DB QUERIES.jsonl N

load puts the corpus of scripts/bench/bench.py into one FTS5 table
article(title, text) with the porter stemmer (stemmed English, like sitrep), the
stored record in an UNINDEXED column, and ordinary indexed tables for the
filters and facets: meta(doc, published) and place/person(id, doc), with
indexes on meta.published and place(doc).  One transaction;
prints {articles, bytes, seconds} as JSON.

query runs each query N times (after 5 untimed runs) in this process and
prints a JSON array of {kind, hits, p50, p95, p99} (milliseconds).  A query
with text is ranked by bm25 (ORDER BY rank) with the filters as
"+rowid IN (...)" clauses; one without text is in date order through the
index on meta.published; both LIMIT 20 and read the rows of the page.  With
facets, two GROUP BY queries over the materialised matches count their
months and places.
What is timed does not count the matches (sitrep counts up to 1000): that
favours FTS5.  hits is counted once, untimed.

A query line: {"kind", "fts": MATCH expression or "", "place": [ids],
"person": [ids], "from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "facets": bool}.
"""
import json
import sqlite3
import sys
import time


def load(corpus, path):
    db = sqlite3.connect(path)
    db.executescript("""
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE VIRTUAL TABLE article USING fts5(title, text, record UNINDEXED,
                                            tokenize = 'porter unicode61');
        CREATE TABLE meta(doc INTEGER PRIMARY KEY, published TEXT);
        CREATE TABLE place(id TEXT, doc INTEGER, PRIMARY KEY (id, doc)) WITHOUT ROWID;
        CREATE TABLE person(id TEXT, doc INTEGER, PRIMARY KEY (id, doc)) WITHOUT ROWID;
    """)
    n = size = 0
    t0 = time.monotonic()
    with open(corpus, encoding="utf-8") as f:
        db.execute("BEGIN")
        for n, line in enumerate(f, 1):
            size += len(line.encode())
            a = json.loads(line)
            db.execute("INSERT INTO article(rowid, title, text, record) VALUES (?, ?, ?, ?)",
                       (n, a["title"], a["text"], line))
            db.execute("INSERT INTO meta VALUES (?, ?)", (n, a["published"]))
            db.executemany("INSERT OR IGNORE INTO place VALUES (?, ?)",
                           [(p, n) for p in a.get("places", [])] +
                           [("country:" + c, n) for c in a.get("countries", [])])
            db.executemany("INSERT OR IGNORE INTO person VALUES (?, ?)",
                           [(p, n) for p in a.get("persons", [])])
        db.execute("CREATE INDEX meta_published ON meta(published)")
        db.execute("CREATE INDEX place_doc ON place(doc, id)")
        db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(json.dumps({"articles": n, "bytes": size, "seconds": time.monotonic() - t0}))


def where(q, x):
    """The filters of q as SQL conditions on the document rowid expression
    x, and their arguments."""
    sql, args = [], []
    for p in q.get("place", []):
        sql.append(f"{x} IN (SELECT doc FROM place WHERE id = ?)")
        args.append(p)
    for p in q.get("person", []):
        sql.append(f"{x} IN (SELECT doc FROM person WHERE id = ?)")
        args.append(p)
    if q.get("from"):
        sql.append(f"{x} IN (SELECT doc FROM meta WHERE published BETWEEN ? AND ?)")
        args += [q["from"], q["to"]]
    return sql, args


def matches(q):
    """The WHERE clause selecting q's matches in article, and its arguments.
    "+rowid" keeps the filters away from FTS5's xBestIndex, which would
    otherwise run the full-text query once per filtered rowid."""
    cond, args = where(q, "+article.rowid")
    return " AND ".join(["article MATCH ?"] + cond), [q["fts"]] + args


def statements(q):
    """[(sql, args)] of one search: the page, then the facets."""
    if q["fts"]:
        w, args = matches(q)
        out = [(f"SELECT rowid, record FROM article WHERE {w} ORDER BY rank LIMIT 20", args)]
        if q.get("facets"):
            m = f"WITH m(doc) AS MATERIALIZED (SELECT rowid FROM article WHERE {w}) "
            out.append((m + "SELECT substr(meta.published, 1, 7), count(*) FROM m "
                        "JOIN meta ON meta.doc = m.doc GROUP BY 1", args))
            out.append((m + "SELECT p.id, count(*) FROM m JOIN place p ON p.doc = m.doc "
                        "GROUP BY p.id ORDER BY 2 DESC LIMIT 10", args))
        return out
    cond, args = where(q, "m.doc")
    w = " AND ".join(cond) or "1"
    return [(f"SELECT d.rowid, d.record FROM (SELECT m.doc, m.published FROM meta m "
             f"WHERE {w} ORDER BY m.published DESC LIMIT 20) s "
             f"JOIN article d ON d.rowid = s.doc ORDER BY s.published DESC", args)]


def count(db, q):
    if q["fts"]:
        w, args = matches(q)
        return db.execute(f"SELECT count(*) FROM article WHERE {w}", args).fetchone()[0]
    cond, args = where(q, "m.doc")
    w = " AND ".join(cond) or "1"
    return db.execute(f"SELECT count(*) FROM meta m WHERE {w}", args).fetchone()[0]


def pct(xs, p):
    return xs[min(len(xs) - 1, len(xs) * p // 100)]


def query(path, queries, n):
    db = sqlite3.connect(path)
    out = []
    with open(queries, encoding="utf-8") as f:
        qs = [json.loads(line) for line in f if line.strip()]
    for q in qs:
        stmts = statements(q)
        ms = []
        for i in range(n + 5):
            t0 = time.perf_counter()
            for sql, args in stmts:
                for row in db.execute(sql, args):
                    pass
            if i >= 5:
                ms.append((time.perf_counter() - t0) * 1000)
        ms.sort()
        out.append({"kind": q["kind"], "hits": count(db, q), "p50": pct(ms, 50),
                    "p95": pct(ms, 95), "p99": pct(ms, 99)})
    print(json.dumps(out))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "query":
        query(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("usage: fts5.py load CORPUS.jsonl DB | query DB QUERIES.jsonl N")


if __name__ == "__main__":
    main()
