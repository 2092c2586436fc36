"""Streaming batch scoring of a CSV: validate every chunk, predict, write atomically.

Memory is bounded by the block size, not the file size. Nothing reaches OUTPUT unless every
row of the input passed the input schema and every output chunk passed the output schema:
rows go to a temporary file beside OUTPUT that is renamed over it only on success. A check of
the whole file's heights (drift, extrapolations: :class:`.heights_check.FoldedCheck`) can ride
along: it is fed every block's parsed heights and judges before anything is published.
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
from modelgate.contracts.ranges import FEATURE, TARGET
from modelgate.contracts.schemas import BATCH_INPUT, BATCH_OUTPUT
from modelgate.contracts.validation import CSV, FIELD_COUNT, Failure, Failures, parse_numbers, run_schema
from modelgate.model.batch.preflight import check_paths, output_header, read_header
from modelgate.model.files import atomic_writer
from modelgate.model.scorer import Scorer

if TYPE_CHECKING:  # heights_check reads blocks of BLOCK_SIZE: it imports this module
    from modelgate.model.batch.heights_check import FoldedCheck

BLOCK_SIZE = 2 << 20  # bytes of CSV per chunk (2 MiB measured faster and leaner than 4 or 8: bench/README.md)


@dataclass
class BatchResult:
    input: Path
    output: Path | None
    rows: int = 0
    failures: Failures = field(default_factory=Failures)
    seconds: float = 0.0
    heights: dict | None = None  # drift and extrapolations (model.batch.heights_check), when checked

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
    file's heights in the same pass and judges them (``result.heights``, failures that refuse the file)
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
                result.heights, refusals = tally.judge(found)
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
    ``bar`` is a tqdm bar advanced by bytes read; ``tally`` gets each block's heights as float64, NaN
    where a cell is blank or no number (``tally.add(heights, first_row)``)."""
    names, header, problems = read_header(source)
    if problems:
        failures.extend(problems)
        return 0
    sink.write(output_header(header))

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
        # Blank lines are kept as rows (a missing height) so that row and line numbers stay exact.
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
        heights = _heights(batch.column(FEATURE), rows, failures, skipped)
        if tally is not None:
            tally.add(heights, rows + 1)
        if not failures:
            weights = scorer.predict(heights)
            failures.extend(run_schema(BATCH_OUTPUT, _numbered_frame(rows, heights, weights)))
            if not failures:
                sink.write(_csv_bytes(batch.append_column(TARGET, pa.array(weights))))
        rows += batch.num_rows
        if bar is not None:
            bar.update(source.tell() - bar.n)
    return rows


def _heights(column: pa.Array, offset: int, failures: Failures, skipped: list[int]) -> np.ndarray:
    """Cast the text column to float64 (fast path); on any unparsable cell, find every bad one. One
    height per row, NaN where a cell is blank or no number."""
    try:
        heights = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
        frame = _numbered_frame(offset, heights)
    except pa.ArrowInvalid:
        text = pd.Series(
            column.to_numpy(zero_copy_only=False), index=pd.RangeIndex(offset, offset + len(column)), dtype=object
        ).astype(str)
        parsed, bad = parse_numbers(text, FEATURE)
        failures.extend(_renumber(bad, skipped))
        frame = pd.DataFrame({FEATURE: parsed})
        heights = parsed.reindex(text.index).to_numpy()  # the bad cells as NaN: every row keeps its place
    failures.extend(_renumber(run_schema(BATCH_INPUT, frame), skipped))
    return heights


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


def _numbered_frame(offset: int, heights: np.ndarray, weights: np.ndarray | None = None) -> pd.DataFrame:
    """Heights (and weights) indexed by data row - 1 from ``offset``, so schema failures name file rows."""
    columns = {FEATURE: heights} if weights is None else {FEATURE: heights, TARGET: weights}
    return pd.DataFrame(columns, index=pd.RangeIndex(offset, offset + len(heights)), copy=False)


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
        return f"a line is too long (more than two read blocks, {2 * BLOCK_SIZE >> 20} MiB by default): not a file of heights"
    return text


def _progress_bar(source: Path, wanted: bool):
    if not wanted:
        return None
    from tqdm import tqdm

    return tqdm(total=source.stat().st_size, unit="B", unit_scale=True, desc=source.name, leave=False)
