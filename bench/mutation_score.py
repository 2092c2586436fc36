"""The mutation score of the last ``mutmut run``: per module, the survivors by name, and a non-zero exit below ``--min``.

The modules are the ``only_mutate`` list of ``[tool.mutmut]`` in pyproject.toml (their one home, in repository
paths); the results are mutmut's own files under ``.mutation/mutants/``, where ``tox -e mutation`` runs it in the
stage bench/mutation_stage.py writes (``modelgate/contracts/ranges.py`` there is ``contracts/ranges.py`` here).
Optional name patterns (as given to ``mutmut run``, e.g. ``"modelgate.model.scorer*"``) restrict the count to
those mutants. Killed means a test failed or timed out; a mutant no selected test reaches ("no tests") or one
not yet checked counts against the score, so an incomplete run cannot pass; every module must reach ``--min`` too.

A module too large to check whole in a session is judged by a sample instead, with ``--sample K``: the first ``K`` of
its mutants in the order of their names' SHA-256 (a fixed draw, the same on every machine and independent of what the
mutants do or which tests reach them), with the score's 95 % Wilson interval. A module checked whole is judged by its
own score, and a module whose sample is not checked whole yet fails. ``--names`` prints the sample's unchecked mutants
instead, one per line, to hand to ``mutmut run``.

    python bench/mutation_score.py --min 90 [PATTERN ...]
    python bench/mutation_score.py --min 90 --sample 25 [PATTERN ...]
    python bench/mutation_score.py --sample 25 --names [PATTERN ...]
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import math
import os
import sys
from collections import Counter

from mutation_stage import ROOT, STAGE, pyproject, source_files, staged

KILLED = {"killed", "timeout", "caught by type check"}


def mutated_modules(project: dict) -> list[str]:
    """The files mutmut mutates, as repository paths (mutmut's own rule: fnmatch of ``only_mutate`` on the path)."""
    patterns = project["tool"]["mutmut"]["only_mutate"]
    return [path for path in source_files(project) if any(fnmatch.fnmatch(path, pattern) for pattern in patterns)]


def statuses(module: str, project: dict, patterns: list[str]) -> dict[str, str]:
    """{mutant name: mutmut's status} for one module's mutants that match ``patterns`` (all when empty)."""
    from mutmut.stats import status_by_exit_code  # the tox environment's mutmut (not in the test chain's)

    meta = STAGE / "mutants" / f"{staged(module, project)}.meta"
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"] if meta.exists() else {}
    return {
        name: status_by_exit_code[code]
        for name, code in codes.items()
        if not patterns or any(fnmatch.fnmatch(name, pattern) for pattern in patterns)
    }


def sample(names, size: int) -> list[str]:
    """The first ``size`` of ``names`` in the order of their SHA-256: a draw fixed by the names alone."""
    return sorted(names, key=lambda name: hashlib.sha256(name.encode()).hexdigest())[:size]


def wilson(killed: int, checked: int, z: float = 1.959964) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion ``killed / checked`` (both ends in percent)."""
    share, spread = killed / checked, z * z / checked
    middle = (share + spread / 2) / (1 + spread)
    half = z * math.sqrt(share * (1 - share) / checked + spread / (4 * checked)) / (1 + spread)
    return 100 * max(0.0, middle - half), 100 * min(1.0, middle + half)


def judgement(patterns: list[str], size: int | None) -> tuple[dict, dict]:
    """({module: {mutant: status}} of every mutated module with mutants, {module: what it is judged by}): all of a
    module's mutants, or (``size``) a fixed draw of that many if not all are checked."""
    project = pyproject(ROOT)
    found = {module: statuses(module, project, patterns) for module in mutated_modules(project)}
    found = {module: results for module, results in found.items() if results}
    judged = {
        module: results if size is None or all(s != "not checked" for s in results.values())
        else {name: results[name] for name in sample(results, size)}
        for module, results in found.items()
    }  # fmt: skip
    return found, judged


def unchecked(judged: dict) -> list[str]:
    """The mutants judged that no run has checked yet."""
    return [name for results in judged.values() for name, status in results.items() if status == "not checked"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=90.0, help="the lowest passing score in percent (default 90)")
    parser.add_argument(
        "--sample",
        type=int,
        default=int(os.environ.get("MUTATION_SAMPLE", "0")) or None,
        help="judge a module not checked whole by this many of its mutants (default: $MUTATION_SAMPLE, tox.ini's)",
    )
    parser.add_argument("--names", action="store_true", help="print the sample's unchecked mutants, and nothing else")
    parser.add_argument("patterns", nargs="*", help="only mutants whose name matches one of these (as for mutmut run)")
    args = parser.parse_args(argv)

    found, judged = judgement(args.patterns, args.sample)
    if not found:
        print("mutation: no results under .mutation/mutants/; run `tox -e mutation` first", file=sys.stderr)
        return 1
    if args.names:
        print("\n".join(unchecked(judged)))
        return 0

    print("| module | mutants | judged by | killed | survived | other | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    totals: Counter = Counter()
    survivors, unfinished, below = [], [], []
    estimate = 0.0  # killed mutants of all modules, each module's share of its own scaled to its size
    for module, results in judged.items():
        killed = sum(status in KILLED for status in results.values())
        survived = [name for name, status in results.items() if status == "survived"]
        other = len(results) - killed - len(survived)
        unfinished += [f"{name}: {status}" for name, status in results.items() if status not in KILLED | {"survived"}]
        survivors += survived
        share = 100 * killed / len(results)
        estimate += share * len(found[module])
        by = "all" if len(results) == len(found[module]) else f"a sample of {len(results)}"
        interval = "" if by == "all" else " (95 %: {:.1f}–{:.1f} %)".format(*wilson(killed, len(results)))
        totals.update(mutants=len(found[module]), killed=killed, survived=len(survived), other=other)
        print(f"| `{module}` | {len(found[module])} | {by} | {killed} | {len(survived)} | {other} | {share:.1f} %{interval} |")
        if share < args.min:
            below.append(f"{module} {share:.1f} %")
    score = estimate / totals["mutants"]
    counts = " | ".join(str(totals[key]) for key in ("killed", "survived", "other"))
    print(f"| **all** | {totals['mutants']} | | {counts} | **{score:.1f} %** |")
    for name in sorted(survivors):
        print(f"survived: {name}")
    for line in sorted(unfinished):
        print(f"not killed: {line}")
    verdict = "PASSED" if score >= args.min and not below else "FAILED"
    under = f"; below it: {', '.join(below)}" if below else ""
    how = "killed" if all(len(judged[m]) == len(found[m]) for m in found) else "killed, estimated from the samples"
    print(
        f"mutation: {verdict}: {score:.1f} % of {totals['mutants']} mutants {how} "
        f"(at least {args.min:g} % required, in each module too){under}"
    )
    return 0 if verdict == "PASSED" else 1


if __name__ == "__main__":
    sys.exit(main())
