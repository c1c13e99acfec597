"""Heavy pack compositions: ONNX node count and onnxruntime CPU time vs PyTorch eager.

Run by hand (not a test):

    python benchmarks/compositions.py [--size 1000000] [--repeat 15] [--threads 1]

Each op is exported through the TorchScript exporter (opset 17, float32), run in
onnxruntime's CPU provider on the same 10^6-element tensor as eager, and timed as the median
of ``--repeat`` runs after a warm-up. ``--threads`` pins both onnxruntime's intra-op pool and
torch's, so the ratio compares like with like.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import warnings

import numpy as np
import torch

# op name -> (eager callable, input generator over [lo, hi])
OPS = {
    "erfinv": (torch.erfinv, [(-0.999, 0.999)]),
    "lgamma": (torch.lgamma, [(-50.0, 50.0)]),
    "digamma": (torch.digamma, [(-50.0, 50.0)]),
    "i0": (torch.i0, [(-50.0, 50.0)]),
    "zeta": (torch.special.zeta, [(1.01, 20.0), (0.1, 20.0)]),
}


class _M(torch.nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def _median_time(fn, repeat: int) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import onnx
    import onnxruntime as ort

    import torch_opfill

    torch_opfill.enable(override=True)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    print(f"torch {torch.__version__}, onnxruntime {ort.__version__}, {args.size} float32 elements, {args.threads} thread(s)")
    print(f"{'op':8} {'nodes':>6} {'eager ns/elem':>14} {'ort ns/elem':>12} {'ratio':>7}")
    for name, (fn, domains) in OPS.items():
        xs = [torch.from_numpy(rng.uniform(lo, hi, args.size).astype(np.float32)) for lo, hi in domains]
        buf = io.BytesIO()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(_M(fn), tuple(xs), buf, dynamo=False, opset_version=17)
        except Exception as err:  # noqa: BLE001 - an op not in the pack yet is reported, not fatal
            print(f"{name:8} not exportable: {str(err).splitlines()[0][:80]}")
            continue
        model = onnx.load_from_string(buf.getvalue())
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        session = ort.InferenceSession(buf.getvalue(), options, providers=["CPUExecutionProvider"])
        feeds = {i.name: x.numpy() for i, x in zip(session.get_inputs(), xs)}
        t_eager = _median_time(lambda: fn(*xs), args.repeat)
        t_ort = _median_time(lambda: session.run(None, feeds), args.repeat)
        per = 1e9 / args.size
        print(f"{name:8} {len(model.graph.node):6d} {t_eager * per:14.2f} {t_ort * per:12.2f} {t_ort / t_eager:7.2f}")


if __name__ == "__main__":
    main()
