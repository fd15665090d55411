"""Run the bare import baseline on one file in a process of its own; print JSON."""

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline_import import run  # noqa: E402

if __name__ == "__main__":
    lines, seconds = run(sys.argv[1], str(Path(tempfile.mkdtemp(prefix="journal-bench-bare-")) / "bare.sqlite3"))
    print(json.dumps({"lines": lines, "seconds": seconds}))
