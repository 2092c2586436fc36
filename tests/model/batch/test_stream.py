"""The streaming engine (``model.batch.stream``): chunked, exact row numbers, capped reports, atomic output; for the
bundled one-number model and for the flat price model of several inputs (a category, a yes/no, a number that may be
missing); and for the classifier examples, their class and probability columns. Expected answers come from
scikit-learn's own ``predict`` (``predict_proba``) on a frame built here from the file."""

from __future__ import annotations

import os
import random
import re

import numpy as np
import pandas as pd
import pytest
from modelgate.contracts.errors import ModelgateError
from modelgate.model import artifact
from modelgate.model.batch.stream import score_file
from modelgate.steps.support import ROOT

from tests.app.support import own_classes
from tests.model.batch import flats


def write(path, text):
    path.write_text(text)
    return path


def predicted(model_dir, frame: pd.DataFrame) -> np.ndarray:
    """The model's answers by scikit-learn's own ``predict`` on ``frame``, rounded as the contract says."""
    loaded = artifact.load(model_dir)
    return np.round(loaded.estimator.predict(frame[loaded.manifest.inputs]), loaded.contract.output.decimals)


def test_many_small_chunks_give_the_same_output_as_one(tmp_path, scorer, trained_model):
    source = write(tmp_path / "in.csv", "height\n" + "".join(f"{50 + i % 90}.5\n" for i in range(5000)))
    one = score_file(source, tmp_path / "one.csv", scorer)
    many = score_file(source, tmp_path / "many.csv", scorer, block_size=1024)
    assert one.ok and many.ok and many.rows == 5000
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "many.csv").read_bytes()
    scored = pd.read_csv(tmp_path / "many.csv")
    assert scored["weight"].tolist() == predicted(trained_model, scored[["height"]]).tolist()


def test_row_numbers_stay_exact_across_chunks_and_dropped_rows(tmp_path, scorer):
    rows = ["72,a"] * 3000
    rows[10] = "72,a,extra"  # dropped by the parser: later rows must not shift
    rows[2500] = "-1,b"
    source = write(tmp_path / "in.csv", "height,id\n" + "\n".join(rows) + "\n")
    result = score_file(source, tmp_path / "out.csv", scorer, block_size=2048)
    described = sorted((f.check, f.row, f.line) for f in result.failures.examples)
    assert described == [("field_count", 11, 12), ("greater than 45 inches", 2501, 2502)]
    assert not (tmp_path / "out.csv").exists()


def test_the_report_is_capped_but_the_counts_are_exact(tmp_path, scorer):
    source = write(tmp_path / "in.csv", "height\n" + "-1\n" * 25_000 + "abc\n" * 7)
    result = score_file(source, tmp_path / "out.csv", scorer, block_size=4096)
    assert result.failures.total == 25_007
    assert len(result.failures.examples) == result.failures.cap
    counts = {check: n for (_, check), n in result.failures.counts.items()}
    assert counts == {"greater than 45 inches": 25_000, "is_number": 7}


def test_a_rejected_run_leaves_an_existing_output_and_no_temporaries(tmp_path, scorer):
    output = write(tmp_path / "out.csv", "previous results\n")
    source = write(tmp_path / "in.csv", "height\n72\nabc\n")
    assert not score_file(source, output, scorer).ok
    assert output.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_temporaries_of_a_killed_run_are_removed_by_the_next(tmp_path, scorer):
    stale = write(tmp_path / ".out.csv.partial-999999999-x", "half")
    source = write(tmp_path / "in.csv", "height\n72\n")
    assert score_file(source, tmp_path / "out.csv", scorer).ok
    assert not stale.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: (d / "missing.csv", d / "out.csv"), "input file not found"),
        (lambda d: (write(d / "in.csv", "height\n1\n"), d / "in.csv"), "must not be the INPUT"),
        (lambda d: (write(d / "in.csv", "height\n1\n"), d / "nowhere" / "out.csv"), "output folder does not exist"),
        (lambda d: (write(d / "in.csv", "height\n1\n"), d), "OUTPUT is a directory"),
    ],
)
def test_unusable_paths_raise_one_clear_error(tmp_path, scorer, make, message):
    source, target = make(tmp_path)
    with pytest.raises(ModelgateError, match=message):
        score_file(source, target, scorer)


def test_the_input_is_never_written(tmp_path, scorer):
    source = write(tmp_path / "in.csv", "height\n72\n")
    os.chmod(source, 0o444)
    assert score_file(source, tmp_path / "out.csv", scorer).ok
    assert source.read_text() == "height\n72\n"


def test_a_published_output_gets_the_usual_file_mode(tmp_path, scorer):
    source = write(tmp_path / "in.csv", "height\n72\n")
    assert score_file(source, tmp_path / "out.csv", scorer).ok
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o666 & ~umask


# -- a model of several inputs ----------------------------------------------------------------------------------------


def _flats_frame(path) -> pd.DataFrame:
    """The flats of a batch file as the model was fitted on them, read here with pandas alone: numbers as floats (a
    blank age as NaN), the district as text, the garden as a boolean."""
    found = pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "area": found["area"].astype(float),
            "district": found["district"].astype(object),
            "age": found["age"].map(lambda t: float(t) if t else np.nan),
            "garden": found["garden"].map({"yes": True, "no": False}).astype(bool),
        }
    )


def test_a_good_file_of_flats_is_scored_with_its_columns_passed_through(tmp_path, flats_scorer, flats_model, flats_training):
    rows = [[f"id-{i}", *cells] for i, cells in enumerate(flats.training_rows(flats_training) * 3)]
    rows[5][3] = ""  # an age not known: the contract allows it
    assert sum(row[3] == "" for row in rows) > 100, "the training data leaves ages blank too"
    source = flats.write_file(tmp_path / "in.csv", rows, extra=("id",))
    result = score_file(source, tmp_path / "out.csv", flats_scorer, block_size=4096)
    assert result.ok and result.rows == len(rows), result.failures.summary()
    scored = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(scored.columns) == ["id", *flats.NAMES, flats.OUTPUT]
    assert scored[["id", *flats.NAMES]].values.tolist() == rows
    expected = predicted(flats_model, _flats_frame(source))
    assert [float(p) for p in scored[flats.OUTPUT]] == expected.tolist()


def test_a_file_of_flats_with_no_age_known_is_scored(tmp_path, flats_scorer, flats_model):
    rows = [["60", "North", "", "yes"], ["120.5", "East", "", "no"], ["33", "West", "", "no"]]
    source = flats.write_file(tmp_path / "in.csv", rows)
    assert score_file(source, tmp_path / "out.csv", flats_scorer).ok
    scored = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert scored["age"].tolist() == ["", "", ""]
    assert [float(p) for p in scored[flats.OUTPUT]] == predicted(flats_model, _flats_frame(source)).tolist()


BROKEN = [
    ("district", "Nowhere", "one of North, South, East, West"),
    ("district", "north", "one of North, South, East, West"),  # categories are compared exactly
    ("district", " North", "one of North, South, East, West"),
    ("district", "", "not_nullable"),
    ("area", "", "not_nullable"),
    ("area", "400.5", "at most 400 m2"),
    ("area", "9.99", "at least 10 m2"),
    ("area", "ten", "is_number"),
    ("age", "-1", "at least 0 years"),
    ("age", "151", "at most 150 years"),
    ("garden", "Yes", "is_yes_no"),
    ("garden", "", "not_nullable"),
]


@pytest.mark.parametrize(("column", "cell", "rule"), BROKEN, ids=[f"{c}={v!r}" for c, v, _ in BROKEN])
def test_a_broken_rule_of_the_flats_names_its_line_column_and_rule(tmp_path, flats_scorer, flats_training, column, cell, rule):
    rows = flats.training_rows(flats_training) * 8  # several read blocks of 4 KiB
    row = random.Random(f"{column}{cell}").randrange(len(rows))
    rows[row] = list(rows[row])
    rows[row][flats.NAMES.index(column)] = cell
    source = flats.write_file(tmp_path / "in.csv", rows)
    output = write(tmp_path / "out.csv", "yesterday's prices\n")
    result = score_file(source, output, flats_scorer, block_size=4096)
    assert [(f.line, f.column, f.check) for f in result.failures.examples] == [(row + 2, column, rule)]
    assert result.failures.total == 1 and result.output is None
    assert output.read_text() == "yesterday's prices\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


# -- a classifier -----------------------------------------------------------------------------------------------------
CLASSIFIERS = {
    "penguins": (ROOT / "examples" / "penguins", "sample_input.csv", "species"),
    "cancer": (ROOT / "examples" / "cancer", "evaluation.csv", "diagnosis"),
}


@pytest.mark.parametrize("example", CLASSIFIERS)
def test_a_classifiers_file_gets_its_class_and_a_probability_column_per_class(request, tmp_path, example):
    """The header's added columns come from the features' classes sentence (read here); each row's values are the
    model's own ``predict_proba`` by class name, rounded to the stated decimals, and the class its rule picks."""
    folder, name, answer = CLASSIFIERS[example]
    model_dir = request.getfixturevalue(f"{example}_model")
    written = pd.read_csv(folder / "data" / name, dtype=str, keep_default_na=False)
    written = written.drop(columns=[answer], errors="ignore")  # the evaluation file holds the true diagnosis
    source = tmp_path / "in.csv"
    written.to_csv(source, index=False, lineterminator="\n")
    result = score_file(source, tmp_path / "out.csv", artifact.load(model_dir).scorer(), block_size=1024)
    assert result.ok and result.rows == len(written), result.failures.summary()
    sentence = re.search(
        r"it answers the (\w+), one of (.+?)(?:, \w+ being the positive class.*?)?, with the probability",
        (folder / "features" / "model.feature").read_text(),
    )
    classes = re.split(r", | or ", sentence[2])
    scored = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(scored.columns) == [*written.columns, sentence[1], *(f"probability_{c}" for c in classes)]
    assert scored[list(written.columns)].values.tolist() == written.values.tolist()
    contract = artifact.load(model_dir).contract
    rows = [{s.name: _cell(s, cells[s.name]) for s in contract.inputs} for cells in written.to_dict("records")]
    labels, probabilities = own_classes(model_dir, rows)
    assert scored[sentence[1]].tolist() == labels
    for label in classes:
        assert [float(v) for v in scored[f"probability_{label}"]] == [p[label] for p in probabilities], label


def _cell(spec, text: str):
    if text == "":
        return None
    return float(text) if spec.numeric else text
