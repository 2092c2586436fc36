"""contracts.sentences: how a sentence names an input, and what a reviewer is told a nearly right sentence should read.
The expected readings are the sentences as the feature files write them, with each stated part as ``…``."""

from __future__ import annotations

import re

import pytest
from modelgate.contracts import sentences as say


@pytest.mark.parametrize(
    ("what", "name", "named"),
    [
        ("height", "height", True),
        ("heights", "height", True),
        ("boxes", "box", True),
        ("bodies", "body", True),
        ("body", "body", True),
        ("bodys", "body", True),  # what a reviewer may write: the plain plural
        ("boies", "body", False),
        ("bodie", "body", False),
        ("weights", "height", False),
        ("heightss", "height", False),
        ("ies", "y", True),
        ("ies", "x", False),
    ],
)
def test_a_sentence_names_an_input_by_its_name_or_its_plural(what, name, named):
    assert say.names(what, name) is named


@pytest.mark.parametrize(
    ("sentence", "reads"),
    [
        (say.TYPICAL_ERROR, "on … it was not trained on, its typical error is at most …"),
        (say.GROUP_ERROR, "on … it was not trained on, its typical error for each … group is at most …"),
        (say.OUTPUT, "it answers …, rounded to … decimals"),
        (say.DRIFT_ROWS, "a file of … or more … is judged for drift"),
        (say.DRIFT_WARN, "…stability index against the training … is below the warning level of …"),
        (say.MONOTONIC_PLAIN, "the … never … as … rises"),
        (say.OUTPUT_BOUNDS, "every … it gives for accepted … is at least … and at most …"),
        (say.INPUTS, "it takes these inputs:"),
    ],
    ids=["typical error", "group error", "output", "drift rows", "drift warning", "monotonic", "output bounds", "inputs"],
)
def test_a_sentence_reads_as_its_fixed_words_with_each_stated_part_left_open(sentence, reads):
    assert say.skeleton(sentence.pattern) == reads


@pytest.mark.parametrize(
    ("pattern", "reads"),
    [
        (r"a \(b\) c", "a (b) c"),  # an escaped bracket is a word of the sentence
        (r"a [0-9]+ b", "a … b"),
        (r"a (?:b|c) d", "a b d"),  # alternatives: the first
        (r"a(?: b)? c", "a c"),  # an optional part: left out
        (r"a (?P<x>[)]+) b", "a … b"),  # a bracket in a character class does not close the group
        (r"a (?P<x>(?:b|c)+) d", "a … d"),
        (r"x.* y", "x… y"),
        (r"x.y[ab]z", "x…y…z"),  # one any, one class: each a part, what follows each kept
        (r"a[b]c[d]e", "a…c…e"),  # each class closes at its own bracket
        (r"a\] [b]c", "a] …c"),  # an escaped bracket before a class is no end of it
        (r"(?P<x>a)(?P=x) b", "… b"),  # a name and its repetition: one part
        (r"a (?P<x>\)+) b", "a … b"),  # an escaped bracket inside a group does not close it
        (r"(?P<x>a\))-(?P<y>b) c", "…-… c"),  # the bracket after an escaped one does
        (r"Xs and (?:Ys|Zs)?", "Xs and "),  # capital letters are words too
    ],
    ids=[
        "escaped",
        "class",
        "alternatives",
        "optional",
        "bracket in a class",
        "nested",
        "any",
        "any and class",
        "two classes",
        "escaped bracket first",
        "repeated name",
        "escaped bracket in a group",
        "escaped then closing",
        "capitals",
    ],
)
def test_the_skeleton_of_each_kind_of_pattern_part(pattern, reads):
    assert say.skeleton(pattern) == reads


@pytest.mark.parametrize(
    ("text", "like"),
    [
        ("on people it was not trained on, its typical eror is at most 11 pounds", say.skeleton(say.TYPICAL_ERROR.pattern)),
        ("a file of 100 or more heights is judged for drfit", "a file of … or more … is judged for drift"),
        ("a file of 100 or more heights", None),  # too little of any sentence
        ("the model is told a person's height", None),
    ],
    ids=["a slip", "another slip", "too little", "no sentence"],
)
def test_a_near_miss_names_the_sentence_it_nearly_is(text, like):
    assert say.near_miss(text) == like


def _compared() -> set[str]:
    """The sentences a near miss is compared with (uncached: read again under a changed least)."""
    kept = {words for words, _, _ in say._skeletons.__wrapped__()}
    return {name for name, value in vars(say).items() if isinstance(value, re.Pattern) and say.skeleton(value.pattern) in kept}


def test_only_sentences_of_enough_fixed_words_are_compared_and_the_step_librarys_own_is_not(monkeypatch):
    # Under 30 fixed characters: "it takes these inputs:" (22), "its card reads:" (15), "the answer is <…>" (16),
    # "each answer is the agreed …" (26), "the … never … as … rises" (21); and the step library's "the service accepts".
    short = {"INPUTS", "CARD", "GOLDEN_LABEL_OUTLINE", "GOLDEN_LABEL_TABLE", "MONOTONIC_PLAIN"}
    every = {name for name, value in vars(say).items() if isinstance(value, re.Pattern)}
    assert _compared() == every - short - {"ACCEPTS"}
    # "the answer is <…>, give or take …" has 31: compared from a least of 31, not from 32.
    monkeypatch.setattr(say, "NEAR_LEAST", 31)
    assert "GOLDEN_OUTLINE" in _compared()
    monkeypatch.setattr(say, "NEAR_LEAST", 32)
    assert "GOLDEN_OUTLINE" not in _compared()
