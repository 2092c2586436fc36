"""The REST contract: request and response bodies, derived from :mod:`contracts.ranges`."""

from __future__ import annotations

import re
from typing import Annotated

from modelgate.contracts.ranges import HEIGHT, MAX_HEIGHTS_PER_REQUEST, NUMBER_TEXT
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

_NUMBER = re.compile(NUMBER_TEXT)


def _plain_number(value: object) -> object:
    if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
        raise ValueError(HEIGHT.message(value))
    return value


_HEIGHT_FIELD = Field(
    gt=HEIGHT.low,
    le=HEIGHT.high,
    allow_inf_nan=False,
    description=f"Height in {HEIGHT.unit}: {HEIGHT.describe()}.",
    examples=[138],
)

# A query value is text: it must read as a plain decimal number.
Height = Annotated[float, _HEIGHT_FIELD, BeforeValidator(_plain_number)]

# A JSON body carries numbers as numbers: a string ("72") or a boolean (true) is not a height.
JsonHeight = Annotated[float, Strict(), _HEIGHT_FIELD]


class WeightRequest(BaseModel):
    """Body of ``POST /weight``: many heights scored at once."""

    model_config = ConfigDict(extra="forbid")

    height: list[JsonHeight] = Field(
        min_length=1,
        max_length=MAX_HEIGHTS_PER_REQUEST,
        description=f"1 to {MAX_HEIGHTS_PER_REQUEST} heights in {HEIGHT.unit}.",
        examples=[[138, 62.5]],
    )


class WeightResponse(BaseModel):
    """One predicted weight in pounds per height, in the order asked, rounded to 4 decimals."""

    response: list[float] = Field(examples=[[161.8533]])


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(description="Where the bad value was, e.g. ['query', 'height'].")
    msg: str = Field(description="What was wrong and what is allowed.")
    type: str


class ErrorResponse(BaseModel):
    """Every 4xx answer: what was wrong and where, with the allowed range."""

    detail: list[ErrorItem]
