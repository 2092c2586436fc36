"""Drift on smaller files: a file of fewer rows than the drift rule judges, and at least the rows the smaller files'
rule states, is judged on five wider bands (each two of the training deciles' ten) and refused at a level of its
own; below that it is not judged. The rule is the features' (risk.feature), read into the contract."""

from __future__ import annotations

import shutil

import pytest
from modelgate.contracts.contract import Contract
from modelgate.contracts.facts import REFUSED, STABLE, TOO_FEW, WARNING, DriftLimits
from modelgate.contracts.reader import ContractError, read_contract
from modelgate.model import stability
from modelgate.steps.support import FEATURES

from modelgate.cli import main

SMALLER = "a smaller file of 50 or more heights is refused when its stability index on five bands"


def test_the_bundled_contract_judges_files_of_50_to_99_heights_on_five_bands():
    assert SMALLER in (FEATURES / "risk.feature").read_text(encoding="utf-8")
    drift = read_contract(FEATURES).drift
    assert drift == DriftLimits(0.1, 0.25, 100, 50, 1.0)
    assert Contract.loads(read_contract(FEATURES).dumps()).drift == drift


@pytest.mark.parametrize(
    ("psi", "rows", "verdict"),
    [
        (5.0, 49, TOO_FEW),
        (0.99, 50, STABLE),  # no warning for a smaller file: its index is too spread by chance alone
        (1.0, 50, REFUSED),
        (float("nan"), 60, REFUSED),
        (0.99, 99, STABLE),
        (0.3, 100, REFUSED),
        (0.1, 100, WARNING),
    ],
)
def test_a_smaller_file_is_refused_at_its_own_level_and_a_larger_by_the_rule(psi, rows, verdict):
    assert DriftLimits(0.1, 0.25, 100, 50, 1.0).verdict(psi, rows) == verdict
    assert DriftLimits(0.1, 0.25, 100).verdict(psi, rows) == (TOO_FEW if rows < 100 else verdict)


def test_five_bands_are_the_ten_deciles_bands_in_pairs_the_missing_band_kept():
    number = {"kind": "number", "deciles": [1, 2, 3, 4, 5, 6, 7, 8, 9], "missing": True}
    counted, shares = list(range(11)), [0.1] * 10 + [0.0]
    assert stability.widened(number, counted, shares) == ([1, 5, 9, 13, 17, 10], [0.2, 0.2, 0.2, 0.2, 0.2, 0.0])
    never_missing = number | {"missing": False}  # five bands and no more: no empty sixth
    assert stability.widened(never_missing, counted[:10], shares[:10]) == ([1, 5, 9, 13, 17], [0.2] * 5)
    category = {"kind": "category", "values": ["a", "b"], "missing": False}
    assert stability.widened(category, [3, 4], [0.5, 0.5]) == ([3, 4], [0.5, 0.5])


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("file of 50 or more", "file of 100 or more", "a smaller file of 100 or more rows must be smaller than the 100"),
    ],
)
def test_a_smaller_files_rule_that_is_not_one_stops_packaging_in_one_line(tmp_path, old, new, problem):
    features = tmp_path / "features"
    shutil.copytree(FEATURES, features)
    risk = features / "risk.feature"
    risk.write_text(risk.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    line = next(n for n, row in enumerate(risk.read_text(encoding="utf-8").splitlines(), 1) if "a smaller file of" in row)
    with pytest.raises(ContractError) as refused:
        read_contract(features)
    judged = f"judged at line {_rows_line(risk)} (and have one row or more)"
    assert refused.value.problems == [f"{risk}, line {line}: {problem} {judged}"]


def _rows_line(risk) -> int:
    return next(n for n, row in enumerate(risk.read_text(encoding="utf-8").splitlines(), 1) if "is judged for drift" in row)


def test_a_smaller_file_in_another_unit_is_refused_saying_on_five_bands(tmp_path, trained_model, capsys):
    source = tmp_path / "small.csv"
    # 60 heights inside the accepted range, all above every training height's fifth band: centimetres of short people
    source.write_text("height\n" + "".join(f"{140 + i * 0.1:.1f}\n" for i in range(60)), encoding="utf-8")
    assert main(["score", str(source), str(tmp_path / "out.csv"), "--model", str(trained_model), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "refused on five bands at 1" in err, err
    assert not (tmp_path / "out.csv").exists()
