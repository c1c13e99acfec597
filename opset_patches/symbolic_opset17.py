"""Pack ops whose ONNX form needs opset 17."""

from __future__ import annotations

import functools

from torch_opfill import Tensor, op, symbolic

_symbolic = functools.partial(symbolic, opset=17)


# --- group FT (issue 7 FFT) ---
from collections.abc import Sequence as _FTSequence  # noqa: E402
from typing import Optional as _FTOptional  # noqa: E402

from opset_patches import _fft as _ft  # noqa: E402

# Every fft op is one call of _fft.transform: real/complex input (complex carried as a real
# [..., 2] tensor), resize to n/s, DFT-17 or DFT-20 per opset (op.for_tensorrt: MatMul with a
# constant DFT matrix), eager's normalization. The dynamo exporter decomposes the fft ops into
# torchlib's _fft_r2c/_fft_c2c/_fft_c2r (dynamo=()), except ihfft2/ihfftn, whose decomposition
# hits aten::_conj_physical on a complex value, which torchlib lacks.
_FT_DOC = """
    {what} Complex results are real tensors with a trailing dim of 2 (re, im) in the graph
    (what view_as_real / abs / real / imag / angle of them read). ONNX DFT (opset 17 form: axis
    attribute; from opset 20: axis input); any length, static or dynamic. TensorRT (no DFT in its
    parser): torch_opfill.target("tensorrt") emits one MatMul per axis with a constant DFT
    matrix instead (static lengths on the transformed dims). float32 error vs eager's pocketfft,
    relative to sum|x| over a transform: onnxruntime DFT <= ~1 eps (powers of two) to ~10 eps
    (primes), MatMul form ~1 eps; float64 likewise in its eps. Inputs with inf/nan give
    algorithm-dependent nan patterns (not matched)."""


def _ft_1d(what: str, self, n, dim, norm):
    return _ft.transform(self, what, None if n is None else [n], [dim], norm)


@_symbolic("aten::fft_fft", dynamo=())
def fft_fft(self: Tensor, n: _FTOptional[int] = None, dim: int = -1, norm: _FTOptional[str] = None) -> Tensor:
    """fft_fft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor
    """
    return _ft_1d("fft", self, n, dim, norm)


@_symbolic("aten::fft_ifft", dynamo=())
def fft_ifft(self: Tensor, n: _FTOptional[int] = None, dim: int = -1, norm: _FTOptional[str] = None) -> Tensor:
    """fft_ifft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor
    """
    return _ft_1d("ifft", self, n, dim, norm)


@_symbolic("aten::fft_rfft", dynamo=())
def fft_rfft(self: Tensor, n: _FTOptional[int] = None, dim: int = -1, norm: _FTOptional[str] = None) -> Tensor:
    """fft_rfft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor
    """
    return _ft_1d("rfft", self, n, dim, norm)


@_symbolic("aten::fft_irfft", dynamo=())
def fft_irfft(self: Tensor, n: _FTOptional[int] = None, dim: int = -1, norm: _FTOptional[str] = None) -> Tensor:
    """fft_irfft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor
    """
    return _ft_1d("irfft", self, n, dim, norm)


@_symbolic("aten::fft_hfft", dynamo=())
def fft_hfft(self: Tensor, n: _FTOptional[int] = None, dim: int = -1, norm: _FTOptional[str] = None) -> Tensor:
    """fft_hfft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor
    """
    return _ft_1d("hfft", self, n, dim, norm)


@_symbolic("aten::fft_ihfft", dynamo=())
def fft_ihfft(self: Tensor, n: _FTOptional[int] = None, dim: int = -1, norm: _FTOptional[str] = None) -> Tensor:
    """fft_ihfft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor
    """
    return _ft_1d("ihfft", self, n, dim, norm)


@_symbolic("aten::fft_fft2", dynamo=())
def fft_fft2(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTSequence[int] = (-2, -1),
             norm: _FTOptional[str] = None) -> Tensor:
    """fft_fft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor
    """
    return _ft.transform(self, "fft", s, dim, norm)


@_symbolic("aten::fft_ifft2", dynamo=())
def fft_ifft2(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTSequence[int] = (-2, -1),
              norm: _FTOptional[str] = None) -> Tensor:
    """fft_ifft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor
    """
    return _ft.transform(self, "ifft", s, dim, norm)


@_symbolic("aten::fft_rfft2", dynamo=())
def fft_rfft2(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTSequence[int] = (-2, -1),
              norm: _FTOptional[str] = None) -> Tensor:
    """fft_rfft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor
    """
    return _ft.transform(self, "rfft", s, dim, norm)


@_symbolic("aten::fft_irfft2", dynamo=())
def fft_irfft2(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTSequence[int] = (-2, -1),
               norm: _FTOptional[str] = None) -> Tensor:
    """fft_irfft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor
    """
    return _ft.transform(self, "irfft", s, dim, norm)


@_symbolic("aten::fft_hfft2", dynamo=())
def fft_hfft2(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTSequence[int] = (-2, -1),
              norm: _FTOptional[str] = None) -> Tensor:
    """fft_hfft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor
    """
    return _ft.transform(self, "hfft", s, dim, norm)


@_symbolic("aten::fft_ihfft2")  # dynamo: its decomposition's aten::_conj_physical has no complex torchlib function
def fft_ihfft2(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTSequence[int] = (-2, -1),
               norm: _FTOptional[str] = None) -> Tensor:
    """fft_ihfft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor
    """
    return _ft.transform(self, "ihfft", s, dim, norm)


@_symbolic("aten::fft_fftn", dynamo=())
def fft_fftn(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTOptional[_FTSequence[int]] = None,
             norm: _FTOptional[str] = None) -> Tensor:
    """fft_fftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor
    """
    return _ft.transform(self, "fft", s, dim, norm)


@_symbolic("aten::fft_ifftn", dynamo=())
def fft_ifftn(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTOptional[_FTSequence[int]] = None,
              norm: _FTOptional[str] = None) -> Tensor:
    """fft_ifftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor
    """
    return _ft.transform(self, "ifft", s, dim, norm)


@_symbolic("aten::fft_rfftn", dynamo=())
def fft_rfftn(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTOptional[_FTSequence[int]] = None,
              norm: _FTOptional[str] = None) -> Tensor:
    """fft_rfftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor
    """
    return _ft.transform(self, "rfft", s, dim, norm)


@_symbolic("aten::fft_irfftn", dynamo=())
def fft_irfftn(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTOptional[_FTSequence[int]] = None,
               norm: _FTOptional[str] = None) -> Tensor:
    """fft_irfftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor
    """
    return _ft.transform(self, "irfft", s, dim, norm)


@_symbolic("aten::fft_hfftn", dynamo=())
def fft_hfftn(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTOptional[_FTSequence[int]] = None,
              norm: _FTOptional[str] = None) -> Tensor:
    """fft_hfftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor
    """
    return _ft.transform(self, "hfft", s, dim, norm)


@_symbolic("aten::fft_ihfftn")  # dynamo: as fft_ihfft2
def fft_ihfftn(self: Tensor, s: _FTOptional[_FTSequence[int]] = None, dim: _FTOptional[_FTSequence[int]] = None,
               norm: _FTOptional[str] = None) -> Tensor:
    """fft_ihfftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor
    """
    return _ft.transform(self, "ihfft", s, dim, norm)


_FT_WHAT = {
    "fft": "Forward complex DFT (a real input is transformed as real: DFT with a [..., 1] input).",
    "ifft": "Inverse complex DFT; ONNX's inverse already divides by n, so norm='backward' adds no Mul.",
    "rfft": "Onesided real-to-complex DFT (DFT onesided=1) on the last dim, complex DFTs on the others.",
    "irfft": "Complex DFTs on the leading dims, then DFT's IRFFT form (onesided=1, inverse=1) on the "
             "half spectrum resized to n//2+1 (the imaginary parts of bins 0 and n/2 ignored, as eager).",
    "hfft": "Complex DFTs on the leading dims, conj, then DFT's IRFFT form with forward normalization.",
    "ihfft": "Onesided DFT on the last dim, conj (Mul by [1, -1]), inverse complex DFTs on the others.",
}
for _ft_fn, _ft_what in (
    (fft_fft, "fft"), (fft_ifft, "ifft"), (fft_rfft, "rfft"), (fft_irfft, "irfft"), (fft_hfft, "hfft"),
    (fft_ihfft, "ihfft"), (fft_fft2, "fft"), (fft_ifft2, "ifft"), (fft_rfft2, "rfft"), (fft_irfft2, "irfft"),
    (fft_hfft2, "hfft"), (fft_ihfft2, "ihfft"), (fft_fftn, "fft"), (fft_ifftn, "ifft"), (fft_rfftn, "rfft"),
    (fft_irfftn, "irfft"), (fft_hfftn, "hfft"), (fft_ihfftn, "ihfft"),
):
    _ft_fn.__doc__ = _ft_fn.__doc__.rstrip() + _FT_DOC.format(what=_FT_WHAT[_ft_what])
# --- end group FT ---
