"""The groups a reviewer wants the model judged in: per input, the most its typical error may be in each group, and
the most its best and worst group may differ (:class:`.facts.GroupLimit`), read from the quality feature's sentences
(:mod:`.sentences`: GROUP_ERROR, GROUP_GAP). One line per problem, naming the file and line.
"""

from __future__ import annotations

import re

from modelgate.contracts import sentences as say
from modelgate.contracts.contract import Output
from modelgate.contracts.facts import GroupLimit
from modelgate.contracts.inputs import Input

_CUTS = re.compile(rf"(?P<numbers>{say.N}(?:(?:, | and ){say.N})*)(?: (?P<unit>.+))?")


def cuts_of(text: str) -> tuple[tuple[float, ...], str] | None:
    """The cut points and the unit of ``40 and 60 years`` (or ``1, 2 and 3``); None if it is not such a list."""
    found = _CUTS.fullmatch(text.strip())
    if found is None:
        return None
    return tuple(float(n) for n in re.findall(say.N, found["numbers"])), (found["unit"] or "").strip()


def read_groups(stated: dict, inputs: list[Input], output: Output, problems: list[str]) -> tuple[GroupLimit, ...]:
    """Each input's group limit, with its gap where one is stated. A classifier states none (this issue: regressions)."""
    found: dict[str, GroupLimit] = {}
    named = {match["what"] for match, _ in stated.get("GROUP_ERROR", [])}  # a refused one is not also a gap's problem
    for match, step in stated.get("GROUP_ERROR", []):
        spec = next((i for i in inputs if say.names(match["what"], i.name)), None)
        if spec is None:
            problems.append(f"{step.where}: {match['what']!r} is not an input of the contract")
            continue
        if output.is_class:
            problems.append(f"{step.where}: a classifier's quality per group is not stated as a typical error")
            continue
        if spec.name in found:
            problems.append(f"{step.where}: the groups of {spec.name!r} are stated again")
            continue
        cuts: tuple[float, ...] = ()
        if spec.numeric:
            read = cuts_of(match["cuts"] or "")
            if not match["cuts"] or read is None:
                problems.append(f"{step.where}: a number input's groups need their cut points ('split at 62 and 70 {spec.unit}')")
                continue
            cuts, unit = read
            if list(cuts) != sorted(set(cuts)):
                problems.append(f"{step.where}: the cut points of {spec.name!r} must rise, each once ({match['cuts']})")
                continue
            if unit and spec.unit and unit != spec.unit:
                problems.append(f"{step.where}: the cut points are in {unit!r}, but {spec.name} is in {spec.unit!r}")
        elif match["cuts"]:
            problems.append(f"{step.where}: {spec.name!r} is not a number: its groups are its values, not cut")
            continue
        _unit(match, step, output, problems)
        found[spec.name] = GroupLimit(spec.name, float(match["limit"]), cuts)
    for match, step in stated.get("GROUP_GAP", []):
        spec = next((i for i in inputs if say.names(match["what"], i.name)), None)
        if spec is not None and spec.name not in found and match["what"] in named:
            continue
        if spec is None or spec.name not in found:
            problems.append(f"{step.where}: no typical error per {match['what']} group is stated for this gap to bound")
            continue
        _unit(match, step, output, problems)
        limit = found[spec.name]
        found[spec.name] = GroupLimit(limit.input, limit.limit, limit.cuts, float(match["gap"]))
    return tuple(found.values())


def _unit(match: re.Match, step, output: Output, problems: list[str]) -> None:
    if problem := output.unit_problem(match["unit"], step.where):
        problems.append(problem)
