"""The frozen program's entry point: PyInstaller runs this file, which runs `arbench`.

Kept outside the package so PyInstaller sees a plain script; it imports nothing but the CLI.
"""

import sys

from arbench.cli import main

if __name__ == "__main__":
    sys.exit(main())
