"""synthetic.py - a seeded corpus of made-up conflict reports whose every
article can be rebuilt from its id, for the crash and concurrency suites.

Each article is a pure function of (seed, n): the id "syn-SEED-NNNNN" says
which, so a test holding any record the index returns can regenerate the
source and compare it field by field.  The text ends with a checksum word,
"ck" and 12 hex digits of a SHA-1 of the id, title and the rest of the text,
so a record is also self-checking: a torn or mixed-up record (the title of
one article with the text of another, a cut text) fails check_record()
even without the source at hand.

    from synthetic import article, corpus, check_record
    arts = corpus(7, 2000)                # [dict, ...] in id order
    check_record(rec)                      # None if intact, else a reason
    article(7, 12, version=2)              # an update of article 12
"""

import hashlib
import random
import re

PLACES = ["Kharkiv", "Aleppo", "Kyiv", "Mariupol", "Odesa", "Khartoum", "Mekelle",
          "Bakhmut", "Kherson", "Dnipro", "Idlib", "Homs", "Zaporizhzhia", "Izium"]
WORDS = ("shelling convoy evacuation residents officials artillery strike ceasefire "
         "humanitarian aid corridor drone power outage hospital school shelter regional "
         "governor overnight casualties wounded displaced families bridge railway station "
         "market water supply talks").split()
SOURCES = ["wire.example", "desk.example", "field.example"]
YEARS = [2016, 2021, 2022, 2023, 2024]

ID_RE = re.compile(r"^syn-(\d+)-(\d{5})$")
VERSION_RE = re.compile(r" \(update (\d+)\)$")
CHECK_RE = re.compile(r" Filed as (ck[0-9a-f]{12})\.$")


def checksum(id_, title, body):
    return "ck" + hashlib.sha1(f"{id_}|{title}|{body}".encode("utf-8")).hexdigest()[:12]


def article(seed, n, version=0):
    """Article n of the corpus of seed: always the same dict.  A version
    above 0 is an update of it (same id; its own title and text)."""
    rng = random.Random(f"synthetic-{seed}-{n}" + (f"-v{version}" if version else ""))
    place, other = rng.choice(PLACES), rng.choice(PLACES)
    y, m, d = rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28)
    date = f"{y}-{m:02d}-{d:02d}"
    sentences = [f"{place.upper()}, {date}: officials in {place} and {other} said on Monday."]
    for _ in range(rng.randint(3, 8)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
        sentences.append(" ".join(words).capitalize() + ".")
    body = " ".join(sentences)
    id_ = f"syn-{seed}-{n:05d}"
    title = f"Report {n} from {place}" + (f" (update {version})" if version else "")
    return {
        "id": id_,
        "title": title,
        "url": f"https://{SOURCES[n % len(SOURCES)]}/{id_}",
        "source": SOURCES[n % len(SOURCES)],
        "lang": "en",
        "published": date,
        "text": f"{body} Filed as {checksum(id_, title, body)}.",
    }


def corpus(seed, count):
    return [article(seed, n) for n in range(count)]


def source_of(id_, title=None):
    """The source article of a synthetic id (the version its title names),
    or None for another id."""
    m = ID_RE.match(id_ or "")
    v = VERSION_RE.search(title or "")
    return article(int(m.group(1)), int(m.group(2)), int(v.group(1)) if v else 0) if m else None


FIELDS = ("id", "title", "url", "source", "lang", "published", "text")


def check_record(rec, fields=FIELDS):
    """None when rec (a stored record or a hit) matches its source article
    in fields (those rec has), else a reason.  A record with a text must
    also carry its own valid checksum."""
    if not isinstance(rec, dict):
        return f"not an object: {rec!r:.200}"
    src = source_of(rec.get("id"), rec.get("title"))
    if src is None:
        return f"not a synthetic id: {rec.get('id')!r}"
    for f in fields:
        if f in rec and rec[f] != src[f]:
            return f"{src['id']}: {f} is {rec[f]!r:.120}, expected {src[f]!r:.120}"
    if "text" in rec:
        m = CHECK_RE.search(rec["text"])
        if not m or m.group(1) != checksum(rec["id"], rec.get("title", src["title"]),
                                           rec["text"][:m.start()]):
            return f"{src['id']}: the text does not carry its checksum"
    return None


def check_snippet(hit):
    """For a hit of a search without q: its snippet is the start of the
    text (cut at a word, "..." appended).  None or a reason."""
    src = source_of(hit.get("id"), hit.get("title"))
    snip = hit.get("snippet")
    if src is None or snip is None:
        return None
    lead = snip[:-3] if snip.endswith("...") else snip
    if not src["text"].startswith(lead.rstrip()):
        return f"{src['id']}: snippet {snip!r:.80} is not the start of its text"
    return None
