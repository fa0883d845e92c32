"""Type-directed conversion between the method's frozen dataclasses and plain JSON values.

Driven by the type hints so that every dataclass round-trips the same way and the
canonical JSON (hence the inputs hash) does not depend on how a caller spelled a value:
an int given for a float field is written as a float, a list for a tuple as a list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional_inner(tp: Any) -> Any | None:
    """For `X | None` return X; for anything else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"unsupported union {tp!r}")
        return inner[0]
    return None


def encode(value: Any, tp: Any) -> Any:
    inner = _optional_inner(tp)
    if inner is not None:
        return None if value is None else encode(value, inner)
    origin = typing.get_origin(tp)
    if origin is tuple:
        item_type = typing.get_args(tp)[0]
        return [encode(item, item_type) for item in value]
    if origin is typing.Literal:
        return value
    if dataclasses.is_dataclass(tp):
        return encode_dataclass(value)
    if tp is dt.date:
        return value.isoformat()
    if tp is float:
        return float(value)
    if tp is int:
        return int(value)
    return value


def encode_dataclass(obj: Any) -> dict[str, Any]:
    hints = _hints(type(obj))
    return {f.name: encode(getattr(obj, f.name), hints[f.name]) for f in dataclasses.fields(obj)}


def decode(value: Any, tp: Any) -> Any:
    inner = _optional_inner(tp)
    if inner is not None:
        return None if value is None else decode(value, inner)
    origin = typing.get_origin(tp)
    if origin is tuple:
        item_type = typing.get_args(tp)[0]
        return tuple(decode(item, item_type) for item in value)
    if origin is typing.Literal:
        return value
    if dataclasses.is_dataclass(tp):
        return decode_dataclass(tp, value)
    if tp is dt.date:
        return dt.date.fromisoformat(value)
    if tp is float:
        return float(value)
    if tp is int:
        return int(value)
    return value


def decode_dataclass(cls: type[T], data: dict[str, Any]) -> T:
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - names
    if unknown:
        # Silently dropping keys would change the replayed inputs without a trace.
        raise ValueError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
    kwargs = {name: decode(value, hints[name]) for name, value in data.items()}
    return cls(**kwargs)


class PlainMixin:
    """Adds `to_dict()` / `from_dict()` to a dataclass."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return encode_dataclass(self)

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        return decode_dataclass(cls, data)
