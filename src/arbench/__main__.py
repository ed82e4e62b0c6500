"""`python -m arbench` runs the arbench command."""

from arbench.cli import main

raise SystemExit(main())
