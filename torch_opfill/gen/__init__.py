"""``opfill-gen``: generate pack ops from the ONNX operator spec.

    opfill-gen Asinh                        # aten::asinh -> ONNX Asinh, into the bundled pack
    opfill-gen Asinh --pack ./my_pack       # into your own pack
    opfill-gen Trilu --aten aten::triu --opset 14
    opfill-gen Asinh --spec Operators.md    # schema from an ONNX Operators.md / Changelog.md
    opfill-gen --missing [--opset N] [--json]

The ONNX schema comes from the installed ``onnx.defs`` (every version) or from ``--spec``;
both give the same :class:`~torch_opfill.gen.schema.OnnxSchema`. The ATen op is found by
name (``Asinh`` -> ``aten::asinh``; ``special_``/``linalg_`` prefixes; a few known twins) or
given with ``--aten``, and its schema is read from torch so parameter names match exactly.
A 1:1 mapping (checked numerically in onnxruntime against eager, per dtype) becomes a working
function in ``<pack>/symbolic_opset<N>.py`` plus a test row in ``<pack>/cases.py``; anything
else becomes a stub that raises :class:`~torch_opfill.OpfillError` saying what is left to map.
"""

from __future__ import annotations

from torch_opfill.gen.cli import generate, main, missing
from torch_opfill.gen.errors import GenError
from torch_opfill.gen.schema import Catalog, OnnxSchema, defs_catalog, parse_operators_md

__all__ = [
    "Catalog", "GenError", "OnnxSchema", "defs_catalog", "generate", "main", "missing", "parse_operators_md",
]
