"""Run mutmut over what ``mutation_score.py`` judges: with ``$MUTATION_SAMPLE`` (tox.ini's), each module's fixed draw.

A whole run of every mutant takes days on the 2-core machine; the score judges a module not checked whole by the first
``$MUTATION_SAMPLE`` of its mutants in the order of their names' SHA-256. This writes the mutants first (mutmut's own
step, so the draw can be read off its files), then hands mutmut the draw's mutants that have no result yet, and
nothing when every one has (mutmut given no names checks every mutant). Name patterns, or no sample, run
``mutmut run`` as given, to check those mutants again.

    python bench/mutation_run.py [PATTERN ...]      # in .mutation/, as tox -e mutation runs it
"""

from __future__ import annotations

import os
import sys

from mutation_score import judgement, unchecked


def generate() -> None:
    """mutmut 3.8's own first step of ``mutmut run``: copy the sources and write every mutant and its ``.meta`` file."""
    from mutmut import __main__ as mutmut

    mutmut.set_mutant_under_test("mutant_generation")
    os.makedirs("mutants", exist_ok=True)
    mutmut.copy_src_dir()
    mutmut.copy_also_copy_files()
    mutmut.setup_source_paths()
    mutmut.store_lines_covered_by_tests()
    mutmut.create_mutants(os.cpu_count() or 4)


def main(argv: list[str]) -> int:
    size = int(os.environ.get("MUTATION_SAMPLE", "0")) or None
    if argv or size is None:
        names = argv
    else:
        generate()
        names = unchecked(judgement([], size)[1])
        if not names:
            print(f"mutation: every mutant of the draw of {size} a module is checked; nothing to run")
            return 0
        print(f"mutation: {len(names)} mutants of the draw of {size} a module have no result yet", flush=True)
    os.execvp("mutmut", ["mutmut", "run", *names])
    return 1  # not reached: mutmut's exit status is the run's


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
