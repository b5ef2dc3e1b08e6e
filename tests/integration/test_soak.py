"""test_soak.py - the short soak in the test suite (issue #5): runs
scripts/soak/soak.py for 15 seconds (wrk at 8 then 64 connections over a
mix of searches, facets, timelines, GeoJSON and entities, with ingest and
delete throughout) against the binaries under test.  It passes when no
request failed, the server logged no 5xx and no sanitizer report, and its
RSS stayed within the soak's bound (not checked under ASan).  Skipped when
wrk is not installed.  `scripts/soak.sh` runs the long version (180 s).
"""

import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SOAK = os.path.join(harness.source_dir(), "scripts", "soak", "soak.py")


class ShortSoak(unittest.TestCase):
    def test_soak_15s(self):
        server = harness.env_or_skip("SITREP_SERVER_BIN")
        indexer = harness.env_or_skip("SITREP_INDEX_BIN")
        proc = subprocess.run([sys.executable, SOAK, "--seconds", "15", "--articles", "300",
                               "--server-bin", server, "--index-bin", indexer],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=600)
        print(proc.stdout, file=sys.stderr)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("errors: 0", proc.stdout)


if __name__ == "__main__":
    if not shutil.which("wrk"):
        print("wrk is not installed (scripts/install-deps.sh); skipping", file=sys.stderr)
        sys.exit(harness.SKIP)
    unittest.main(verbosity=2)
