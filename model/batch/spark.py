"""The Spark batch engine: the same contract and the same bytes as :mod:`.stream`, on Spark.

Spark reads INPUT as raw lines (``spark.read.text``, cast to bytes so that non-UTF-8 text is
caught by the same check as the pandas engine). ``mapInPandas`` hands each partition's lines to
the pandas engine's own chunk scorer (:func:`.stream.score_chunks`: pyarrow parse, pandera input
and output schemas, the broadcast model, the same CSV writer), so the two engines cannot drift.
Each partition's scored text is written as one Spark text part, and its last line is a JSON
summary (row count, failures with partition-relative rows). The driver then either turns the
summaries into one failure report with exact file rows, or concatenates the parts (minus their
summaries) after the header into a temporary file renamed over OUTPUT: as with the pandas engine
nothing reaches OUTPUT unless every row passed.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.validation import Failure, Failures
from modelgate.model.batch.preflight import check_paths, output_header, read_header
from modelgate.model.batch.stream import BatchResult, score_chunks
from modelgate.model.scorer import Scorer

from modelgate.files import atomic_folder, atomic_writer

DEFAULT_MASTER = "local[*]"
# Where Spark's part files and staged URL inputs go. The driver and every executor must see it under the
# same path: the system temp folder in local mode; on Databricks a Unity Catalog volume (/Volumes/...).
STAGING_VARIABLE = "MODELGATE_SPARK_STAGING"


def staging_folder() -> str | None:
    return os.environ.get(STAGING_VARIABLE) or None


def session(master: str | None = None, conf: dict[str, str] | None = None):
    """The active SparkSession, or a new one on ``master`` (local mode by default)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ModelgateError("the Spark engine needs PySpark: pip install 'modelgate[spark]'") from None
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ModelgateError("the Spark engine needs Java 17+ (apt-get install openjdk-17-jre-headless, or set JAVA_HOME)")
    # The Python workers must run this interpreter, with the same pandas/pandera/scikit-learn.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("modelgate")
    if master or "DATABRICKS_RUNTIME_VERSION" not in os.environ:  # on Databricks the cluster is the master
        builder = builder.master(master or DEFAULT_MASTER)
    defaults = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # The Python workers import pandera, which imports pyspark.pandas: see modelgate/cli.py.
        "spark.executorEnv.PYTHONWARNINGS": "ignore:PySpark does not yet fully support pandas:FutureWarning",
        # Bigger Arrow batches: each batch pays one pyarrow parse + one pandera validation.
        "spark.sql.execution.arrow.maxRecordsPerBatch": "200000",
    }
    for key, value in {**defaults, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start (wrong Java, bad --master): one line, not a Py4J traceback
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelgateError(f"could not start Spark on {master or DEFAULT_MASTER}: {reason}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def score_file_spark(input_path, output_path, scorer: Scorer, *, spark=None, master: str | None = None) -> BatchResult:
    """Score a local CSV into a local CSV with Spark; same result and failures as ``score_file``.
    An OUTPUT ending with '/' becomes a folder of part files, each with the header, made only on success."""
    as_parts = str(output_path).endswith(("/", os.sep))
    source, target = Path(input_path), Path(output_path)
    check_paths(source=source, target=target, folder=as_parts)
    result = BatchResult(source, None)
    started = time.perf_counter()
    with open(source, "rb") as src:
        _, header, problems = read_header(src, scorer.contract, scorer.columns)
    result.failures.extend(problems)
    if not problems:
        spark = spark or session(master)
        parts_dir = Path(tempfile.mkdtemp(prefix="modelgate-spark-", dir=staging_folder()))
        try:
            out = parts_dir / "parts"
            _run_job(spark, source, out, header, scorer)
            parts = sorted(((_summary(p), p) for p in out.glob("part-*")), key=lambda item: item[0][0])
            result.rows = _merge(parts, result.failures)
            if result.rows == 0 and result.ok:  # no data rows: let the pandas engine's parser judge the bare header
                bare = io.BytesIO(f"{header}\n".encode())
                score_chunks(source=bare, sink=io.BytesIO(), scorer=scorer, failures=result.failures)
            if result.ok:
                (_write_parts if as_parts else _concatenate)(output_header(header, scorer.columns), parts, target)
                result.output = target
        finally:
            shutil.rmtree(parts_dir, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


def _run_job(spark, source: Path, out: Path, header: str, scorer: Scorer) -> None:
    from pyspark.sql import functions as F

    model = spark.sparkContext.broadcast(scorer)
    head = (header + "\n").encode()
    head_out = len(output_header(header, scorer.columns))

    def score_partition(batches):
        rows, parsed, start, failures = 0, 0, -1, Failures()
        for frame in batches:
            lines = frame["line"].tolist()
            if start < 0 and lines:
                start = int(frame["start"].iat[0])
                if start == 0:
                    lines = lines[1:]  # the split at byte 0 begins with the header line
            if not lines:
                continue
            found, out = Failures(), io.BytesIO()
            # One block for the whole batch: Arrow hands over at most maxRecordsPerBatch lines at a time.
            text = io.BytesIO(head + b"\n".join(lines) + b"\n")
            parsed += score_chunks(source=text, sink=out, scorer=model.value, failures=found, block_size=1 << 30)
            _absorb(failures, found, rows)
            rows += len(lines)
            if not failures:
                yield _value_column([out.getvalue()[head_out:].decode().removesuffix("\n")])
        summary = {"start": start, "lines": rows, "rows": parsed, "counts": [[*k, n] for k, n in failures.counts.items()]}
        yield _value_column([json.dumps({**summary, "examples": [asdict(f) for f in failures.examples]})])

    lines = spark.read.text(str(source)).select(
        F.col("value").cast("binary").alias("line"), F.input_file_block_start().alias("start")
    )
    try:
        lines.mapInPandas(score_partition, schema="value string").write.mode("overwrite").text(str(out))
    finally:
        model.unpersist()


def _value_column(values: list[str]):
    """The one-column frame (``value string``) that ``mapInPandas`` returns and Spark writes as text lines."""
    import pandas as pd

    return pd.DataFrame({"value": values})


def _absorb(into: Failures, found: Failures, offset: int) -> None:
    """Add one chunk's failures, its rows shifted by the rows before it."""
    into.counts.update(found.counts)
    room = into.cap - len(into.examples)
    into.examples.extend(_shift(f, offset) for f in found.examples[:room])


def _shift(failure: Failure, offset: int) -> Failure:
    return failure if failure.row is None else replace(failure, row=failure.row + offset)


def _summary(part: Path) -> tuple[int, dict, int]:
    """(block start, summary, byte length of the scored text before it) of one part file."""
    size = part.stat().st_size
    with open(part, "rb") as handle:
        tail, step = b"", 1 << 16
        while True:  # the summary is the last line; read back until the line before it ends
            offset = max(0, size - len(tail) - step)
            handle.seek(offset)
            tail = handle.read(size - len(tail) - offset) + tail
            cut = tail.rfind(b"\n", 0, len(tail) - 1)
            if cut >= 0 or offset == 0:
                break
    summary = json.loads(tail[cut + 1 :])
    return summary["start"], summary, size - (len(tail) - cut - 1)


def _merge(parts, failures: Failures) -> int:
    """Collect every partition's failures with rows of the whole file; return the rows parsed."""
    lines = rows = 0
    for (_, summary, _), _ in parts:
        shifted = Failures()
        shifted.counts.update({(c, k): n for c, k, n in summary["counts"]})
        shifted.examples = [Failure(**e) for e in summary["examples"]]
        _absorb(failures, shifted, lines)
        lines += summary["lines"]
        rows += summary["rows"]
    return rows


def _concatenate(head: bytes, parts, target: Path) -> None:
    """Header + every part's scored text, in file order, published as ``target``."""
    with atomic_writer(target) as dst:
        _write_scored(dst, head, parts)


def _write_parts(head: bytes, parts, target: Path) -> None:
    """Part files (header + one partition's rows, in file order), published together as the folder ``target``."""
    scored = [part for part in parts if part[0][2] > 0] or [None]
    with atomic_folder(target) as folder:
        for number, part in enumerate(scored):
            with atomic_writer(folder / f"part-{number:05d}.csv") as dst:
                _write_scored(dst, head, [part] if part else [])


def _write_scored(dst, head: bytes, parts) -> None:
    dst.write(head)
    for (_, _, length), part in parts:
        with open(part, "rb") as src:
            _copy(src, dst, length)


def _copy(src, dst, length: int, block: int = 8 << 20) -> None:
    while length > 0:
        chunk = src.read(min(block, length))
        if not chunk:
            break
        dst.write(chunk)
        length -= len(chunk)
