"""contracts.places: a place is ``<file>, line <n>``, and another line of the same file keeps the whole file's path,
even where a folder's own name holds ``, line ``."""

from __future__ import annotations

import re
import shutil

import pytest
from modelgate.contracts.places import at, beside, line_of
from modelgate.contracts.reader import ContractError, read_contract
from modelgate.steps.support import FEATURES

from tests.contracts.folders import line_of as written_at

ODD = "release, line 2 of 3, line 4"  # a folder name a team might write, holding the separator twice


def test_a_place_is_its_file_and_line_and_another_line_keeps_the_whole_path():
    assert at("features/model.feature", 8) == "features/model.feature, line 8"
    assert beside(f"{ODD}/model.feature, line 8", 11) == f"{ODD}/model.feature, line 11"
    assert line_of(f"{ODD}/model.feature, line 8") == "line 8"


def test_a_problem_in_a_table_row_names_the_whole_path_of_a_folder_named_with_the_separator(tmp_path):
    folder = tmp_path / ODD / "features"
    shutil.copytree(FEATURES, folder)
    model = folder / "model.feature"
    model.write_text(re.sub(r"\| period +\|[^|]*\|", "| period | |", model.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ContractError) as refused:
        read_contract(folder)
    assert refused.value.problems == [f"{written_at(folder, 'model.feature', '| period')}: the card's 'period' is empty"]
