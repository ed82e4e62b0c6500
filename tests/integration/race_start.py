"""Start `arbench ARGS` in step with other processes: the race tests' starting gun.

    python race_start.py GATE_DIR ARGS...

Imports arbench first (the slow part), writes GATE_DIR/ready-<pid>, waits until GATE_DIR/go
exists, then runs the real command line (`arbench.cli.main`) and exits with its code. So every
process reaches the job's database work at the same moment, not a second apart.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> int:
    gate, args = Path(sys.argv[1]), sys.argv[2:]
    from arbench.cli import main as arbench_main

    (gate / f"ready-{os.getpid()}").touch()
    while not (gate / "go").exists():
        time.sleep(0.001)
    return arbench_main(args)


if __name__ == "__main__":
    sys.exit(main())
