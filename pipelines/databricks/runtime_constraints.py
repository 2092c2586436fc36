"""Write constraints.txt with a runtime's library versions in place of its own pins (tox -e dbr).

    python runtime_constraints.py constraints.txt runtime-17.3.txt OUT

Every package the runtime file pins replaces constraints.txt's line for it; all other pins are kept, so the
run differs from the chain's only in the runtime's libraries.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def pins(text: str) -> dict[str, str]:
    """{normalized name: requirement line} of a constraints file (comments and blank lines dropped)."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return {normalize(re.split(r"[=<>!~ ;\[]", line, maxsplit=1)[0]): line for line in lines if line}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def merge(base: str, runtime: str) -> str:
    merged = pins(base) | pins(runtime)
    return "".join(f"{merged[name]}\n" for name in sorted(merged))


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    base, runtime, out = (Path(a) for a in argv)
    Path(out).write_text(merge(base.read_text(), runtime.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
