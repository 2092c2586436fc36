"""Azure Pipelines YAML expanded the way Azure DevOps expands it before a run, so the pipeline tests judge
the steps that really run: `- template: FILE` with `parameters:` (paths relative to the including file),
`${{ parameters.x }}` and loop variables, `${{ each x in LIST }}` inserting a sequence, `${{ if VALUE }}`
on a value's truthiness. That is what the files in pipelines/ use; any other expression stops with its
text, so a test never judges a half-expanded pipeline."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PATH = re.compile(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*")
EACH = re.compile(r"each ([A-Za-z_]\w*) in (.+)")
IF = re.compile(r"if (.+)")
NOT = re.compile(r"not\((.+)\)")
BODIES = ("steps", "jobs", "stages")


class TemplateError(ValueError):
    """A template reference or expression the expansion cannot honour (the message names it)."""


def load(path: Path, repositories: dict[str, Path] | None = None) -> dict:
    """The pipeline at ``path`` with every template it references expanded (its own parameters: defaults). A pipeline
    that ``extends`` a template becomes that template's pipeline, given its parameters; ``FILE@ALIAS`` is FILE in the
    checkout ``repositories[ALIAS]`` of a repository resource the pipeline declares."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    context = {"parameters": _parameters(document, {}, path)}
    own = expand({k: v for k, v in document.items() if k not in ("parameters", "extends")}, context, path.parent)
    if "extends" not in document:
        return own
    base = _located(document["extends"]["template"], path, document, repositories or {})
    extended = yaml.safe_load(base.read_text(encoding="utf-8"))
    passed = expand(document["extends"].get("parameters", {}), context, path.parent)
    inner = {"parameters": _parameters(extended, passed, base)}
    return {**own, **expand({k: v for k, v in extended.items() if k != "parameters"}, inner, base.parent)}


def _located(reference: str, path: Path, document: dict, repositories: dict[str, Path]) -> Path:
    name, _, alias = reference.partition("@")
    if not alias:
        return path.parent / name
    declared = [r["repository"] for r in (document.get("resources") or {}).get("repositories", [])]
    if alias not in declared:
        raise TemplateError(f"{path.name}: {reference}: no repository resource {alias!r} (resources: {declared})")
    if alias not in repositories:
        raise TemplateError(f"{path.name}: {reference}: no checkout given for the repository {alias!r}")
    found = repositories[alias] / name
    if not found.is_file():
        raise TemplateError(f"template {name} not found in the repository {alias!r}")
    return found


def expand(node, context: dict, folder: Path):
    """``node`` with its template expressions evaluated in ``context`` and its template references inserted."""
    if isinstance(node, dict):
        return _mapping(node, context, folder)
    if isinstance(node, list):
        return _sequence(node, context, folder)
    if isinstance(node, str):
        return _text(node, context)
    return node


def _mapping(node: dict, context: dict, folder: Path) -> dict:
    result = {}
    for key, value in node.items():
        directive = _directive(key)
        if directive is None:
            result[_text(key, context)] = expand(value, context, folder)
        elif (m := IF.fullmatch(directive)) and isinstance(value, dict):
            if _value(m[1], context):
                result.update(expand(value, context, folder))
        else:
            raise TemplateError(f"unsupported in a mapping: {key}")
    return result


def _sequence(node: list, context: dict, folder: Path) -> list:
    result = []
    for item in node:
        directive = _directive(next(iter(item))) if isinstance(item, dict) and len(item) == 1 else None
        if directive is None:
            if isinstance(item, dict) and "template" in item:
                result += _template(item, context, folder)
            else:
                result.append(expand(item, context, folder))
        elif m := EACH.fullmatch(directive):
            for element in _value(m[2], context) or []:
                result += _inserted(item, {**context, m[1]: element}, folder)
        elif m := IF.fullmatch(directive):
            if _value(m[1], context):
                result += _inserted(item, context, folder)
        else:
            raise TemplateError(f"unsupported in a sequence: ${{{{ {directive} }}}}")
    return result


def _inserted(item: dict, context: dict, folder: Path) -> list:
    """What a directive item puts into its sequence: its items, or its one mapping."""
    (body,) = item.values()
    return expand(body, context, folder) if isinstance(body, list) else [expand(body, context, folder)]


def _template(reference: dict, context: dict, folder: Path) -> list:
    if "@" in str(reference["template"]):
        raise TemplateError(f"{reference['template']}: only a pipeline's extends may name another repository here")
    path = folder / _text(reference["template"], context)
    if not path.is_file():
        raise TemplateError(f"template {path.name} not found in {folder}")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    passed = expand(reference.get("parameters", {}), context, folder)
    # A template sees its parameters only, not the caller's loop variables.
    inner = {"parameters": _parameters(document, passed, path)}
    (body,) = [document[key] for key in BODIES if key in document] or [None]
    if body is None:
        raise TemplateError(f"template {path.name} has none of {', '.join(BODIES)}")
    return expand(body, inner, path.parent)


def _parameters(document: dict, passed: dict, path: Path) -> dict:
    """Passed values over declared defaults; an undeclared or a missing value is an error, as in Azure."""
    declared = document.get("parameters") or []
    if isinstance(declared, dict):  # the older form: name: default
        declared = [{"name": k, "default": v} for k, v in declared.items()]
    names = [p["name"] for p in declared]
    if unexpected := sorted(set(passed) - set(names)):
        raise TemplateError(f"{path.name}: unexpected parameter(s) {', '.join(unexpected)}")
    values = {}
    for parameter in declared:
        if parameter["name"] in passed:
            values[parameter["name"]] = passed[parameter["name"]]
        elif "default" in parameter:
            values[parameter["name"]] = parameter["default"]
        else:
            raise TemplateError(f"{path.name}: no value for parameter {parameter['name']}")
    return values


def _directive(key) -> str | None:
    m = EXPRESSION.fullmatch(key) if isinstance(key, str) else None
    return m[1] if m else None


def _text(text: str, context: dict):
    """A whole-string expression gives its value (a list or mapping stays one); embedded ones become text."""
    if whole := _directive(text):
        return _value(whole, context)
    return EXPRESSION.sub(lambda m: _embedded(_value(m[1], context), m[0]), text)


def _embedded(value, expression: str) -> str:
    if isinstance(value, dict | list):
        raise TemplateError(f"{expression} is a {type(value).__name__}, not text")
    return "" if value is None else str(value)


def _value(expression: str, context: dict):
    """A dotted path (``parameters.suites``, ``suite.name``), or ``not(...)`` of one; a missing property is null, as
    in Azure."""
    if m := NOT.fullmatch(expression):
        return not _value(m[1].strip(), context)
    if not PATH.fullmatch(expression):
        raise TemplateError(f"unsupported template expression ${{{{ {expression} }}}}")
    node = context
    for part in expression.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node
