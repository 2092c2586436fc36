"""The mutation score of the last ``mutmut run``: per module, the survivors by name, and a non-zero exit below ``--min``.

The modules are the ``only_mutate`` list of ``[tool.mutmut]`` in pyproject.toml (their one home, in repository
paths); the results are mutmut's own files under ``.mutation/mutants/``, where ``tox -e mutation`` runs it in the
stage bench/mutation_stage.py writes (``modelgate/contracts/ranges.py`` there is ``contracts/ranges.py`` here).
Optional name patterns (as given to ``mutmut run``, e.g. ``"modelgate.model.scorer*"``) restrict the count to
those mutants. Killed means a test failed or timed out; a mutant no selected test reaches ("no tests") or one
not yet checked counts against the score, so an incomplete run cannot pass; every module must reach ``--min`` too.

    python bench/mutation_score.py --min 90 [PATTERN ...]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from collections import Counter

from mutation_stage import ROOT, STAGE, pyproject, source_files, staged
from mutmut.stats import status_by_exit_code

KILLED = {"killed", "timeout", "caught by type check"}


def mutated_modules(project: dict) -> list[str]:
    """The files mutmut mutates, as repository paths (mutmut's own rule: fnmatch of ``only_mutate`` on the path)."""
    patterns = project["tool"]["mutmut"]["only_mutate"]
    return [path for path in source_files(project) if any(fnmatch.fnmatch(path, pattern) for pattern in patterns)]


def statuses(module: str, project: dict, patterns: list[str]) -> dict[str, str]:
    """{mutant name: mutmut's status} for one module's mutants that match ``patterns`` (all when empty)."""
    meta = STAGE / "mutants" / f"{staged(module, project)}.meta"
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"] if meta.exists() else {}
    return {
        name: status_by_exit_code[code]
        for name, code in codes.items()
        if not patterns or any(fnmatch.fnmatch(name, pattern) for pattern in patterns)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=90.0, help="the lowest passing score in percent (default 90)")
    parser.add_argument("patterns", nargs="*", help="only mutants whose name matches one of these (as for mutmut run)")
    args = parser.parse_args(argv)

    print("| module | mutants | killed | survived | other | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    totals: Counter = Counter()
    survivors, unfinished, below = [], [], []
    project = pyproject(ROOT)
    for module in mutated_modules(project):
        found = statuses(module, project, args.patterns)
        if not found:
            continue
        killed = sum(status in KILLED for status in found.values())
        survived = [name for name, status in found.items() if status == "survived"]
        other = len(found) - killed - len(survived)
        unfinished += [f"{name}: {status}" for name, status in found.items() if status not in KILLED and status != "survived"]
        survivors += survived
        totals.update(mutants=len(found), killed=killed, survived=len(survived), other=other)
        print(f"| `{module}` | {len(found)} | {killed} | {len(survived)} | {other} | {100 * killed / len(found):.1f} % |")
        if 100 * killed / len(found) < args.min:
            below.append(f"{module} {100 * killed / len(found):.1f} %")
    if not totals["mutants"]:
        print("mutation: no results under .mutation/mutants/; run `tox -e mutation` first", file=sys.stderr)
        return 1
    score = 100 * totals["killed"] / totals["mutants"]
    counts = " | ".join(str(totals[key]) for key in ("mutants", "killed", "survived", "other"))
    print(f"| **all** | {counts} | **{score:.1f} %** |")
    for name in sorted(survivors):
        print(f"survived: {name}")
    for line in sorted(unfinished):
        print(f"not killed: {line}")
    verdict = "PASSED" if score >= args.min and not below else "FAILED"
    under = f"; below it: {', '.join(below)}" if below else ""
    print(
        f"mutation: {verdict}: {score:.1f} % of {totals['mutants']} mutants killed "
        f"(at least {args.min:g} % required, in each module too){under}"
    )
    return 0 if verdict == "PASSED" else 1


if __name__ == "__main__":
    sys.exit(main())
