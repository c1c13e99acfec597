"""The one error type ``opfill-gen`` reports as a one-line message with exit status 2."""

from __future__ import annotations


class GenError(Exception):
    """A user error: bad op name, opset, pack or spec. ``str()`` is the whole message, one line."""
