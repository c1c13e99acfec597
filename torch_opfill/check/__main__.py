"""``python -m torch_opfill.check``; see :mod:`torch_opfill.check.cli`."""

import sys

from torch_opfill.check.cli import main

if __name__ == "__main__":  # not when a spawned worker imports this module as __mp_main__
    sys.exit(main())
