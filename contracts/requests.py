"""The REST contract, derived from the model's contract: how a request's rows are read (a query string or a JSON
body), the one error item for each thing wrong in it, and the request and answer documents of the OpenAPI schema.

Both the fast path and the FastAPI routes read requests with these functions, and every value is judged by its
input's ``Input.accepts``: the service cannot accept in one path what it refuses in the other.

A query names each input once per row (``?age=38&age=62`` is two rows); an empty value is a missing one.
A JSON body is either columns (``{"age": [38, 62]}``, one list per input, all as long) or a list of records
(``[{"age": 38}, {"age": 62}]``); ``null`` is a missing value. Other query parameters are ignored; other
fields in a body are refused.
"""

from __future__ import annotations

from modelgate.contracts.contract import MAX_ROWS_PER_REQUEST, Contract
from modelgate.contracts.inputs import CATEGORY, NUMBER, WHOLE, YES_NO, Input

Error = dict  # {"loc": [...], "msg": "...", "type": "..."}


def error(loc: list, msg: str, kind: str) -> Error:
    return {"loc": loc, "msg": msg, "type": kind}


def _judge(spec: Input, value, got, loc: list, errors: list[Error]):
    if value is None and not spec.missing:
        errors.append(error(loc, spec.missing_message(), "input_missing"))
    elif not spec.accepts(value):
        errors.append(error(loc, spec.message(got), "input_invalid"))
    return value


def rows_from_query(contract: Contract, pairs: list[tuple[str, str]]) -> tuple[list[dict], list[Error]]:
    """(the rows, the errors) of a query's decoded (name, value) pairs."""
    found: dict[str, list[str]] = {name: [] for name in contract.names}
    for name, text in pairs:
        if name in found:
            found[name].append(text)
    errors: list[Error] = []
    counts = {len(v) for v in found.values()}
    for name, values in found.items():
        if not values:
            errors.append(
                error(["query", name], f"{name} is required; {contract.usage()}; {_each(contract.input(name))}", "input_missing")
            )
    if errors:
        return [], errors
    if len(counts) != 1:
        each = ", ".join(f"{n} {len(v)}" for n, v in found.items())
        return [], [error(["query"], f"every input must be given once per row; got {each}", "rows_mismatch")]
    (count,) = counts
    if count > MAX_ROWS_PER_REQUEST:
        return [], [
            error(
                ["query"],
                f"at most {MAX_ROWS_PER_REQUEST} rows per request; send more with POST or use modelgate score",
                "too_long",
            )
        ]
    rows: list[dict] = [{} for _ in range(count)]
    for spec in contract.inputs:
        for index, text in enumerate(found[spec.name]):
            loc = ["query", spec.name] if count == 1 else ["query", spec.name, index]
            try:
                value = spec.from_text(text)
            except ValueError:
                errors.append(error(loc, spec.message(text), "input_invalid"))
                continue
            rows[index][spec.name] = _judge(spec, value, text, loc, errors)
    return rows, errors


def _each(spec: Input) -> str:
    return f"each must be {spec.describe()}"


def rows_from_json(contract: Contract, body) -> tuple[list[dict], list[Error]]:
    """(the rows, the errors) of a decoded JSON body: columns or a list of records."""
    if isinstance(body, list):
        return _records(contract, body)
    if not isinstance(body, dict):
        return [], [
            error(
                ["body"], f"request body must be a JSON object of columns or a list of records; {contract.usage()}", "body_type"
            )
        ]
    errors = [
        error(["body", k], f"unexpected field {k!r}; {contract.usage()}", "extra_forbidden")
        for k in body
        if k not in contract.names
    ]
    lengths = {}
    for spec in contract.inputs:
        column = body.get(spec.name)
        if spec.name not in body:
            errors.append(
                error(["body", spec.name], f"{spec.name} is required; {contract.usage()}; {_each(spec)}", "input_missing")
            )
        elif not isinstance(column, list) or not column:
            errors.append(
                error(
                    ["body", spec.name],
                    f"{spec.name} must be a list of 1 to {MAX_ROWS_PER_REQUEST} values, {_each(spec)}",
                    "list_type",
                )
            )
        elif len(column) > MAX_ROWS_PER_REQUEST:
            errors.append(
                error(
                    ["body", spec.name],
                    f"at most {MAX_ROWS_PER_REQUEST} rows per request; split the batch or use modelgate score",
                    "too_long",
                )
            )
        else:
            lengths[spec.name] = len(column)
    if errors:
        return [], errors
    if len(set(lengths.values())) != 1:
        each = ", ".join(f"{n} {c}" for n, c in lengths.items())
        return [], [error(["body"], f"every input's list must be as long; got {each}", "rows_mismatch")]
    rows: list[dict] = [{} for _ in range(next(iter(lengths.values())))]
    for spec in contract.inputs:
        for index, raw in enumerate(body[spec.name]):
            rows[index][spec.name] = _json_value(spec, raw, ["body", spec.name, index], errors)
    return rows, errors


def _records(contract: Contract, body: list) -> tuple[list[dict], list[Error]]:
    if not body or len(body) > MAX_ROWS_PER_REQUEST:
        return [], [
            error(
                ["body"],
                f"a list of 1 to {MAX_ROWS_PER_REQUEST} records; {contract.usage()}",
                "too_long" if body else "too_short",
            )
        ]
    errors: list[Error] = []
    rows = []
    for index, record in enumerate(body):
        if not isinstance(record, dict):
            errors.append(
                error(["body", index], f"record {index} must be a JSON object of the inputs {contract.names}", "body_type")
            )
            continue
        errors += [
            error(["body", index, k], f"unexpected field {k!r}", "extra_forbidden") for k in record if k not in contract.names
        ]
        row = {}
        for spec in contract.inputs:
            if spec.name not in record:
                errors.append(
                    error(
                        ["body", index, spec.name],
                        f"{spec.name} is required (null where it is missing); {_each(spec)}",
                        "input_missing",
                    )
                )
                continue
            row[spec.name] = _json_value(spec, record[spec.name], ["body", index, spec.name], errors)
        rows.append(row)
    return rows, errors


def _json_value(spec: Input, raw, loc: list, errors: list[Error]):
    try:
        value = spec.from_json(raw)
    except ValueError:
        errors.append(error(loc, spec.message(raw), "input_invalid"))
        return None
    return _judge(spec, value, raw, loc, errors)


# -- the OpenAPI documents ---------------------------------------------------------------------------------------
def value_schema(spec: Input) -> dict:
    """The JSON schema of one input's value."""
    if spec.kind in (NUMBER, WHOLE):
        found: dict = {"type": "number" if spec.kind == NUMBER else "integer"}
        bounds = spec.range
        if bounds and bounds.low is not None:
            found["minimum" if bounds.low_closed else "exclusiveMinimum"] = bounds.low
        if bounds and bounds.high is not None:
            found["maximum" if bounds.high_closed else "exclusiveMaximum"] = bounds.high
    elif spec.kind == CATEGORY:
        found = {"type": "string", "enum": list(spec.values)}
    else:
        assert spec.kind == YES_NO
        found = {"type": "boolean"}
    found["description"] = f"{spec.meaning or spec.name}: {spec.describe()}" + (" (null: missing)" if spec.missing else "")
    return {"anyOf": [found, {"type": "null"}], "description": found["description"]} if spec.missing else found


# Asked for on a request ("80", or "80, 95"): each answer also states its range for those levels in 100, under
# "intervals"; without it the body is the seed's shape.
INTERVAL_HEADER = "X-Modelgate-Interval"


def interval_parameter(contract: Contract) -> list[dict]:
    """The ``X-Modelgate-Interval`` request header, for a contract that states ranges (none otherwise)."""
    if not contract.intervals:
        return []
    levels, listed = "|".join(c.key for c in contract.intervals), ", ".join(c.key for c in contract.intervals)
    return [
        {
            "name": INTERVAL_HEADER,
            "in": "header",
            "required": False,
            "description": f"also state each answer's range for these levels in 100 ({listed}), "
            "comma-separated: the answer give or take the miss that so many in 100 rows the model was not trained on "
            "stay within",
            "schema": {"type": "string", "pattern": rf"^ *({levels}) *(, *({levels}) *)*$"},
        }
    ]


def query_parameters(contract: Contract) -> list[dict]:
    return [
        {
            "name": spec.name,
            "in": "query",
            "required": True,
            "description": f"{spec.meaning or spec.name}: {spec.describe()}; repeat for several rows",
            "schema": {"type": "array", "items": query_value_schema(spec), "minItems": 1, "maxItems": MAX_ROWS_PER_REQUEST},
            "style": "form",
            "explode": True,
        }
        for spec in contract.inputs
    ]


def query_value_schema(spec: Input) -> dict:
    """The schema of one input's value in a query, which carries text: a yes/no is its spelling and a missing value
    an empty one (a number that may be missing keeps its range beside the empty text)."""
    found = value_schema(spec)
    if spec.missing:
        found = {**found["anyOf"][0], "description": f"{spec.meaning or spec.name}: {spec.describe()} (empty: missing)"}
    if spec.kind == YES_NO:
        return {**found, "type": "string", "enum": [*spec.values, *([""] if spec.missing else [])]}
    if not spec.missing:
        return found
    if spec.kind == CATEGORY:
        return {**found, "enum": [*spec.values, ""]}
    description = found.pop("description")
    return {"anyOf": [found, {"type": "string", "enum": [""]}], "description": description}


def request_body(contract: Contract) -> dict:
    record = {
        "type": "object",
        "properties": {spec.name: value_schema(spec) for spec in contract.inputs},
        "required": contract.names,
        "additionalProperties": False,
    }
    columns = {
        "type": "object",
        "properties": {
            spec.name: {"type": "array", "items": value_schema(spec), "minItems": 1, "maxItems": MAX_ROWS_PER_REQUEST}
            for spec in contract.inputs
        },
        "required": contract.names,
        "additionalProperties": False,
    }
    records = {"type": "array", "items": record, "minItems": 1, "maxItems": MAX_ROWS_PER_REQUEST}
    return {"required": True, "content": {"application/json": {"schema": {"oneOf": [columns, records]}}}}


def answer_schema(contract: Contract) -> dict:
    """The JSON schema of an answer: one answer per row; a classifier's with the probability of each class by name."""
    output = contract.output
    if not output.is_class:
        answers = {
            "type": "array",
            "items": {"type": "number"},
            "description": f"one {output.describe()} per row, in the order asked, rounded to {output.decimals} decimals",
        }
        properties = {"response": answers}
        if contract.intervals:
            end = {"type": "number"}
            ends = {
                "type": "object",
                "properties": {"low": end, "high": end},
                "required": ["low", "high"],
                "additionalProperties": False,
            }
            properties["intervals"] = {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {c.key: ends for c in contract.intervals},
                    "additionalProperties": False,
                },
                "description": f"only when {INTERVAL_HEADER} asks for it: for each row, its range at each level asked for",
            }
        return {"type": "object", "properties": properties, "required": ["response"], "additionalProperties": False}
    probability = {"type": "number", "minimum": 0, "maximum": 1}
    rule = (
        f"{output.positive} when its probability is at least {output.threshold:g}"
        if output.threshold is not None
        else "the most probable class (the first of the classes on a tie)"
    )
    return {
        "type": "object",
        "properties": {
            "response": {
                "type": "array",
                "items": {"type": "string", "enum": list(output.classes)},
                "description": f"one {output.name} per row, in the order asked: {rule}",
            },
            "probabilities": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {c: probability for c in output.classes},
                    "required": list(output.classes),
                    "additionalProperties": False,
                },
                "description": f"for each row, the probability of each {output.name} by name, rounded to {output.decimals} "
                f"decimals (summing to 1 within {output.sum_tolerance:g})",
            },
        },
        "required": ["response", "probabilities"],
        "additionalProperties": False,
    }


def largest_request_bytes(contract: Contract) -> int:
    """About the size of the largest valid request body (records of the longest values): for the body limit."""
    per_value = {NUMBER: 24, WHOLE: 24, YES_NO: 6}
    row = sum(len(i.name) + 4 + per_value.get(i.kind, max((len(v) for v in i.values), default=4) + 2) for i in contract.inputs)
    return (row + 2) * MAX_ROWS_PER_REQUEST
