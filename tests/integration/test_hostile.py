"""test_hostile.py - malformed and abusive HTTP (issue #5, "hostile HTTP").

One table row per hostile request, sent as raw bytes (Server.raw_response)
so that no client library normalises them: every endpoint crossed with bad
percent-encoding, NUL bytes, invalid UTF-8 and overlong encodings, 100 KB
query strings, parameters repeated 10k times and 10k distinct ones,
negative / huge / non-numeric numbers, garbage and forged cursors, unknown
methods, CR/LF smuggled into echoed values; the body endpoints with
duplicate keys, 1e400 and 2^64, NaN, 10k levels of nesting, long strings,
invalid UTF-8, a BOM, non-object top levels, wrong content types and
oversize bodies; NDJSON ingest lines that are binary, NUL or too long; and
the transport: HTTP/1.0, no Host, absurd Content-Length, bad chunk sizes,
Expect: 100-continue with an oversize body, request smuggling shapes
(Content-Length with Transfer-Encoding, two Content-Lengths), path
traversal on the static files.

Each row names what it must get: the API's JSON error (status and code,
and the parameter where one is at fault), a 200 where the input is odd but
harmless (parameters an endpoint does not read, HTTP/1.0), or, only where
libmicrohttpd answers before sitrepd sees the request, MHD's own answer
(see MHD below for which and why).  After every row the server must
answer /v1/health; no row may get a 5xx; no response may carry a header
this suite did not expect (user bytes never reach a header).  At the end
the log holds no 5xx and no sanitizer report, and the process is alive.

SlowClients: while slowloris connections trickle a header byte a second,
a normal client is served; a connection that stalls mid-request is closed
after limits.timeout_seconds (2 s here); and one address cannot hold more
than limits.connections_per_ip connections while another is served.

Timing: nothing depends on speed except generous upper bounds: a health
check must answer within 5 s, a stalled connection must be closed within
10 s of a 2 s timeout.
"""

import base64
import json
import os
import re
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = harness.source_dir()
REPORTS = os.path.join(SRC, "indexer", "samples", "reports.jsonl")
KEY = "hostile-ingest-key-0123456789"
READ_KEY = "hostile-search-key-0123456789"
ARTICLE = "sample-2022-02-28-kharkiv-shelling"
BODY_LIMIT = 256 * 1024
TIMEOUT_S = 2
PER_IP = 25
CONFIG = (
    "limits:\n"
    f"  body_bytes: {BODY_LIMIT}\n"
    f"  timeout_seconds: {TIMEOUT_S}\n"
    f"  connections_per_ip: {PER_IP}\n"
    "indexer:\n"
    "  max_record_bytes: 16KiB\n"
    "api_keys:\n"
    "  - name: hostile-ingest\n"
    f"    key: {KEY}\n"
    "    scopes: [ingest]\n"
    "  - name: hostile-reader\n"
    f"    key: {READ_KEY}\n"
    "    scopes: [search]\n"
)

# Response headers sitrepd or MHD may send; anything else came from a
# request (header injection) and fails the row.
KNOWN_HEADERS = {
    "x-cache", "date", "connection", "content-type", "content-length", "transfer-encoding",
    "x-request-id", "x-index-revision", "etag", "allow", "www-authenticate", "retry-after",
    "vary", "access-control-allow-origin", "access-control-expose-headers",
    "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age",
}

# What MHD 0.9.75 answers itself, before the access handler runs, so with
# its own HTML body (no hook exists to change it) or by closing the
# connection without an answer (status 0 here):
#   malformed request line or header line      400, or closed
#   HTTP version other than 1.0/1.1             505
#   Content-Length negative or not a number     400 (sent twice, an MHD quirk)
#   Content-Length beyond 64 bits               413
#   chunk size not hex / negative               400
#   chunk size beyond 64 bits                   413
#   Transfer-Encoding other than chunked        closed
#   request line + headers beyond its pool      414 / 431 (2 x limits.header_bytes)
# Up to the pool, sitrepd answers 414/431 itself, in JSON (test_http.py).
MHD = "mhd"
JSON_ERR = "error"  # (JSON_ERR, status, code, param): the API's error object
OK = "ok"           # a 2xx: harmless oddities an endpoint may ignore
CLOSED = "closed"   # a stalled request: closed by limits.timeout_seconds


def request(method, target, headers=(), body=None, version=b"HTTP/1.1", host=True,
            length=True, close=True):
    """Raw request bytes; str arguments are latin-1 so every byte is sayable."""
    def b(x):
        return x.encode("latin-1") if isinstance(x, str) else x
    lines = [b(method) + b" " + b(target) + b" " + b(version)]
    if host:
        lines.append(b"Host: hostile.test")
    for h in headers:
        lines.append(b(h))
    body = b(body) if body is not None else None
    if body is not None and length:
        lines.append(b"Content-Length: %d" % len(body))
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def get(target, headers=()):
    return request("GET", target, headers)


def post_json(target, body, ctype="application/json"):
    return request("POST", target, [f"Content-Type: {ctype}"], body)


def ingest(body, ctype="application/x-ndjson", key=KEY, target="/v1/ingest"):
    headers = [f"Content-Type: {ctype}"]
    if key:
        headers.append(f"Authorization: Bearer {key}")
    return request("POST", target, headers, body)


def parse(reply):
    """A raw reply as a harness.Response (status 0 when nothing came)."""
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0] if lines else b"")
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        hdrs[k.decode("latin-1").strip().lower()] = v.decode("latin-1").strip()
    return harness.Response(int(m.group(1)) if m else 0, hdrs, body)


def nested(depth, open_, close_):
    return open_ * depth + close_ * depth


def err(status, code, param=None):
    return (JSON_ERR, status, code, param)


# Endpoints that read search parameters, and their other GET endpoints.
SEARCHING = ["/v1/search", "/v1/timeline", "/v1/geo"]
LIMITED = ["/v1/search", "/v1/geo", "/v1/entities"]
PARAMLESS = [f"/v1/articles/{ARTICLE}", "/v1/openapi.json", "/", "/ui/app.js", "/v1/stats",
             "/v1/health"]
EVERY_GET = SEARCHING + ["/v1/entities", "/v1/entities/geonames:706483"] + PARAMLESS

LONG_Q = "q=" + "x" * (100 * 1024)
REPEATED = "&".join(["limit=1"] * 10000)
DISTINCT = "&".join(f"p{i}=1" for i in range(10000))


def rows():
    """(name, raw request, expectation) for every hostile request."""
    r = []
    # -- every GET endpoint x query-string abuse -----------------------------
    for ep in EVERY_GET:
        # A NUL in a key or value is refused before any endpoint sees it.
        r.append((f"{ep} NUL in value", get(f"{ep}?q=a%00b"), err(400, "invalid_parameter", "q")))
        r.append((f"{ep} NUL in key", get(f"{ep}?q%00x=1"), err(400, "invalid_parameter")))
        # Over 1000 parameters: 414 before MHD's pool fills up.
        r.append((f"{ep} param repeated 10k", get(f"{ep}?{REPEATED}"), err(414, "uri_too_long")))
        r.append((f"{ep} 10k distinct params", get(f"{ep}?{DISTINCT}"),
                  err(414, "uri_too_long")))
        r.append((f"{ep} path %00", get(f"{ep}%00.json"), err(404, "not_found")))
        r.append((f"{ep} CRLF in path", get(f"{ep}%0D%0ASet-Cookie:%20a=1%0D%0AX-Injected:%201"),
                  err(404, "not_found")))
        r.append((f"{ep} unknown method", request("FROB", ep), err(405, "method_not_allowed")))
        r.append((f"{ep} PUT with body", request("PUT", ep, ["Content-Type: application/json"],
                                                 b'{"q":"x"}'),
                  err(405, "method_not_allowed")))
        r.append((f"{ep} TRACE", request("TRACE", ep), err(405, "method_not_allowed")))
    for ep in SEARCHING + ["/v1/entities", "/v1/entities/geonames:706483"]:
        # These read (or refuse) q: a bad value is a 400 naming it.
        for name, q in [("invalid UTF-8", "q=%FF%FE"), ("overlong UTF-8 '/'", "q=%C0%AF"),
                        ("UTF-16 surrogate", "q=%ED%A0%80"), ("100 KB q", LONG_Q)]:
            r.append((f"{ep} {name}", get(f"{ep}?{q}"), err(400, "invalid_parameter", "q")))
        r.append((f"{ep} CRLF in q", get(f"{ep}?q=%0D%0AX-Injected:%201"), (OK, "4xx")))
        r.append((f"{ep} bad percent-encoding", get(f"{ep}?q=%zz%4"), (OK, "4xx")))
        r.append((f"{ep} garbage cursor", get(f"{ep}?cursor=%FF%00garbage"),
                  err(400, "invalid_parameter", "cursor")))
        r.append((f"{ep} 20 KB cursor", get(f"{ep}?cursor=" + "A" * 20000),
                  err(400, "invalid_parameter", "cursor")))
        r.append((f"{ep} empty key", get(f"{ep}?=x"), err(400, "invalid_parameter")))
    for ep in LIMITED:
        for name, v in [("negative", "-1"), ("2^64", "18446744073709551616"),
                        ("huge", "9" * 400), ("non-numeric", "abc"), ("1e400", "1e400"),
                        ("NaN", "NaN"), ("hex", "0x10"), ("spaces", "%2010%20"),
                        ("plus", "%2B5"), ("-0", "-0")]:
            r.append((f"{ep} limit {name}", get(f"{ep}?limit={v}"),
                      err(400, "invalid_parameter", "limit")))
    for name, v in [("negative", "-1"), ("2^64", "18446744073709551616"), ("huge", "9" * 400),
                    ("non-numeric", "x")]:
        r.append((f"/v1/search offset {name}", get(f"/v1/search?offset={v}"),
                  err(400, "invalid_parameter", "offset")))
        r.append((f"/v1/search facet_size {name}", get(f"/v1/search?facets=place&facet_size={v}"),
                  err(400, "invalid_parameter", "facet_size")))
    for name, v in [("huge radius", "49.9,36.2,999999999999999999999km"),
                    ("NaN lat", "NaN,36.2,10km"), ("inf lon", "49.9,inf,10km"),
                    ("1e400", "1e400,1e400,1e400km"), ("negative", "49.9,36.2,-5km")]:
        r.append((f"/v1/search near {name}", get(f"/v1/search?near={v}"),
                  err(400, "invalid_parameter", "near")))
    for name, v in [("year 99999999999", "99999999999"), ("negative", "-2022"),
                    ("month 2^64", "2022-18446744073709551616")]:
        r.append((f"/v1/timeline from {name}", get(f"/v1/timeline?from={v}"),
                  err(400, "invalid_parameter", "from")))
    r.append(("/v1/timeline timespan huge", get("/v1/timeline?timespan=99999999999999999999d"),
              err(400, "invalid_parameter", "timespan")))
    # Endpoints without parameters ignore a query string, whatever it holds.
    for ep in PARAMLESS:
        for name, q in [("invalid UTF-8", "q=%FF%FE"), ("100 KB q", LONG_Q),
                        ("limit 1e400", "limit=1e400"), ("bad percent-encoding", "q=%zz%4")]:
            r.append((f"{ep} {name}", get(f"{ep}?{q}"), (OK,)))

    # -- ids in the path ---------------------------------------------------
    for base in ["/v1/articles/", "/v1/entities/"]:
        for name, tail in [("invalid UTF-8", "%FF%FE"), ("overlong", "%C0%AE%C0%AE"),
                           ("100 KB", "x" * (100 * 1024)), ("slashes", "..%2F..%2Fetc%2Fpasswd"),
                           ("percent garbage", "%zz%")]:
            r.append((f"{base}{{id}} {name}", get(base + tail), err(404, "not_found")))

    # -- static files: path traversal ----------------------------------------
    for path in ["/ui/../../etc/passwd", "/ui/..%2f..%2fetc%2fpasswd",
                 "/ui/%2e%2e/%2e%2e/etc/passwd", "/ui/%252e%252e%252fetc%252fpasswd",
                 "/ui/..\\..\\etc\\passwd", "/ui/app.js%00.html", "/ui//etc/passwd",
                 "/../../etc/passwd", "/ui/%C0%AE%C0%AE/etc/passwd", "/ui/app.js/",
                 "/ui/.%2e/meson.build", "/ui/" + "../" * 2000 + "etc/passwd",
                 "/ui/embed.py", "/ui/%FF"]:
        r.append((f"static {path[:40]}", get(path), err(404, "not_found")))

    # -- POST /v1/search bodies ------------------------------------------------
    body_rows = [
        ("duplicate keys", b'{"q":"a","q":"b"}', "body"),
        ("q 1e400", b'{"q":1e400}', None),
        ("limit 1e400", b'{"limit":1e400}', None),
        ("limit 2^64", b'{"limit":18446744073709551616}', "body"),  # Jansson: too big
        ("limit 2^63-1", b'{"limit":9223372036854775807}', "limit"),
        ("limit -1", b'{"limit":-1}', "limit"),
        ("limit 2.5", b'{"limit":2.5}', "limit"),
        ("limit true", b'{"limit":true}', "limit"),
        ("limit object", b'{"limit":{"a":1}}', "limit"),
        ("NaN", b'{"limit":NaN}', "body"),
        ("Infinity", b'{"limit":Infinity}', "body"),
        ("nested arrays 10k", b'{"place":' + nested(10000, b"[", b"]") + b"}", "body"),
        ("nested objects 10k", nested(10000, b'{"a":', b"}").replace(b"}", b"", 1) + b"1}",
         "body"),
        ("top-level array 10k deep", nested(10000, b"[", b"]"), "body"),
        ("array in array", b'{"place":[["Kharkiv"]]}', "place"),
        ("long string 60 KB", b'{"q":"' + b"x" * 60000 + b'"}', "q"),
        ("invalid UTF-8", b'{"q":"\xff\xfe"}', "body"),
        ("overlong UTF-8", b'{"q":"\xc0\xaf"}', "body"),
        ("surrogate escape", b'{"q":"\\ud800"}', "body"),
        ("escaped NUL", b'{"q":"a\\u0000b"}', "body"),
        ("raw NUL", b'{"q":"a\x00b"}', "body"),
        ("BOM", b'\xef\xbb\xbf{"q":"shelling"}', "body"),
        ("top-level string", b'"shelling"', "body"),
        ("top-level number", b"42", "body"),
        ("top-level null", b"null", "body"),
        ("top-level array", b'[{"q":"x"}]', "body"),
        ("empty object key", b'{"":"x"}', None),
        ("3000 distinct keys", ("{" + ",".join(f'"p{i}":1' for i in range(3000)) + "}").encode(),
         None),
        ("5000 repeated values", ('{"place":[' + ",".join(['"UA"'] * 5000) + "]}").encode(),
         None),
        ("5000 repeated limits", ('{"limit":[' + ",".join(['1'] * 5000) + "]}").encode(),
         "limit"),
        ("truncated", b'{"q":"shel', "body"),
        ("trailing garbage", b'{"q":"x"} {"q":"y"}', "body"),
        ("binary", bytes(range(256)), "body"),
        ("garbage cursor", b'{"cursor":"!!!!"}', "cursor"),
    ]
    for name, body, param in body_rows:
        r.append((f"POST /v1/search {name}", post_json("/v1/search", body),
                  err(400, None, param)))
    r.append(("POST /v1/search empty body", post_json("/v1/search", b""),
              err(400, "invalid_parameter", "body")))
    for ctype in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                  "application/jsonx", "application/json-seq", "", "\xff\xfe"]:
        r.append((f"POST /v1/search Content-Type {ctype!r}",
                  post_json("/v1/search", b'{"q":"x"}', ctype),
                  err(415, "unsupported_media_type")))
    r.append(("POST /v1/search no Content-Type",
              request("POST", "/v1/search", [], b'{"q":"x"}'),
              err(415, "unsupported_media_type")))
    # The body of a search is capped at 8 x limits.query_bytes (64 KiB).
    for name, body in [
            ("10k distinct keys", "{" + ",".join(f'"p{i}":1' for i in range(10000)) + "}"),
            ("10k repeated values", '{"place":[' + ",".join(['"Kharkiv"'] * 10000) + "]}")]:
        r.append((f"POST /v1/search {name}", post_json("/v1/search", body.encode()),
                  err(413, "payload_too_large")))
    r.append(("POST /v1/search over 8 x query_bytes",
              post_json("/v1/search", b'{"q":"' + b"x" * 70000 + b'"}'),
              err(413, "payload_too_large")))
    r.append(("POST /v1/search query string and body",
              post_json("/v1/search?q=x", b'{"q":"y"}'), err(400, "invalid_parameter", "q")))

    # -- POST /v1/ingest ---------------------------------------------------
    good = json.dumps({"id": "hostile-ok", "title": "Shelling in Kharkiv",
                       "published": "2024-05-01", "text": "Shelling hit Kharkiv."}).encode()
    r.append(("ingest without key", ingest(good + b"\n", key=None), err(401, "missing_api_key")))
    r.append(("ingest wrong key", ingest(good + b"\n", key="x" * 40),
              err(401, "invalid_api_key")))
    r.append(("ingest search key", ingest(good + b"\n", key=READ_KEY), err(403, "forbidden")))
    r.append(("ingest key with CRLF", ingest(good + b"\n", key="a%0D%0AX-Injected: 1"),
              err(401, "invalid_api_key")))
    r.append(("ingest Bearer only", request("POST", "/v1/ingest",
                                            ["Content-Type: application/x-ndjson",
                                             "Authorization: Bearer"], good),
              (JSON_ERR, 401, None, None)))
    r.append(("ingest Basic auth", request("POST", "/v1/ingest",
                                           ["Content-Type: application/x-ndjson",
                                            "Authorization: Basic " + "A" * 10000], good),
              (JSON_ERR, 401, None, None)))
    r.append(("ingest text/plain", ingest(good, ctype="text/plain"),
              err(415, "unsupported_media_type")))
    r.append(("ingest empty", ingest(b""), err(400, "invalid_parameter", "body")))
    r.append(("ingest blank lines", ingest(b"\n\r\n \t\n"), err(400, "invalid_parameter", "body")))
    r.append(("ingest query parameter", ingest(good, target="/v1/ingest?x=1"),
              err(400, "invalid_parameter", "x")))
    r.append(("ingest over body_bytes", ingest(b"x" * (BODY_LIMIT + 1)),
              err(413, "payload_too_large")))
    # Lines that are not articles: a 200 that rejects each, naming the line
    # (README "Ingest over HTTP": a batch of bad records is still a 200).
    bad_lines = [
        ("binary line", bytes(range(1, 256)).replace(b"\n", b"")),
        ("NUL line", b"\x00" * 100),
        ("NUL inside JSON", b'{"id":"a\x00b","title":"t","text":"x"}'),
        ("escaped NUL in id", b'{"id":"a\\u0000b","title":"t","text":"x"}'),
        ("line over max_record_bytes", b'{"id":"long","title":"t","text":"' + b"x" * 40000 +
         b'"}'),
        ("nested 10k", nested(10000, b"[", b"]")),
        ("nested objects 10k", nested(10000, b'{"a":', b"}").replace(b"}", b"", 1) + b"1}"),
        ("top-level number", b"42"),
        ("id 1e400", b'{"id":1e400,"title":"t","text":"x"}'),
        ("NaN", b'{"id":NaN}'),
        ("invalid UTF-8 id", b'{"id":"\xff\xfe","title":"t","text":"x"}'),
        ("truncated", b'{"id":"t'),
    ]
    for name, line in bad_lines:
        r.append((f"ingest {name}", ingest(line + b"\n"), ("ingest", 0, None)))
    # The reader skips a body whose first bytes hold a NUL as binary, whole.
    r.append(("ingest NUL on line 1 then a good line", ingest(b"\x00\xff\n" + good + b"\n"),
              ("ingest", 0, 1)))
    r.append(("ingest good and bad lines",
              ingest(good + b"\n\xff\xfe garbage\n" + b"[" * 5000 + b"\n"), ("ingest", 1, 2)))
    # As in the CLI's reader, the last of duplicate keys wins.
    r.append(("ingest duplicate keys",
              ingest(b'{"id":"hostile-d","id":"hostile-e","title":"t","text":"x"}\n'),
              ("ingest", None, None)))
    r.append(("ingest invalid UTF-8 in text",
              ingest(b'{"id":"hostile-utf8","title":"t\xff","text":"Kharkiv \xc0\xaf \xed\xa0\x80"}\n'),
              ("ingest", None, None)))
    r.append(("ingest BOM", ingest(b"\xef\xbb\xbf" + good + b"\n"), ("ingest", None, None)))
    r.append(("ingest application/json array 10k deep",
              ingest(nested(10000, b"[", b"]"), ctype="application/json"), ("ingest", 0, None)))

    # -- DELETE ------------------------------------------------------------
    r.append(("DELETE without key", request("DELETE", "/v1/articles/x"),
              err(401, "missing_api_key")))
    r.append(("DELETE unknown id", request("DELETE", "/v1/articles/no-such-id",
                                           [f"Authorization: Bearer {KEY}"]),
              err(404, "not_found")))
    r.append(("DELETE id with %00", request("DELETE", "/v1/articles/a%00b",
                                            [f"Authorization: Bearer {KEY}"]),
              err(404, "not_found")))
    r.append(("DELETE 100 KB id", request("DELETE", "/v1/articles/" + "y" * 100000,
                                          [f"Authorization: Bearer {KEY}"]),
              err(404, "not_found")))
    r.append(("DELETE invalid UTF-8 id", request("DELETE", "/v1/articles/%FF%C0%AF",
                                                 [f"Authorization: Bearer {KEY}"]),
              err(404, "not_found")))
    r.append(("DELETE with oversize body",
              request("DELETE", "/v1/articles/x", [f"Authorization: Bearer {KEY}",
                                                   f"Content-Length: {BODY_LIMIT * 4}"],
                      b"", length=False),
              err(413, "payload_too_large")))
    r.append(("DELETE collection", request("DELETE", "/v1/articles/",
                                           [f"Authorization: Bearer {KEY}"]),
              err(404, "not_found")))

    # -- the transport -------------------------------------------------------
    post = ["Content-Type: application/json"]
    r += [
        ("HTTP/1.0", get("/v1/health").replace(b"HTTP/1.1", b"HTTP/1.0"), (OK,)),
        ("HTTP/1.0 without Host", request("GET", "/v1/search?q=x", version=b"HTTP/1.0",
                                          host=False), (OK,)),
        # MHD 0.9.75 only insists on Host when configured to be strict.
        ("HTTP/1.1 without Host", request("GET", "/v1/health", host=False), (OK,)),
        ("two Host headers", get("/v1/health", ["Host: other.test"]), (OK,)),
        ("absolute-form target", get("http://evil.test/v1/health"), err(404, "not_found")),
        ("asterisk-form", request("OPTIONS", "*"), err(404, "not_found")),
        ("CONNECT", request("CONNECT", "evil.test:443"), err(404, "not_found")),
        ("lowercase method", request("get", "/v1/health"), err(405, "method_not_allowed")),
        ("method 200 bytes", request("X" * 200, "/v1/health"), err(405, "method_not_allowed")),
        ("request line garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
         (MHD, 400)),
        ("request line without target", b"GET\r\nHost: x\r\n\r\n", (MHD, 400)),
        # 505 is what RFC 9110 says for it, but a 5xx: MHD's, not ours.
        ("HTTP/9.9", get("/v1/health").replace(b"HTTP/1.1", b"HTTP/9.9"), (MHD, 505)),
        ("HTTP/0.9 style", b"GET /v1/health\r\n\r\n", (MHD, 400, 505)),
        ("header without colon", get("/v1/health", ["NoColonHere"]), (MHD, 400)),
        ("raw NUL in target", get("/v1/hea\x00lth"), err(404, "not_found")),
        ("raw bytes 0x80-0xff in target", get("/v1/search?q=" + "".join(map(chr, range(128, 256)))),
         err(400, "invalid_parameter", "q")),
        ("raw space in target", get("/v1/search?q=a b"), (OK,)),
        ("bare LF line ends", b"GET /v1/health HTTP/1.1\nHost: x\nConnection: close\n\n", (OK,)),
        ("obsolete line folding", get("/v1/health", ["X-A: a", " b"]), (OK, "4xx", MHD)),
        ("header with NUL", get("/v1/health", ["X-A: a\x00b"]), (OK, "4xx", MHD)),
        ("Origin with CRLF escape", get("/v1/health", ["Origin: http://allowed.example%0D%0AX-Injected: 1"]),
         (OK,)),
        ("Content-Length negative",
         request("POST", "/v1/search", post + ["Content-Length: -1"], b"{}", length=False),
         (MHD, 400)),
        ("Content-Length not a number",
         request("POST", "/v1/search", post + ["Content-Length: abc"], b"{}", length=False),
         (MHD, 400)),
        ("Content-Length beyond 64 bits",
         request("POST", "/v1/search", post + ["Content-Length: 99999999999999999999999"], b"{}",
                 length=False), (MHD, 413)),
        ("Content-Length 2^63",
         request("POST", "/v1/search", post + ["Content-Length: 9223372036854775808"], b"{}",
                 length=False), err(413, "payload_too_large")),
        ("Content-Length over body_bytes",
         request("POST", "/v1/ingest", post + [f"Content-Length: {BODY_LIMIT + 1}"], b"",
                 length=False), err(413, "payload_too_large")),
        ("two different Content-Lengths",
         request("POST", "/v1/search", post + ["Content-Length: 2", "Content-Length: 40"],
                 b'{}GET /v1/smuggled HTTP/1.1\r\nHost: x\r\n\r\n', length=False),
         err(400, "invalid_parameter", "Content-Length")),
        ("two equal Content-Lengths",
         request("POST", "/v1/search", post + ["Content-Length: 2", "Content-Length: 2"], b"{}",
                 length=False), (OK,)),
        ("Content-Length and Transfer-Encoding",
         request("POST", "/v1/search", post + ["Content-Length: 4",
                                               "Transfer-Encoding: chunked"],
                 b"0\r\n\r\nGET /v1/smuggled HTTP/1.1\r\nHost: x\r\n\r\n", length=False),
         err(400, "conflicting_parameters", "Content-Length")),
        ("Transfer-Encoding and Content-Length, TE first",
         request("POST", "/v1/search", post + ["Transfer-Encoding: chunked",
                                               "Content-Length: 50"],
                 b"2\r\n{}\r\n0\r\n\r\n", length=False),
         err(400, "conflicting_parameters", "Content-Length")),
        ("chunk size not hex",
         request("POST", "/v1/search", post + ["Transfer-Encoding: chunked"],
                 b"zz\r\n{}\r\n0\r\n\r\n", length=False), (MHD, 400)),
        ("chunk size negative",
         request("POST", "/v1/search", post + ["Transfer-Encoding: chunked"],
                 b"-2\r\n{}\r\n0\r\n\r\n", length=False), (MHD, 400)),
        ("chunk size beyond 64 bits",
         request("POST", "/v1/search", post + ["Transfer-Encoding: chunked"],
                 b"fffffffffffffffffff\r\n{}\r\n0\r\n\r\n", length=False), (MHD, 413)),
        ("chunk size 2^63 then EOF",
         request("POST", "/v1/search", post + ["Transfer-Encoding: chunked"],
                 b"8000000000000000\r\n{}", length=False), (CLOSED, 413)),
        ("chunks over body_bytes",
         request("POST", "/v1/ingest", post + ["Transfer-Encoding: chunked",
                                               f"Authorization: Bearer {KEY}"],
                 (b"10000\r\n" + b"a" * 0x10000 + b"\r\n") * 5 + b"0\r\n\r\n", length=False),
         err(413, "payload_too_large")),
        ("chunked search body",
         request("POST", "/v1/search", post + ["Transfer-Encoding: chunked"],
                 b"2\r\n{}\r\n0\r\n\r\n", length=False), (OK,)),
        ("Transfer-Encoding gzip",
         request("POST", "/v1/search", post + ["Transfer-Encoding: gzip"], b"{}", length=False),
         (MHD,)),
        ("Expect: 100-continue with oversize body",
         request("POST", "/v1/ingest", ["Content-Type: application/x-ndjson",
                                        f"Authorization: Bearer {KEY}", "Expect: 100-continue",
                                        "Content-Length: 1073741824"], b"", length=False),
         err(413, "payload_too_large")),
        ("Expect: 100-continue without key",
         request("POST", "/v1/ingest", ["Content-Type: application/x-ndjson",
                                        "Expect: 100-continue"], good),
         err(401, "missing_api_key")),
        ("Expect: something else", get("/v1/health", ["Expect: 200-ok"]), (OK, "4xx")),
        ("body shorter than Content-Length",
         request("POST", "/v1/search", post + ["Content-Length: 100"], b"{}", length=False),
         (CLOSED,)),
        ("headers cut short", b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ", (CLOSED,)),
        ("140 KB header", get("/v1/health", ["X-Big: " + "a" * 140000]),
         err(431, "headers_too_large")),
        ("5000 headers", get("/v1/health", [f"X-H{i}: v" for i in range(5000)]),
         (JSON_ERR, 431, "headers_too_large", None, MHD)),
        ("300 KB header (beyond MHD's pool)", get("/v1/health", ["X-Big: " + "a" * 300000]),
         (MHD, 431, 414)),
        ("140 KB URI", get("/v1/search?q=" + "a" * 140000), err(414, "uri_too_long")),
        ("300 KB URI (beyond MHD's pool)", get("/v1/search?q=" + "a" * 300000), (MHD, 414)),
        ("10k-byte Authorization", get("/v1/search", ["Authorization: Bearer " + "k" * 10000]),
         (OK,)),
        ("Authorization with invalid UTF-8 (open search)",
         get("/v1/search", ["Authorization: Bearer \xff\xfe\xc0\xaf-0123456789"]), (OK,)),
    ]
    return r


class Served(unittest.TestCase):
    """A sitrepd of its own on an index of REPORTS, with CONFIG; it must
    still exit 0 at the end, whatever it was sent."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.tempdir()
        d = cls.tmp.name
        cls.config = harness.write_config(d, extra=CONFIG)
        cls.index = os.path.join(d, "index")
        harness.build_index(cls.index, [REPORTS], cls.config)
        cls.srv = harness.Server(cls.index, cls.config).start()

    @classmethod
    def tearDownClass(cls):
        code = cls.srv.stop()
        cls.tmp.cleanup()
        assert code == 0, f"sitrepd exited {code}:\n{cls.srv.log()}"


class Hostile(Served, harness.ErrorAssertions):
    def health(self):
        """/v1/health within 5 s (a generous bound: it takes milliseconds)."""
        r = self.srv.raw_response(get("/v1/health"), timeout=5)
        self.assertEqual((r.status, r.body), (200, {"status": "ok"}), r)

    def check_headers(self, r):
        for name in r.headers:
            self.assertIn(name, KNOWN_HEADERS, f"unexpected response header {name!r}: {r!r}")
        for value in r.headers.values():
            self.assertNotIn("Injected", value, r)

    def check_row(self, name, data, expect):
        kind = expect[0]
        # A stalled request waits for limits.timeout_seconds.
        reply = self.srv.raw(data, timeout=TIMEOUT_S * 5)
        # An interim "100 Continue" (Expect: 100-continue) comes first.
        interim = re.match(rb"HTTP/1\.1 100 [^\r]*\r\n(?:[^\r]+\r\n)*\r\n", reply)
        if interim:
            reply = reply[interim.end():]
        r = parse(reply)
        # MHD's 505 for an unknown HTTP version is the one 5xx allowed.
        if not (kind == MHD and r.status in expect[1:]):
            self.assertFalse(500 <= r.status < 600, r)
        self.check_headers(r)
        if kind == JSON_ERR:
            _, status, code, param = expect[:4]
            if len(expect) > 4 and expect[4] == MHD and r.body is None:
                # Where MHD's pool ends before sitrepd's limit (see MHD).
                self.assertIn(r.status, (0, status), r)
                return
            self.assertEqual(r.status, status, r)
            if code is None:
                self.assertEqual(r.headers.get("content-type"),
                                 "application/json; charset=utf-8", r)
                e = r.body["error"]
                self.assertEqual(e["status"], status, r)
                self.assertTrue(e["code"] and e["message"], r)
                self.assertEqual(e["request_id"], r.headers["x-request-id"], r)
                if param is not None:
                    self.assertEqual(e.get("param"), param, r)
            else:
                self.assertError(r, status, code, param)
        elif kind == OK:
            if r.status >= 400 and "4xx" in expect:
                self.assertLess(r.status, 500, r)
                if r.body is not None or MHD not in expect:
                    self.assertTrue(r.body and r.body.get("error"), r)
            elif r.status == 0 or (r.status >= 400 and MHD in expect):
                self.assertIn(MHD, expect, r)
            else:
                self.assertTrue(200 <= r.status < 300, r)
        elif kind == MHD:
            # MHD's own answer (HTML) or a closed connection; never ours
            # with another status.
            self.assertIn(r.status, (0,) + tuple(expect[1:]), r)
        elif kind == CLOSED:
            self.assertIn(r.status, (0,) + tuple(expect[1:]), r)
        elif kind == "ingest":
            _, indexed, rejected = expect
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.headers.get("content-type"), "application/json; charset=utf-8")
            if indexed is not None:
                self.assertEqual(r.body["indexed"], indexed, r)
            if rejected is not None:
                self.assertEqual(r.body["rejected"], rejected, r)
            elif indexed == 0:
                self.assertGreaterEqual(r.body["rejected"], 1, r)
            for e in r.body["errors"]:
                self.assertIsInstance(e["line"], int)
                self.assertTrue(e["message"])
        else:
            self.fail(f"unknown expectation {expect!r}")

    def test_rows(self):
        table = rows()
        names = [n for n, _, _ in table]
        self.assertEqual(len(names), len(set(names)), "row names must be unique")
        for name, data, expect in table:
            with self.subTest(row=name):
                try:
                    self.check_row(name, data, expect)
                finally:
                    self.assertTrue(self.srv.alive(), f"sitrepd died at {name!r}:\n" +
                                    "\n".join(self.srv.lines[-20:]))
                    self.health()
        print(f"{len(table)} hostile rows", file=sys.stderr)

    def test_forged_cursors(self):
        """Cursors with a valid checksum but made-up contents (the layout of
        server/cursor.c): a 400 naming cursor, or a page; never a 5xx."""
        r = self.srv.raw_response(get("/v1/search?limit=1&fields=id"))
        self.assertEqual(r.status, 200, r)
        real = r.body["next_cursor"]
        raw = base64.urlsafe_b64decode(real + "=" * (-len(real) % 4))
        fixed = 1 + 8 + 8 + 8 + 8 + 4 + 1

        def forge(position=None, docid=None, key=None, revision=None, version=None):
            head = bytearray(raw[:fixed])
            k = raw[fixed:-4] if key is None else key
            if version is not None:
                head[0] = version
            if revision is not None:
                head[1:9] = struct.pack(">Q", revision)
            if position is not None:
                head[25:33] = struct.pack(">Q", position)
            if docid is not None:
                head[33:37] = struct.pack(">I", docid)
            head[37] = len(k) & 0xff
            body = bytes(head) + k
            h = 0x811c9dc5
            for b in body:
                h = ((h ^ b) * 0x01000193) & 0xffffffff
            return base64.urlsafe_b64encode(body + struct.pack(">I", h)).rstrip(b"=").decode()

        self.assertEqual(forge(), real, "the forging follows cursor.c")
        cases = [forge(position=2**64 - 1), forge(position=2**32 - 1),
                 forge(position=2**32), forge(docid=2**32 - 1), forge(docid=0),
                 forge(position=0), forge(key=b"\xff" * 16), forge(key=b""),
                 forge(key=b"9" * 17), forge(revision=2**64 - 1), forge(version=2),
                 forge(position=5, docid=1)]
        for c in cases:
            with self.subTest(cursor=c):
                for ep in ("/v1/search?limit=1&fields=id&cursor=",
                           "/v1/search?limit=250&facets=place,date&cursor=",
                           "/v1/search?format=ndjson&cursor=", "/v1/search?format=csv&cursor="):
                    r = self.srv.raw_response(get(ep + c))
                    self.assertIn(r.status, (200, 400), r)
                    if r.status == 400:
                        self.assertError(r, 400, "invalid_parameter", "cursor")
        self.health()

    def test_smuggled_request_not_served(self):
        """The bytes after a request refused for its framing are not read as
        another request: the connection closes after the 400."""
        smuggled = b"GET /v1/smuggled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        for framing in (["Content-Length: 2", f"Content-Length: {2 + len(smuggled)}"],
                        [f"Content-Length: {5 + len(smuggled)}", "Transfer-Encoding: chunked"]):
            with self.subTest(framing=framing):
                body = b"{}" if len(framing) == 2 and "Transfer" not in framing[1] else b"0\r\n\r\n"
                data = request("POST", "/v1/search", ["Content-Type: application/json"] + framing,
                               body + smuggled, length=False, close=False)
                reply = self.srv.raw(data, timeout=5)
                self.assertTrue(reply.startswith(b"HTTP/1.1 400 "), reply[:300])
                self.assertNotIn(b"/v1/smuggled", reply)
                self.assertEqual(reply.count(b"HTTP/1.1 "), 1, reply)
        self.assertNotIn("/v1/smuggled", self.srv.log())

    def test_zz_log_is_clean(self):
        """Named to run last: nothing above was a server error."""
        self.assertTrue(self.srv.alive())
        self.health()
        log = self.srv.log()
        self.assertEqual(harness.sanitizer_report(log), "", log)
        bad = [line for line in log.splitlines()
               if re.search(r"^sitrepd: \S+ \S+ 5\d\d |internal_error|: answered 5\d\d", line)]
        self.assertEqual(bad, [], "\n".join(bad))


class SlowClients(Served):
    """Slowloris: connections that send a header byte a second hold a slot
    each (MHD 0.9.75's timeout is an idle timeout, and has no deadline for a
    whole request), so what bounds one address is
    limits.connections_per_ip; meanwhile others are served, and a
    connection that stops sending is closed after limits.timeout_seconds."""

    def connect(self, source="127.0.0.1"):
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10,
                                     source_address=(source, 0))
        s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        return s

    def served(self, source="127.0.0.1", path="/v1/search?q=shelling&limit=1"):
        """One request from source: its status, within 5 s."""
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=5,
                                      source_address=(source, 0)) as s:
            s.sendall(get(path))
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        return int(data.split(b" ", 2)[1])

    @staticmethod
    def closed_within(s, seconds):
        """True when the server closes s (EOF or reset) within seconds."""
        s.settimeout(seconds)
        try:
            while s.recv(4096):
                pass
            return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def test_trickle_and_stall(self):
        n = min(20, PER_IP - 5)
        socks = [self.connect() for _ in range(n)]
        stop = threading.Event()

        def trickle():
            while not stop.wait(1.0):
                for s in socks:
                    try:
                        s.sendall(b"a")
                    except OSError:
                        pass

        t = threading.Thread(target=trickle, daemon=True)
        t.start()
        try:
            # Over several timeout periods, a normal client is served each time.
            for _ in range(3 * TIMEOUT_S):
                t0 = time.monotonic()
                self.assertEqual(self.served(), 200)
                self.assertEqual(self.served(path="/v1/health"), 200)
                time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))
        finally:
            stop.set()
            t.join()
        # Now they stall: each is closed after limits.timeout_seconds (2 s);
        # 10 s is a generous bound.
        t0 = time.monotonic()
        for s in socks:
            with s:
                self.assertTrue(self.closed_within(s, max(0.1, 10 - (time.monotonic() - t0))),
                                "a stalled connection was not closed")
        self.assertEqual(self.served(), 200)
        self.assertTrue(self.srv.alive())

    def test_per_address_limit(self):
        """One address holding limits.connections_per_ip connections gets
        no more; another address is still served."""
        socks = [self.connect("127.0.0.2") for _ in range(PER_IP)]
        try:
            # The next one from that address is refused: closed without an answer.
            extra = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10,
                                             source_address=("127.0.0.2", 0))
            with extra:
                try:
                    extra.sendall(get("/v1/health"))
                except OSError:
                    pass
                self.assertTrue(self.closed_within(extra, 5))
            self.assertEqual(self.served("127.0.0.3"), 200)
            self.assertEqual(self.served("127.0.0.1", "/v1/health"), 200)
        finally:
            for s in socks:
                s.close()
        self.assertTrue(self.srv.alive())


if __name__ == "__main__":
    unittest.main(verbosity=2)
