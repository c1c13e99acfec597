"""TensorRT: the support-matrix parser and data file, the static check on graphs with and without
a blocked node, and the engine runner driven through a fake ``tensorrt`` module."""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path
from typing import ClassVar

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper

from torch_opfill.cases import Domain, OpCase
from torch_opfill.check import runner, tensorrt_runner, tensorrt_support

ROOT = Path(__file__).resolve().parents[1]

OPERATORS_MD = """\
# Supported ONNX Operators

TensorRT 10.15 supports operators in the inclusive range of opset 9 to opset 24. More details below.

TensorRT supports the following ONNX data types: DOUBLE, FLOAT32, FLOAT16, BFLOAT16, INT32, INT64, and BOOL

> Note: There is limited support for DOUBLE type. TensorRT will attempt to cast DOUBLE down to FLOAT.

| Operator | Supported | Supported Types | Restrictions |
|---|---|---|---|
| Asinh | Y | FP32, FP16, BF16 |
| BitwiseAnd | N |
| Constant | Y | FP32, INT64 | `sparse_value`, `value_string`, and `value_strings` attributes are unsupported.
| DFT | N |
| DynamicQuantizeLinear | N | Not supported. Compose it from ONNX operators.
| GridSample | Y | FP32, FP16 | Input must be 4D input.
| MaxPool | Y | FP32, FP16 | 2D or 3D pooling only. `Indices` output tensor unsupported
| NonMaxSuppression | Y [EXPERIMENTAL] | FP32, FP16 |
| ReduceSum | Y | FP32, FP16, INT32, INT64 | `axes` must be an initializer |
| Resize | Y | FP32, FP16 | Supported modes: `nearest`.<br />Antialiasing is not supported. |
| Unique | N |
| Xor | Y | BOOL
"""


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        "refresh_tensorrt_support", ROOT / "tools" / "refresh_tensorrt_support.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- the parser and the data file


def test_parser_reads_versions_types_and_rows():
    m = tensorrt_support.parse_operators_md(OPERATORS_MD, "fixture")
    assert (m["source"], m["tensorrt"], m["opsets"]) == ("fixture", "10.15", [9, 24])
    assert m["data_types"] == ["DOUBLE", "FP32", "FP16", "BF16", "INT32", "INT64", "BOOL"]
    assert m["notes"][0].startswith("There is limited support for DOUBLE")
    ops = m["operators"]
    assert ops["Asinh"] == {"supported": True, "types": ["FP32", "FP16", "BF16"]}
    assert ops["DFT"] == {"supported": False, "types": []}
    assert ops["Xor"] == {"supported": True, "types": ["BOOL"]}  # no trailing pipe
    assert ops["DynamicQuantizeLinear"]["restrictions"].startswith(
        "Not supported."
    )  # a note in the types cell
    assert ops["NonMaxSuppression"]["experimental"] is True
    assert ops["Resize"]["restrictions"] == "Supported modes: `nearest`. Antialiasing is not supported."
    assert "rules" not in ops["Resize"]  # prose the graph cannot confirm stays a caveat


@pytest.mark.parametrize(
    ("op", "rule"),
    [
        ("GridSample", {"kind": "rank", "input": 0, "ranks": [4]}),
        ("MaxPool", {"kind": "rank", "input": 0, "ranks": [4, 5]}),  # 2D or 3D pooling: N, C first
        ("Constant", {"kind": "attribute", "names": ["sparse_value", "value_string", "value_strings"]}),
        ("ReduceSum", {"kind": "initializer", "input": 1}),  # `axes` is ReduceSum-13's input 1
    ],
)
def test_parser_turns_checkable_restrictions_into_rules(op, rule):
    (got,) = tensorrt_support.parse_operators_md(OPERATORS_MD, "fixture")["operators"][op]["rules"]
    assert {k: v for k, v in got.items() if k != "text"} == rule


def test_parser_rejects_other_markdown():
    with pytest.raises(ValueError, match="TensorRT <version>"):
        tensorrt_support.parse_operators_md("# Some README\n| a | b |\n", "x")


def test_refresh_tool_writes_the_json(tmp_path, capsys):
    md = tmp_path / "operators.md"
    md.write_text(OPERATORS_MD)
    out = tmp_path / "support.json"
    assert _load_tool().main([str(md), "--source", "https://example/operators.md", "--out", str(out)]) == 0
    written = json.loads(out.read_text())
    assert written == tensorrt_support.parse_operators_md(OPERATORS_MD, "https://example/operators.md")
    assert "TensorRT 10.15, 12 operators (8 supported)" in capsys.readouterr().out
    assert _load_tool().main([str(tmp_path / "missing.md"), "--source", "x", "--out", str(out)]) == 2


def test_bundled_matrix_names_its_source_and_tensorrt_10():
    m = tensorrt_support.load_matrix()
    assert m["tensorrt"].startswith("10.") and "onnx-tensorrt" in m["source"]
    ops = m["operators"]
    for blocked in ("DFT", "Unique", "Det", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot"):
        assert ops[blocked]["supported"] is False, blocked
    for fine in ("Asinh", "Acosh", "Atanh", "Sinh", "Cosh", "Exp", "Log", "Where", "Equal", "Cast", "Erf"):
        assert ops[fine]["supported"] is True, fine
    assert {"kind": "rank", "input": 0, "ranks": [4]}.items() <= ops["GridSample"]["rules"][0].items()


# --------------------------------------------------------------------------- the static check


def _model(nodes, inputs, outputs, *, opset=17, initializers=(), functions=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(initializers))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)], functions=list(functions)
    )
    return model.SerializeToString()


def _vi(name, elem=TensorProto.FLOAT, shape=("n",)):
    return helper.make_tensor_value_info(name, elem, list(shape))


def test_supported_graph_is_deployable():
    model = _model([helper.make_node("Asinh", ["x"], ["y"], name="asinh")], [_vi("x")], [_vi("y")])
    verdict = tensorrt_support.check_model(model)
    assert verdict.deployable and verdict.blockers == ()
    assert verdict.tensorrt == tensorrt_support.load_matrix()["tensorrt"]


@pytest.mark.parametrize(
    ("model", "op_type", "reason"),
    [
        (
            _model(
                [helper.make_node("DFT", ["x"], ["y"], name="the_dft")],
                [_vi("x", shape=(1, 8, 1))],
                [_vi("y", shape=(1, 8, 2))],
            ),
            "DFT",
            "not supported",
        ),
        (
            _model(
                [helper.make_node("GridSample", ["x", "g"], ["y"], name="grid")],
                [_vi("x", shape=(1, 1, 4, 4, 4)), _vi("g", shape=(1, 2, 2, 2, 3))],
                [_vi("y", shape=(1, 1, 2, 2, 2))],
                opset=20,
            ),
            "GridSample",
            "input 0 is 5-D; TensorRT takes 4-D",
        ),
        (
            _model(
                [helper.make_node("BitwiseAnd", ["a", "b"], ["y"], name="band")],
                [_vi("a", TensorProto.INT32), _vi("b", TensorProto.INT32)],
                [_vi("y", TensorProto.INT32)],
                opset=18,
            ),
            "BitwiseAnd",
            "not supported",
        ),
        (
            _model(
                [helper.make_node("Asinh", ["x"], ["y"], name="asinh")],
                [_vi("x", TensorProto.DOUBLE)],
                [_vi("y", TensorProto.DOUBLE)],
            ),
            "",
            "TensorRT has no FP64 tensors",
        ),
        (
            _model(
                [helper.make_node("Sin", ["x"], ["y"], name="sin")],
                [_vi("x", TensorProto.INT32)],
                [_vi("y", TensorProto.INT32)],
            ),
            "Sin",
            "INT32 input; TensorRT supports FP32, FP16, BF16",
        ),
        (
            _model(
                [helper.make_node("MyOp", ["x"], ["y"], name="mine", domain="com.example")],
                [_vi("x")],
                [_vi("y")],
            ),
            "com.example::MyOp",
            "needs a TensorRT plugin",
        ),
        (
            _model(
                [
                    helper.make_node("Shape", ["x"], ["s"]),
                    helper.make_node("ReduceSum", ["x", "s"], ["y"], name="rs"),
                ],
                [_vi("x")],
                [_vi("y")],
                opset=13,
            ),
            "ReduceSum",
            "input 1 is computed, not an initializer",
        ),
        (
            _model([helper.make_node("Asinh", ["x"], ["y"], name="asinh")], [_vi("x")], [_vi("y")], opset=7),
            "",
            "opset 7 is outside TensorRT",
        ),
    ],
    ids=[
        "dft",
        "gridsample-5d",
        "bitwise-and",
        "float64",
        "int-sin",
        "custom-domain",
        "computed-axes",
        "opset-7",
    ],
)
def test_blocked_node_is_named(model, op_type, reason):
    verdict = tensorrt_support.check_model(model)
    assert not verdict.deployable
    (blocker,) = verdict.blockers
    assert blocker.op_type == op_type
    assert reason in blocker.reason
    assert reason in verdict.summary()


def test_four_d_gridsample_and_initializer_axes_are_deployable():
    grid = _model(
        [helper.make_node("GridSample", ["x", "g"], ["y"])],
        [_vi("x", shape=(1, 1, 4, 4)), _vi("g", shape=(1, 2, 2, 2))],
        [_vi("y", shape=(1, 1, 2, 2))],
        opset=20,
    )
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [0])
    reduce = _model(
        [helper.make_node("ReduceSum", ["x", "axes"], ["y"])],
        [_vi("x")],
        [_vi("y", shape=(1,))],
        opset=13,
        initializers=[axes],
    )
    assert tensorrt_support.check_model(grid).deployable
    assert tensorrt_support.check_model(reduce).deployable


def test_blocked_node_inside_a_subgraph_or_local_function():
    then = helper.make_graph(
        [helper.make_node("Unique", ["x"], ["u"], name="inner_unique")], "then", [], [_vi("u")]
    )
    other = helper.make_graph([helper.make_node("Identity", ["x"], ["v"])], "else", [], [_vi("v")])
    branch = _model(
        [helper.make_node("If", ["c"], ["y"], then_branch=then, else_branch=other)],
        [_vi("c", TensorProto.BOOL, ()), _vi("x")],
        [_vi("y")],
    )
    fn = helper.make_function(
        "local",
        "MyDft",
        ["a"],
        ["b"],
        [helper.make_node("DFT", ["a"], ["b"], name="fn_dft")],
        [helper.make_opsetid("", 17)],
    )
    local = _model(
        [helper.make_node("MyDft", ["x"], ["y"], domain="local")], [_vi("x")], [_vi("y")], functions=[fn]
    )
    assert [b.node for b in tensorrt_support.check_model(branch).blockers] == ["inner_unique"]
    assert [b.node for b in tensorrt_support.check_model(local).blockers] == ["fn_dft"]


def test_unconfirmable_restrictions_are_caveats_not_blockers():
    model = _model(
        [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="nearest")],
        [_vi("x", shape=(1, 1, 2, 2)), _vi("scales", shape=(4,))],
        [_vi("y", shape=(1, 1, 4, 4))],
    )
    verdict = tensorrt_support.check_model(model)
    assert verdict.deployable
    assert any(c.startswith("Resize:") for c in verdict.caveats)


# --------------------------------------------------------------------------- the engine runner, faked


class _FakeTensorRT(types.ModuleType):
    """Enough of the ``tensorrt`` API for ``tensorrt_runner.run``; the "engine" is onnxruntime."""

    class Logger:
        ERROR = 1

        def __init__(self, level):
            pass

    class BuilderFlag:
        FP16 = "FP16"

    class TensorIOMode:
        INPUT, OUTPUT = "in", "out"

    def __init__(self, *, parse_error: str | None = None) -> None:
        super().__init__("tensorrt")
        self.parse_error = parse_error
        self.flags: list[str] = []
        self.profiles: dict[str, tuple] = {}
        self.fed: list[dict[str, np.ndarray]] = []
        fake = self

        class Parser:
            def __init__(self, network, logger):
                self.network = network
                self.num_errors = 0

            def parse(self, model):
                if fake.parse_error:
                    self.num_errors = 1
                    return False
                self.network.model = model
                return True

            def get_error(self, i):
                return fake.parse_error

        class Network:
            model = b""

            @property
            def num_inputs(self):
                return len(onnx.load_from_string(self.model).graph.input)

            def get_input(self, i):
                return types.SimpleNamespace(name=onnx.load_from_string(self.model).graph.input[i].name)

        class Config:
            def set_flag(self, flag):
                fake.flags.append(flag)

            def add_optimization_profile(self, profile):
                pass

        class Profile:
            def set_shape(self, name, lo, opt, hi):
                fake.profiles[name] = (lo, opt, hi)

        class Builder:
            def __init__(self, logger):
                pass

            def create_network(self, flags):
                return Network()

            def create_builder_config(self):
                return Config()

            def create_optimization_profile(self):
                return Profile()

            def build_serialized_network(self, network, config):
                return network.model

        class Context:
            def __init__(self, model):
                import onnxruntime as ort

                self.session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
                self.addresses: dict[str, int] = {}

            def set_input_shape(self, name, shape):
                pass

            def set_tensor_address(self, name, address):
                self.addresses[name] = address

            def _run(self):
                feeds = {
                    i.name: _FakeDevice.memory[self.addresses[i.name]] for i in self.session.get_inputs()
                }
                return feeds, dict(
                    zip([o.name for o in self.session.get_outputs()], self.session.run(None, feeds))
                )

            def get_tensor_shape(self, name):  # inputs are bound by now: their outputs' shapes follow
                return self._run()[1][name].shape

            def execute_async_v3(self, stream):
                feeds, outputs = self._run()
                fake.fed.append({k: v.copy() for k, v in feeds.items()})
                for name, value in outputs.items():
                    _FakeDevice.memory[self.addresses[name]][...] = value
                return True

        class Engine:
            def __init__(self, model):
                self.model = model
                graph = onnx.load_from_string(model).graph
                self.io = [(i.name, "in") for i in graph.input] + [(o.name, "out") for o in graph.output]

            @property
            def num_io_tensors(self):
                return len(self.io)

            def get_tensor_name(self, i):
                return self.io[i][0]

            def get_tensor_mode(self, name):
                return dict(self.io)[name]

            def get_tensor_dtype(self, name):
                return np.float32

            def create_execution_context(self):
                return Context(self.model)

        class Runtime:
            def __init__(self, logger):
                pass

            def deserialize_cuda_engine(self, serialized):
                return Engine(serialized)

        self.Builder, self.OnnxParser, self.Runtime = Builder, Parser, Runtime

    @staticmethod
    def nptype(dtype):
        return dtype


class _FakeDevice:
    """Host memory standing in for device buffers; addresses are dict keys."""

    memory: ClassVar[dict[int, np.ndarray]] = {}

    def to_device(self, array):
        copy = np.array(array)
        self.memory[id(copy)] = copy
        return copy

    def empty(self, shape, dtype):
        return self.to_device(np.empty(shape, dtype))

    def address(self, buffer):
        return id(buffer)

    def to_host(self, buffer):
        return buffer

    def stream_handle(self):
        return 0

    def synchronize(self):
        pass


@pytest.fixture
def fake_trt(monkeypatch):
    def install(**kwargs):
        module = _FakeTensorRT(**kwargs)
        monkeypatch.setitem(sys.modules, "tensorrt", module)
        monkeypatch.setattr(tensorrt_runner, "_device_buffers", _FakeDevice)
        return module

    return install


def _asinh_model() -> bytes:
    return _model([helper.make_node("Asinh", ["x0"], ["y"])], [_vi("x0")], [_vi("y")])


def test_runner_feeds_every_input_set_through_one_engine(fake_trt):
    trt = fake_trt()
    feeds = [[np.linspace(-3, 3, 7, dtype=np.float32)], [np.ones(3, np.float32)]]
    out = tensorrt_runner.run(_asinh_model(), feeds)
    assert trt.profiles["x0"] == ((3,), (7,), (7,))  # one profile spans every feed's shape
    assert [f["x0"].tolist() for f in trt.fed] == [f[0].tolist() for f in feeds]
    for (x,), (y,) in zip(feeds, out):
        np.testing.assert_allclose(y, np.arcsinh(x), rtol=1e-6)
    assert trt.flags == []  # FP32: no builder flag
    tensorrt_runner.run(_asinh_model(), feeds[:1], fp16=True)
    assert trt.flags == ["FP16"]


def test_runner_reports_the_parser_error(fake_trt):
    fake_trt(parse_error="In node 0 (DFT): No importer registered for op: DFT")
    with pytest.raises(tensorrt_runner.TensorRTError, match="ONNX parser: In node 0 \\(DFT\\)"):
        tensorrt_runner.run(_asinh_model(), [[np.zeros(2, np.float32)]])


ASINH = OpCase("aten::asinh", torch.asinh, (Domain(-100.0, 100.0),), dtypes=(torch.float32, torch.float64))
RUN_TRT = {"tensorrt": None, "tensorrt-fp16": None}


def _fake_engine(calls, perturb=0.0):
    def run(model, feeds, *, fp16=False):
        calls.append((model, [[a.copy() for a in f] for f in feeds], fp16))
        return [[(np.arcsinh(f[0].astype(np.float64)) * (1 + perturb)).astype(np.float32)] for f in feeds]

    return run


def test_check_runs_fp32_and_fp16_engines_on_what_it_exported(monkeypatch, clean_state):
    import torch_opfill

    torch_opfill.enable(override=True)
    calls = []
    monkeypatch.setattr(tensorrt_runner, "run", _fake_engine(calls))
    result = runner.check(ASINH, "torchscript", 9, torch.float32, n=64, backends=RUN_TRT)
    assert result.status == "pass"
    assert (result.backends["tensorrt"].status, result.backends["tensorrt-fp16"].status) == ("pass", "pass")
    (model32, feeds32, fp16_a), (model16, feeds16, fp16_b) = calls
    assert (fp16_a, fp16_b) == (False, True)
    assert model32 == model16 and onnx.load_from_string(model32).graph.node[0].op_type == "Asinh"
    assert all(a.size for f in feeds32 for a in f)  # the empty sample never reaches an engine profile
    x16 = feeds16[0][0]
    assert x16.dtype == np.float32 and np.array_equal(
        x16, x16.astype(np.float16).astype(np.float32), equal_nan=True
    )


def test_engine_disagreeing_with_eager_fails_the_check(monkeypatch, clean_state):
    import torch_opfill

    torch_opfill.enable(override=True)
    monkeypatch.setattr(tensorrt_runner, "run", _fake_engine([], perturb=1e-3))
    result = runner.check(ASINH, "torchscript", 9, torch.float32, n=64, backends=RUN_TRT)
    assert result.status == "pass"  # onnxruntime agrees with eager...
    trt = result.backends["tensorrt"]
    assert trt.status == "fail" and trt.counts  # ...the engine does not, and that counts
    assert "would pass with" in trt.message


def test_float64_is_skipped_as_not_deployable_not_passed(monkeypatch, clean_state):
    import torch_opfill

    torch_opfill.enable(override=True)
    monkeypatch.setattr(tensorrt_runner, "run", _fake_engine([]))
    result = runner.check(ASINH, "torchscript", 9, torch.float64, n=64, backends=RUN_TRT)
    assert not result.tensorrt_static.deployable
    for name in RUN_TRT:
        assert result.backends[name].status == "skip"
        assert "float64" in result.backends[name].message


def test_unavailable_reason_without_tensorrt_or_gpu(monkeypatch):
    tensorrt_runner.unavailable_reason.cache_clear()
    monkeypatch.setitem(sys.modules, "tensorrt", None)  # import fails
    assert "tensorrt is not installed" in tensorrt_runner.unavailable_reason()
    tensorrt_runner.unavailable_reason.cache_clear()
    monkeypatch.setitem(sys.modules, "tensorrt", types.ModuleType("tensorrt"))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert "no CUDA GPU" in tensorrt_runner.unavailable_reason()
    tensorrt_runner.unavailable_reason.cache_clear()


def _real_trt_reason() -> str | None:
    if importlib.util.find_spec("tensorrt") is None:
        return "tensorrt is not installed"
    if not torch.cuda.is_available():
        return "no CUDA GPU"
    return None


@pytest.mark.gpu
@pytest.mark.skipif(_real_trt_reason() is not None, reason=f"TensorRT engine test: {_real_trt_reason()}")
def test_real_engine_matches_eager(clean_state):
    import torch_opfill

    torch_opfill.enable(override=True)
    result = runner.check(ASINH, "torchscript", 17, torch.float32, n=256, backends=RUN_TRT)
    assert result.backends["tensorrt"].status == "pass", result.backends["tensorrt"].message
    assert result.backends["tensorrt-fp16"].status == "pass", result.backends["tensorrt-fp16"].message
