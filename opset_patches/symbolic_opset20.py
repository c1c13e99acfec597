"""Pack ops whose ONNX form needs opset 20."""

from __future__ import annotations

import functools

from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=20)
