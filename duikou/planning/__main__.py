"""`python -m duikou.planning INSTANCE.json --time-limit SECONDS ...` (see cli.py)."""

import sys

from .cli import main

if __name__ == "__main__":  # not when a spawned helper process imports it
    sys.exit(main())
