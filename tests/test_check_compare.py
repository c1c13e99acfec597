"""The comparison core, as tables: ULP distance and Polygraphy-style tolerance semantics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from torch_opfill.check.compare import compare, ulp_distance

F32, F64, F16 = np.float32, np.float64, np.float16
TINY32 = float(np.finfo(F32).smallest_subnormal)
NORMAL32 = float(np.finfo(F32).tiny)


def _next(x: float, dtype, toward: float = math.inf) -> float:
    return float(np.nextafter(dtype(x), dtype(toward)))


@pytest.mark.parametrize(
    ("dtype", "a", "b", "ulps"),
    [
        (F32, 1.0, 1.0, 0),
        (F32, 1.0, _next(1.0, F32), 1),
        (F32, 1.0, 2.0, 2**23),  # one binade
        (F32, _next(2.0, F32, 0.0), 2.0, 1),  # across a binade edge
        (F32, 0.0, -0.0, 0),  # signed zeros are the same point
        (F32, 0.0, TINY32, 1),  # first subnormal
        (F32, -TINY32, TINY32, 2),  # through zero
        (F32, NORMAL32, _next(NORMAL32, F32, 0.0), 1),  # subnormal / normal edge
        (F32, -1.0, 1.0, 2 * 0x3F800000),
        (F32, float(np.finfo(F32).max), math.inf, math.inf),
        (F32, math.inf, math.inf, 0),
        (F32, -math.inf, math.inf, math.inf),
        (F32, math.nan, math.nan, 0),
        (F32, math.nan, 1.0, math.inf),
        (F16, 1.0, 1.0 + 2**-10, 1),
        (F16, 65504.0, 65504.0, 0),
        (F16, -float(np.finfo(F16).smallest_subnormal), float(np.finfo(F16).smallest_subnormal), 2),
        (F16, 1.0, 2.0, 2**10),
        (F64, 1.0, 1.0 + 2**-52, 1),
        (F64, 1.0, 2.0, 2**52),
        (F64, -1.0, 1.0, 2.0 * 0x3FF0000000000000),  # beyond int64 together: summed as float
        (F64, 5e-324, -5e-324, 2),
    ],
)
def test_ulp_distance(dtype, a, b, ulps):
    got = ulp_distance(np.array([a], dtype), np.array([b], dtype))[0]
    assert got == ulps
    assert ulp_distance(np.array([b], dtype), np.array([a], dtype))[0] == ulps  # symmetric


@pytest.mark.parametrize(
    ("expected", "actual", "atol", "rtol", "passed"),
    [
        ([1.0], [1.1], 0.2, 0.0, True),  # abs within atol: passes whatever rel says
        ([1.0], [1.1], 0.0, 0.2, True),  # rel within rtol: passes whatever abs says
        ([1.0], [1.1], 0.05, 0.05, False),  # both exceed: fails
        ([1e-30], [2e-30], 1e-20, 0.0, True),  # near zero, atol carries it
        ([1e6], [1e6 + 1], 0.5, 1e-5, True),
        ([1e6], [1e6 + 100], 0.5, 1e-5, False),
        ([0.0], [0.0], 0.0, 0.0, True),
        ([math.nan], [math.nan], 0.0, 0.0, True),  # nan where eager has nan
        ([math.nan], [1.0], 1e9, 1e9, False),  # nan mismatch fails at any tolerance
        ([1.0], [math.nan], 1e9, 1e9, False),
        ([math.inf], [math.inf], 0.0, 0.0, True),
        ([-math.inf], [math.inf], 1e9, 1e9, False),  # wrong-signed inf
        ([math.inf], [3e38], 1e9, 1e9, False),  # inf vs finite
    ],
)
def test_polygraphy_semantics(expected, actual, atol, rtol, passed):
    c = compare(np.array(expected, F32), np.array(actual, F32), atol, rtol)
    assert c.passed is passed
    assert c.failures == (0 if passed else 1)


@pytest.mark.parametrize(
    ("expected", "actual", "nan_mismatch", "inf_mismatch"),
    [
        ([math.nan, 1.0, math.inf], [math.nan, 1.0, math.inf], 0, 0),
        ([math.nan, 1.0], [0.0, math.nan], 2, 0),
        ([math.inf, -math.inf, 1.0], [-math.inf, -math.inf, math.inf], 0, 2),
        ([math.inf], [math.nan], 1, 0),  # counted once, as a nan mismatch
    ],
)
def test_nan_and_inf_positions(expected, actual, nan_mismatch, inf_mismatch):
    c = compare(np.array(expected, F64), np.array(actual, F64), 0.0, 0.0)
    assert (c.nan_mismatch, c.inf_mismatch) == (nan_mismatch, inf_mismatch)


def test_failure_reports_the_minimum_tolerances_that_pass():
    e = np.array([1.0, 2.0, 4.0, 100.0], F64)
    a = np.array([1.0, 2.1, 4.1, 100.5], F64)
    c = compare(e, a, 1e-3, 1e-3)
    assert not c.passed and c.failures == 3
    assert c.min_atol == pytest.approx(0.5)  # the largest failing abs error
    assert c.min_rtol == pytest.approx(0.05)  # the largest failing rel error
    assert f"would pass with atol={c.min_atol:.3g} or rtol={c.min_rtol:.3g}" in c.summary()
    assert compare(e, a, c.min_atol, 1e-3).passed
    assert compare(e, a, 1e-3, c.min_rtol).passed
    assert c.worst[:2] == (2.0, 2.1)  # the worst element by ULP: 0.1 at 2 is more ULP than 0.5 at 100


def test_nan_mismatch_reports_no_tolerance_passes():
    c = compare(np.array([1.0, math.nan], F32), np.array([1.0, 1.0], F32), 0.0, 0.0)
    assert math.isinf(c.min_atol) and math.isinf(c.min_rtol)
    assert "1 nan mismatches" in c.summary()


def test_ulp_measured_in_the_output_dtype():
    e16 = np.array([1.0, 1000.0], F16)
    a16 = np.array([1.0 + 2**-10, 1000.0], F16)
    c = compare(e16, a16, 0.0, 0.0)
    assert c.max_ulp == 1
    c64 = compare(e16.astype(F64), a16.astype(F64), 0.0, 0.0)
    assert c64.max_ulp == 2**42  # the same error is 2**42 float64 ULP


def test_ulp_beyond_atol_ignores_errors_atol_accepts():
    # Near an output's zero a tiny absolute error is a huge ULP count; atol accepts it.
    e = np.array([1e-30, 1.0], F64)
    a = np.array([2e-17, 1.0 + 2**-51], F64)
    c = compare(e, a, 1e-16, 1e-15)
    assert c.passed
    assert c.max_ulp > 1e15
    assert c.max_ulp_outside_atol == 2.0


def test_empty_arrays_pass_and_mismatched_arrays_raise():
    c = compare(np.zeros(0, F32), np.zeros(0, F32), 0.0, 0.0)
    assert c.passed and c.count == 0
    with pytest.raises(ValueError, match="shape mismatch"):
        compare(np.zeros(2, F32), np.zeros(3, F32), 0.0, 0.0)
    with pytest.raises(ValueError, match="dtype mismatch"):
        compare(np.zeros(2, F32), np.zeros(2, F64), 0.0, 0.0)


def test_integer_and_bool_outputs_compare_exactly():
    assert compare(np.array([1, 2], np.int64), np.array([1, 2], np.int64), 0.0, 0.0).passed
    assert not compare(np.array([True]), np.array([False]), 0.0, 0.0).passed
