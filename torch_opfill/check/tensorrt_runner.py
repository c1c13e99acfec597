"""Build a TensorRT engine from ONNX bytes and run it: the dynamic half of the TensorRT check.

Thin on the public ``tensorrt`` Python API (``Builder``, ``OnnxParser``,
``build_serialized_network``, ``Runtime``, an execution context); device buffers are torch
CUDA tensors (``_device_buffers``), so no pycuda / cuda-python is needed. Used only when
:func:`unavailable_reason` returns None (``tensorrt`` imports and CUDA is available).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np


class TensorRTError(RuntimeError):
    """The parser rejected the model or the builder produced no engine; the message says why."""


@functools.cache
def unavailable_reason() -> str | None:
    """Why no engine can be built here, or None (probed once: the environment does not change)."""
    try:
        import tensorrt  # noqa: F401, PLC0415
    except ImportError:
        return "tensorrt is not installed (pip install 'torch-opfill[tensorrt]')"
    import torch  # noqa: PLC0415

    if not torch.cuda.is_available():
        return "no CUDA GPU (torch.cuda.is_available() is False)"
    return None


class _TorchCuda:
    """Device buffers as torch CUDA tensors (torch is there anyway; no pycuda needed)."""

    def __init__(self) -> None:
        import torch  # noqa: PLC0415

        self.torch = torch
        self.stream = torch.cuda.Stream()

    def to_device(self, array: np.ndarray) -> Any:
        return self.torch.from_numpy(np.ascontiguousarray(array)).cuda()

    def empty(self, shape: tuple[int, ...], dtype: np.dtype) -> Any:
        return self.torch.empty(shape, dtype=self.torch.from_numpy(np.empty(0, dtype)).dtype, device="cuda")

    def address(self, buffer: Any) -> int:
        return buffer.data_ptr()

    def to_host(self, buffer: Any) -> np.ndarray:
        return buffer.cpu().numpy()

    def stream_handle(self) -> int:
        return self.stream.cuda_stream

    def synchronize(self) -> None:
        self.stream.synchronize()


def _device_buffers() -> _TorchCuda:
    return _TorchCuda()


def run(model: bytes, feeds: Sequence[Sequence[np.ndarray]], *, fp16: bool = False) -> list[list[np.ndarray]]:
    """Outputs of ``model`` for each input set in ``feeds``, from one engine.

    The engine's optimization profile spans every feed's shapes (min/max per dimension), so
    feeds of one structure but different sizes share it. ``fp16`` sets the FP16 builder flag:
    TensorRT may then run layers in half precision.
    """
    import tensorrt as trt  # noqa: PLC0415

    logger = trt.Logger(trt.Logger.ERROR)
    builder = trt.Builder(logger)
    network = builder.create_network(0)  # explicit batch is the only mode in TensorRT 10
    parser = trt.OnnxParser(network, logger)
    if not parser.parse(model):
        errors = [str(parser.get_error(i)) for i in range(parser.num_errors)]
        raise TensorRTError("ONNX parser: " + ("; ".join(errors) or "failed without a message"))
    config = builder.create_builder_config()
    if fp16:
        config.set_flag(trt.BuilderFlag.FP16)
    profile = builder.create_optimization_profile()
    names = [network.get_input(i).name for i in range(network.num_inputs)]
    for i, name in enumerate(names):
        shapes = np.array([feed[i].shape for feed in feeds])
        profile.set_shape(name, tuple(shapes.min(0)), tuple(shapes.max(0)), tuple(shapes.max(0)))
    config.add_optimization_profile(profile)
    serialized = builder.build_serialized_network(network, config)
    if serialized is None:
        raise TensorRTError("build_serialized_network returned no engine")
    engine = trt.Runtime(logger).deserialize_cuda_engine(serialized)
    context = engine.create_execution_context()
    outputs = [
        engine.get_tensor_name(i)
        for i in range(engine.num_io_tensors)
        if engine.get_tensor_mode(engine.get_tensor_name(i)) == trt.TensorIOMode.OUTPUT
    ]
    device = _device_buffers()
    results = []
    for feed in feeds:
        keep = []  # device buffers must outlive the launch
        for name, array in zip(names, feed):
            buffer = device.to_device(array)
            keep.append(buffer)
            context.set_input_shape(name, tuple(array.shape))
            context.set_tensor_address(name, device.address(buffer))
        host_outputs = []
        for name in outputs:
            dtype = np.dtype(trt.nptype(engine.get_tensor_dtype(name)))
            buffer = device.empty(tuple(context.get_tensor_shape(name)), dtype)
            keep.append(buffer)
            context.set_tensor_address(name, device.address(buffer))
            host_outputs.append(buffer)
        if not context.execute_async_v3(device.stream_handle()):
            raise TensorRTError("execute_async_v3 failed")
        device.synchronize()
        results.append([device.to_host(b) for b in host_outputs])
    return results
