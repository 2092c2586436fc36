"""The mutation score of the last ``mutmut run``: per module, the survivors by name, and a non-zero exit below ``--min``.

The modules are the ``only_mutate`` list of ``[tool.mutmut]`` in pyproject.toml (their one home); the results are
mutmut's own files under ``mutants/``. Optional name patterns (as given to ``mutmut run``, e.g. ``"model.scorer*"``)
restrict the count to those mutants. Killed means a test failed or timed out; a mutant no selected test reaches
("no tests") or one not yet checked counts against the score, so an incomplete run cannot pass.

    python bench/mutation_score.py --min 90 [PATTERN ...]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

from common import ROOT
from mutmut.stats import status_by_exit_code

KILLED = {"killed", "timeout", "caught by type check"}


def mutated_modules(root: Path = ROOT) -> list[Path]:
    """The source files mutmut mutates, as paths relative to ``root`` (mutmut's own rule: fnmatch on the path)."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    files = sorted(path.relative_to(root) for source in config["source_paths"] for path in (root / source).rglob("*.py"))
    return [path for path in files if any(fnmatch.fnmatch(str(path), pattern) for pattern in config["only_mutate"])]


def statuses(module: Path, patterns: list[str], root: Path = ROOT) -> dict[str, str]:
    """{mutant name: mutmut's status} for one module's mutants that match ``patterns`` (all when empty)."""
    meta = root / "mutants" / f"{module}.meta"
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
    survivors, unfinished = [], []
    for module in mutated_modules():
        found = statuses(module, args.patterns)
        if not found:
            continue
        killed = sum(status in KILLED for status in found.values())
        survived = [name for name, status in found.items() if status == "survived"]
        other = len(found) - killed - len(survived)
        unfinished += [f"{name}: {status}" for name, status in found.items() if status not in KILLED and status != "survived"]
        survivors += survived
        totals.update(mutants=len(found), killed=killed, survived=len(survived), other=other)
        print(f"| `{module}` | {len(found)} | {killed} | {len(survived)} | {other} | {100 * killed / len(found):.1f} % |")
    if not totals["mutants"]:
        print("mutation: no results under mutants/; run `mutmut run` first", file=sys.stderr)
        return 1
    score = 100 * totals["killed"] / totals["mutants"]
    counts = " | ".join(str(totals[key]) for key in ("mutants", "killed", "survived", "other"))
    print(f"| **all** | {counts} | **{score:.1f} %** |")
    for name in sorted(survivors):
        print(f"survived: {name}")
    for line in sorted(unfinished):
        print(f"not killed: {line}")
    verdict = "PASSED" if score >= args.min else "FAILED"
    print(f"mutation: {verdict}: {score:.1f} % of {totals['mutants']} mutants killed (at least {args.min:g} % required)")
    return 0 if verdict == "PASSED" else 1


if __name__ == "__main__":
    sys.exit(main())
