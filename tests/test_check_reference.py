"""The independent xp reference: its entries agree with eager in float64, and it is reported,
not judged: a missing reference or a missing CuPy is a skip with its reason."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from torch_opfill.cases import Domain, OpCase, load_cases
from torch_opfill.check import reference, runner

pytest.importorskip("scipy", reason="the CPU reference needs scipy (pip install 'torch-opfill[check]')")

POINTS = {
    1: [np.array([-30.0, -2.5, -0.7, -1e-8, 0.0, 1e-8, 0.3, 0.99, 1.0, 1.5, 2.0, 7.25, 40.0])],
    2: [np.array([-3.0, -1.0, 0.0, 0.5, 2.0, 30.0]), np.array([2.0, -0.5, 0.0, 0.5, -7.0, 1.0])],
}


def _bundled_with_reference():
    return [c for c in load_cases() if reference.lookup(c.id, c.name) is not None]


@pytest.mark.parametrize("case", _bundled_with_reference(), ids=lambda c: c.id)
def test_reference_agrees_with_eager_in_float64(case):
    backend = reference.numpy_backend()
    args = POINTS[len(case.domains)]
    impl = reference.lookup(case.id, case.name)
    ref = reference.evaluate(impl, backend, args, np.dtype(np.float64))
    with torch.no_grad():
        eager = case.fn(*(torch.from_numpy(a) for a in args)).numpy()
    # The entry is the right function: same answers where both are finite (to eager's own
    # accuracy, which for some special functions is a few 1e-9), nan mostly in the same places.
    finite = np.isfinite(eager) & np.isfinite(ref)
    np.testing.assert_allclose(ref[finite], eager[finite], rtol=1e-6, atol=1e-12)
    assert (np.isnan(ref) == np.isnan(eager)).mean() > 0.8


def test_reference_rounds_once_to_the_output_dtype():
    impl = reference.REFERENCES["aten::asinh"]
    x = np.array([0.1, 3.0, 1e4], np.float16)
    out = reference.evaluate(impl, reference.numpy_backend(), [x], np.dtype(np.float16))
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out, np.arcsinh(x.astype(np.float64)).astype(np.float16))


def test_missing_reference_is_a_skip_with_its_reason(clean_state):
    import torch_opfill

    torch_opfill.enable(override=True)
    case = OpCase("aten::abs", torch.abs, (Domain(-5.0, 5.0),))
    result = runner.check(case, "torchscript", 13, torch.float32, n=32, backends={"scipy-ref": None})
    ref = result.backends["scipy-ref"]
    assert (ref.status, ref.counts) == ("skip", False)
    assert "no reference for aten::abs" in ref.message


def test_reference_difference_is_informative_and_flags_eager(clean_state):
    import torch_opfill

    torch_opfill.enable(override=True)
    # sinc at |x| ~ 3e38: pi*x overflows float32, so eager and the export give nan; float64 does not.
    case = OpCase("aten::sinc", torch.sinc, (Domain(),), dtypes=(torch.float32,))
    result = runner.check(case, "torchscript", 9, torch.float32, n=64, backends={"scipy-ref": None})
    ref = result.backends["scipy-ref"]
    assert result.status == "pass"  # judged against eager: passes
    assert ref.status == "fail" and not ref.counts and ref.eager_disagrees
    assert "eager itself differs from the reference" in ref.message


def test_cupy_backend_says_why_it_is_unavailable():
    backend = reference.cupy_backend()
    if importlib.util.find_spec("cupy") is None:
        assert backend == "cupy is not installed (pip install 'torch-opfill[cupy]')"


def _cupy_reason() -> str | None:
    backend = reference.cupy_backend()
    return backend if isinstance(backend, str) else None


@pytest.mark.gpu
@pytest.mark.skipif(_cupy_reason() is not None, reason=f"CuPy reference: {_cupy_reason()}")
@pytest.mark.parametrize("case", _bundled_with_reference(), ids=lambda c: c.id)
def test_cupy_twin_matches_the_cpu_reference(case):
    args = POINTS[len(case.domains)]
    impl = reference.lookup(case.id, case.name)
    cpu = reference.evaluate(impl, reference.numpy_backend(), args, np.dtype(np.float64))
    gpu = reference.evaluate(impl, reference.cupy_backend(), args, np.dtype(np.float64))
    np.testing.assert_allclose(gpu, cpu, rtol=1e-13, atol=1e-300, equal_nan=True)
