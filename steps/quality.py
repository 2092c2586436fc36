"""Steps for the model-quality feature: the model under test's record against the agreed band and limit, and against
numbers computed here from its training data: R² with this module's own arithmetic over the model's answers, the
least-squares line by its closed form (``steps.least_squares``, for a model of one number), and the cross-validation
with its folds drawn here and each fold's model refitted here (a classifier's metrics from the folds' answers by
``steps.class_metrics``; its bands and baseline are judged in ``steps.classes``)."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from modelgate.contracts import sentences as say
from modelgate.contracts.facts import Band, TypicalError
from modelgate.model import artifact
from modelgate.steps import class_metrics
from modelgate.steps.class_metrics import read_labelled
from modelgate.steps.least_squares import Line, fit_line, read_rows, sha256
from pytest_bdd import given, parsers, then, when

# Two computations of the same least-squares line in float64 agree far closer than this; √R² for R²
# (0.9 for 0.81) or another fit is off by orders of magnitude more.
CLOSE = 1e-9


@dataclass
class UnderTest:
    directory: Path
    manifest: dict
    data: Path
    rows: list[dict]  # the training rows as the CSV has them, read here
    target: list  # the answers of the training rows: numbers, or a classifier's classes

    def line(self, contract) -> Line:
        """The least-squares line through the training data: only for a model of one number input."""
        (spec,) = contract.inputs
        assert spec.numeric, f"a least-squares line needs one number input, not a {spec.kind}"
        return fit_line([(row[spec.name], y) for row, y in zip(self.rows, self.target)])


@given("the model under test and the training data its record names", target_fixture="under_test")
def under_test(model_under_test, manifest_on_disk, training_data, stated) -> UnderTest:
    named = manifest_on_disk["training_data"]
    assert training_data.name == named["file"], (
        f"the model was trained on {named['file']}, the training data given is {training_data}"
    )
    assert sha256(training_data) == named["sha256"], f"{training_data} is not the file the model was trained on (SHA-256 differs)"
    rows, target = read_labelled(training_data, stated) if stated.output.is_class else read_rows(training_data, stated)
    return UnderTest(model_under_test, manifest_on_disk, training_data, rows, target)


@then(parsers.re(say.R2_BAND.pattern))
def r2_in_band(under_test, low, high):
    r2 = under_test.manifest["metrics"]["r2_train"]
    assert Band(float(low), float(high)).contains(r2), f"R² {r2:.4f} is outside the agreed band [{low}, {high}]"


@then("its record names the training data with its row count and fingerprint")
def record_names_data(under_test):
    data = under_test.manifest["training_data"]
    assert data["file"] == under_test.data.name
    assert data["sha256"] == sha256(under_test.data)
    assert data["rows"] == len(under_test.rows)


@then("the R² in its record matches the R² of the least-squares line through the training data")
def r2_recomputed(under_test, stated):
    recorded, expected = under_test.manifest["metrics"]["r2_train"], under_test.line(stated).r2
    assert math.isclose(recorded, expected, rel_tol=CLOSE), f"recorded R² {recorded!r}, least squares gives {expected!r}"


def _r2(actual: list[float], predicted: list[float]) -> float:
    mean = math.fsum(actual) / len(actual)
    residual = math.fsum((y - p) ** 2 for y, p in zip(actual, predicted))
    return 1 - residual / math.fsum((y - mean) ** 2 for y in actual)


@then("the R² in its record matches the R² of its answers on the training data, computed here")
def r2_of_answers(under_test, stated):
    loaded = artifact.load(under_test.directory)
    from modelgate.model.scorer import columns_of

    predicted = loaded.scorer().raw(columns_of(stated, under_test.rows)).tolist()
    recorded, expected = under_test.manifest["metrics"]["r2_train"], _r2(under_test.target, predicted)
    assert math.isclose(recorded, expected, rel_tol=CLOSE), f"recorded R² {recorded!r}, its answers give {expected!r}"


@then("its coefficients are those of the least-squares line through the training data")
def coefficients(under_test, stated):
    line = under_test.line(stated)
    (name,) = stated.names
    estimator = artifact.load(under_test.directory).estimator
    recorded = under_test.manifest["coefficients"]
    found = {
        "recorded": (recorded["intercept"], recorded[name]),
        "model file": (float(estimator.intercept_), float(estimator.coef_[0])),
    }
    for where, (intercept, slope) in found.items():
        problem = f"{where} (intercept, slope) {(intercept, slope)}, least squares {(line.intercept, line.slope)}"
        assert math.isclose(intercept, line.intercept, rel_tol=CLOSE), problem
        assert math.isclose(slope, line.slope, rel_tol=CLOSE), problem


@when("the model is trained again on the same data", target_fixture="retrained")
def retrain(under_test, stated, tmp_path):
    from modelgate.model.package import package
    from modelgate.model.train import fit, read_training
    from sklearn.base import clone

    data = read_training(under_test.data, stated)
    estimator = fit(clone(artifact.load(under_test.directory).estimator), data, stated)
    package(estimator, data, stated, tmp_path)
    return tmp_path


@then(parsers.re(r"both models give the same (?P<outputs>[\w ]+?) and carry the same version"))
def same_models(under_test, retrained, stated):
    from modelgate.model.checks import check_rows
    from modelgate.model.scorer import columns_of

    first, second = artifact.load(under_test.directory), artifact.load(retrained)
    assert first.version == second.version
    rows = check_rows(stated, first.manifest.training_data.get("profile"))[:5000]
    probe = columns_of(stated, rows)
    mine, theirs = first.scorer().answer_columns(probe), second.scorer().answer_columns(probe)
    for column in stated.output.columns:
        assert np.array_equal(mine[column], theirs[column]), f"the two models answer {column} differently"


@when(
    parsers.re(r"each fifth of the training (?P<who>\w+) is predicted by an? (?P<what>.+?) fitted on the other four fifths"),
    target_fixture="held_out",
)
def held_out(under_test, stated) -> dict:
    """The cross-validation recomputed here: the folds scikit-learn's seeded ``KFold(shuffle=True)`` makes (numpy's
    ``RandomState(seed).shuffle`` of the row numbers, cut into folds of n // k, the first n % k one larger), each
    answered by a model fitted on the others: the least-squares line for a line, else a clone of the model's own
    estimator refitted here. A classifier's metrics, and those of its baseline, are computed by ``steps.class_metrics``
    from the folds' answers."""
    cv = under_test.manifest["metrics"].get("cv")
    assert cv, f"{under_test.directory}: the model's record has no cross-validation; package it again"
    n, folds = len(under_test.rows), cv["folds"]
    order = np.arange(n)
    np.random.RandomState(cv["seed"]).shuffle(order)
    sizes = [n // folds + (1 if i < n % folds else 0) for i in range(folds)]
    estimator = artifact.load(under_test.directory).estimator
    single_line = len(stated.inputs) == 1 and type(estimator).__name__ == "LinearRegression"
    answered: list = [None] * n  # each row's answer from the model fitted without it
    split, start = [], 0
    for size in sizes:
        held = sorted(order[start : start + size].tolist())
        start += size
        taken = set(held)
        kept = [i for i in range(n) if i not in taken]
        split.append((kept, held))
        for i, answer in zip(held, _fold(under_test, stated, estimator, kept, held, single_line)):
            answered[i] = answer
    if stated.output.is_class:
        return class_metrics.unseen(stated.output, under_test.target, answered, split)
    actual = under_test.target
    misses = [y - p for y, p in zip(actual, answered)]
    mean = math.fsum(actual) / n
    return {
        "mae": math.fsum(abs(m) for m in misses) / n,
        "rmse": math.sqrt(math.fsum(m * m for m in misses) / n),
        "r2": 1 - math.fsum(m * m for m in misses) / math.fsum((y - mean) ** 2 for y in actual),
        "misses": misses,  # each training row's, in the file's order: for the errors per group
    }


def _fold(under_test: UnderTest, stated, estimator, kept: list[int], held: list[int], single_line: bool) -> list:
    (name, *_) = stated.names
    if single_line:
        line = fit_line([(under_test.rows[i][name], under_test.target[i]) for i in kept])
        return [line.intercept + line.slope * under_test.rows[i][name] for i in held]
    from modelgate.model.scorer import columns_of, to_frame
    from sklearn.base import clone

    def frame(indices):
        return to_frame(
            stated,
            list(getattr(estimator, "feature_names_in_", stated.names)),
            columns_of(stated, [under_test.rows[i] for i in indices]),
        )

    fold = clone(estimator).fit(frame(kept), [under_test.target[i] for i in kept])
    if not stated.output.is_class:
        return [float(v) for v in fold.predict(frame(held))]
    # A classifier's answers: the probability of each class in the contract's order, rounded as the answers are (numpy's
    # rounding, which the serving forms follow).
    where = [[str(c) for c in fold.classes_].index(c) for c in stated.output.classes]
    return np.round(np.asarray(fold.predict_proba(frame(held)))[:, where], stated.output.decimals).tolist()


@then(parsers.re(rf"on (?P<who>.+?) it was not trained on, its typical error is at most (?P<limit>{say.N})(?: .+)?"))
def typical_error_small(held_out, limit):
    assert TypicalError(float(limit)).met_by(held_out["mae"]), (
        f"typical error on unseen rows {held_out['mae']:.4f}, agreed at most {limit}"
    )


@then(parsers.re(r"its record states that typical error, the spread of its errors and its R² on those (?P<who>\w+)"))
def cv_recorded(under_test, held_out):
    cv = under_test.manifest["metrics"]["cv"]
    for key in ("mae", "rmse", "r2"):
        assert math.isclose(cv[key], held_out[key], rel_tol=1e-9), f"recorded {key} {cv[key]!r}, recomputed {held_out[key]!r}"


@then(parsers.re(say.GROUP_ERROR.pattern), target_fixture="group_errors")
def group_errors_small(held_out, under_test, stated, what, cuts, limit) -> dict[str, float]:
    """The typical error of the rows of each group, from the cross-validation recomputed here, each group found here:
    a number's band by where its value falls among the stated cut points (each opening the band above it), a
    category's by its value, the rows missing the input as one group. Every group's must be within the limit."""
    (spec,) = [i for i in stated.inputs if say.names(what, i.name)]
    points = sorted(float(n) for n in re.findall(say.N, cuts or ""))
    grouped: dict[str, list[float]] = {}
    for row, miss in zip(under_test.rows, held_out["misses"]):
        value = row[spec.name]
        if value is None:
            name = "missing"
        elif points:
            name = _band(points, value)
        else:
            name = str(value)
        grouped.setdefault(name, []).append(abs(miss))
    errors = {name: math.fsum(found) / len(found) for name, found in grouped.items()}
    recorded = under_test.manifest["metrics"]["cv"].get("groups", {}).get(spec.name)
    assert recorded is not None, f"{under_test.directory}: the model's record has no typical error per {spec.name} group"
    assert {name: found["rows"] for name, found in recorded.items()} == {n: len(f) for n, f in grouped.items()}
    for name, found in recorded.items():
        assert math.isclose(found["mae"], errors[name], rel_tol=1e-9), (
            f"recorded {name} {found['mae']!r}, recomputed {errors[name]!r}"
        )
    over = {name: error for name, error in errors.items() if not error <= float(limit)}
    assert not over, (
        "typical error on unseen rows over the agreed "
        + f"{limit} in "
        + "; ".join(f"{spec.name} {name} ({len(grouped[name])} rows): {error:.4f}" for name, error in over.items())
    )
    return errors


def _band(points: list[float], value: float) -> str:
    at = bisect.bisect_right(points, value)  # how many cut points are at or below the value
    low, high = (f"{points[at - 1]:g}" if at else None), (f"{points[at]:g}" if at < len(points) else None)
    return f"below {high}" if low is None else f"{low} and over" if high is None else f"{low} up to {high}"


@then(parsers.re(say.GROUP_GAP.pattern))
def group_gap_small(group_errors, gap):
    best, worst = min(group_errors.values()), max(group_errors.values())
    assert worst - best <= float(gap), (
        f"the typical errors of the best and worst group differ by {worst - best:.4f} ({group_errors}), agreed at most {gap}"
    )


@then("its record states the ranges those misses give")
def ranges_recorded(under_test, held_out, stated):
    """Each level's half-width recomputed from the misses of the cross-validation recomputed here: of the misses sorted
    from the smallest, the one at place (rows + 1) × level / 100, rounded up, as the feature defines it."""
    recorded = under_test.manifest["metrics"]["cv"].get("intervals") or {}
    ordered = sorted(abs(m) for m in held_out["misses"])
    assert stated.intervals, "the features state no range for the answers"
    for coverage in stated.intervals:
        place = math.ceil((len(ordered) + 1) * coverage.level / 100)
        expected = ordered[place - 1]
        found = recorded.get(str(coverage.level))
        assert found is not None, f"{under_test.directory}: the model's record has no range for {coverage.level} in 100"
        assert math.isclose(found, expected, rel_tol=1e-9), (
            f"the range for {coverage.level} in 100: recorded ± {found!r}, the misses give ± {expected!r}"
        )


@then(parsers.re(say.INTERVAL.pattern))
def ranges_hold(model_under_test, evaluation_data, stated, level, coverage):
    """The evaluation rows (read here) answered by the model folder with its ranges for the level (the scorer the
    product loads), and how many of their real answers lie inside: at least the agreed share."""
    from modelgate.model.scorer import columns_of

    rows, truth = read_rows(evaluation_data, stated)
    answered = artifact.load(model_under_test).scorer([level]).answer_columns(columns_of(stated, rows))
    low, high = (answered[name].tolist() for name in stated.output.interval_columns(level))
    held = sum(lo <= y <= hi for lo, y, hi in zip(low, truth, high))
    share = 100 * held / len(truth)
    (agreed,) = [c for c in stated.intervals if c.level == int(level)]
    assert agreed.met_by(held, len(truth)), (
        f"the range for {level} in 100 holds the real {stated.output.name} of {held} of {len(truth)} evaluation rows "
        f"({share:.1f} in 100), agreed at least {coverage} in 100"
    )
