"""The contract language: the sentences (Gherkin steps, matched by their whole text) in which a model's features state
its contract. :mod:`.reader` finds them; the step library binds the same sentences to checks. Each pattern names no
input or output of any one model: those words are captured, and checked against the declared inputs.

Written in the README's "Writing a contract" section, with an example of each.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache

N = r"[+-]?[0-9]+(?:\.[0-9]+)?"
WORD = r"[A-Za-z_][A-Za-z0-9_]*"

# The declaration: a table of inputs, and the output.
INPUTS = re.compile(r"(?:it|the model) takes these inputs:?")
OUTPUT = re.compile(
    rf"(?:it|the model) answers (?:the |a |an )?(?P<name>{WORD})(?: in (?P<unit>[^,]+?))?"
    r", rounded to (?P<decimals>[0-9]+) decimals?"
)
# A classifier's answer: its classes by their business names (in the order stated) with the probability of each; a
# binary one may name its positive class and the probability at which it is answered.
OUTPUT_CLASSES = re.compile(
    rf"(?:it|the model) answers (?:the |a |an )?(?P<name>{WORD}), one of (?P<classes>.+?)"
    rf"(?:, (?P<positive>[^,]+?) being the positive class(?: when its probability is at least (?P<threshold>{N}))?)?"
    r", with the probability of each rounded to (?P<decimals>[0-9]+) decimals?"
)
# The model's card: a table of what it is for, what it was trained on, ... (:mod:`.card`).
CARD = re.compile(r"(?:its|the model's) card reads:?")

# Columns of the inputs table (headers compared in lower case); an accepted range in the table states its source and
# owner in the last two (:mod:`.rationale`).
INPUT_COLUMNS = ("input", "meaning", "unit", "kind", "accepted", "may be missing", "source", "owner")

# An input's accepted numbers, as a sentence (for an input whose table cell "accepted" is left empty).
ACCEPTS = re.compile(rf"the service accepts (?P<what>{WORD}) (?P<range>.+?[0-9])(?: (?P<unit>[^,0-9]+))?, and no others")

# Agreed answers: the Then step of a Scenario Outline (examples: one column per input and the output), or a step
# after a step carrying a data table of rows.
GOLDEN_OUTLINE = re.compile(
    rf"the answer is <(?P<output>{WORD})>(?: (?P<unit>[^,]+?))?, give or take (?P<tolerance>{N})(?: (?P<unit2>.+))?"
)
GOLDEN_TABLE = re.compile(rf"each answer is the agreed (?P<output>{WORD}), give or take (?P<tolerance>{N})(?: (?P<unit>.+))?")

# A classifier's agreed classes: an outline's Then step (examples: the inputs, the class, and where agreed its
# probability), or a step after a table of rows.
GOLDEN_LABEL_OUTLINE = re.compile(
    rf"the answer is <(?P<output>{WORD})>(?:, its probability <(?P<probability>{WORD})> give or take (?P<tolerance>{N}))?"
)
GOLDEN_LABEL_TABLE = re.compile(
    rf"each answer is the agreed (?P<output>{WORD})(?:, its probability give or take (?P<tolerance>{N}))?"
)
PROBABILITY_COLUMN = "probability"  # the agreed probability of the agreed class, in a label table

# A classifier's quality, in the metrics that fit the task.
METRIC = r"(?P<metric>balanced accuracy|accuracy|macro F1|F1 for [^,]+?|ROC AUC|log loss|Brier score)"
METRIC_UNSEEN = re.compile(rf"its {METRIC} on (?P<who>.+?) it was not trained on is between (?P<low>{N}) and (?P<high>{N})")
METRIC_EVALUATION = re.compile(rf"its {METRIC} on the evaluation (?P<who>.+?) is between (?P<low>{N}) and (?P<high>{N})")
BASELINE = re.compile(
    rf"its {METRIC} on (?P<who>.+?) it was not trained on beats always answering the most frequent (?P<output>{WORD})"
    rf" by at least (?P<margin>{N})"
)
CALIBRATION = re.compile(rf"its expected calibration error on (?P<who>.+?) it was not trained on is at most (?P<limit>{N})")
CHAMPION_METRIC = re.compile(rf"the new model's {METRIC} is at most (?P<margin>{N}) worse than the production model's")

# Quality and risk.
R2_BAND = re.compile(rf"its recorded R² on the training data is between (?P<low>{N}) and (?P<high>{N})")
TYPICAL_ERROR = re.compile(
    rf"on (?P<who>.+?) it was not trained on, its typical error is at most (?P<limit>{N})(?: (?P<unit>.+))?"
)
# Quality per group: the typical error in each group of one input (a category's values, or bands of a number cut at the
# points stated, each point opening the band above it: "split at 62 and 70" makes below 62, 62 up to 70, 70 and over),
# and the most the best and the worst group may differ.
GROUP_ERROR = re.compile(
    rf"on (?P<who>.+?) it was not trained on, its typical error for each (?P<what>{WORD}) group"
    rf"(?: split at (?P<cuts>.+?))? is at most (?P<limit>{N})(?: (?P<unit>.+))?"
)
GROUP_GAP = re.compile(
    rf"the typical errors of its best and worst (?P<what>{WORD}) groups differ by at most (?P<gap>{N})(?: (?P<unit>.+))?"
)
# How sure each answer is: the range an answer states for a level (the answer give or take the miss that so many in 100
# rows it was not trained on stay within), and the share of the evaluation rows that range must hold, at least.
INTERVAL = re.compile(
    rf"on the evaluation (?P<who>.+?), the range its answer states for (?P<level>[0-9]+) in 100 holds the real"
    rf" (?P<output>{WORD}) of at least (?P<coverage>{N}) in 100"
)
MARGIN = re.compile(
    rf"the new model's typical error is at most (?P<margin>{N})(?: (?P<unit>.+?))? worse than the production model's"
)
OUTPUT_BOUNDS = re.compile(
    rf"every (?P<output>{WORD}) it gives for (?:an? )?accepted (?P<what>.+?) is at least (?P<low>{N}) and at most (?P<high>{N})"
    r"(?: (?P<unit>.+))?"
)
MONOTONIC = re.compile(
    rf"over all accepted (?P<what>{WORD}) an? (?P<more>\w+) (?P<who>\w+) never gets an? (?P<way>lower|higher) (?P<output>{WORD})"
)
MONOTONIC_PLAIN = re.compile(
    rf"the (?P<output>{WORD}) never (?P<way>falls|rises) as (?:the )?(?P<what>{WORD}) (?:rises?|grows?|increases?)"
)
# ``what``: whose stability index (the inputs, e.g. "its measurements'", and a classifier's "predicted <output> shares'").
DRIFT_WARN = re.compile(rf"(?P<what>.*)stability index against the training .+ is below the warning level of (?P<warn>{N})")
DRIFT_REFUSE = re.compile(rf"the file is refused, its (?P<what>.*)stability index being at least (?P<refuse>{N})")
DRIFT_ROWS = re.compile(r"a file of (?P<rows>[0-9]+) or more .+ is judged for drift")
# A smaller file (of fewer rows than DRIFT_ROWS states, and at least these) is judged on wider bands, a number's ten
# bands of the training deciles merged in pairs (each a fifth of the training rows), and refused at a level of its own.
DRIFT_SMALL = re.compile(
    r"a smaller file of (?P<rows>[0-9]+) or more (?P<what>.+?) is refused when its stability index on five bands,"
    rf" each a fifth of the training .+, is at least (?P<refuse>{N})"
)
EXTRAPOLATION_FLAG = re.compile(r"the answer marks as extrapolations exactly the .+ outside those the model was trained on")
EXTRAPOLATION_REFUSE = re.compile(r"the service refuses (?:the )?.+ outside those the model was trained on")


def names(what: str, name: str) -> bool:
    """Does ``what`` (as a sentence writes it: ``ages``) name the input ``name``?"""
    return what in (name, f"{name}s", f"{name}es") or (name.endswith("y") and what == f"{name[:-1]}ies")


# A step that states no sentence above but holds, in order, this share of one sentence's fixed words is a misspelt
# sentence, not a sentence of the step library: on the features shipped here the closest step-library sentence holds
# 0.77 of one, a one-letter slip 0.97 and more. Sentences of fewer fixed characters are too short to tell; ACCEPTS is
# also the step library's own "the service accepts every input's accepted values, and no others".
NEAR = 0.9
NEAR_LEAST = 30


def skeleton(pattern: str) -> str:
    """A sentence's fixed words as a reviewer reads them, each captured or optional part as ``…`` or left out:
    ``on … it was not trained on, its typical error is at most …``."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "(":
            end = _closing(pattern, i)
            inner = pattern[i + 1 : end]
            if inner.startswith(("?P<", "?P=")):
                out.append("…")
            elif pattern[end + 1 : end + 2] != "?":  # a group of alternatives, written as its first
                out.append(skeleton(inner.removeprefix("?:").split("|")[0]))
            i = end + 1  # what follows a group or a class (a quantifier, "?" for optional) is dropped as any is below
        elif c == "\\":
            out.append(pattern[i + 1])
            i += 2
        elif c in "[.":
            i = pattern.index("]", i) + 1 if c == "[" else i + 1
            out.append("…")
        else:
            out.append("" if c in "?*+" else c)
            i += 1
    return re.sub("…+", "…", "".join(out))


def _closing(pattern: str, start: int) -> int:
    """Where the group opened at ``start`` closes (escapes and character classes skipped)."""
    depth, i = 0, start
    while True:
        c = pattern[i]
        if c == "\\":
            i += 1
        elif c == "[":
            i = pattern.index("]", i + 1)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1


@cache
def _skeletons() -> list[tuple[str, str, frozenset[str]]]:
    """(skeleton, its fixed characters, its fixed words) of each sentence long enough to tell a near miss by."""
    patterns = [value for key, value in globals().items() if isinstance(value, re.Pattern) and key != "ACCEPTS"]
    found = [(words, words.replace("…", "")) for words in (skeleton(pattern.pattern) for pattern in patterns)]
    return [(words, fixed, frozenset(re.findall(r"\w+", fixed))) for words, fixed in found if len(fixed) >= NEAR_LEAST]


@cache
def near_miss(text: str) -> str | None:
    """The sentence ``text`` nearly is (its :func:`skeleton`), if it holds :data:`NEAR` of one's fixed characters, in
    order; None for a sentence that is no contract sentence at all. (Ask only of a text that matches none.) A slip
    spoils a word or two: a sentence that shares under half of a sentence's fixed words is not compared letter by
    letter."""
    best, like = 0.0, None
    said = set(re.findall(r"\w+", text))
    for words, fixed, vocabulary in _skeletons():
        if len(vocabulary & said) * 2 < len(vocabulary):
            continue
        held = sum(block.size for block in SequenceMatcher(None, fixed, text, autojunk=False).get_matching_blocks())
        if held / len(fixed) > best:
            best, like = held / len(fixed), words
    return like if best >= NEAR else None
