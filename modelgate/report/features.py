"""HTML for the features: every scenario in plain language, its steps and whether it passed."""

from __future__ import annotations

import re
from html import escape

from modelgate.report.scenarios import FAILED, NOT_RUN, PASSED, SKIPPED, Feature, Scenario, Step

ICONS = {PASSED: "✓", FAILED: "✗", SKIPPED: "–", NOT_RUN: "○"}
LABELS = {PASSED: "passed", FAILED: "failed", SKIPPED: "skipped", NOT_RUN: "not run"}
_PLACEHOLDER = re.compile(r"&lt;([^&]+?)&gt;")
NEWLINE = "<i>\\n</i>"
MAX_ERROR_LINES = 12  # enough to see the assertion; the full trace is in the JUnit file
WIDE_TABLE = 3  # examples with more columns than this go below their steps


def css_class(status: str) -> str:
    return status.replace(" ", "-")


def badge(status: str, text: str | None = None) -> str:
    return f'<span class="badge {css_class(status)}">{escape(text or LABELS.get(status, status))}</span>'


def icon(status: str) -> str:
    return f'<span class="icon {css_class(status)}" title="{LABELS.get(status, status)}">{ICONS.get(status, "?")}</span>'


def error_block(message: str) -> str:
    lines = message.strip().splitlines()
    if len(lines) > MAX_ERROR_LINES:
        lines = [*lines[:MAX_ERROR_LINES], f"… {len(lines) - MAX_ERROR_LINES} more line(s)"]
    return f'<pre class="error">{escape(chr(10).join(lines))}</pre>' if lines else ""


def _step(step: Step, outline: bool) -> str:
    text = escape(step.text)
    if outline:
        text = _PLACEHOLDER.sub(r'<span class="ph">&lt;\1&gt;</span>', text)
    status = f' class="{css_class(step.status)}"' if step.status == FAILED else ""
    return f'<li{status}><span class="kw">{escape(step.keyword)}</span>{text}</li>'


def _examples(scenario: Scenario) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in scenario.headers) + "<th>result</th>"
    rows = []
    for example in scenario.examples:
        # Gherkin turns "\n" in a cell into a line break; show it as the reviewer typed it.
        cells = "".join(f"<td>{escape(v).replace(chr(10), NEWLINE)}</td>" for v in example.values)
        rows.append(f"<tr>{cells}<td>{badge(example.status)}</td></tr>")
    return f'<table class="examples"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def scenario_html(scenario: Scenario) -> str:
    outline = bool(scenario.examples)
    kind = f"{len(scenario.examples)} examples" if outline else ""
    passed = sum(1 for e in scenario.examples if e.status == PASSED)
    if outline and scenario.status != NOT_RUN:
        kind = f"{passed} of {len(scenario.examples)} examples passed"
    tags = "".join(f' <span class="tag">{escape(t)}</span>' for t in scenario.tags)
    steps = f'<ul class="steps">{"".join(_step(s, outline) for s in scenario.steps)}</ul>'
    if outline:  # steps beside a narrow examples table keeps it from stretching the page; a wide one goes below
        layout = "outline" if len(scenario.headers) <= WIDE_TABLE else "outline wide"
        steps = f'<div class="{layout}">{steps}{_examples(scenario)}</div>'
    body = [f'<div class="name">{escape(scenario.name)}{tags} <span class="kind">{escape(kind)}</span></div>', steps]
    if scenario.status == FAILED and scenario.error:
        body.append(error_block(scenario.error))
    return f'<div class="scenario {css_class(scenario.status)}">{icon(scenario.status)}<div>{"".join(body)}</div></div>'


def feature_html(feature: Feature) -> str:
    passed = sum(1 for s in feature.scenarios if s.status == PASSED)
    tags = "".join(f'<span class="tag">{escape(t)}</span>' for t in feature.tags)
    background = ""
    if feature.background:
        steps = " · ".join(f"<b>{escape(s.keyword)}</b> {escape(s.text)}" for s in feature.background)
        background = f'<div class="background">Before each scenario: {steps}</div>'
    return (
        f'<div class="feature"><div class="head">{icon(feature.status)}<h3>{escape(feature.name)}</h3>{tags}'
        f'<span class="count">{passed} of {len(feature.scenarios)} scenarios passed · {escape(feature.file)}</span></div>'
        f'<p class="desc">{escape(feature.description)}</p>{background}'
        f"{''.join(scenario_html(s) for s in feature.scenarios)}</div>"
    )


def _section(anchor: str, title: str, lead: str, features: list[Feature]) -> str:
    if not features:
        return ""
    body = "".join(feature_html(f) for f in features)
    return f'<section id="{anchor}"><h2>{title}</h2><p class="lead">{lead}</p>{body}</section>'


def features_section(features: list[Feature]) -> str:
    """The features a stakeholder signs, first on the page."""
    lead = "Each feature as the business wrote it, with the result of running it against the model."
    return _section("features", "What the model promises", lead, features)


def appendix_section(features: list[Feature]) -> str:
    """The technical features, after everything a stakeholder reads."""
    lead = (
        "The mechanics behind the promises (service answers, image, Spark, storage, the batch guard), "
        "for the engineers who run them."
    )
    return _section("technical", "Appendix: technical features", lead, features)
