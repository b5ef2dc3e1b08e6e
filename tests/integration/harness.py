"""harness.py - start real sitrep programs and talk HTTP to them.

Python 3 standard library only.  The programs come from the environment
that tests/meson.build sets:

    SITREP_INDEX_BIN   the sitrep-index executable
    SITREP_SERVER_BIN  the sitrepd executable
    SITREP_SOURCE_DIR  the source tree (for the gazetteer)

Typical use:

    idx = tempdir / "index"
    build_index(idx, [fixture], config)
    with Server(idx, config) as srv:
        status, headers, body = srv.get("/v1/search", {"q": "shelling"})

The server is started on 127.0.0.1 port 0; the port is read from the line
"sitrepd: listening on http://127.0.0.1:PORT" it prints on stderr.  Every
server started here is killed when the test process exits, whatever
happens.

Sanitizer builds (scripts/test.sh runs every suite once more in build-asan):
stop() and build_index() fail loudly when the program printed an
AddressSanitizer, LeakSanitizer or UndefinedBehaviorSanitizer report, and
stop() also when sitrepd did not exit 0 on SIGTERM, so a leak found at exit
fails the test that started the program.
"""

import atexit
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SKIP = 77  # meson's "skipped"

LISTEN_RE = re.compile(r"^sitrepd: listening on http://127\.0\.0\.1:(\d+)$")

_live = []  # servers to kill at exit

# The first line of a sanitizer report: "==PID==ERROR: AddressSanitizer: ..."
# (LeakSanitizer too) and UBSan's "FILE:LINE:COL: runtime error: ...".
SANITIZER_RE = re.compile(
    r"^==\d+==ERROR: \w+Sanitizer|^\S+:\d+:\d+: runtime error: |^SUMMARY: \w+Sanitizer",
    re.MULTILINE)


def sanitizer_report(text):
    """The sanitizer report lines in a program's output ("" when none)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "\n".join(m.group(0) for m in SANITIZER_RE.finditer(text or ""))


@atexit.register
def _kill_all():
    failed = False
    for srv in list(_live):
        try:
            srv.stop()
        except AssertionError as e:  # a report at exit still fails the test
            print(e, file=sys.stderr)
            failed = True
    if failed:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


def env_or_skip(name):
    value = os.environ.get(name)
    if not value or not os.path.exists(value):
        print(f"{name} is not set or missing ({value!r}); skipping", file=sys.stderr)
        sys.exit(SKIP)
    return value


def source_dir():
    return os.environ.get(
        "SITREP_SOURCE_DIR",
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def write_config(directory, cors_origins=("http://allowed.example",), extra="", shards=None):
    """Writes a small sitrep.yaml into directory and returns its path.  The
    gazetteer path is absolute: relative paths resolve against the file.
    shards sets index.shards (else the built-in default)."""
    gazetteer = os.path.join(source_dir(), "indexer", "gazetteer", "places.tsv")
    origins = ", ".join(json.dumps(o) for o in cors_origins)
    text = (
        "index:\n"
        f"  gazetteer: {json.dumps(gazetteer)}\n"
        + (f"  shards: {shards}\n" if shards else "") +
        "server:\n"
        "  threads: 2\n"
        f"  cors_origins: [{origins}]\n"
        f"{extra}"
    )
    # The rate limit (limits.rate_per_second) would make a suite's pass depend
    # on how fast the machine sends requests: off, except where a test sets it.
    if "rate_per_second" not in extra:
        if "limits:\n" in text:
            text = text.replace("limits:\n", "limits:\n  rate_per_second: 0\n", 1)
        else:
            text += "limits:\n  rate_per_second: 0\n"
    path = os.path.join(directory, "sitrep.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def write_jsonl(path, articles):
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    return path


def build_index(index_dir, paths, config=None, check=True):
    """Runs sitrep-index --index DIR PATH...; returns the CompletedProcess.
    With check, a non-zero exit fails loudly with the indexer's output."""
    cmd = [env_or_skip("SITREP_INDEX_BIN")]
    if config:
        cmd += ["--config", str(config)]
    cmd += ["--index", str(index_dir)] + [str(p) for p in paths]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=300)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n"
                           f"{proc.stdout}\n{proc.stderr}")
    if sanitizer_report(proc.stderr):
        raise AssertionError(f"{' '.join(cmd)}: sanitizer report:\n{proc.stderr}")
    return proc


def index_samples(directory, shards=None):
    """Indexes the bundled samples (indexer/samples) into DIRECTORY/index
    (of shards shards, else the default) with a config written there;
    returns (config, index, ids), where ids
    maps each sample's key in tests/samples-expected.json (its JSON id or
    its file name) to the id the indexer gave it, read from the
    "indexed ID FILE:LINE" lines of `sitrep-index -v`."""
    config = write_config(directory, shards=shards)
    index = os.path.join(directory, "index")
    samples = os.path.join(source_dir(), "indexer", "samples")
    p = subprocess.run([env_or_skip("SITREP_INDEX_BIN"), "--config", config, "--index", index,
                        "-v", samples], capture_output=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"indexing the samples failed:\n{p.stderr.decode()}")
    ids = {}
    for line in p.stdout.decode().splitlines():
        _, doc_id, where = line.split(" ", 2)
        ids[doc_id] = doc_id
        ids[os.path.basename(where.rsplit(":", 1)[0])] = doc_id
    return config, index, ids


class Response:
    """status, headers (a dict with lower-case names), body (parsed JSON or
    None), raw (bytes)."""

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.body = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.body = None

    def __iter__(self):  # status, headers, body = srv.get(...)
        return iter((self.status, self.headers, self.body))

    def __repr__(self):
        return f"<Response {self.status} {self.raw[:300]!r}>"


class Server:
    def __init__(self, index_dir, config=None, args=()):
        self.index_dir = str(index_dir)
        self.config = config
        self.args = list(args)
        self.proc = None
        self.port = None
        self.lines = []
        self._reader = None
        self._checked = False

    # -- life cycle --------------------------------------------------------

    def start(self, timeout=15):
        cmd = [env_or_skip("SITREP_SERVER_BIN"), "--index", self.index_dir,
               "--listen", "127.0.0.1:0"]
        if self.config:
            cmd += ["--config", str(self.config)]
        cmd += self.args
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _live.append(self)
        found = threading.Event()

        def drain():
            # Keep reading so the pipe never fills and blocks the server.
            for raw in self.proc.stderr:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.lines.append(line)
                m = LISTEN_RE.match(line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    found.set()
            found.set()

        self._reader = threading.Thread(target=drain, daemon=True)
        self._reader.start()
        if not found.wait(timeout) or self.port is None:
            self.stop(check=False)
            raise RuntimeError("sitrepd did not report its port:\n" + self.log())
        return self

    def stop(self, sig_timeout=10, check=True):
        """SIGTERM, then SIGKILL if it does not exit; returns the exit code.
        With check, raises AssertionError (once) when sitrepd printed a
        sanitizer report or, stopped by us, did not exit 0."""
        if self.proc is None:
            return None
        stopped_here = self.proc.poll() is None
        if stopped_here:
            self.proc.terminate()
            try:
                self.proc.wait(sig_timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._reader:
            self._reader.join(5)
        if self.proc.stderr:
            self.proc.stderr.close()
        if self in _live:
            _live.remove(self)
        code = self.proc.returncode
        if check and not self._checked:
            self._checked = True
            report = sanitizer_report(self.log())
            if report or (stopped_here and code != 0):
                raise AssertionError(f"sitrepd exited {code}"
                                     f"{' with a sanitizer report' if report else ''}:\n"
                                     + self.log())
        return code

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        return "\n".join(self.lines)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- requests ----------------------------------------------------------

    def request(self, method, path, params=None, headers=None, body=None, timeout=30):
        """params: a dict (list values repeat the key) or a list of pairs."""
        target = path
        if params:
            target += "?" + urllib.parse.urlencode(params, doseq=True)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            resp = conn.getresponse()
            raw = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            return Response(resp.status, hdrs, raw)
        finally:
            conn.close()

    # Set on a server to add these parameters to every GET of the article
    # endpoints that lacks them (suites whose ground truth is per article
    # use {"dedup": "false"}).
    defaults = {}

    def get(self, path, params=None, headers=None):
        if self.defaults and path in ("/v1/search", "/v1/timeline", "/v1/geo") and \
                (params is None or isinstance(params, dict)):
            params = dict(self.defaults, **(params or {}))
        return self.request("GET", path, params, headers)

    def raw(self, data, timeout=10):
        """Sends bytes as they are and returns everything the server sends
        back until it closes the connection (or the timeout)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            try:
                s.sendall(data)
            except OSError:
                pass  # the server may answer and close before reading it all
            chunks = []
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            except (socket.timeout, ConnectionResetError):
                pass
        return b"".join(chunks)

    def raw_response(self, data, timeout=10):
        """raw(), parsed into a Response (status 0 when nothing came back)."""
        reply = self.raw(data, timeout)
        head, _, body = reply.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0] if lines else b"")
        status = int(m.group(1)) if m else 0
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            hdrs[k.decode("latin-1").strip().lower()] = v.decode("latin-1").strip()
        return Response(status, hdrs, body)


class ErrorAssertions:
    """For unittest.TestCase subclasses: checks the API's JSON error shape
    (API.md "Errors") once, for every suite that tests error answers."""

    def assertError(self, r, status, code, param=None, message=None):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.headers.get("content-type"), "application/json; charset=utf-8", r)
        err = r.body["error"]
        self.assertEqual((err["status"], err["code"]), (status, code), r)
        self.assertEqual(err["request_id"], r.headers["x-request-id"])
        if param is not None:
            self.assertEqual(err.get("param"), param, r)
        if message is not None:
            self.assertIn(message, err["message"], r)
        return err

def tempdir(prefix="sitrep-test-"):
    return tempfile.TemporaryDirectory(prefix=prefix)


def wait_until(predicate, timeout=5.0, interval=0.05):
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= end:
            return value
        time.sleep(interval)
