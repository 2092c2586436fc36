"""One entry point for batch scoring, whatever the engine and wherever the files live.

The ``score`` command, the watcher and the Databricks job script all call :func:`score`. Local
files go straight to the engine (the pandas engine streams, the Spark engine reads in parallel);
URLs are staged through local temporary files by :mod:`.storage`.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from functools import partial
from pathlib import Path

from modelgate.contracts.errors import ModelgateError
from modelgate.model.batch import ENGINES, inputs_check, run_report, storage
from modelgate.model.batch.inputs_check import Policy
from modelgate.model.batch.stream import BatchResult, score_file
from modelgate.model.scorer import Scorer


def score(
    input_path,
    output_path,
    scorer: Scorer,
    *,
    engine: str = "pandas",
    master: str | None = None,
    spark=None,
    progress: bool = False,
    policy: Policy | None = None,
) -> BatchResult:
    """Score INPUT into OUTPUT (paths or URLs); a rejected file leaves no output anywhere. With a ``policy`` (the
    model's training profiles, the contract's drift levels and extrapolation rule), the file's inputs are checked
    against the training data: a file refused for drift or for extrapolations gets no output, and its report lists
    the guard's failures too. The pandas engine checks the inputs in its scoring pass (one read of the file); the
    Spark engine checks them first, in a read of their own (scoring a classifier's rows there too: the drift of the
    classes it answers)."""
    if engine not in ENGINES:
        raise ModelgateError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if str(output_path).endswith("/") and (engine != "spark" or storage.is_url(output_path)):
        raise ModelgateError(f"{output_path}: OUTPUT ending with '/' (a folder of parts) needs --engine spark and a local path")
    staging = None
    if engine == "spark":
        from modelgate.model.batch.spark import staging_folder

        staging = staging_folder()  # a URL input must be staged where the executors can read it
    with storage.staged_input(input_path, staging) as local_in, storage.staged_output(output_path) as local_out:
        if engine == "spark":
            folder = "/" if str(output_path).endswith("/") else ""  # Path() drops it; it asks for part files
            result = _score_spark(local_in, f"{local_out}{folder}", scorer, spark, master, policy)
        else:
            # The inputs are tallied in the scoring pass; a refusal keeps the output from being published.
            tally = inputs_check.FoldedCheck(local_in, policy) if policy is not None else None
            result = score_file(local_in, local_out, scorer, progress=progress and not storage.is_url(input_path), tally=tally)
    # Reports name what the user gave, not the staging files.
    output = storage.Location(str(output_path)) if result.output else None
    return replace(result, input=storage.Location(str(input_path)), output=output)


def _score_spark(local_in: Path, target: str, scorer: Scorer, spark, master, policy: Policy | None) -> BatchResult:
    """The Spark engine. Its inputs are checked before it scores, in a read of their own: the tally is not
    folded into Spark's partitions (their rows would have to be merged in file order, as their failures are)."""
    from modelgate.model.batch.spark import score_file_spark

    found, refusals = inputs_check.check(local_in, policy, scorer)
    with tempfile.TemporaryDirectory(prefix="modelgate-refused-") as scratch:
        if refusals:
            # A file refused for its inputs still goes through the guard, so its report lists every problem;
            # its scored rows go to a scratch folder that is removed, never to OUTPUT.
            target = f"{Path(scratch) / Path(target).name}{'/' if target.endswith('/') else ''}"
        result = score_file_spark(local_in, target, scorer, spark=spark, master=master)
    found, refusals = inputs_check.guarded(found, refusals, result.failures)
    if refusals:
        result.failures.extend(refusals)
        result = replace(result, output=None)
    return replace(result, inputs=found)


def write_reports(result: BatchResult, contract, report=None, junit=None, properties: dict[str, str] | None = None) -> None:
    """The JSON report and the JUnit XML (with ``properties`` on its suite), to local paths or URLs."""
    write_batch_junit = partial(run_report.write_batch_junit, contract=contract, properties=properties)
    for target, write in ((report, run_report.write_json), (junit, write_batch_junit)):
        if target is None:
            continue
        if storage.is_url(target):
            with storage.staged_output(str(target)) as local:
                write(result, local)
        else:
            write(result, Path(target))
