"""The service's model: loaded and verified once at start-up; readiness says whether that worked. And the one recipe
for answering a request's rows, which the fast path and the FastAPI routes both follow.

It loads the model through ``model.served``: a serving form needs neither scikit-learn nor numpy."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from modelgate.contracts.contract import Contract
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.facts import REFUSE
from modelgate.model import served
from modelgate.model.forms.linear import rounded
from modelgate.model.manifest import read_manifest

log = logging.getLogger("modelgate.app")

# How many of the rows answered have a value outside the training data (the body stays exactly {"response": [...]});
# sent whenever the model records its training profile.
EXTRAPOLATED_HEADER = "X-Modelgate-Extrapolated"


@dataclass
class Answer:
    """What the service says to one request's validated rows: the answers (numbers, or a classifier's classes with
    the probability of each class by name), or the refusals (one error item each)."""

    answers: list = field(default_factory=list)
    refusals: list[dict] = field(default_factory=list)
    unseen: list[tuple[int, str]] = field(default_factory=list)  # (row, input) outside the training data
    probabilities: list[dict[str, float]] | None = None
    intervals: list[dict[str, dict[str, float]]] | None = None  # per row: level -> {"low", "high"}, when asked for

    @property
    def extrapolated(self) -> int:
        return len({row for row, _ in self.unseen})


class ModelState:
    def __init__(self, model_dir: Path, extrapolation: str | None = None):
        self.model_dir = Path(model_dir)
        self.model: served.Served | None = None
        self.contract: Contract | None = None  # known as soon as the contract verifies, even if the model does not
        self.reason = "model not loaded yet"
        self.extrapolation = extrapolation  # the operator's MODELGATE_EXTRAPOLATION; None: the contract's own rule

    def load(self) -> None:
        try:
            self.contract = read_manifest(self.model_dir).read_contract(self.model_dir)
        except ModelgateError:
            pass  # the load below says why
        try:
            loaded = served.load(self.model_dir)
        except ModelgateError as exc:
            self.reason = str(exc)
            log.error("model not ready: %s", exc)
            return
        self.model, self.contract, self.reason = loaded, loaded.contract, "ready"
        if not loaded.profiles:
            log.warning("model %s records no training profile: extrapolations cannot be flagged", loaded.version)
        log.info("model %s loaded and verified from %s (serving form: %s)", loaded.version, self.model_dir, loaded.form)

    @property
    def ready(self) -> bool:
        return self.model is not None

    @property
    def path(self) -> str | None:
        """The scoring endpoint, ``/<output>``, once the contract is known."""
        return f"/{self.contract.output.name}" if self.contract else None

    @property
    def refuses_extrapolation(self) -> bool:
        rule = self.extrapolation or (self.contract.extrapolation if self.contract else None)
        return rule == REFUSE

    def answer(self, rows: list[dict], where: list) -> Answer:
        """The answers to validated ``rows`` (``where``: the location prefix of a refusal, e.g. ``["query"]``)."""
        model = self.model
        assert model is not None, "answer() is only called once the model is ready"
        if model.single is not None:  # one number into a line
            (name,) = model.contract.names
            return self.answer_values([row[name] for row in rows], where)
        unseen = model.unseen(rows) if model.profiles else []
        if unseen and self.refuses_extrapolation:
            return Answer(refusals=self._refusals(unseen, lambda row, name: rows[row][name], len(rows), where), unseen=unseen)
        if model.classify_rows is not None:
            labels, probabilities = model.classify_rows(rows)
            classes = model.contract.output.classes
            return Answer(labels, unseen=unseen, probabilities=[dict(zip(classes, p)) for p in probabilities])
        return Answer(model.answer_rows(rows), unseen=unseen)

    def answer_values(self, values: list[float], where: list) -> Answer:
        """The same answers for the values of a one-number line's input, without a dict per row (the hot path)."""
        model = self.model
        assert model is not None and model.single is not None, "answer_values() is for a ready one-number line"
        name = model.contract.inputs[0].name
        unseen = model.unseen_values(name, values) if model.profiles else []
        if unseen and self.refuses_extrapolation:
            return Answer(refusals=self._refusals(unseen, lambda row, _: values[row], len(values), where), unseen=unseen)
        return Answer(model.single(values), unseen=unseen)

    def levels(self, header: str | None) -> tuple[list[str], str | None]:
        """The levels an ``X-Modelgate-Interval`` header asks for (``"80, 95"``), each once, and what is wrong with it
        (None when every level is one the model records)."""
        model = self.model
        assert model is not None, "levels() is only called once the model is ready"
        if header is None:
            return [], None
        recorded = model.manifest.intervals
        asked = list(dict.fromkeys(part.strip() for part in header.split(",")))
        if model.contract.output.is_class:
            return [], "a classifier's answer states the probability of each class, not a range"
        if not recorded:
            return [], "this model states no ranges: its contract agrees none"
        unknown = [level for level in asked if level not in recorded]
        if unknown or not asked:
            return [], f"ranges are stated for {' and '.join(recorded)} in 100, not for {', '.join(map(repr, unknown))}"
        return asked, None

    def ranges(self, answers: list[float], levels: list[str]) -> list[dict[str, dict[str, float]]]:
        """Each answer's range at each level: the answer give or take the level's half-width (recorded at packaging
        from the misses on rows the model was not fitted on), rounded as the answers are."""
        model = self.model
        assert model is not None
        widths, decimals = model.manifest.widths(levels), model.contract.output.decimals
        return [
            {level: {"low": rounded(a - w, decimals), "high": rounded(a + w, decimals)} for level, w in widths.items()}
            for a in answers
        ]

    def _refusals(self, unseen: list[tuple[int, str]], value, rows: int, where: list) -> list[dict]:
        model = self.model
        assert model is not None
        return [
            {
                "loc": [*where, name] if rows == 1 else [*where, name, row],
                "msg": f"{name} {value(row, name)!r} is outside the training data ({model.domain(name)}) and this "
                "service refuses extrapolations",
                "type": "extrapolation",
            }
            for row, name in unseen
        ]
