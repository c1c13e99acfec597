"""What torch-opfill costs: `import torch` time and export time, with the package on vs off.

Run by hand (not a test; timings vary by machine):

    python benchmarks/import_and_export.py --runs 21

Each `import torch` sample is a fresh interpreter. "off" sets TORCH_OPFILL_AUTOLOAD=0, so
nothing of torch-opfill is imported. The export benchmark times a small model of built-in
ops (the case every user pays for) in fresh processes: the first export (which, with the
package on, also installs the pack ops) and the median of later ones, for both exporters.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

IMPORT = "import time; t = time.perf_counter(); import torch; print(time.perf_counter() - t)"

EXPORT = r"""
import io, json, logging, time, warnings, torch
warnings.simplefilter("ignore"); logging.disable(logging.WARNING)
class M(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3)
        self.fc = torch.nn.Linear(8 * 30 * 30, 10)
    def forward(self, x):
        return torch.softmax(self.fc(torch.relu(self.conv(x)).flatten(1)), -1)
x = torch.randn(1, 3, 32, 32)
dynamo = DYNAMO
times = []
for _ in range(4):
    t = time.perf_counter()
    if dynamo:
        torch.onnx.export(M(), (x,), dynamo=True, opset_version=18, verbose=False)
    else:
        torch.onnx.export(M(), (x,), io.BytesIO(), dynamo=False, opset_version=17)
    times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def _run(code: str, autoload: bool) -> str:
    env = dict(os.environ, TORCH_OPFILL_AUTOLOAD="1" if autoload else "0")
    return subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21, help="fresh processes per import measurement")
    parser.add_argument("--export-runs", type=int, default=5, help="fresh processes per export measurement")
    args = parser.parse_args()
    results: dict[str, float] = {}
    for autoload in (False, True):
        key = "on" if autoload else "off"
        samples = [float(_run(IMPORT, autoload)) for _ in range(args.runs)]
        results[f"import_torch_{key}_ms"] = 1000 * statistics.median(samples)
    results["import_torch_added_ms"] = results["import_torch_on_ms"] - results["import_torch_off_ms"]
    for dynamo in (False, True):
        name = "dynamo" if dynamo else "torchscript"
        for autoload in (False, True):
            key = "on" if autoload else "off"
            runs = [json.loads(_run(EXPORT.replace("DYNAMO", str(dynamo)), autoload)) for _ in range(args.export_runs)]
            results[f"{name}_first_export_{key}_ms"] = 1000 * statistics.median(r[0] for r in runs)
            results[f"{name}_later_export_{key}_ms"] = 1000 * statistics.median(t for r in runs for t in r[1:])
    import torch  # noqa: PLC0415

    print(f"torch {torch.__version__}, python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for k, v in results.items():
        print(f"{k:40s} {v:9.1f}")


if __name__ == "__main__":
    main()
