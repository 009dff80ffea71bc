"""``python -m salesmanago._cli``: the ``salesmanago`` command."""

import sys

from . import main

sys.exit(main())
