"""Registry rules: dispatch by opset, pack discovery, conflicts, declaration errors."""

from __future__ import annotations

import warnings

import pytest

import torch_opfill
from torch_opfill import packs
from torch_opfill.registry import OpDef, PackError, Registry, dispatch, symbolic


@pytest.mark.parametrize(
    ("registered", "target", "expected"),
    [
        ((9,), 9, 9),
        ((9,), 20, 9),
        ((9,), 8, None),
        ((9, 14), 13, 9),
        ((9, 14), 14, 14),
        ((9, 14), 20, 14),
        ((9, 11, 14), 12, 11),
        ((14, 9, 11), 10, 9),  # order of registration does not matter
        ((18,), 17, None),
        ((), 12, None),
    ],
)
def test_dispatch_highest_registered_at_or_below_target(registered, target, expected):
    assert dispatch(registered, target) == expected


def _def(name, opset, func=None):
    return OpDef(name, opset, func or (lambda self: self))


def test_registry_resolves_opset_ranges():
    reg = Registry()
    f9, f14 = (lambda self: 9), (lambda self: 14)
    reg.add(_def("aten::foo", 9, f9), "p")
    reg.add(_def("aten::foo", 14, f14), "p")
    assert reg.resolve("aten::foo", 8) is None
    r = reg.resolve("aten::foo", 13)
    assert (r.op.func, r.opset, r.until) == (f9, 9, 14)
    r = reg.resolve("aten::foo", 20)
    assert (r.op.func, r.opset, r.until) == (f14, 14, None)


def test_conflict_warns_naming_both_packs_and_first_pack_wins():
    reg = Registry()
    first, second = (lambda self: 1), (lambda self: 2)
    reg.add(_def("aten::foo", 9, first), "alpha")
    with pytest.warns(UserWarning, match=r"aten::foo at opset 9 .*'alpha' and 'beta'; using 'alpha'"):
        reg.add(_def("aten::foo", 9, second), "beta")
    assert reg.resolve("aten::foo", 9).op.func is first
    assert reg.resolve("aten::foo", 9).pack == "alpha"


@pytest.mark.parametrize("bad", ["asinh", "aten::asinh.default", "aten:asinh", "onnx::Foo", "aten::as inh"])
def test_symbolic_rejects_malformed_names(bad):
    with pytest.raises(PackError, match="is not 'aten::name'"):
        symbolic(bad, opset=9)


@pytest.mark.parametrize("bad", [0, 31, "9", 9.0])
def test_symbolic_rejects_bad_opsets(bad):
    with pytest.raises(PackError, match="opset must be an int"):
        symbolic("aten::asinh", opset=bad)


# aten::angle at opset 18: the bundled pack has it at 9 only, so this slot is free.
PACK_OK = '''
from __future__ import annotations
from torch_opfill import Tensor, op, symbolic

@symbolic("aten::angle", opset=18)
def angle(self: Tensor) -> Tensor:
    """angle(Tensor self) -> Tensor"""
    return op.Identity(self)
'''


def test_third_party_pack_is_discovered_and_registered(clean_state, make_pack):
    make_pack("thirdparty_ok", {"symbolic_opset9.py": PACK_OK})
    ops = {(r.name, r.pack) for r in torch_opfill.registered()}
    assert ("aten::angle", "thirdparty_ok") in ops
    assert ("aten::asinh", "opset_patches") in ops


def test_pack_raising_on_import_warns_and_others_still_load(clean_state, make_pack):
    make_pack("thirdparty_broken", {"symbolic_opset9.py": "raise RuntimeError('boom')\n"})
    with pytest.warns(UserWarning, match=r"pack 'thirdparty_broken' \(thirdparty_broken\) failed to load.*boom"):
        regs = torch_opfill.registered()
    assert any(r.name == "aten::asinh" for r in regs)


def test_op_with_parameters_not_matching_the_aten_schema_is_skipped_with_warning(clean_state, make_pack):
    make_pack("thirdparty_misnamed", {"symbolic_opset9.py": PACK_OK.replace("(self: Tensor)", "(x: Tensor)")})
    with pytest.warns(UserWarning, match=r"pack 'thirdparty_misnamed'.*aten::angle.*\['x'\] do not match.*\['self'\]"):
        regs = torch_opfill.registered()
    assert not any(r.pack == "thirdparty_misnamed" for r in regs)


def test_two_packs_same_op_same_opset_bundled_wins_with_warning(clean_state, make_pack):
    src = PACK_OK.replace("angle", "asinh").replace("opset=18", "opset=9")
    make_pack("thirdparty_dup", {"symbolic_opset9.py": src})
    with pytest.warns(UserWarning, match=r"aten::asinh at opset 9 .*'opset_patches' and 'thirdparty_dup'"):
        regs = torch_opfill.registered()
    (asinh,) = [r for r in regs if r.name == "aten::asinh"]
    assert asinh.pack == "opset_patches"


def test_bundled_pack_is_found_even_without_its_entry_point(monkeypatch):
    monkeypatch.setattr(packs.importlib.metadata, "entry_points", lambda group: [])
    assert [ep.name for ep in packs.entry_points()] == ["opset_patches"]


def test_registered_lists_pack_opset_range_and_status():
    torch_opfill.enable()
    regs = {r.name: r for r in torch_opfill.registered()}
    asinh = regs["aten::asinh"]
    assert (asinh.opset, asinh.until, asinh.pack) == (9, None, "opset_patches")
    assert asinh.function == "opset_patches.symbolic_opset9.asinh"
    assert asinh.torchscript == "installed"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch_opfill.enable()  # idempotent, silent
