"""Test rows for the bundled pack: one row per op (see ``torch_opfill.cases``).

Read by the test suite and by ``python -m torch_opfill.check``; a new op adds one row here.
"""

from __future__ import annotations

import math

import torch

from torch_opfill.cases import Domain, OpCase

CASES: list[OpCase] = [
    OpCase("aten::asinh", torch.asinh),
    OpCase("aten::acosh", torch.acosh, (Domain(1.0, math.inf, special=(1.0,)),)),
    OpCase("aten::atanh", torch.atanh, (Domain(-1.0, 1.0, special=(-1.0, 1.0)),)),
    OpCase("aten::sinh", torch.sinh, (Domain(-90.0, 90.0),)),
    OpCase("aten::cosh", torch.cosh, (Domain(-90.0, 90.0),)),
    # max(a, b) + log1p(exp(-|a - b|)) cancels where the result is small next to a and b; eager
    # cancels the same way, so the difference is judged on the operands' scale (a few eps).
    OpCase("aten::logaddexp", torch.logaddexp, (Domain(), Domain()), int_dtypes=(),  # eager: no int kernel
           atol={torch.float32: 4 * 2.0**-23, torch.float64: 4 * 2.0**-52},
           opinfo=(("logaddexp", ""),)),
    # sinc has zeros: near them only an absolute error on the scale of sinc's maximum (1) means anything.
    OpCase("aten::sinc", torch.sinc, atol={torch.float32: 2.0**-23, torch.float64: 2.0**-51}, opinfo=(("sinc", ""),)),
    OpCase("aten::erfinv", torch.erfinv, (Domain(-1.0, 1.0, special=(-1.0, 1.0)),)),
    OpCase("aten::lgamma", torch.lgamma, (Domain(special=(1.0, 2.0, -1.0, -2.5)),)),
]
