"""Shape-generic building blocks for scans, order statistics and searches (group G4).

Every helper works with dynamic shapes: sizes are read from the graph (``Shape``/``Gather``)
and index sequences built with ``Range`` (opset 11), never baked in from the traced example.
The opset-dependent spellings (``Unsqueeze``/``Squeeze``/``ReduceSum`` axes as an input from
opset 13, the other reductions from 18) are chosen here from ``op.opset``.

Scans along an axis of dynamic length n (cummax, cumprod, logcumsumexp, ...) use a
triangular mask: element i of the result reduces the masked pair tensor ``[..., n, n, ...]``
over j <= i, which is exact and needs O(n^2) memory per slice along that axis (n = 4096
float64 elements: 128 MiB per slice). Order statistics use ``TopK`` (stable: ties keep
index order) over the whole axis.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from torch_opfill import OpfillError, Tensor, builder, op

I64 = torch.int64
FLOATS = (torch.float16, torch.bfloat16, torch.float32, torch.float64)

# ATen ScalarType codes (the TorchScript exporter passes dtype= as one of these ints).
_SCALAR_TYPES = {
    0: torch.uint8, 1: torch.int8, 2: torch.int16, 3: torch.int32, 4: torch.int64,
    5: torch.float16, 6: torch.float32, 7: torch.float64, 11: torch.bool, 15: torch.bfloat16,
}


def to_dtype(value: int | torch.dtype | None) -> torch.dtype | None:
    """A ``ScalarType? dtype`` argument as a torch dtype (TorchScript passes an int code)."""
    if value is None or isinstance(value, torch.dtype):
        return value
    if type(value).__name__ == "DataType":  # the dynamo exporter passes onnx_ir's (ONNX codes)
        return builder._ONNX_TO_TORCH[int(value)]
    try:
        return _SCALAR_TYPES[int(value)]
    except KeyError:
        raise OpfillError(f"dtype code {value!r} is not supported") from None


def wrap_dim(dim: int, rank: int) -> int:
    """``dim`` made non-negative; a 0-d tensor takes dim 0 or -1, like eager."""
    size = max(rank, 1)
    if not -size <= dim < size:
        raise OpfillError(f"dim {dim} is out of range for a tensor of rank {rank}")
    return dim % size


def is_float(x: Tensor) -> bool:
    return op.dtype(x) in FLOATS


def order_key(x: Tensor, dt: torch.dtype | None = None) -> tuple[Tensor, torch.dtype]:
    """``x`` in a dtype onnxruntime compares and reduces in, with the same order and ties
    (float16/bfloat16 -> float32, small ints and bool -> int64, exact), and that dtype.

    Intermediate dtypes are tracked here, not asked of the graph: the dynamo exporter does
    not always know them while tracing: pass ``dt`` for an intermediate ``x``."""
    dt = op.dtype(x) if dt is None else dt
    if dt in (torch.float32, torch.float64, I64, torch.int32):
        return x, dt
    work = torch.float32 if dt in FLOATS else I64
    return op.cast(x, work), work


def lowest(dtype: torch.dtype) -> float | int:
    return -float("inf") if dtype.is_floating_point else torch.iinfo(dtype).min


def highest(dtype: torch.dtype) -> float | int:
    return float("inf") if dtype.is_floating_point else torch.iinfo(dtype).max


def ints(values: Sequence[int]) -> Tensor:
    return op.const(list(values), I64)


def with_lists(name: str, *inputs: Tensor, **attrs) -> Tensor:
    """``op.<name>(*inputs, **attrs)`` where some attributes are lists of ints.

    Works around the builder spelling list attributes ``<attr>_is`` for the TorchScript
    exporter, whose ``g.op`` wants ``<attr>_i`` (it adds the ``s`` for lists itself).
    """
    backend = builder._current()
    if isinstance(backend, builder.TorchScriptBackend):
        kwargs = {f"{k}_i": [int(i) for i in v] if isinstance(v, (list, tuple)) else int(v) for k, v in attrs.items()}
        return backend.g.op(name, *inputs, **kwargs)
    return getattr(op, name)(*inputs, **{k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items()})


def unsqueeze(x: Tensor, axes: Sequence[int]) -> Tensor:
    if not axes:
        return x
    if op.opset >= 13:
        return op.Unsqueeze(x, ints(axes))
    return with_lists("Unsqueeze", x, axes=list(axes))


def squeeze(x: Tensor, axes: Sequence[int]) -> Tensor:
    if not axes:
        return x
    if op.opset >= 13:
        return op.Squeeze(x, ints(axes))
    return with_lists("Squeeze", x, axes=list(axes))


def reduce(name: str, x: Tensor, axes: Sequence[int] | None, keepdims: bool) -> Tensor:
    """``Reduce<name>`` over ``axes`` (None: all of them)."""
    as_input = op.opset >= (13 if name == "Sum" else 18)
    fn = getattr(op, "Reduce" + name)
    if axes is None:
        return fn(x, keepdims=int(keepdims))
    if as_input:
        return fn(x, ints(axes), keepdims=int(keepdims))
    return with_lists("Reduce" + name, x, axes=list(axes), keepdims=int(keepdims))


def slice_axis(x: Tensor, axis: int, start: int, end: int) -> Tensor:
    """``x[start:end]`` along ``axis`` (Python ints; negative ones count from the end)."""
    if op.opset >= 10:
        return op.Slice(x, ints([start]), ints([end]), ints([axis]))
    return with_lists("Slice", x, axes=[axis], starts=[start], ends=[end])


def size(x: Tensor, d: int) -> Tensor:
    """The size of axis ``d`` of ``x`` as a rank-0 int64 tensor."""
    return op.Gather(op.Shape(x), op.const(d, I64), axis=0)


def arange(n: Tensor) -> Tensor:
    """0, 1, ..., n - 1 (int64) for a rank-0 int64 ``n``."""
    return op.Range(op.const(0, I64), n, op.const(1, I64))


def along(v: Tensor, axis: int, rank: int) -> Tensor:
    """1-D ``v`` shaped to broadcast along ``axis`` of a rank-``rank`` tensor."""
    return unsqueeze(v, list(range(1, rank - axis)))


def tri_mask(x: Tensor, d: int, rank: int) -> Tensor:
    """The mask j <= i for the pair tensor ``[..., n_i, n_j, ...]`` (i at axis d, j at d + 1)
    of ``x`` (rank ``rank``) scanned along axis ``d``; it broadcasts against it."""
    idx = arange(size(x, d))
    i = along(idx, d, rank + 1)
    j = along(idx, d + 1, rank + 1)
    return op.Not(op.Greater(j, i))


def pairs_j(x: Tensor, d: int) -> Tensor:
    """``x`` with a new axis at ``d``: its own axis d becomes the j axis (d + 1) of the pair tensor."""
    return unsqueeze(x, [d])


def first_true(mask: Tensor, axis: int, keepdims: bool) -> Tensor:
    """Index of the first True along ``axis`` (0 where there is none)."""
    return op.ArgMax(op.cast(mask, torch.int32), axis=axis, keepdims=int(keepdims))


def count(mask: Tensor, axes: Sequence[int] | None, keepdims: bool) -> Tensor:
    return reduce("Sum", op.cast(mask, I64), axes, keepdims)


def stable_argsort(x: Tensor, axis: int, dt: torch.dtype | None = None) -> Tensor:
    """Indices sorting ``x`` ascending along ``axis`` exactly as ``torch.sort(stable=True)``:
    ties (and -0.0 == 0.0) keep index order, NaNs last in index order.

    One ``TopK`` (ties broken by index) on the NaN-free key, then, for floats, a second one
    on the NaN flags of the sorted order, which moves the NaNs behind the +infs they were
    tied with while keeping both groups' order.
    """
    key, dtype = order_key(x, dt)
    n = op.Reshape(size(x, axis), ints([1]))
    if dtype not in FLOATS:
        _, perm = op.TopK(key, n, axis=axis, largest=0, sorted=1, _outputs=2)
        return perm
    nan = op.IsNaN(key)
    key = op.Where(nan, op.const(float("inf"), dtype), key)
    _, perm = op.TopK(key, n, axis=axis, largest=0, sorted=1, _outputs=2)
    nan_sorted = op.cast(op.GatherElements(nan, perm, axis=axis), torch.float32)
    _, perm2 = op.TopK(nan_sorted, n, axis=axis, largest=0, sorted=1, _outputs=2)
    return op.GatherElements(perm, perm2, axis=axis)
