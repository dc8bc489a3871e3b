"""`python -m api.cli`: the `vsg` command, as the console script runs it."""

import sys

from api.cli.main import main

sys.exit(main())
