"""A classifier's part of the contract: its answer (classes in the order stated, a positive class and a threshold
for a binary one) and its quality (bands on the metrics that fit the task, the margin over the most-frequent-class
baseline, calibration, and what it may give up against the model in production).

Read by :mod:`.reader` from the sentences of :mod:`.sentences`; a regression's contract states none of these, and
a classifier's none of a regression's error facts.
"""

from __future__ import annotations

from modelgate.contracts.contract import CLASS_OUTPUT, Output
from modelgate.contracts.facts import (
    EVALUATION,
    F1_OF,
    UNSEEN,
    BaselineMargin,
    CalibrationLimit,
    ChampionMetric,
    MetricBand,
)
from modelgate.contracts.inputs import parse_values


def class_output(match, where: str, problems: list[str]) -> Output | None:
    """The classifier's output a sentence states; None (with the problem) if its classes cannot be read."""
    try:
        classes = parse_values(match["classes"])
    except ValueError as exc:
        problems.append(f"{where}: the classes: {exc}")
        return None
    positive = match["positive"].strip() if match["positive"] else None
    threshold = float(match["threshold"]) if match["threshold"] else None
    if len(classes) < 2:
        problems.append(f"{where}: a classifier answers one of two or more classes, not {list(classes)}")
    if positive is not None and positive not in classes:
        problems.append(f"{where}: the positive class {positive!r} is not one of {', '.join(classes)}")
    if positive is not None and len(classes) != 2:
        problems.append(f"{where}: a positive class belongs to a model of two classes, not {len(classes)}")
    if threshold is not None and not 0 < threshold < 1:
        problems.append(f"{where}: the threshold {threshold:g} must be between 0 and 1")
    return Output(match["name"], "", int(match["decimals"]), CLASS_OUTPUT, classes, positive, threshold)


def facts(stated: dict, output: Output | None, one, problems: list[str]) -> dict:
    """The contract's classifier facts (empty for a regression, where stating any is a problem)."""
    keys = ("METRIC_UNSEEN", "METRIC_EVALUATION", "BASELINE", "CALIBRATION", "CHAMPION_METRIC")
    if output is None or not output.is_class:
        problems += [
            f"{s.where}: a classifier's metric, but the model answers a number" for k in keys for _, s in stated.get(k, [])
        ]
        return {}
    for key in ("R2_BAND", "TYPICAL_ERROR", "MARGIN", "OUTPUT_BOUNDS", "MONOTONIC", "MONOTONIC_PLAIN"):
        problems += [f"{s.where}: a regression's fact, but the model answers one of its classes" for _, s in stated.get(key, [])]
    bands: list[MetricBand] = []
    for key, on in (("METRIC_UNSEEN", UNSEEN), ("METRIC_EVALUATION", EVALUATION)):
        for match, step in stated.get(key, []):
            low, high = float(match["low"]), float(match["high"])
            if low > high:
                problems.append(f"{step.where}: the low end {low:g} is above the high end {high:g}")
            if any(b.metric == match["metric"] and b.on == on for b in bands):
                problems.append(f"{step.where}: the band of {match['metric']} is stated again")
            if match["metric"].startswith(F1_OF) and match["metric"][len(F1_OF) :] not in output.classes:
                problems.append(f"{step.where}: {match['metric']!r}: the classes are {', '.join(output.classes)}")
            bands.append(MetricBand(match["metric"], low, high, on))
    baseline = one("BASELINE", "the margin over the most-frequent-class baseline")
    calibration = one("CALIBRATION", "the calibration limit")
    champion = one("CHAMPION_METRIC", "the champion margin")
    if baseline and baseline[0]["output"] != output.name:
        problems.append(
            f"{baseline[1].where}: the baseline answers {baseline[0]['output']!r}, but the model answers {output.name!r}"
        )
    return {
        "metric_bands": tuple(bands),
        "baseline": BaselineMargin(baseline[0]["metric"], float(baseline[0]["margin"])) if baseline else None,
        "calibration": CalibrationLimit(float(calibration[0]["limit"])) if calibration else None,
        "champion_metric": ChampionMetric(champion[0]["metric"], float(champion[0]["margin"])) if champion else None,
    }
