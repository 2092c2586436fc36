"""The limits ``modelgate init`` proposes from the data alone, each marked ``(to be agreed)``: a regression's R² band,
its typical error (that of always answering the median, which any useful model beats) and its plausible answers (the
observed ones widened by their span on each side); a classifier's accuracy and log loss bands and its margin over
always answering the most frequent class (from that baseline); the drift levels (the examples'). Written as the
quality and risk features (:mod:`.features` writes the rest).
"""

from __future__ import annotations

import math
from collections import Counter

from modelgate.contracts.inputs import CATEGORY, YES_NO
from modelgate.contracts.unagreed import PROPOSED
from modelgate.draft.observed import REGRESSION, Data, outward, written

WHO = "rows"  # what the sentences call the data's rows; a reviewer may write patients, penguins...
DRIFT = (0.35, 0.7, 100)  # warning level, refusal level, rows judged: the examples' levels, set above a sample's noise


def _up(number: float, digits: int = 2) -> float:
    """``number`` rounded up to ``digits`` significant digits (48.23 -> 49)."""
    if number <= 0:
        return 0.0
    scale = 10 ** (math.floor(math.log10(number)) - digits + 1)
    return math.ceil(round(number / scale, 9)) * scale


def quality(data: Data) -> str:
    answers = sorted(data.numbers())
    median = answers[len(answers) // 2] if len(answers) % 2 else sum(answers[len(answers) // 2 - 1 :][:2]) / 2
    constant = sum(abs(a - median) for a in answers) / len(answers)
    return "\n".join([
        "@model",
        "Feature: Model quality",
        f"  Proposed from the data alone: always answering the median {data.target} ({written(median)}) misses by",
        f"  {written(round(constant, 4))} on average, so a useful model's typical error on rows it was not trained on",
        "  is below that. Its typical error is how far its answer is from the real one on average, above or below",
        "  (the mean absolute error). Set the R² band and the typical error around what the model gives, and agree them.",
        "",
        "  Background:",
        "    Given the model under test and the training data its record names",
        "",
        "  Scenario: The model's R² on its training data lies inside the agreed band",
        f"    Then its recorded R² on the training data is between 0 and 1{PROPOSED}",
        "",
        "  Scenario: On rows it was not trained on, the model's typical error is small",
        f"    When each fifth of the training {WHO} is predicted by a model fitted on the other four fifths",
        f"    Then on {WHO} it was not trained on, its typical error is at most {written(_up(constant))}{PROPOSED}",
        f"    And its record states that typical error, the spread of its errors and its R² on those {WHO}",
        "",
        "  Scenario: The model's record states what it was trained on and how well it fits",
        "    Then its record names the training data with its row count and fingerprint",
        "    And the R² in its record matches the R² of its answers on the training data, computed here",
        "",
    ])  # fmt: skip


def class_quality(data: Data) -> str:
    shares = Counter(data.answers())
    most, count = shares.most_common(1)[0]
    share = count / len(data.rows)
    entropy = -sum(n / len(data.rows) * math.log(n / len(data.rows)) for n in shares.values())
    low = math.floor(share * 100) / 100
    margin = math.floor((1 - share) / 2 * 100) / 100
    return "\n".join([
        "@model",
        "Feature: Model quality",
        f"  Proposed from the data alone: always answering the most frequent {data.target} ({most}) is right for",
        f"  {written(round(share, 4))} of the rows, with a log loss of {written(round(entropy, 4))}; a useful model does",
        "  better on rows it was not trained on. Set the bands around what the model gives, and agree them. Its",
        "  accuracy is the share of rows it answers right; its log loss is how surprised it is by the real answer on",
        "  average: minus the logarithm of the probability it gave that answer.",
        "",
        "  Background:",
        "    Given the model under test and the training data its record names",
        "",
        f"  Scenario: On rows it was not trained on, the model tells the {data.target} well",
        f"    When each fifth of the training {WHO} is predicted by a model fitted on the other four fifths",
        f"    Then its accuracy on {WHO} it was not trained on is between {written(low)} and 1{PROPOSED}",
        f"    And its log loss on {WHO} it was not trained on is between 0 and {written(_up(entropy))}{PROPOSED}",
        "",
        f"  Scenario: The model answers better than always guessing the most frequent {data.target}",
        f"    When each fifth of the training {WHO} is predicted by a model fitted on the other four fifths",
        f"    Then its accuracy on {WHO} it was not trained on beats always answering the most frequent {data.target}"
        f" by at least {written(margin)}{PROPOSED}",
        "",
    ])  # fmt: skip


def _bounds(data: Data) -> list[str]:
    if data.task != REGRESSION:
        return []
    answers = data.numbers()
    span = max(answers) - min(answers)
    low, high = outward(min(answers) - span, max(answers) + span)
    return [
        "",
        "  Scenario: Every answer is in the agreed range",
        "    Given the model under test",
        f"    Then every {data.target} it gives for accepted {WHO} is at least {written(low)} and at most {written(high)}"
        f"{PROPOSED}",
    ]


def _drift(data: Data) -> list[str]:
    """The drift rule, with a scenario of a file of one category's rows; none without a category input to draw it by."""
    by = next((c for c in data.inputs if c.kind in (CATEGORY, YES_NO)), None)
    if by is None:
        return []
    warn, refuse, rows = DRIFT
    return [
        "",
        f"  Scenario: A file of {WHO} like the training {WHO} is scored as usual",
        f"    Given a file of the inputs of the evaluation {WHO}",
        "    When the file is scored with the drift check",
        f"    Then its inputs' stability index against the training {WHO} is below the warning level of {written(warn)}"
        f"{PROPOSED}",
        "    And the file is scored",
        "",
        f"  Scenario: A file of the {WHO} of one {by.name} only is refused",
        f"    Given a file of the inputs of the training {WHO} seen on {by.values[0]}",
        f"    And a file of {rows} or more {WHO} is judged for drift{PROPOSED}",
        "    When the file is scored with the drift check",
        f"    Then the file is refused, its {by.name}'s stability index being at least {written(refuse)}{PROPOSED}",
        "    And nothing is written for it",
    ]


def risk(data: Data) -> str:
    return "\n".join([
        "@risk",
        "Feature: Model risk",
        "  Only plausible rows are answered: a value outside its accepted range, or a category not declared, is",
        "  refused. The drift levels are a start: a file drawn like the training rows already shows a stability index",
        "  of 0.1 to 0.3 in some input, so set them from your own files (modelgate score prints each input's index).",
        "  A file's stability index compares how its rows spread over ten bands of each input (or over its values)",
        "  with how the training rows spread: 0 when alike, larger the less alike.",
        "",
        "  @api",
        "  Scenario: Only plausible inputs are accepted",
        "    Given the scoring service is running",
        "    Then the service accepts every input's accepted values, and no others",
        *_bounds(data),
        *_drift(data),
        "",
    ])  # fmt: skip
