"""Streaming batch scoring of a CSV: validate every chunk, predict, write atomically.

Memory is bounded by the block size, not the file size. Nothing reaches OUTPUT unless every
row of the input passed the input schema and every output chunk passed the output schema:
rows go to a temporary file beside OUTPUT that is renamed over it only on success. A check of
the whole file's inputs (drift, extrapolations: :class:`.inputs_check.FoldedCheck`) can ride
along: it is fed every block's parsed columns and judges before anything is published.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.inputs import YES_NO, Input
from modelgate.contracts.schemas import batch_input, batch_output
from modelgate.contracts.validation import CSV, FIELD_COUNT, Failure, Failures, parse_column, run_schema
from modelgate.model.batch import BLOCK_SIZE
from modelgate.model.batch.preflight import check_paths, output_header, read_header
from modelgate.model.batch.storage import Location
from modelgate.model.scorer import Scorer

from modelgate.files import atomic_writer

if TYPE_CHECKING:
    from modelgate.model.batch.inputs_check import FoldedCheck


@dataclass
class BatchResult:
    input: Path | Location  # a path, or what the user gave (a URL too) once the run is reported
    output: Path | Location | None
    rows: int = 0
    failures: Failures = field(default_factory=Failures)
    seconds: float = 0.0
    inputs: dict | None = None  # drift and extrapolations (model.batch.inputs_check), when checked

    @property
    def ok(self) -> bool:
        return not self.failures


def score_file(
    input_path,
    output_path,
    scorer: Scorer,
    *,
    block_size: int = BLOCK_SIZE,
    progress: bool = False,
    tally: FoldedCheck | None = None,
) -> BatchResult:
    """Score ``input_path`` into ``output_path``. Contract violations are returned in the result
    (no output written); unusable paths raise :class:`ModelgateError`. ``tally``, when given, is fed the
    file's inputs in the same pass and judges them (``result.inputs``, failures that refuse the file)
    before OUTPUT would be published."""
    source, target = Path(input_path), Path(output_path)
    check_paths(source=source, target=target)
    result = BatchResult(source, None)
    started = time.perf_counter()
    try:
        with open(source, "rb") as src, atomic_writer(target, publish=lambda: result.ok) as dst:
            bar = _progress_bar(source, progress)
            found = result.failures
            result.rows = score_chunks(
                source=src, sink=dst, scorer=scorer, failures=found, block_size=block_size, bar=bar, tally=tally
            )
            if bar is not None:
                bar.close()
            if tally is not None:
                result.inputs, refusals = tally.judge(found)
                found.extend(refusals)  # after the guard's own failures, as the report lists them
    except OSError as exc:  # disk full, quota, I/O error: the temporary goes, OUTPUT is untouched
        if exc.filename is not None and Path(exc.filename) == source:
            raise ModelgateError(f"{source}: cannot read input: {exc.strerror}") from None
        raise ModelgateError(f"{target}: cannot write output: {exc.strerror or exc}; no output written") from None
    if result.ok:
        result.output = target
    result.seconds = time.perf_counter() - started
    return result


def score_chunks(
    *,
    source: IO[bytes],
    sink: IO[bytes],
    scorer: Scorer,
    failures: Failures,
    block_size: int = BLOCK_SIZE,
    bar=None,
    tally: FoldedCheck | None = None,
) -> int:
    """Score the CSV in ``source`` into ``sink`` a block of ``block_size`` bytes at a time; return the
    data rows read. Every failure goes to ``failures``; after the first, nothing more is written to
    ``sink`` (its content is then to be thrown away), but every block is still read and checked.
    ``bar`` is a tqdm bar advanced by bytes read; ``tally`` gets each block's parsed inputs (numbers as float64
    with NaN where a cell is blank or no number, the others as objects with None), ``tally.add(columns, first_row)``."""
    contract = scorer.contract
    names, header, problems = read_header(source, contract, scorer.columns)
    if problems:
        failures.extend(problems)
        return 0
    sink.write(output_header(header, scorer.columns))
    guard_in, guard_out = batch_input(contract), batch_output(contract, list(scorer.widths))

    skipped: list[int] = []  # data rows dropped by the parser; later rows are renumbered past them

    def on_invalid_row(row) -> str:
        skipped.append(row.number)
        failures.add(
            Failure(
                None,
                FIELD_COUNT,
                f"{row.actual_columns} fields, expected {row.expected_columns}: {row.text[:60]!r}",
                row.number,
            )
        )
        return "skip"

    rows = 0
    try:
        # Blank lines are kept as rows (a missing value) so that row and line numbers stay exact.
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(column_names=names, block_size=block_size, use_threads=False),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid_row, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        failures.add(Failure(None, CSV, _arrow_reason(exc), _arrow_row(exc, rows)))
        return rows
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except pa.ArrowInvalid as exc:
            failures.add(Failure(None, CSV, _arrow_reason(exc), _arrow_row(exc, rows)))
            break
        # Values never hold a newline (newlines_in_values is off) unless a quote was left open: pyarrow
        # then swallows the rest of the file into one value, and the rows in it would go unscored.
        if any(pc.any(pc.match_substring(column, "\n")).as_py() for column in batch.columns):
            reason = "unterminated quote: a quoted value runs to the end of the file"
            failures.add(Failure(None, CSV, reason, rows + batch.num_rows))
            break
        columns, frame, unread = _inputs(batch, contract.inputs, rows, failures, skipped)
        judged = [f for f in run_schema(guard_in, frame) if (f.column, f.row) not in unread]  # reported once, unread
        failures.extend(_renumber(judged, skipped))
        if tally is not None:
            tally.add(columns, rows + 1)
        if not failures:
            answers = scorer.answer_columns(columns)
            if tally is not None:
                tally.answered(answers)
            failures.extend(run_schema(guard_out, _numbered_frame(rows, answers)))
            if not failures:
                for name, values in answers.items():
                    batch = batch.append_column(name, pa.array(values))
                sink.write(_csv_bytes(batch))
        rows += batch.num_rows
        if bar is not None:
            bar.update(source.tell() - bar.n)
    return rows


def _inputs(batch: pa.RecordBatch, inputs: tuple[Input, ...], offset: int, failures: Failures, skipped: list[int]):
    """Each input's text cells as its values, the frame the input schema judges (indexed by data row - 1) and the
    (input, row) of each cell that could not be read (already a failure: the schema's verdict on it is dropped)."""
    columns, judged, unread = {}, {}, set()
    for spec in inputs:
        columns[spec.name], judged[spec.name], bad = _parse(batch.column(spec.name), spec, offset)
        unread |= {(f.column, f.row) for f in bad}
        failures.extend(_renumber(bad, skipped))
    return columns, _numbered_frame(offset, judged), unread


def _parse(column: pa.Array, spec: Input, offset: int):
    """(the values as the scorer takes them, the values as the schema judges them, the cells that cannot be read as
    failures, rows not yet renumbered past skipped lines). A number column is cast to
    float64 at once (fast path); on any unparsable cell every bad one is found. One value per row: NaN (numbers) or
    None where a cell is blank or unreadable."""
    if pa.types.is_string(column.type) and column.null_count == 0 and spec.kind != YES_NO:
        present = pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)  # a blank cell: missing
        if not spec.numeric:  # a category: the text itself, compared exactly
            values = present.to_numpy(zero_copy_only=False)
            return values, values, []
        try:
            values = pc.cast(present, pa.float64()).to_numpy(zero_copy_only=False)
            return values, values, []
        except pa.ArrowInvalid:  # some cell is not a number: find every bad one below
            pass
    text = pd.Series(column.to_numpy(zero_copy_only=False), index=pd.RangeIndex(offset, offset + len(column)), dtype=object)
    parsed, bad = parse_column(spec, text.astype(str))
    judged = parsed.reindex(text.index)  # the bad cells as missing: every row keeps its place
    if spec.numeric:
        values = judged.to_numpy(dtype="float64")
        return values, values, bad
    values = np.array([None if isinstance(v, float) else v for v in judged.tolist()], dtype=object)
    return values, judged.to_numpy(dtype=object), bad


def _renumber(found: list[Failure], skipped: list[int]) -> list[Failure]:
    """Map rows counted among parsed rows to rows of the file, past the rows the parser dropped."""
    if not skipped:
        return found
    ordered = sorted(skipped)
    renumbered = []
    for failure in found:
        row = failure.row
        for dropped in ordered:
            if row is None or dropped > row:
                break
            row += 1
        renumbered.append(replace(failure, row=row))
    return renumbered


def _numbered_frame(offset: int, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Columns indexed by data row - 1 from ``offset``, so schema failures name file rows."""
    size = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=pd.RangeIndex(offset, offset + size), copy=False)


def _csv_bytes(batch: pa.RecordBatch) -> bytes:
    """CSV text of a batch. pyarrow quotes every string cell unless told not to, so write
    unquoted; a batch with a value that needs quotes (a comma, a quote) goes through the csv
    module, which quotes only those values, as the input had them."""
    buffer = io.BytesIO()
    try:
        pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False, quoting_style="none"))
        return buffer.getvalue()
    except pa.ArrowInvalid:
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(zip(*(c.to_pylist() for c in batch.columns)))
        return text.getvalue().encode()


def _arrow_row(exc: Exception, offset: int) -> int | None:
    found = re.search(r"Row #(\d+)", str(exc))
    return offset + int(found.group(1)) if found else None


def _arrow_reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0]
    if "UTF8" in text or "utf8" in text.lower():
        return "not UTF-8 text; save the file as UTF-8"
    if text.startswith("Empty CSV file"):
        return "header only: no data rows to score"
    if "straddl" in text:
        # pyarrow holds a row across at most two read blocks.
        return f"a line is too long (more than two read blocks, {2 * BLOCK_SIZE >> 20} MiB by default): not a file of rows"
    return text


def _progress_bar(source: Path, wanted: bool):
    if not wanted:
        return None
    from tqdm import tqdm

    return tqdm(total=source.stat().st_size, unit="B", unit_scale=True, desc=source.name, leave=False)
