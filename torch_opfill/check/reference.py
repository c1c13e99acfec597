"""An independent second reference: one implementation per op, written against ``xp``.

``xp`` is NumPy with ``scipy.special`` on CPU or CuPy with ``cupyx.scipy.special`` on a GPU
(array-API style: the same function body serves both). Every reference evaluates in float64
and rounds once to the output dtype, so for float32/float16 outputs it is close to correctly
rounded: a better oracle than eager, which may itself be a few ULP off.

The reference is informative: pass/fail is judged against eager. The report shows the
export's error against it and flags where eager itself disagrees with it.

An entry is keyed by the case id (``"polygamma[n=2]"``, for a row whose ``fn`` binds extra
constants) or by the ATen name; its tensor arguments come in the order ``OpCase.fn`` takes them.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

Impl = Callable[..., Any]  # (xp, special, *arrays) -> array


def _frac(xp: ModuleType, sp: ModuleType, x: Any) -> Any:
    return x - xp.trunc(x)


REFERENCES: dict[str, Impl] = {
    # Elementary functions: the xp namespace itself.
    "aten::asinh": lambda xp, sp, x: xp.arcsinh(x),
    "aten::acosh": lambda xp, sp, x: xp.arccosh(x),
    "aten::atanh": lambda xp, sp, x: xp.arctanh(x),
    "aten::sinh": lambda xp, sp, x: xp.sinh(x),
    "aten::cosh": lambda xp, sp, x: xp.cosh(x),
    "aten::tanh": lambda xp, sp, x: xp.tanh(x),
    "aten::asin": lambda xp, sp, x: xp.arcsin(x),
    "aten::acos": lambda xp, sp, x: xp.arccos(x),
    "aten::atan": lambda xp, sp, x: xp.arctan(x),
    "aten::tan": lambda xp, sp, x: xp.tan(x),
    "aten::expm1": lambda xp, sp, x: xp.expm1(x),
    "aten::log1p": lambda xp, sp, x: xp.log1p(x),
    "aten::exp2": lambda xp, sp, x: xp.exp2(x),
    "aten::log2": lambda xp, sp, x: xp.log2(x),
    "aten::log10": lambda xp, sp, x: xp.log10(x),
    "aten::sinc": lambda xp, sp, x: xp.sinc(x),  # normalized, sin(pi x)/(pi x), as torch's
    "aten::deg2rad": lambda xp, sp, x: xp.deg2rad(x),
    "aten::rad2deg": lambda xp, sp, x: xp.rad2deg(x),
    "aten::trunc": lambda xp, sp, x: xp.trunc(x),
    "aten::frac": _frac,
    "aten::logaddexp": lambda xp, sp, a, b: xp.logaddexp(a, b),
    "aten::logaddexp2": lambda xp, sp, a, b: xp.logaddexp2(a, b),
    "aten::hypot": lambda xp, sp, a, b: xp.hypot(a, b),
    "aten::atan2": lambda xp, sp, a, b: xp.arctan2(a, b),
    "aten::copysign": lambda xp, sp, a, b: xp.copysign(a, b),
    "aten::fmod": lambda xp, sp, a, b: xp.fmod(a, b),
    "aten::remainder": lambda xp, sp, a, b: xp.remainder(a, b),  # sign of the divisor, as torch
    "aten::heaviside": lambda xp, sp, a, b: xp.heaviside(a, b),
    # Special functions: scipy.special / cupyx.scipy.special.
    "aten::erf": lambda xp, sp, x: sp.erf(x),
    "aten::erfc": lambda xp, sp, x: sp.erfc(x),
    "aten::erfinv": lambda xp, sp, x: sp.erfinv(x),
    "aten::special_erfcx": lambda xp, sp, x: sp.erfcx(x),
    "aten::lgamma": lambda xp, sp, x: sp.gammaln(x),  # log|gamma(x)|, as torch's
    "aten::digamma": lambda xp, sp, x: sp.digamma(x),
    "aten::i0": lambda xp, sp, x: sp.i0(x),
    "aten::special_i0e": lambda xp, sp, x: sp.i0e(x),
    "aten::special_i1": lambda xp, sp, x: sp.i1(x),
    "aten::special_i1e": lambda xp, sp, x: sp.i1e(x),
    "aten::special_ndtr": lambda xp, sp, x: sp.ndtr(x),
    "aten::special_ndtri": lambda xp, sp, x: sp.ndtri(x),
    "aten::special_log_ndtr": lambda xp, sp, x: sp.log_ndtr(x),
    "aten::special_entr": lambda xp, sp, x: sp.entr(x),
    "aten::logit": lambda xp, sp, x: sp.logit(x),
    "aten::sigmoid": lambda xp, sp, x: sp.expit(x),
    "aten::special_bessel_j0": lambda xp, sp, x: sp.j0(x),
    "aten::special_bessel_j1": lambda xp, sp, x: sp.j1(x),
    "aten::special_bessel_y0": lambda xp, sp, x: sp.y0(x),
    "aten::special_bessel_y1": lambda xp, sp, x: sp.y1(x),
    "aten::special_modified_bessel_i0": lambda xp, sp, x: sp.i0(x),
    "aten::special_modified_bessel_i1": lambda xp, sp, x: sp.i1(x),
    "aten::special_modified_bessel_k0": lambda xp, sp, x: sp.k0(x),
    "aten::special_modified_bessel_k1": lambda xp, sp, x: sp.k1(x),
    "aten::special_scaled_modified_bessel_k0": lambda xp, sp, x: sp.k0e(x),
    "aten::special_scaled_modified_bessel_k1": lambda xp, sp, x: sp.k1e(x),
    "aten::xlogy": lambda xp, sp, a, b: sp.xlogy(a, b),
    "aten::special_xlog1py": lambda xp, sp, a, b: sp.xlog1py(a, b),
    "aten::special_zeta": lambda xp, sp, a, b: sp.zeta(a, b),
    "aten::igamma": lambda xp, sp, a, b: sp.gammainc(a, b),
    "aten::igammac": lambda xp, sp, a, b: sp.gammaincc(a, b),
}


@dataclasses.dataclass(frozen=True)
class Backend:
    """An array namespace and its special-function module, with host transfers."""

    name: str  # "scipy-ref" / "cupy-ref"
    xp: ModuleType
    special: ModuleType

    def to_device(self, a: np.ndarray) -> Any:
        return self.xp.asarray(a)

    def to_host(self, a: Any) -> np.ndarray:
        return a.get() if hasattr(a, "get") else np.asarray(a)


@functools.cache
def numpy_backend() -> Backend | str:
    """The CPU twin, or why it is unavailable (probed once: the environment does not change)."""
    try:
        import scipy.special  # noqa: PLC0415
    except ImportError:
        return "scipy is not installed (pip install 'torch-opfill[check]')"
    return Backend("scipy-ref", np, scipy.special)


@functools.cache
def cupy_backend() -> Backend | str:
    try:
        import cupy  # noqa: PLC0415
        import cupyx.scipy.special  # noqa: PLC0415
    except ImportError:
        return "cupy is not installed (pip install 'torch-opfill[cupy]')"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # noqa: BLE001 - CUDA driver errors come in several types
        return f"cupy finds no CUDA device ({type(err).__name__}: {err})"
    if count == 0:
        return "cupy finds no CUDA device"
    return Backend("cupy-ref", cupy, cupyx.scipy.special)


def lookup(case_id: str, name: str) -> Impl | None:
    return REFERENCES.get(case_id) or REFERENCES.get(name)


class MissingReference(LookupError):
    """The backend lacks a function the reference needs; reported as a skip with this reason."""


def evaluate(impl: Impl, backend: Backend, args: Sequence[np.ndarray], out_dtype: np.dtype) -> np.ndarray:
    """``impl`` on ``args`` in float64 on ``backend``, rounded once to ``out_dtype``."""
    wide = [backend.to_device(np.asarray(a, dtype=np.float64)) for a in args]
    try:
        with np.errstate(all="ignore"):
            out = impl(backend.xp, backend.special, *wide)
    except AttributeError as err:  # e.g. a special function cupyx does not have
        raise MissingReference(f"{backend.name}: {err}") from None
    return backend.to_host(out).astype(out_dtype)
