"""Pack ops whose ONNX form needs opset 13."""

from __future__ import annotations

import functools

from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=13)


# --- group L6 ---
# --- end group L6 ---


# --- group B6 ---
# --- end group B6 ---


# --- group N7 ---
# --- end group N7 ---
