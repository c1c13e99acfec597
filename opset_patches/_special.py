"""Bessel functions, Airy Ai and the orthogonal polynomials of ``torch.special`` (group G3).

Each composition mirrors ATen's scalar CPU kernel in ``aten/src/ATen/native/Math.h``
(``*_forward``): the same Cephes coefficient tables, the same branches (selected per element
with Where, every branch evaluated) and the same operation order, so float rounding follows
eager's step by step. Built from opset-9 operators only; every helper takes the dtype it
computes in (float32 or float64: eager has no float16/bfloat16 kernel for these ops).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from opset_patches._math import (
    Consts, acos, at_least_1d, chbevl, equal, horner, is_inf, restore_rank, sin_cos,
)
from torch_opfill import OpfillError, Tensor, op

_F32, _F64 = torch.float32, torch.float64


def unary(self: Tensor, composition: Callable[[Tensor, Consts], Tensor]) -> Tensor:
    """``composition(x, k)`` on ``self`` in its float dtype (int/bool -> float32 like eager;
    float16/bfloat16, which eager rejects for these ops, in float32 and rounded back)."""
    given = op.dtype(self)
    dtype = given if given in (_F32, _F64) else _F32
    rank = op.rank(self)
    x = at_least_1d(self, rank)
    y = composition(x if given == dtype else op.cast(x, dtype), Consts(dtype, rank))
    if given in (torch.float16, torch.bfloat16):
        y = op.cast(y, given)
    return restore_rank(y, rank)


# --------------------------------------------------------------------------- modified Bessel I, K

# Cephes i0.c / i1.c: Chebyshev series for exp(-x) I(x) on [0, 8] (argument x/2 - 2) and
# sqrt(x) exp(-x) I(x) on (8, inf) (argument 32/x - 2).
_I0_A = (
    -4.41534164647933937950e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16,
    1.71539128555513303061e-15, -1.16853328779934516808e-14, 7.67618549860493561688e-14,
    -4.85644678311192946090e-13, 2.95505266312963983461e-12, -1.72682629144155570723e-11,
    9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-09,
    -1.30002500998624804212e-08, 6.04699502254191894932e-08, -2.67079385394061173391e-07,
    1.11738753912010371815e-06, -4.41673835845875056359e-06, 1.64484480707288970893e-05,
    -5.75419501008210370398e-05, 1.88502885095841655729e-04, -5.76375574538582365885e-04,
    1.63947561694133579842e-03, -4.32430999505057594430e-03, 1.05464603945949983183e-02,
    -2.37374148058994688156e-02, 4.93052842396707084878e-02, -9.49010970480476444210e-02,
    1.71620901522208775349e-01, -3.04682672343198398683e-01, 6.76795274409476084995e-01,
)
_I0_B = (
    -7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17,
    3.46122286769746109310e-17, -2.82762398051658348494e-16, -3.42548561967721913462e-16,
    1.77256013305652638360e-15, 3.81168066935262242075e-15, -9.55484669882830764870e-15,
    -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13,
    7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11,
    -3.14991652796324136454e-11, 1.18891471078464383424e-11, 4.94060238822496958910e-10,
    3.39623202570838634515e-09, 2.26666899049817806459e-08, 2.04891858946906374183e-07,
    2.89137052083475648297e-06, 6.88975834691682398426e-05, 3.36911647825569408990e-03,
    8.04490411014108831608e-01,
)
_I1_A = (
    2.77791411276104639959e-18, -2.11142121435816608115e-17, 1.55363195773620046921e-16,
    -1.10559694773538630805e-15, 7.60068429473540693410e-15, -5.04218550472791168711e-14,
    3.22379336594557470981e-13, -1.98397439776494371520e-12, 1.17361862988909016308e-11,
    -6.66348972350202774223e-11, 3.62559028155211703701e-10, -1.88724975172282928790e-09,
    9.38153738649577178388e-09, -4.44505912879632808065e-08, 2.00329475355213526229e-07,
    -8.56872026469545474066e-07, 3.47025130813767847674e-06, -1.32731636560394358279e-05,
    4.78156510755005422638e-05, -1.61760815825896745588e-04, 5.12285956168575772895e-04,
    -1.51357245063125314899e-03, 4.15642294431288815669e-03, -1.05640848946261981558e-02,
    2.47264490306265168283e-02, -5.29459812080949914269e-02, 1.02643658689847095384e-01,
    -1.76416518357834055153e-01, 2.52587186443633654823e-01,
)
_I1_B = (
    7.51729631084210481353e-18, 4.41434832307170791151e-18, -4.65030536848935832153e-17,
    -3.20952592199342395980e-17, 2.96262899764595013876e-16, 3.30820231092092828324e-16,
    -1.88035477551078244854e-15, -3.81440307243700780478e-15, 1.04202769841288027642e-14,
    4.27244001671195135429e-14, -2.10154184277266431302e-14, -4.08355111109219731823e-13,
    -7.19855177624590851209e-13, 2.03562854414708950722e-12, 1.41258074366137813316e-11,
    3.25260358301548823856e-11, -1.89749581235054123450e-11, -5.58974346219658380687e-10,
    -3.83538038596423702205e-09, -2.63146884688951950684e-08, -2.51223623787020892529e-07,
    -3.88256480887769039346e-06, -1.10588938762623716291e-04, -9.76109749136146840777e-03,
    7.78576235018280120474e-01,
)
# Cephes k0.c / k1.c: Chebyshev series on (0, 2] (argument x^2 - 2, the log(x/2) I(x) term
# added outside) and sqrt(x) exp(x) K(x) on (2, inf) (argument 8/x - 2).
_K0_A = (
    1.37446543561352307156e-16, 4.25981614279661018399e-14, 1.03496952576338420167e-11,
    1.90451637722020886025e-09, 2.53479107902614945675e-07, 2.28621210311945178607e-05,
    1.26461541144692592338e-03, 3.59799365153615016266e-02, 3.44289899924628486886e-01,
    -5.35327393233902768720e-01,
)
_K0_B = (
    5.30043377268626276149e-18, -1.64758043015242134646e-17, 5.21039150503902756861e-17,
    -1.67823109680541210385e-16, 5.51205597852431940784e-16, -1.84859337734377901440e-15,
    6.34007647740507060557e-15, -2.22751332699166985548e-14, 8.03289077536357521100e-14,
    -2.98009692317273043925e-13, 1.14034058820847496303e-12, -4.51459788337394416547e-12,
    1.85594911495471785253e-11, -7.95748924447710747776e-11, 3.57739728140030116597e-10,
    -1.69753450938905987466e-09, 8.57403401741422608519e-09, -4.66048989768794782956e-08,
    2.76681363944501510342e-07, -1.83175552271911948767e-06, 1.39498137188764993662e-05,
    -1.28495495816278026384e-04, 1.56988388573005337491e-03, -3.14481013119645005427e-02,
    2.44030308206595545468e+00,
)
_K1_A = (
    -7.02386347938628759343e-18, -2.42744985051936593393e-15, -6.66690169419932900609e-13,
    -1.41148839263352776110e-10, -2.21338763073472585583e-08, -2.43340614156596823496e-06,
    -1.73028895751305206302e-04, -6.97572385963986435018e-03, -1.22611180822657148235e-01,
    -3.53155960776544875667e-01, 1.52530022733894777053e+00,
)
_K1_B = (
    -5.75674448366501715755e-18, 1.79405087314755922667e-17, -5.68946255844285935196e-17,
    1.83809354436663880070e-16, -6.05704724837331885336e-16, 2.03870316562433424052e-15,
    -7.01983709041831346144e-15, 2.47715442448130437068e-14, -8.97670518232499435011e-14,
    3.34841966607842919884e-13, -1.28917396095102890680e-12, 5.13963967348173025100e-12,
    -2.12996783842756842877e-11, 9.21831518760500529508e-11, -4.19035475934189648750e-10,
    2.01504975519703286596e-09, -1.03457624656780970260e-08, 5.74108412545004946722e-08,
    -3.50196060308781257119e-07, 2.40648494783721712015e-06, -1.93619797416608296024e-05,
    1.95215518471351631108e-04, -2.85781685962277938680e-03, 1.03923736576817238437e-01,
    2.72062619048444266945e+00,
)


def _i_series(a: Tensor, small: tuple[float, ...], large: tuple[float, ...], k: Consts):
    """ATen's two Chebyshev sums for I0/I1 at ``a = |x|``: (on [0, 8], on (8, inf))."""
    near = chbevl(op.Sub(op.Div(a, k(2.0)), k(2.0)), small, k)
    far = chbevl(op.Sub(op.Div(k(32.0), a), k(2.0)), large, k)
    return near, far


def modified_bessel_i0(x: Tensor, k: Consts) -> Tensor:
    """ATen ``modified_bessel_i0_forward``: ``e^|x| A(|x|/2 - 2)`` up to 8, ``e^|x| B(32/|x| - 2)
    / sqrt|x|`` beyond (inf once e^|x| overflows, nan at ±inf itself (inf/inf), as eager)."""
    a = op.Abs(x)
    near, far = _i_series(a, _I0_A, _I0_B, k)
    e = k.exp(a)
    return op.Where(op.Greater(a, k(8.0)), op.Div(op.Mul(e, far), op.Sqrt(a)), op.Mul(e, near))


def modified_bessel_i1(x: Tensor, k: Consts) -> Tensor:
    """ATen ``modified_bessel_i1_forward``: odd, ``A(|x|/2 - 2) |x| e^|x|`` up to 8,
    ``e^|x| B(32/|x| - 2) / sqrt|x|`` beyond; negated for x < 0 (so i1(-0) = +0, as eager)."""
    a = op.Abs(x)
    near, far = _i_series(a, _I1_A, _I1_B, k)
    e = k.exp(a)
    magnitude = op.Where(
        op.Greater(a, k(8.0)), op.Div(op.Mul(e, far), op.Sqrt(a)), op.Mul(op.Mul(near, a), e)
    )
    return op.Where(op.Less(x, k(0.0)), op.Neg(magnitude), magnitude)


def _k_domain(x: Tensor, value: Tensor, k: Consts) -> Tensor:
    """K0/K1's special values: +inf at 0 (either sign), nan below 0."""
    zero = k(0.0)
    return op.Where(equal(x, zero), k(math.inf), op.Where(op.Less(x, zero), k(math.nan), value))


def _k_series(x: Tensor, small: tuple[float, ...], large: tuple[float, ...], k: Consts):
    near = chbevl(k.fma(x, x, k(-2.0)), small, k)  # x*x - 2, fused in the kernel
    far = chbevl(op.Sub(op.Div(k(8.0), x), k(2.0)), large, k)
    return near, far


def modified_bessel_k0(x: Tensor, k: Consts, *, scaled: bool = False) -> Tensor:
    """ATen ``modified_bessel_k0_forward`` (``scaled``: ``scaled_modified_bessel_k0_forward``,
    ``e^x K0(x)``). Up to 2: ``A(x^2 - 2) - log(x/2) I0(x)``; beyond: ``e^-x B(8/x - 2) / sqrt x``.

    Unscaled float32 evaluates ``log(0.5 * x)`` and the final difference in double, as the
    kernel does (its ``0.5`` literal is a double); the scaled kernel stays in float.
    """
    near, far = _k_series(x, _K0_A, _K0_B, k)
    i0 = modified_bessel_i0(x, k)
    if scaled:
        small = op.Mul(k.fma(op.Neg(k.log(op.Mul(k(0.5), x))), i0, near, guard=True), k.exp(x))
        large = op.Div(far, op.Sqrt(x))
    else:
        if k.dtype == _F64:
            small = k.fma(op.Neg(k.log(op.Mul(k(0.5), x))), i0, near, guard=True)
        else:
            log_half_x = op.Log(op.Mul(k(0.5, _F64), op.cast(x, _F64)))
            small = op.cast(op.Sub(op.cast(near, _F64), op.Mul(log_half_x, op.cast(i0, _F64))), k.dtype)
        large = op.Div(op.Mul(k.exp(op.Neg(x)), far), op.Sqrt(x))
    return _k_domain(x, op.Where(op.Greater(x, k(2.0)), large, small), k)


def modified_bessel_k1(x: Tensor, k: Consts, *, scaled: bool = False) -> Tensor:
    """ATen ``modified_bessel_k1_forward`` (``scaled``: ``e^x K1(x)``). Up to 2:
    ``log(x/2) I1(x) + A(x^2 - 2) / x``; beyond: ``e^-x B(8/x - 2) / sqrt x``."""
    near, far = _k_series(x, _K1_A, _K1_B, k)
    i1 = modified_bessel_i1(x, k)
    small = k.fma(k.log(op.Mul(k(0.5), x)), i1, op.Div(near, x), guard=True)
    if scaled:
        small = op.Mul(small, k.exp(x))
        large = op.Div(far, op.Sqrt(x))
    else:
        large = op.Div(op.Mul(k.exp(op.Neg(x)), far), op.Sqrt(x))
    return _k_domain(x, op.Where(op.Greater(x, k(2.0)), large, small), k)


# --------------------------------------------------------------------------- Bessel J, Y

# Cephes j0.c / j1.c (Moshier). Up to 5: rational forms in x^2 (RP/RQ, YP/YQ); beyond: the
# Hankel asymptotic form with modulus/phase corrections PP/PQ and QP/QQ in (5/x)^2.
_J0_PP = (7.96936729297347051624e-04, 8.28352392107440799803e-02, 1.23953371646414299388e+00,
          5.44725003058768775090e+00, 8.74716500199817011941e+00, 5.30324038235394892183e+00,
          9.99999999999999997821e-01)
_J0_PQ = (9.24408810558863637013e-04, 8.56288474354474431428e-02, 1.25352743901058953537e+00,
          5.47097740330417105182e+00, 8.76190883237069594232e+00, 5.30605288235394617618e+00,
          1.00000000000000000218e+00)
_J0_QP = (-1.13663838898469149931e-02, -1.28252718670509318512e+00, -1.95539544257735972385e+01,
          -9.32060152123768231369e+01, -1.77681167980488050595e+02, -1.47077505154951170175e+02,
          -5.14105326766599330220e+01, -6.05014350600728481186e+00)
_J0_QQ = (6.43178256118178023184e+01, 8.56430025976980587198e+02, 3.88240183605401609683e+03,
          7.24046774195652478189e+03, 5.93072701187316984827e+03, 2.06209331660327847417e+03,
          2.42005740240291393179e+02)
_J0_RP = (-4.79443220978201773821e+09, 1.95617491946556577543e+12, -2.49248344360967716204e+14,
          9.70862251047306323952e+15)
_J0_RQ = (4.99563147152651017219e+02, 1.73785401676374683123e+05, 4.84409658339962045305e+07,
          1.11855537045356834862e+10, 2.11277520115489217587e+12, 3.10518229857422583814e+14,
          3.18121955943204943306e+16, 1.71086294081043136091e+18)
_Y0_YP = (1.55924367855235737965e+04, -1.46639295903971606143e+07, 5.43526477051876500413e+09,
          -9.82136065717911466409e+11, 8.75906394395366999549e+13, -3.46628303384729719441e+15,
          4.42733268572569800351e+16, -1.84950800436986690637e+16)
_Y0_YQ = (1.04128353664259848412e+03, 6.26107330137134956842e+05, 2.68919633393814121987e+08,
          8.64002487103935000337e+10, 2.02979612750105546709e+13, 3.17157752842975028269e+15,
          2.50596256172653059228e+17)
_J1_PP = (7.62125616208173112003e-04, 7.31397056940917570436e-02, 1.12719608129684925192e+00,
          5.11207951146807644818e+00, 8.42404590141772420927e+00, 5.21451598682361504063e+00,
          1.00000000000000000254e+00)
_J1_PQ = (5.71323128072548699714e-04, 6.88455908754495404082e-02, 1.10514232634061696926e+00,
          5.07386386128601488557e+00, 8.39985554327604159757e+00, 5.20982848682361821619e+00,
          9.99999999999999997461e-01)
_J1_QP = (5.10862594750176621635e-02, 4.98213872951233449420e+00, 7.58238284132545283818e+01,
          3.66779609360150777800e+02, 7.10856304998926107277e+02, 5.97489612400613639965e+02,
          2.11688757100572135698e+02, 2.52070205858023719784e+01)
_J1_QQ = (7.42373277035675149943e+01, 1.05644886038262816351e+03, 4.98641058337653607651e+03,
          9.56231892404756170795e+03, 7.99704160447350683650e+03, 2.82619278517639096600e+03,
          3.36093607810698293419e+02)
_J1_RP = (-8.99971225705559398224e+08, 4.52228297998194034323e+11, -7.27494245221818276015e+13,
          3.68295732863852883286e+15)
_J1_RQ = (6.20836478118054335476e+02, 2.56987256757748830383e+05, 8.35146791431949253037e+07,
          2.21511595479792499675e+10, 4.74914122079991414898e+12, 7.84369607876235854894e+14,
          8.95222336184627338078e+16, 5.32278620332680085395e+18)
_Y1_YP = (1.26320474790178026440e+09, -6.47355876379160291031e+11, 1.14509511541823727583e+14,
          -8.12770255501325109621e+15, 2.02439475713594898196e+17, -7.78877196265950026825e+17)
_Y1_YQ = (5.94301592346128195359e+02, 2.35564092943068577943e+05, 7.34811944459721705660e+07,
          1.87601316108706159478e+10, 3.88231277496238566008e+12, 6.20557727146953693363e+14,
          6.87141087355300489866e+16, 3.97270608116560655612e+18)
_PIO4 = 0.785398163397448309615660845819875721
_3PIO4 = 2.356194490192344928846982537459627163
_SQRT_2_OVER_PI = 0.797884560802865355879892119868763737
_TWO_OVER_PI = 0.636619772367581343075535053490057448

def _hankel(x: Tensor, w: Tensor, tables: tuple, phase: float, k: Consts, *, y: bool) -> Tensor:
    """The ``x > 5`` branch: ``(P(w) cos(x - phase) - 5/x Q(w) sin(x - phase)) sqrt(2/pi) / sqrt x``
    (``y``: ``P sin + 5/x Q cos``), ``P = pp/pq``, ``Q = qp/qq`` in ``w = (5/x)^2``."""
    pp_, pq_, qp_, qq_ = (horner(w, t, k) for t in tables)
    sin_d, cos_d = sin_cos(op.Sub(x, k(phase)), k)
    p = op.Div(pp_, pq_)
    q = op.Mul(op.Div(k(5.0), x), op.Div(qp_, qq_))
    first, second = (sin_d, cos_d) if y else (cos_d, sin_d)
    # The kernel's compiled a*b -/+ c*d fuses the first product: fma(p, first, -/+ q*second).
    body = k.fma(p, first, op.Mul(q, second), subtract=not y)
    return op.Div(op.Mul(body, k(_SQRT_2_OVER_PI)), op.Sqrt(x))


def _j0_positive(a: Tensor, k: Consts) -> Tensor:
    z = op.Mul(a, a)
    tiny = op.Sub(k(1.0), op.Div(z, k(4.0)))
    rp, rq = horner(z, _J0_RP, k), horner(z, _J0_RQ, k)
    factors = op.Mul(op.Sub(z, k(5.78318596294678452118e+00)), op.Sub(z, k(3.04712623436620863991e+01)))
    small = op.Div(op.Mul(factors, rp), rq)
    large = _hankel(a, op.Div(k(25.0), z), (_J0_PP, _J0_PQ, _J0_QP, _J0_QQ), _PIO4, k, y=False)
    return op.Where(op.Greater(a, k(5.0)), large, op.Where(op.Less(a, k(1e-5)), tiny, small))


def bessel_j0(x: Tensor, k: Consts) -> Tensor:
    """ATen ``bessel_j0_forward`` (Cephes j0): even; ``1 - x^2/4`` below 1e-5, ``(x^2 - r1^2)
    (x^2 - r2^2) RP/RQ`` up to 5 (its first two zeros factored out), the Hankel form beyond."""
    return _j0_positive(op.Abs(x), k)


def _j1_positive(a: Tensor, k: Consts) -> Tensor:
    z = op.Mul(a, a)
    rp, rq = horner(z, _J1_RP, k), horner(z, _J1_RQ, k)
    small = op.Mul(
        op.Mul(op.Mul(op.Div(rp, rq), a), op.Sub(z, k(1.46819706421238932572e+01))),
        op.Sub(z, k(4.92184563216946036703e+01)),
    )
    five_over = op.Div(k(5.0), a)
    large = _hankel(a, op.Mul(five_over, five_over), (_J1_PP, _J1_PQ, _J1_QP, _J1_QQ), _3PIO4, k, y=False)
    return op.Where(op.Greater(a, k(5.0)), large, small)


def bessel_j1(x: Tensor, k: Consts) -> Tensor:
    """ATen ``bessel_j1_forward`` (Cephes j1): odd (``j1(-0) = -0``); ``x (x^2 - r1^2) (x^2 - r2^2)
    RP/RQ`` up to 5, the Hankel form beyond."""
    magnitude = _j1_positive(op.Abs(x), k)
    zero = k(0.0)
    return op.Where(op.Less(x, zero), op.Neg(magnitude), op.Where(op.Greater(x, zero), magnitude, x))


def bessel_y0(x: Tensor, k: Consts) -> Tensor:
    """ATen ``bessel_y0_forward`` (Cephes y0): ``YP/YQ + (2/pi) log(x) J0(x)`` up to 5, the Hankel
    form beyond; -inf at 0, nan below."""
    z = op.Mul(x, x)
    ratio = op.Div(horner(z, _Y0_YP, k), horner(z, _Y0_YQ, k))
    small = k.fma(op.Mul(k(_TWO_OVER_PI), k.log(x)), _j0_positive(x, k), ratio, guard=True)
    large = _hankel(x, op.Div(k(25.0), z), (_J0_PP, _J0_PQ, _J0_QP, _J0_QQ), _PIO4, k, y=True)
    return _y_domain(x, op.Where(op.Greater(x, k(5.0)), large, small), k)


def bessel_y1(x: Tensor, k: Consts) -> Tensor:
    """ATen ``bessel_y1_forward`` (Cephes y1): ``x YP/YQ + (2/pi) (J1(x) log x - 1/x)`` up to 5,
    the Hankel form beyond; -inf at 0, nan below."""
    z = op.Mul(x, x)
    ratio = op.Mul(x, op.Div(horner(z, _Y1_YP, k), horner(z, _Y1_YQ, k)))
    inner = k.fma(_j1_positive(x, k), k.log(x), op.Reciprocal(x), guard=True, subtract=True)
    small = op.Add(ratio, op.Mul(k(_TWO_OVER_PI), inner))
    five_over = op.Div(k(5.0), x)
    large = _hankel(x, op.Mul(five_over, five_over), (_J1_PP, _J1_PQ, _J1_QP, _J1_QQ), _3PIO4, k, y=True)
    return _y_domain(x, op.Where(op.Greater(x, k(5.0)), large, small), k)


def _y_domain(x: Tensor, value: Tensor, k: Consts) -> Tensor:
    zero = k(0.0)
    return op.Where(equal(x, zero), k(-math.inf), op.Where(op.Less(x, zero), k(math.nan), value))


def _ratio(num: float, den: float, dtype: torch.dtype) -> float:
    """``T(num) / T(den)`` as the kernel computes it, in ``dtype``."""
    return float(torch.tensor(num, dtype=dtype) / torch.tensor(den, dtype=dtype))


def spherical_bessel_j0(x: Tensor, k: Consts) -> Tensor:
    """ATen ``spherical_bessel_j0_forward``: ``sin(x)/x``, its Taylor polynomial below |x| = 1/2
    (terms to x^12, Horner in x^2 with the kernel's fused steps), 0 at ±inf."""
    dens = (6227020800.0, -39916800.0, 362880.0, -5040.0, 120.0, -6.0)
    coeffs = tuple(_ratio(1.0 if d > 0 else -1.0, abs(d), k.dtype) for d in dens) + (1.0,)
    series = horner(op.Mul(x, x), coeffs, k)
    sin_x, _ = sin_cos(x, k)
    value = op.Where(op.Less(op.Abs(x), k(0.5)), series, op.Div(sin_x, x))
    return op.Where(is_inf(x, k), k(0.0), value)


# --------------------------------------------------------------------------- orthogonal polynomials

#: Highest degree a tensor ``n`` is unrolled to (there is no Loop: every degree up to it is
#: computed and each element picks its own). Above it the result is nan, except where eager
#: itself uses a closed form (Chebyshev families for |x| < 1) or returns a constant.
N_MAX = 128
#: Highest constant degree (``n_scalar`` overload) unrolled; above, the export fails loudly.
N_STATIC_MAX = 4096
_INT64_LIMIT = 9.223372036854775808e18  # 2**63: C's float -> int64 conversion gives INT64_MIN beyond
_HERMITE_LIMIT = {torch.float32: 128, torch.float64: 512}  # ATen getHermitianLimit: nan above


class Degree:
    """The kernel's ``int64_t n``: a Python int (constant degree) or a float tensor holding
    ``static_cast<int64_t>(n)`` of the degree in the computation dtype (truncated; nan, inf and
    |n| >= 2**63, which convert to INT64_MIN on x86, mapped to -1: every kernel returns 0 for
    negative n). Comparisons give a Python bool for a constant degree, a bool tensor else."""

    def __init__(self, k: Consts, static: int | None = None, tensor: Tensor | None = None) -> None:
        self.k, self.static = k, static
        if tensor is not None:
            a = op.Floor(op.Abs(tensor))
            t = op.Where(op.Less(tensor, k(0.0)), op.Neg(a), a)
            invalid = op.Not(op.Less(op.Abs(t), k(_INT64_LIMIT)))  # also nan
            tensor = op.Where(invalid, k(-1.0), t)
        self.tensor = tensor

    @classmethod
    def of_scalar(cls, k: Consts, n: float) -> Degree:
        if isinstance(n, bool) or not isinstance(n, (int, float)):
            raise OpfillError(f"degree n must be a number, got {n!r}")
        v = float(torch.tensor(n, dtype=k.dtype))  # the Scalar n is cast to the tensor dtype
        if math.isnan(v) or abs(v) >= _INT64_LIMIT:
            return cls(k, -1)
        return cls(k, int(v))

    def value(self, offset: float = 0.0) -> Tensor:
        """``n + offset`` in the computation dtype (``n + 1``, ``n + T(0.5)`` in the kernels)."""
        if self.static is not None:
            return self.k(float(torch.tensor(self.static + offset, dtype=self.k.dtype)))
        return self.tensor if offset == 0 else op.Add(self.tensor, self.k(offset))

    def lt(self, v: float):
        return self.static < v if self.static is not None else op.Less(self.tensor, self.k(v))

    def gt(self, v: float):
        return self.static > v if self.static is not None else op.Greater(self.tensor, self.k(v))

    def eq(self, v: float):
        return self.static == v if self.static is not None else equal(self.tensor, self.k(v))

    def even(self):
        if self.static is not None:
            return self.static % 2 == 0
        half = op.Mul(op.Abs(self.tensor), self.k(0.5))
        return equal(half, op.Floor(half))


def _sel(cond, a: Callable[[], Tensor], b: Callable[[], Tensor]) -> Tensor:
    """``cond ? a : b`` with lazily built branches: a constant condition builds one."""
    if cond is True:
        return a()
    if cond is False:
        return b()
    return op.Where(cond, a(), b())


def _or(a, b):
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return op.Or(a, b)


def _and(a, b):
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return op.And(a, b)


def _recurrence(n: Degree, first: Tensor, second: Tensor,
                step: Callable[[int, Tensor, Tensor], Tensor], k: Consts, *, start: int = 2) -> Tensor:
    """The kernel's loop ``for j = start..: r = step(j, q, p)`` from ``p = first``, ``q = second``:
    the value after the ``n``-th polynomial is reached (``first`` at n = 0, ``second`` at 1).

    A constant n is unrolled exactly; a tensor n up to :data:`N_MAX`, each element picking its
    degree with Where, nan above. ``step`` receives the loop index ``j`` of the kernel for
    degree ``j - start + 2``."""
    if n.static is not None:
        if n.static > N_STATIC_MAX:
            raise OpfillError(
                f"degree n={n.static} is above the {N_STATIC_MAX} this export unrolls (ONNX has no "
                "loop that the exporters emit here); use a smaller degree"
            )
        p, q = first, second
        for j in range(start, start + n.static - 1):
            p, q = q, step(j, q, p)
        return q
    p, q = first, second
    result = op.Where(n.gt(N_MAX), k(math.nan), q)  # q: degree 1 (n == 1 is handled by callers)
    for degree in range(2, N_MAX + 1):
        p, q = q, step(start + degree - 2, q, p)
        result = op.Where(n.eq(float(degree)), q, result)
    return result


#: float64 recurrences fused like the kernel (Dekker's product, ~20 nodes a step instead of
#: 2): bit-exact with eager instead of up to ~3000 ULP apart (float64 Laguerre, n = 13), at
#: the cost of larger graphs (~3500 nodes for a tensor degree; the dynamo exporter's
#: optimizer takes 20-60 s on them, TorchScript under 1 s).
FUSED_F64_RECURRENCE = True


def _rec_fma(k: Consts, a: Tensor, b: Tensor, c: Tensor, a_prep=None) -> Tensor:
    """A recurrence step's ``a*b - c``, fused like the kernel (:meth:`Consts.fma`; guarded:
    the values overflow for large x and n). ``a_prep``: ``k.prepare(a)`` for a shared ``a``."""
    if k.dtype == _F64 and not FUSED_F64_RECURRENCE:
        return op.Sub(op.Mul(a, b), c)
    return k.fma(a, b, c, guard=True, a_prep=a_prep, subtract=True)


def _prepare_once(k: Consts, a: Tensor):
    return None if k.dtype == _F64 and not FUSED_F64_RECURRENCE else k.prepare(a)


def _cheb_step(two_x: Tensor, k: Consts):
    """``r = (x + x) * q - p``, the Chebyshev recurrence (fused like the kernel)."""
    prep = _prepare_once(k, two_x)
    return lambda j, q, p: _rec_fma(k, two_x, q, p, prep)


def _acos_double_rounded(y: Tensor, k: Consts) -> Tensor:
    """acos as the kernel's ``std::acos``: float32 from the double composition, rounded once
    (correctly rounded but for ties; glibc's acosf is within 1 ULP of that), float64 direct."""
    if k.dtype == _F32:
        k64 = Consts(_F64, k.rank)
        return op.cast(acos(op.cast(y, _F64), k64), _F32)
    return acos(y, k)


def _like(v: Tensor, x: Tensor) -> Tensor:
    """Constant ``v`` broadcast to ``x``'s shape (for branches that do not otherwise use x)."""
    return op.Expand(v, op.Shape(x))


def chebyshev(kind: str, x: Tensor, n: Degree, k: Consts, *, shifted: bool = False) -> Tensor:
    """ATen ``[shifted_]chebyshev_polynomial_{t,u,v,w}_forward``, branch for branch.

    Special values at |x| = 1 (shifted: x = 1 and x = 0); for |x| < 1 (shifted: |2x - 1| < 1)
    and n above 6 or 8 (shifted: 6, and 4 for w) the kernels' closed forms in ``acos``:
    ``cos(n t)``, ``sin((n+1) t) / sin t``, ``cos((n+1/2) t) / cos(t/2)``, ``sin((n+1/2) t) /
    sin(t/2)``; else the three-term recurrence ``r = 2y q - p`` (``y = 2x - 1`` shifted).
    """
    one = k(1.0)
    y = op.Sub(op.Add(x, x), one) if shifted else x  # x + x - T(1.0)
    two_y = op.Add(y, y)
    first_order = {"t": lambda: y, "u": lambda: two_y, "v": lambda: op.Sub(two_y, one),
                   "w": lambda: op.Add(two_y, one)}[kind]
    ay = op.Abs(y)
    threshold = {"t": 6, "u": 8, "v": 8, "w": 8}[kind] if not shifted else (4 if kind == "w" else 6)

    def n_plus_1():
        return n.value(1.0)

    def two_n_plus_1():
        return op.Add(op.Add(n.value(), n.value()), one)  # int n + n + 1, exact then rounded

    def signed(cond, magnitude: Callable[[], Tensor]) -> Tensor:
        return _sel(cond, magnitude, lambda: op.Neg(magnitude()))

    # Special values: |x| == 1 (plain) or x == 1 / x == 0 (shifted).
    if not shifted:
        at_one = equal(ay, one)
        pos = op.Greater(x, k(0.0))
        special = {
            "t": lambda: _sel(_or(pos, n.even()), lambda: _like(one, x), lambda: _like(k(-1.0), x)),
            "u": lambda: op.Where(pos, n_plus_1(), signed(n.even(), n_plus_1)),
            "v": lambda: op.Where(pos, _like(one, x), signed(n.even(), two_n_plus_1)),
            "w": lambda: op.Where(
                pos, two_n_plus_1(), _sel(n.even(), lambda: _like(one, x), lambda: _like(k(-1.0), x))
            ),
        }[kind]
        special_value = special()
        conds = [(at_one, special_value)]
    else:
        at_one = equal(x, one)
        at_zero = equal(x, k(0.0))
        parity_one = _sel(n.even(), lambda: _like(one, x), lambda: _like(k(-1.0), x))
        one_value = {"t": lambda: _like(one, x), "u": n_plus_1, "v": lambda: _like(one, x),
                     "w": two_n_plus_1}[kind]()
        zero_value = {"t": lambda: parity_one, "u": lambda: signed(n.even(), n_plus_1),
                      "v": lambda: signed(n.even(), two_n_plus_1), "w": lambda: parity_one}[kind]()
        conds = [(at_one, one_value), (at_zero, zero_value)]

    # Closed forms for |y| < 1 and n above the threshold.
    def closed() -> Tensor:
        t = _acos_double_rounded(y, k)
        if kind == "t":
            return sin_cos(op.Mul(n.value(), t), k)[1]
        if kind == "u":
            sin_t = sin_cos(t, k)[0]
            arg = op.Mul(n_plus_1(), t)
            sin_a, cos_a = sin_cos(arg, k)
            alt = op.Div(op.Mul(n_plus_1(), cos_a), y)
            return op.Where(equal(sin_t, k(0.0)), alt, op.Div(sin_a, sin_t))
        half_t = op.Div(t, k(2.0))
        sin_h, cos_h = sin_cos(half_t, k)
        sin_a, cos_a = sin_cos(op.Mul(n.value(0.5), t), k)
        if kind == "v":
            fallback = signed(n.even(), two_n_plus_1)
            return op.Where(equal(sin_h, one), fallback, op.Div(cos_a, cos_h))
        if shifted:
            fallback = _sel(n.even(), lambda: _like(one, x), lambda: _like(k(-1.0), x))
        else:
            fallback = op.Where(op.Greater(x, k(0.0)), two_n_plus_1(),
                                _sel(n.even(), lambda: _like(one, x), lambda: _like(k(-1.0), x)))
        return op.Where(equal(cos_h, one), fallback, op.Div(sin_a, sin_h))

    closed_cond = _and(n.gt(threshold), op.Less(ay, one))

    def low_degree() -> Tensor:
        def rec() -> Tensor:
            return _recurrence(n, _like(one, x), first_order(), _cheb_step(two_y, k), k)

        return _sel(n.eq(0), lambda: _like(one, x), lambda: _sel(n.eq(1), first_order, rec))

    value = _sel(closed_cond, closed, low_degree) if closed_cond is not False else low_degree()
    for cond, v in reversed(conds):
        value = op.Where(cond, v, value)
    return _sel(n.lt(0), lambda: _like(k(0.0), x), lambda: value)


def hermite(kind: str, x: Tensor, n: Degree, k: Consts) -> Tensor:
    """ATen ``hermite_polynomial_{h,he}_forward``: 1 and ``2x`` (``x``) at degrees 0 and 1; nan
    above ATen's limit (128 in float32, 512 in float64); else the recurrence
    ``r = 2x q - k p`` for k = 2, 4, .., 2n - 2 (``h``) or ``r = x q - k p`` for k = 1 .. n - 1
    (``he``), the first product fused like the kernel."""
    mult = op.Add(x, x) if kind == "h" else x
    limit = _HERMITE_LIMIT.get(k.dtype, 1024)

    prep = _prepare_once(k, mult)

    def step(j: int, q: Tensor, p: Tensor) -> Tensor:
        return _rec_fma(k, mult, q, op.Mul(k(float(j)), p), prep)

    if kind == "h":  # the loop index advances by 2: k = 2 (degree - 1)
        def stepper(j, q, p):
            return step(2 * (j - 1), q, p)
    else:
        def stepper(j, q, p):
            return step(j - 1, q, p)

    one = _like(k(1.0), x)

    def rec() -> Tensor:
        return _sel(n.gt(limit), lambda: _like(k(math.nan), x), lambda: _recurrence(n, one, mult, stepper, k))

    value = _sel(n.eq(0), lambda: one, lambda: _sel(n.eq(1), lambda: mult, rec))
    return _sel(n.lt(0), lambda: _like(k(0.0), x), lambda: value)


def laguerre(x: Tensor, n: Degree, k: Consts) -> Tensor:
    """ATen ``laguerre_polynomial_l_forward``: 1 at x = 0 (any n >= 0); ``1 - x`` at degree 1;
    ``r = ((2k + (1 - x)) q - k p) / (k + 1)`` for k = 1 .. n - 1, the first product fused."""
    one_minus = op.Sub(k(1.0), x)

    def step(j: int, q: Tensor, p: Tensor) -> Tensor:
        kk = j - 1
        a = op.Add(k(float(kk + kk)), one_minus)
        return op.Div(_rec_fma(k, a, q, op.Mul(k(float(kk)), p)), k(float(kk + 1)))

    one = _like(k(1.0), x)
    value = _sel(n.eq(0), lambda: one,
                 lambda: _sel(n.eq(1), lambda: one_minus, lambda: _recurrence(n, one, one_minus, step, k)))
    value = op.Where(equal(op.Abs(x), k(0.0)), one, value)
    return _sel(n.lt(0), lambda: _like(k(0.0), x), lambda: value)


def legendre(x: Tensor, n: Degree, k: Consts) -> Tensor:
    """ATen ``legendre_polynomial_p_forward``: ±1 at |x| = 1; ``x`` at degree 1;
    ``r = ((2k + 1) x q - k p) / (k + 1)`` for k = 1 .. n - 1, the first product fused."""
    one = _like(k(1.0), x)

    def step(j: int, q: Tensor, p: Tensor) -> Tensor:
        kk = j - 1
        a = op.Mul(k(float(kk + kk + 1)), x)
        return op.Div(_rec_fma(k, a, q, op.Mul(k(float(kk)), p)), k(float(kk + 1)))

    value = _sel(n.eq(0), lambda: one,
                 lambda: _sel(n.eq(1), lambda: x, lambda: _recurrence(n, one, x, step, k)))
    sign = _sel(_or(op.Greater(x, k(0.0)), n.even()), lambda: one, lambda: _like(k(-1.0), x))
    value = op.Where(equal(op.Abs(x), k(1.0)), sign, value)
    return _sel(n.lt(0), lambda: _like(k(0.0), x), lambda: value)


_POLYNOMIALS: dict[str, Callable[[Tensor, Degree, Consts], Tensor]] = {
    "chebyshev_polynomial_t": lambda x, n, k: chebyshev("t", x, n, k),
    "chebyshev_polynomial_u": lambda x, n, k: chebyshev("u", x, n, k),
    "chebyshev_polynomial_v": lambda x, n, k: chebyshev("v", x, n, k),
    "chebyshev_polynomial_w": lambda x, n, k: chebyshev("w", x, n, k),
    "shifted_chebyshev_polynomial_t": lambda x, n, k: chebyshev("t", x, n, k, shifted=True),
    "shifted_chebyshev_polynomial_u": lambda x, n, k: chebyshev("u", x, n, k, shifted=True),
    "shifted_chebyshev_polynomial_v": lambda x, n, k: chebyshev("v", x, n, k, shifted=True),
    "shifted_chebyshev_polynomial_w": lambda x, n, k: chebyshev("w", x, n, k, shifted=True),
    "hermite_polynomial_h": lambda x, n, k: hermite("h", x, n, k),
    "hermite_polynomial_he": lambda x, n, k: hermite("he", x, n, k),
    "laguerre_polynomial_l": laguerre,
    "legendre_polynomial_p": legendre,
}


def _float_or_default(dtype: torch.dtype) -> torch.dtype:
    return dtype if dtype.is_floating_point else torch.get_default_dtype()


def polynomial(name: str, x: Tensor | float, n: Tensor | float) -> Tensor:
    """Entry point of the three overloads: ``(Tensor x, Tensor n)``, ``(Tensor x, Scalar n)``,
    ``(Scalar x, Tensor n)``. The result dtype follows eager's promotion (tensor dtypes, 0-d
    tensors below dimensioned ones, Python scalars not at all; integral -> float32); x and n are
    cast to it, as TensorIterator does, and float16/bfloat16 are computed in float32."""
    x_tensor, n_tensor = not isinstance(x, (int, float)), not isinstance(n, (int, float))
    rx = op.rank(x) if x_tensor else 0
    rn = op.rank(n) if n_tensor else 0
    if x_tensor and n_tensor:
        out = _float_or_default(torch.result_type(
            torch.empty((1,) * rx, dtype=op.dtype(x)), torch.empty((1,) * rn, dtype=op.dtype(n))))
    else:
        out = _float_or_default(op.dtype(x) if x_tensor else op.dtype(n))
    dtype = out if out in (_F32, _F64) else _F32
    rank = max(rx, rn)
    k = Consts(dtype, rank)
    both_scalar_like = rank == 0

    def prepare(v: Tensor) -> Tensor:
        v = at_least_1d(v, 0) if both_scalar_like else v
        return v if op.dtype(v) == dtype else op.cast(v, dtype)

    xt = prepare(x) if x_tensor else k(float(x))
    if n_tensor:
        if not x_tensor:  # a Scalar x: broadcast it to n's shape
            xt = op.Expand(xt, op.Shape(prepare(n)))
        degree = Degree(k, tensor=prepare(n))
    else:
        degree = Degree.of_scalar(k, n)
    y = _POLYNOMIALS[name](xt, degree, k)
    if out != dtype:
        y = op.cast(y, out)
    return restore_rank(y, rank)


# --------------------------------------------------------------------------- Airy Ai

# Cephes airy.c (Moshier): rational forms of the asymptotic expansions for x >= 2.09 (AN/AD in
# 1/zeta) and x < -2.09 (modulus AFN/AFD and phase AGN/AGD in 1/zeta^2); Maclaurin series between.
_AI_AN = (3.46538101525629032477e-01, 1.20075952739645805542e+01, 7.62796053615234516538e+01,
          1.68089224934630576269e+02, 1.59756391350164413639e+02, 7.05360906840444183113e+01,
          1.40264691163389668864e+01, 9.99999999999999995305e-01)
_AI_AD = (5.67594532638770212846e-01, 1.47562562584847203173e+01, 8.45138970141474626562e+01,
          1.77318088145400459522e+02, 1.64234692871529701831e+02, 7.14778400825575695274e+01,
          1.40959135607834029598e+01, 1.00000000000000000470e+00)
_AI_AFN = (-1.31696323418331795333e-01, -6.26456544431912369773e-01, -6.93158036036933542233e-01,
           -2.79779981545119124951e-01, -4.91900132609500318020e-02, -4.06265923594885404393e-03,
           -1.59276496239262096340e-04, -2.77649108155232920844e-06, -1.67787698489114633780e-08)
_AI_AFD = (1.33560420706553243746e+01, 3.26825032795224613948e+01, 2.67367040941499554804e+01,
           9.18707402907259625840e+00, 1.47529146771666414581e+00, 1.15687173795188044134e-01,
           4.40291641615211203805e-03, 7.54720348287414296618e-05, 4.51850092970580378464e-07)
_AI_AGN = (1.97339932091685679179e-02, 3.91103029615688277255e-01, 1.06579897599595591108e+00,
           9.39169229816650230044e-01, 3.51465656105547619242e-01, 6.33888919628925490927e-02,
           5.85804113048388458567e-03, 2.82851600836737019778e-04, 6.98793669997260967291e-06,
           8.11789239554389293311e-08, 3.41551784765923618484e-10)
_AI_AGD = (9.30892908077441974853e+00, 1.98352928718312140417e+01, 1.55646628932864612953e+01,
           5.47686069422975497931e+00, 9.54293611618961883998e-01, 8.64580826352392193095e-02,
           4.12656523824222607191e-03, 1.01259085116509135510e-04, 1.17166733214413521882e-06,
           4.91834570062930015649e-09)
_SQRT_1_OVER_PI = 5.64189583547756286948e-01
#: Iterations of the kernel's ``while (t > eps)`` series loop unrolled (each element stops
#: where eager does, by a mask): at most 11 (float32) / 14 (float64) are needed on
#: [-2.09, 2.09) (dense scans, the worst near x = -1.986).
_AIRY_SERIES_STEPS = {torch.float32: 18, torch.float64: 24}


def airy_ai(x: Tensor, k: Consts) -> Tensor:
    """ATen ``airy_ai_forward`` (Cephes airy, Ai only): nan at ±inf, 0 above 103.892; below
    -2.09 the oscillating asymptotic form ``(sin(t) (1 + z^2 F) - cos(t) z G) / (sqrt(pi) x^(1/4))``
    with ``t = zeta + pi/4``, ``z = 1/zeta``, ``zeta = 2/3 |x|^(3/2)``; from 2.09 the decaying
    ``N(1/zeta)/D(1/zeta) / (2 sqrt(pi) x^(1/4) e^zeta)``; between, the Maclaurin series
    ``c1 f(x) - c2 g(x)`` summed until a term is below eps relative (unrolled, masked)."""
    one = k(1.0)
    # x < -2.09
    neg_x = op.Neg(x)
    zeta_n = op.Div(op.Mul(op.Mul(k(-2.0), x), op.Sqrt(neg_x)), k(3.0))
    z = op.Div(one, zeta_n)
    zz = op.Mul(z, z)
    afn, afd = horner(zz, _AI_AFN, k), horner(zz, _AI_AFD, k)
    agn, agd = horner(zz, _AI_AGN, k), horner(zz, _AI_AGD, k)
    sin_t, cos_t = sin_cos(op.Add(zeta_n, k(0.25 * math.pi)), k)
    modulus = op.Add(one, op.Div(op.Mul(zz, afn), afd))
    phase = op.Div(op.Mul(z, agn), agd)
    body = k.fma(sin_t, modulus, op.Mul(cos_t, phase), subtract=True)
    negative = op.Mul(op.Div(k(_SQRT_1_OVER_PI), op.Sqrt(op.Sqrt(neg_x))), body)

    # x >= 2.09
    zeta = op.Div(op.Mul(op.Mul(k(2.0), x), op.Sqrt(x)), k(3.0))
    inv = op.Div(one, zeta)
    ratio = op.Div(horner(inv, _AI_AN, k), horner(inv, _AI_AD, k))
    denominator = op.Mul(op.Mul(k(2.0), op.Sqrt(op.Sqrt(x))), k.exp(zeta))
    positive = op.Div(op.Mul(k(_SQRT_1_OVER_PI), ratio), denominator)

    # Maclaurin series, each element stopping where the kernel's loop does.
    eps = k(float(torch.finfo(k.dtype).eps))
    z3 = op.Mul(op.Mul(x, x), x)
    f, g, m, n, t = one, x, one, x, one
    for i in range(1, _AIRY_SERIES_STEPS.get(k.dtype, 24) + 1):
        active = op.Greater(t, eps)
        m_new = op.Div(op.Div(op.Mul(m, z3), k(3.0 * i - 1)), k(3.0 * i))
        n_new = op.Div(op.Div(op.Mul(n, z3), k(3.0 * i)), k(3.0 * i + 1))
        f_new = op.Add(f, m_new)
        g_new = op.Add(g, n_new)
        t_new = op.Abs(op.Div(m_new, f_new))
        f, g = op.Where(active, f_new, f), op.Where(active, g_new, g)
        m, n, t = op.Where(active, m_new, m), op.Where(active, n_new, n), op.Where(active, t_new, t)
    series = k.fma(k(0.355028053887817239260), f, op.Mul(k(0.258819403792806798405), g), subtract=True)

    value = op.Where(op.Less(x, k(-2.09)), negative,
                     op.Where(op.Less(x, k(2.09)), series, positive))
    value = op.Where(op.Greater(x, k(103.892)), k(0.0), value)
    return op.Where(is_inf(x, k), k(math.nan), value)
