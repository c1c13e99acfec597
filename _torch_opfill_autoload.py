"""``torch.backends`` entry point of torch-opfill, called by ``import torch``.

A top-level module, not part of the ``torch_opfill`` package, so that with
``TORCH_OPFILL_AUTOLOAD=0`` nothing of torch-opfill is imported and a later explicit
``import torch_opfill`` still activates it. torch turns any exception raised here into a
failed ``import torch``: this function never raises.
"""

import os


def autoload() -> None:
    if os.environ.get("TORCH_OPFILL_AUTOLOAD", "1").strip().lower() in ("0", "false", "off", "no"):
        return
    try:
        import torch_opfill  # noqa: F401, PLC0415 - importing installs the lazy export hook
    except Exception as err:  # noqa: BLE001
        import warnings  # noqa: PLC0415

        warnings.warn(
            f"torch-opfill failed to load and is inactive ({type(err).__name__}: {err}); "
            "set TORCH_OPFILL_AUTOLOAD=0 to silence this",
            stacklevel=2,
        )
