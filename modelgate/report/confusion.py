"""A classifier's errors class by class, for the quality section: confusion matrices in the reviewer's class names
(rows the true class, columns the class answered, in the contract's order) with each class's recall and precision. One
of the rows it was not trained on, as the model's record holds it (cross-validation at packaging), and one of the
evaluation rows as this model answers them, when the report has them."""

from __future__ import annotations

from html import escape

from modelgate.report.inputs import Inputs


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def confusion_table(classes: tuple[str, ...], matrix: list[list[int]], name: str, rows: str) -> str:
    """Counts of rows by true class (rows) and class answered (columns), with each class's recall (of its rows, the
    share answered it) and precision (of the rows answered it, the share that are it)."""
    size = len(classes)
    answered = [sum(matrix[t][a] for t in range(size)) for a in range(size)]
    body = []
    for t, true in enumerate(classes):
        total = sum(matrix[t])
        cells = "".join(
            f'<td class="num {"hit" if a == t else ("miss" if matrix[t][a] else "")}">{matrix[t][a]}</td>' for a in range(size)
        )
        body.append(
            f'<tr><th class="cat">{escape(true)}</th>{cells}<td class="num">{total}</td>'
            f'<td class="num">{_share(matrix[t][t], total)}</td></tr>'
        )
    precision = "".join(f'<td class="num">{_share(matrix[a][a], answered[a])}</td>' for a in range(size))
    body.append(f'<tr class="precision"><th class="cat">precision</th>{precision}<td></td><td></td></tr>')
    heads = "".join(f'<th class="num">{escape(c)}</th>' for c in classes)
    return (
        f'<figure><figcaption>{escape(rows[:1].upper() + rows[1:])}</figcaption><table class="confusion">'
        f'<thead><tr><th class="cat">true {escape(name)} ↓ answered →</th>{heads}<th class="num">rows</th>'
        f'<th class="num">recall</th></tr></thead><tbody>{"".join(body)}</tbody></table></figure>'
    )


def errors_by_class(inputs: Inputs) -> str:
    contract = inputs.contract
    assert contract is not None
    output, metrics = contract.output, inputs.manifest.metrics if inputs.manifest else {}
    cv = metrics.get("cv") or {}
    tables, notes = [], []
    if cv.get("confusion"):
        rows = (
            f"the {sum(map(sum, cv['confusion']))} training rows, each answered by a model fitted without it "
            f"({cv['folds']}-fold cross-validation, seed {cv['seed']}), as recorded at packaging"
        )
        tables.append(confusion_table(output.classes, cv["confusion"], output.name, rows))
        if inputs.unseen is not None and inputs.unseen.metrics["confusion"] != cv["confusion"]:
            notes.append(
                "Recomputed here, the cross-validation answers differently from the model's record: "
                f"{inputs.unseen.metrics['confusion']} against {cv['confusion']}."
            )
    if inputs.evaluated is not None:
        tables.append(confusion_table(output.classes, inputs.evaluated.metrics["confusion"], output.name, inputs.evaluated.rows))
    if not tables:
        return ""
    shares = metrics.get("classes") or {}
    if shares.get("training") and shares.get("answered"):
        each = ", ".join(
            f"{c} {t:.1%} (answered {a:.1%})" for c, t, a in zip(output.classes, shares["training"], shares["answered"])
        )
        notes.append(f"The training rows by {output.name}: {each}.")
    lead = (
        f"Rows are the true {output.name}, columns the {output.name} the model answered; recall is the share of a "
        f"{output.name}'s rows answered it, precision the share of the rows answered a {output.name} that are it."
    )
    if output.threshold is not None and output.positive is not None:
        other = next(c for c in output.classes if c != output.positive)
        lead += f" It answers {output.positive} when its probability is at least {output.threshold:g}, else {other}."
    extra = "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
    title = f'<h3>Errors by {escape(output.name)}</h3><p class="note">{escape(lead)}</p>'
    return f'{title}<div class="grid2">{"".join(tables)}</div>{extra}'
