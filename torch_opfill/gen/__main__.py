"""``python -m torch_opfill.gen``: the same as ``opfill-gen``."""

import sys

from torch_opfill.gen.cli import main

sys.exit(main())
