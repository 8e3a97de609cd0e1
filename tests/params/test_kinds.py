"""Which annotations are query scalars, which are repeated keys, and which skip conversion."""

import datetime
import decimal
import enum
import uuid
from typing import Annotated, Literal

import msgspec
import pytest

from lette_fp.params.kinds import is_scalar, is_scalar_sequence, needs_conversion


class Color(enum.Enum):
    RED = "red"


SCALARS = [str, int, float, bool, decimal.Decimal, uuid.UUID, datetime.date, datetime.datetime,
           datetime.time, datetime.timedelta, Color, Literal["a", "b"], int | None, Annotated[int, msgspec.Meta(ge=1)]]


@pytest.mark.parametrize("annotation", SCALARS)
def test_scalars_and_their_sequences(annotation: object) -> None:
    assert is_scalar(annotation)
    assert not is_scalar_sequence(annotation)
    assert is_scalar_sequence(list[annotation])  # type: ignore[valid-type]
    assert is_scalar_sequence(tuple[annotation, ...])  # type: ignore[valid-type]


@pytest.mark.parametrize("annotation", [dict[str, int], list[list[int]], tuple[int, str], object, bytes, msgspec.Struct])
def test_neither_scalar_nor_sequence_of_scalars(annotation: object) -> None:
    assert not is_scalar(annotation)
    assert not is_scalar_sequence(annotation)


def test_only_unconstrained_strings_skip_conversion() -> None:
    assert not needs_conversion(str, False)
    assert not needs_conversion(str | None, False)
    assert not needs_conversion(list[str], True)
    assert needs_conversion(Annotated[str, msgspec.Meta(min_length=1)], False)
    assert needs_conversion(int, False)
    assert needs_conversion(tuple[str, ...], True)
    assert needs_conversion(Annotated[list[str], msgspec.Meta(max_length=2)], True)


def test_a_scalar_with_a_documenting_meta_is_still_a_scalar() -> None:
    described = Annotated[int, msgspec.Meta(ge=1, description="How many", title="Limit", examples=[5])]
    assert is_scalar(described)
    assert is_scalar(described | None)
    assert is_scalar_sequence(list[described])
