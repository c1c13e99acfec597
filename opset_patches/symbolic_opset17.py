"""Pack ops whose ONNX form needs opset 17."""

from __future__ import annotations

import functools

from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=17)
