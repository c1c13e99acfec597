"""Comparing an exported op's outputs with eager: ULP, absolute and relative error.

Semantics follow Polygraphy's comparator: an element fails only where its absolute error
exceeds ``atol`` AND its relative error exceeds ``rtol``; nan/inf must sit at the same
positions (with the same sign for inf). A failure reports the minimum tolerances that
would have passed.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

_ORDERED_INT = {2: np.int16, 4: np.int32, 8: np.int64}


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise distance in units in the last place of ``a``'s float dtype (as float64).

    Counts representable values between the two, so it is exact across binades and through
    zero (+0 and -0 are 0 apart). nan or inf positions give 0 where both agree, inf where not.
    """
    a = np.asarray(a)
    b = np.asarray(b, dtype=a.dtype)
    if not np.issubdtype(a.dtype, np.floating):
        return np.abs(a.astype(np.float64) - b.astype(np.float64))
    itype = _ORDERED_INT[a.dtype.itemsize]

    magnitude = np.int64(np.iinfo(itype).max)

    def ordered(x: np.ndarray) -> np.ndarray:
        i = x.view(itype).astype(np.int64)
        # Negative floats count downward from zero: map them below the positives.
        return np.where(i < 0, -(i & magnitude), i)

    oa, ob = ordered(a), ordered(b)
    same_side = (oa >= 0) == (ob >= 0)
    with np.errstate(over="ignore"):
        # Exact in int64 on one side of zero; across zero the two magnitudes add (as float,
        # since float64's can exceed int64 together).
        dist = np.where(
            same_side,
            np.abs(oa - ob).astype(np.float64),
            np.abs(oa).astype(np.float64) + np.abs(ob).astype(np.float64),
        )
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    dist = np.where(nan_a & nan_b, 0.0, dist)
    dist = np.where(nan_a ^ nan_b, np.inf, dist)
    inf_a, inf_b = np.isinf(a), np.isinf(b)
    dist = np.where(inf_a | inf_b, np.where(a == b, 0.0, np.inf), dist)
    return dist


@dataclasses.dataclass(frozen=True)
class Comparison:
    count: int
    max_abs: float
    max_rel: float
    max_ulp: float
    nan_mismatch: int  # positions where exactly one side is nan
    inf_mismatch: int  # positions where one side is ±inf and the other is not the same inf
    failures: int  # elements outside tolerance (including nan/inf mismatches)
    worst_index: int | None  # flat index of the worst element, for the report
    worst: tuple[float, float, float] | None  # (input-independent) expected, actual, ulp there
    min_atol: float  # smallest atol that passes with rtol fixed at the given rtol...
    min_rtol: float  # ...and the smallest rtol that passes with atol fixed
    # Max ULP over the elements atol does not already cover (plus nan/inf mismatches): near an
    # output's zeros a tiny absolute error is a huge ULP count, and atol exists to accept it.
    max_ulp_outside_atol: float = 0.0

    @property
    def passed(self) -> bool:
        return self.failures == 0

    def summary(self) -> str:
        ulp = f"max ULP {_fmt(self.max_ulp_outside_atol)}"
        if self.max_ulp != self.max_ulp_outside_atol:
            ulp += f" beyond atol ({_fmt(self.max_ulp)} overall)"
        parts = [ulp, f"max abs {self.max_abs:.3g}", f"max rel {self.max_rel:.3g}"]
        if self.nan_mismatch:
            parts.append(f"{self.nan_mismatch} nan mismatches")
        if self.inf_mismatch:
            parts.append(f"{self.inf_mismatch} inf mismatches")
        if self.failures and self.worst is not None:
            exp, act, _ = self.worst
            parts.append(f"worst: expected {exp!r}, got {act!r}")
            parts.append(f"would pass with atol={self.min_atol:.3g} or rtol={self.min_rtol:.3g}")
        return ", ".join(parts)


def _fmt(v: float) -> str:
    return "inf" if math.isinf(v) else f"{v:.0f}"


def compare(expected: np.ndarray, actual: np.ndarray, atol: float, rtol: float) -> Comparison:
    """Compare ``actual`` (the export's output) with ``expected`` (eager), same shape and dtype."""
    expected = np.asarray(expected)
    actual = np.asarray(actual)
    if expected.shape != actual.shape:
        raise ValueError(f"shape mismatch: eager {expected.shape}, export {actual.shape}")
    if expected.dtype != actual.dtype:
        raise ValueError(f"dtype mismatch: eager {expected.dtype}, export {actual.dtype}")
    if expected.dtype == np.bool_:
        expected, actual = expected.astype(np.int8), actual.astype(np.int8)
    n = expected.size
    if n == 0:
        return Comparison(0, 0.0, 0.0, 0.0, 0, 0, 0, None, None, 0.0, 0.0, 0.0)
    e = expected.astype(np.float64).ravel()
    a = actual.astype(np.float64).ravel()
    nan_e, nan_a = np.isnan(e), np.isnan(a)
    nan_mismatch = nan_e ^ nan_a
    special = np.isinf(e) | np.isinf(a)
    inf_mismatch = special & (e != a) & ~nan_mismatch & ~(nan_e | nan_a)
    finite = ~(nan_e | nan_a | special)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        abs_err = np.where(finite, np.abs(e - a), 0.0)
        rel_err = np.where(finite, abs_err / np.maximum(np.abs(e), np.finfo(np.float64).tiny), 0.0)
        rel_err = np.where(abs_err == 0, 0.0, rel_err)
    ulps = ulp_distance(expected.ravel(), actual.ravel())
    bad = nan_mismatch | inf_mismatch | (finite & (abs_err > atol) & (rel_err > rtol))
    failures = int(bad.sum())
    score = np.where(nan_mismatch | inf_mismatch, np.inf, np.where(finite, ulps, 0.0))
    worst = int(np.argmax(np.where(bad, score + 1.0, -1.0))) if failures else int(np.argmax(score))
    failing_finite = bad & finite
    min_atol = float(abs_err[failing_finite].max()) if failing_finite.any() else atol
    min_rtol = float(rel_err[failing_finite].max()) if failing_finite.any() else rtol
    if (nan_mismatch | inf_mismatch).any():
        min_atol = min_rtol = math.inf
    outside_atol = (finite & (abs_err > atol)) | nan_mismatch | inf_mismatch
    return Comparison(
        count=n,
        max_abs=float(abs_err.max()),
        max_rel=float(rel_err.max()),
        max_ulp=float(np.where(finite | nan_mismatch | inf_mismatch, ulps, 0.0).max()),
        nan_mismatch=int(nan_mismatch.sum()),
        inf_mismatch=int(inf_mismatch.sum()),
        failures=failures,
        worst_index=worst,
        worst=(expected.ravel()[worst].item(), actual.ravel()[worst].item(), float(ulps[worst])),
        min_atol=min_atol,
        min_rtol=min_rtol,
        max_ulp_outside_atol=float(ulps[outside_atol].max()) if outside_atol.any() else 0.0,
    )
