#!/usr/bin/env python3
"""Replace ``#{NAME}#`` tokens in a file with the environment variable NAME (the release stages use it
for docker/kubernetes-deployment.yaml).

    IMAGE=acr.azurecr.io/modelgate:42 SERVICE_NAME=modelgate-dev python pipelines/replace_tokens.py IN OUT

A token without a value is an error naming every such token (exit 2), never an empty string in a
manifest. ``#{`` ... ``}#`` is the Azure DevOps "Replace Tokens" convention; it cannot be confused with
YAML, shell ``${...}`` or pipeline ``$(...)`` syntax in the same file.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

TOKEN = re.compile(r"#\{([A-Za-z_][A-Za-z0-9_]*)\}#")


def replace_tokens(text: str, values: dict[str, str]) -> str:
    """``text`` with every token replaced; raises KeyError naming all tokens without a (non-empty) value."""
    missing = sorted({name for name in TOKEN.findall(text) if not values.get(name)})
    if missing:
        raise KeyError(", ".join(missing))
    return TOKEN.sub(lambda m: values[m[1]], text)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: replace_tokens.py IN OUT", file=sys.stderr)
        return 2
    source, target = map(Path, argv)
    try:
        text = replace_tokens(source.read_text(encoding="utf-8"), dict(os.environ))
    except OSError as exc:
        print(f"replace_tokens: {source}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"replace_tokens: {source}: no value for token(s) {exc.args[0]}; set them as pipeline variables", file=sys.stderr)
        return 2
    target.write_text(text, encoding="utf-8")
    print(f"replace_tokens: wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
