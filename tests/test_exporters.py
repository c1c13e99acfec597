"""Installing into both exporters: fill only what is missing, one definition for both paths."""

from __future__ import annotations

import io
import logging
import warnings

import numpy as np
import onnxruntime as ort
import pytest
import torch

import torch_opfill
from torch_opfill import _compat, _install


def export_bytes(model, args, *, dynamo: bool, opset: int) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            if dynamo:
                return torch.onnx.export(model, args, dynamo=True, opset_version=opset, verbose=False).model_proto.SerializeToString()
            buf = io.BytesIO()
            torch.onnx.export(model, args, buf, dynamo=False, opset_version=opset)
            return buf.getvalue()
        finally:
            logging.disable(logging.NOTSET)


def run(model_bytes: bytes, *args: torch.Tensor) -> list[np.ndarray]:
    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: a.numpy() for i, a in zip(session.get_inputs(), args)})


class Builtins(torch.nn.Module):
    """Only ops both exporters support natively."""

    def forward(self, x, y):
        z = torch.relu(x @ y.T) + torch.sin(x).sum(dim=1, keepdim=True)
        return torch.softmax(z * 2.0, dim=-1), torch.exp(x).clamp(max=3.0), torch.erf(y)


@pytest.mark.parametrize(("dynamo", "opset"), [(False, 9), (False, 17), (True, 18), (True, 20)])
def test_builtin_ops_export_byte_identical_with_and_without_the_pack(dynamo, opset):
    args = (torch.randn(3, 4), torch.randn(5, 4))
    torch_opfill.disable()
    try:
        without = export_bytes(Builtins(), args, dynamo=dynamo, opset=opset)
    finally:
        torch_opfill.enable()
    with_pack = export_bytes(Builtins(), args, dynamo=dynamo, opset=opset)
    assert with_pack == without


FILL_PACK = '''
from __future__ import annotations
from torch_opfill import Tensor, op, symbolic

@symbolic("aten::col2im", opset=9)
def col2im(self: Tensor, output_size: Sequence[int], kernel_size: Sequence[int], dilation: Sequence[int],
           padding: Sequence[int], stride: Sequence[int]) -> Tensor:
    """col2im(Tensor self, SymInt[2] output_size, int[2] kernel_size, int[2] dilation, int[2] padding, int[2] stride) -> Tensor"""
    return op.Identity(self)

@symbolic("aten::relu", opset=9)
def relu(self: Tensor) -> Tensor:
    """relu(Tensor self) -> Tensor"""
    return op.Abs(self)

@symbolic("aten::relu", opset=7)
def relu7(self: Tensor) -> Tensor:
    """relu(Tensor self) -> Tensor"""
    return op.Abs(self)

@symbolic("aten::tril", opset=9)
def tril(self: Tensor, diagonal: int = 0) -> Tensor:
    """tril(Tensor self, int diagonal=0) -> Tensor"""
    return op.Identity(self)

@symbolic("aten::tril", opset=16)
def tril16(self: Tensor, diagonal: int = 0) -> Tensor:
    """tril(Tensor self, int diagonal=0) -> Tensor"""
    return op.Identity(self)
'''.replace("from torch_opfill import", "from typing import Sequence\nfrom torch_opfill import")


def _ours(name: str, opset: int) -> bool:
    func = _compat.ts_lookup(name, opset)
    return func is not None and func.__name__.startswith("opfill_")


@pytest.mark.parametrize(
    ("name", "target", "ours"),
    [
        ("aten::col2im", 9, True),  # torch has col2im from 18 only: we fill 9..17
        ("aten::col2im", 17, True),
        ("aten::col2im", 18, False),  # torch's own from 18 on
        ("aten::col2im", 20, False),
        ("aten::relu", 9, False),  # torch has relu everywhere: ours is never installed
        ("aten::relu", 20, False),
        ("aten::relu", 7, False),  # torch's opset-9 relu serves 7 and 8: our opset-7 form stays out
        ("aten::tril", 13, True),
        ("aten::tril", 14, False),  # torch's Trilu form from 14...
        ("aten::tril", 16, False),  # ...so our opset-16 form is skipped, not layered on top
    ],
)
def test_torchscript_fills_only_below_torchs_own_opsets(clean_state, make_pack, name, target, ours):
    make_pack("fillpack", {"symbolic_opset9.py": FILL_PACK})
    torch_opfill.enable()
    assert _ours(name, target) is ours


def test_override_replaces_the_builtin_only_when_asked(clean_state, make_pack):
    make_pack("fillpack", {"symbolic_opset9.py": FILL_PACK})
    torch_opfill.enable(override={"aten::relu"})
    assert _ours("aten::relu", 12)
    assert not _ours("aten::tril", 15)
    torch_opfill.enable(override=False)
    assert not _ours("aten::relu", 12)


def test_disable_removes_everything_and_restores_the_original_error(clean_state):
    class Asinh(torch.nn.Module):
        def forward(self, x):
            return torch.asinh(x)

    torch_opfill.enable()
    export_bytes(Asinh(), (torch.randn(3),), dynamo=False, opset=12)
    torch_opfill.disable()
    assert not _ours("aten::asinh", 12)
    with pytest.raises(Exception, match="aten::asinh' to ONNX opset version 12 is not supported"):
        export_bytes(Asinh(), (torch.randn(3),), dynamo=False, opset=12)


ARGS_PACK = '''
from __future__ import annotations
from typing import Optional, Sequence
import torch
from torch_opfill import Tensor, op, symbolic

SEEN = []

@symbolic("aten::nansum", opset=13)
def nansum(self: Tensor, dim: Optional[Sequence[int]] = None, keepdim: bool = False,
           dtype: Optional[int] = None) -> Tensor:
    """nansum(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor"""
    SEEN.append((dim, keepdim, dtype))
    zero = op.const(0.0, op.dtype(self))
    clean = op.Where(op.IsNaN(self), zero, self)
    if dim is None:
        return op.ReduceSum(clean, keepdims=int(keepdim))
    return op.ReduceSum(clean, op.const(list(dim), torch.int64), keepdims=int(keepdim))

@symbolic("aten::isclose", opset=11, dynamo=())
def isclose(self: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """isclose(Tensor self, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False) -> Tensor"""
    SEEN.append((rtol, atol, equal_nan))
    dt = op.dtype(self)
    diff = op.Abs(op.Sub(self, other))
    bound = op.Add(op.const(atol, dt), op.Mul(op.const(rtol, dt), op.Abs(other)))
    close = op.Or(op.Equal(self, other), op.LessOrEqual(diff, bound))
    if equal_nan:
        close = op.Or(close, op.And(op.IsNaN(self), op.IsNaN(other)))
    return close
'''


class NanSum(torch.nn.Module):
    def forward(self, x):
        return torch.nansum(x, dim=[1, 2], keepdim=True), torch.nansum(x)


class IsClose(torch.nn.Module):
    def forward(self, x, y):
        return torch.isclose(x, y, rtol=0.25, atol=0.5, equal_nan=True)


@pytest.mark.parametrize(("dynamo", "opset"), [(False, 13), (False, 20), (True, 18), (True, 20)])
def test_non_tensor_arguments_arrive_as_python_values(clean_state, make_pack, dynamo, opset):
    root = make_pack("argpack", {"symbolic_opset13.py": ARGS_PACK})
    import importlib

    mod = importlib.import_module("argpack.symbolic_opset13")
    torch_opfill.enable(override={"aten::isclose"})
    x = torch.tensor([[[1.0, float("nan")], [2.0, 3.0]], [[float("nan"), float("nan")], [-1.0, 0.5]]])
    got = run(export_bytes(NanSum(), (x,), dynamo=dynamo, opset=opset), x)
    for g, e in zip(got, NanSum()(x)):
        np.testing.assert_allclose(g, e.numpy())
    assert ([1, 2], True, None) in mod.SEEN and (None, False, None) in mod.SEEN
    a = torch.tensor([1.0, 2.0, float("nan"), 10.0, float("nan")])
    b = torch.tensor([1.4, 3.0, float("nan"), 12.0, 1.0])
    (close,) = run(export_bytes(IsClose(), (a, b), dynamo=dynamo, opset=opset), a, b)
    np.testing.assert_array_equal(close, IsClose()(a, b).numpy())
    assert (0.25, 0.5, True) in mod.SEEN
    assert all(isinstance(v, (float, bool)) for v in mod.SEEN[-1])
    assert root.exists()


def test_dynamo_registers_the_prims_target_the_decomposition_reaches(clean_state):
    torch_opfill.enable()
    regs = {r.name: r for r in torch_opfill.registered()}
    if "aten::erfinv" not in regs:
        pytest.skip("erfinv not in the pack yet")
    assert "prims::erf_inv installed" in regs["aten::erfinv"].dynamo
    assert "torchlib has it" in regs["aten::asinh"].dynamo  # torch's own Asinh is kept


def test_disable_leaves_torchlib_as_it_was(clean_state, make_pack):
    import onnxscript.function_libs.torch_lib.ops  # noqa: F401 - populates torchlib's registry
    from onnxscript.function_libs.torch_lib.registration import default_registry

    def snapshot():
        return {name: list(entry.overloads) for name, entry in default_registry.items()}

    torch_opfill.disable()
    before = snapshot()
    make_pack("fillpack", {"symbolic_opset9.py": FILL_PACK})
    torch_opfill.enable(override={"aten::relu"})  # installs new names and sets torchlib's relu aside
    assert snapshot() != before
    torch_opfill.disable()
    assert snapshot() == before


UNREADABLE_PACK = """
from torch_opfill import Tensor, op, symbolic

# A function onnxscript cannot read the source of (made by exec): it must be skipped with a
# warning, not break every later dynamo export.
_ns = {"Tensor": Tensor, "op": op}
exec("def angle(self: Tensor) -> Tensor:\\n    return op.Neg(self)\\n", _ns)
_ns["angle"].__module__ = __name__
angle = symbolic("aten::angle", opset=18, dynamo=("aten::opfill_unreadable",))(_ns["angle"])
"""


def test_dynamo_skips_a_pack_function_without_source_and_warns(clean_state, make_pack):
    make_pack("unreadable", {"symbolic_opset9.py": UNREADABLE_PACK})
    with pytest.warns(RuntimeWarning, match=r"aten::angle \(pack unreadable.*aten::opfill_unreadable"):
        torch_opfill.enable()
        _install.install_dynamo(18)
    assert "registration failed" in _install.STATE.dynamo_skipped["aten::opfill_unreadable"]
    assert "prims::erf_inv" in _install.STATE.dynamo_installed  # the other ops are in

    class Erfinv(torch.nn.Module):
        def forward(self, x):
            return torch.erfinv(x)

    x = torch.linspace(-0.9, 0.9, 7)
    program = torch.onnx.export(Erfinv(), (x,), dynamo=True, opset_version=18)
    (out,) = program(x)
    torch.testing.assert_close(out, torch.erfinv(x))


WRAP_PACK = '''
from __future__ import annotations
from torch_opfill import Tensor, op, symbolic

@symbolic("aten::relu", opset=9, wraps_builtin=True)
def relu(self: Tensor) -> Tensor:
    """relu(Tensor self) -> Tensor"""
    if op.rank(self) != 1 and op.may_defer:
        return NotImplemented
    return op.Abs(self)

@symbolic("aten::tril", opset=9, wraps_builtin=True)
def tril(self: Tensor, diagonal: int = 0) -> Tensor:
    """tril(Tensor self, int diagonal=0) -> Tensor"""
    if diagonal == 0:
        return NotImplemented
    return op.Identity(self)
'''


def _node_types(fn, x, opset: int) -> set[str]:
    import onnx  # noqa: PLC0415

    class M(torch.nn.Module):
        def forward(self, x):
            return fn(x)

    return {n.op_type for n in onnx.load_from_string(export_bytes(M(), (x,), dynamo=False, opset=opset)).graph.node}


@pytest.mark.parametrize(
    ("fn", "shape", "opset", "expected"),
    [
        (torch.relu, (3,), 9, "Abs"),  # claimed by the pack function
        (torch.relu, (3, 2), 9, "Relu"),  # declined: torch's symbolic runs
        (torch.relu, (3,), 17, "Abs"),  # torch's relu (opset 9) serves 17: so does the wrapper
        (torch.relu, (3, 2), 17, "Relu"),
        (lambda x: torch.tril(x, 1), (3, 3), 16, "Identity"),
        (lambda x: torch.tril(x), (3, 3), 16, "Trilu"),  # wrapper at torch's opset-14 slot hands over
        (lambda x: torch.tril(x, 1), (3, 3), 12, "Identity"),  # below torch's tril: a plain fill
    ],
)
def test_wraps_builtin_goes_in_front_of_torchs_symbolic(clean_state, make_pack, fn, shape, opset, expected):
    make_pack("wrappack", {"symbolic_opset9.py": WRAP_PACK})
    torch_opfill.enable()
    assert expected in _node_types(fn, torch.randn(*shape), opset)


def test_wraps_builtin_status_override_and_nothing_to_defer_to(clean_state, make_pack):
    make_pack("wrappack", {"symbolic_opset9.py": WRAP_PACK})
    torch_opfill.enable()
    status = {(r.name, r.opset): r.torchscript for r in torch_opfill.registered() if r.pack == "wrappack"}
    assert status[("aten::relu", 9)] == "installed in front of torch's symbolic"
    # Below torch's own tril there is nothing to hand a declined call to: a clear error.
    with pytest.raises(Exception, match="returned NotImplemented but torch has no symbolic"):
        _node_types(torch.tril, torch.randn(3, 3), 12)
    # An override takes every call: may_defer is false, so the pack's form runs for 2-D too.
    torch_opfill.enable(override={"aten::relu"})
    assert "Abs" in _node_types(torch.relu, torch.randn(3, 2), 13)


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (lambda x: torch.nn.functional.threshold(x, 0.5, -1.0), (torch.randn(4, 5),)),  # torch refuses
        (lambda x: torch.nn.functional.threshold(x, 0.0, 0.0), (torch.randn(4, 5),)),  # torch's Relu
        (lambda x: torch.nn.functional.adaptive_avg_pool2d(x, (3, 2)), (torch.randn(1, 2, 7, 5),)),  # refuses
        (lambda x: torch.nn.functional.adaptive_avg_pool2d(x, (7, 5)), (torch.randn(1, 2, 7, 5),)),  # torch's
        (lambda a, b: torch.cdist(a, b, p=1.0), (torch.randn(4, 3), torch.randn(5, 3))),  # torch's is wrong
        (lambda s, m: s.masked_select(m), (torch.randn(3, 1), torch.rand(3, 4) > 0.5)),  # torch's fails
    ],
)
def test_bundled_wrapping_ops_take_what_torch_refuses_by_default(fn, args):
    """Without an override: torch's symbolic keeps what it gets right, the pack takes the rest."""
    torch_opfill.enable(override=False)

    class M(torch.nn.Module):
        def forward(self, *a):
            return fn(*a)

    model = export_bytes(M(), args, dynamo=False, opset=13)
    np.testing.assert_allclose(run(model, *args)[0], fn(*args).numpy(), rtol=1e-5, atol=1e-6)


class GradientList(torch.nn.Module):
    """torch.gradient returns Tensor[] (a node with one list output): the pack op returns a
    Python list, here of mixed dtypes (the float64 coordinates promote dim 1's result)."""

    def forward(self, x, c):
        gx, gy = torch.gradient(x, spacing=(c, torch.tensor([0.0, 0.5, 2.0, 2.5], dtype=torch.float64)), edge_order=2)
        return gx, gy, torch.stack(torch.gradient(x, dim=1))  # the list also feeds a list-taking op


@pytest.mark.parametrize(("dynamo", "opset"), [(False, 9), (False, 17), (True, 18)])
def test_a_pack_op_returns_a_tensor_list_as_a_python_list(clean_state, dynamo, opset):
    # TorchScript: ts_symbolic wraps the list in a prim::ListConstruct, which torch's
    # prim::ListUnpack and stack symbolics unpack; dynamo takes the list as the node's outputs.
    torch_opfill.enable(override={"aten::gradient.tensorarrayint", "aten::gradient.scalarint"} if dynamo else False)
    x, c = torch.randn(5, 4), torch.tensor([0.0, 1.0, 1.5, 3.0, 4.0])
    got = run(export_bytes(GradientList(), (x, c), dynamo=dynamo, opset=opset), x, c)
    expected = GradientList()(x, c)
    assert [g.dtype for g in got] == [np.float32, np.float64, np.float32]
    if dynamo:
        assert "aten::gradient.tensorarrayint" in _install.STATE.dynamo_installed
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e.numpy())
