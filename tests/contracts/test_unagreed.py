"""Every value still to be agreed in a features folder, one line each naming file, line and what: in a step, in a
cell of a data table or of an outline's examples, and anywhere else in the text (a description, a comment)."""

from __future__ import annotations

from modelgate.contracts.unagreed import UNAGREED, find

from tests.contracts.folders import write_features

DRAFT = f"""Feature: A draft
  Whose answer is {UNAGREED} in the description.

  Scenario Outline: An agreed row
    When a client asks for the y of <x>
    Then the answer is <y>, give or take 0.1 ({UNAGREED})
    # a comment {UNAGREED}

    Examples:
      | x | y            |
      | 1 | {UNAGREED} |
      | 2 | 3            |
"""


def test_each_marker_is_one_line_naming_file_line_and_what(tmp_path):
    folder = write_features(tmp_path / "f", {"a.feature": DRAFT, "b.feature": "Feature: agreed\n"})
    path = folder / "a.feature"
    assert find(folder) == [
        f"{path}, line 2: 'Whose answer is … in the description.' is {UNAGREED}",
        f"{path}, line 6: the step 'Then the answer is <y>, give or take 0.1' is {UNAGREED}",
        f"{path}, line 7: '# a comment …' is {UNAGREED}",
        f"{path}, line 11: the y agreed for this row is {UNAGREED}",
    ]


def test_features_with_nothing_to_agree_have_no_line(tmp_path):
    from modelgate.steps.support import ROOT

    for folder in (ROOT / "features", ROOT / "examples" / "penguins" / "features", ROOT / "examples" / "diabetes" / "features"):
        assert find(folder) == []
    assert find(tmp_path / "absent") == []
