"""Every value still to be agreed in a features folder, one line each naming file, line and what: in a step, in a
cell of a data table or of an outline's examples, and anywhere else in the text (a description, a comment)."""

from __future__ import annotations

from modelgate.contracts.unagreed import PROPOSED, UNAGREED, find

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


def test_a_marker_in_a_background_a_rule_a_card_or_a_numbers_source_is_named_by_what_it_holds(tmp_path):
    text = f"""Feature: A draft model
  Background:
    Given the model answers the weight of a height{PROPOSED}

  Rule: its limits
    Scenario: its typical error
      Then on people it was not trained on, its typical error is at most 11 pounds{PROPOSED}
        | source | {UNAGREED} |
        | owner  | the team   |
      And its card reads:
        | what it is for | {UNAGREED} |
        | owner          | the team   |
"""
    folder = write_features(tmp_path / "f", {"a.feature": text, "b.feature": f"# the weights are {UNAGREED}\n"})
    limit = "on people it was not trained on, its typical error is at most 11 pounds"
    assert find(folder) == [
        f"{folder / 'a.feature'}, line 3: the step 'Given the model answers the weight of a height' is {UNAGREED}",
        f"{folder / 'a.feature'}, line 7: the step 'Then {limit}' is {UNAGREED}",
        f"{folder / 'a.feature'}, line 8: the source of '{limit}' is {UNAGREED}",
        f"{folder / 'a.feature'}, line 11: the card's 'what it is for' is {UNAGREED}",
        f"{folder / 'b.feature'}, line 1: '# the weights are …' is {UNAGREED}",  # a file of no feature, a comment only
    ]
