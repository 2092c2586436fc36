"""What a reviewer does to a draft of ``modelgate init``, for the tests of init (test_init.py) and of a team's own
repository (tests/packaging/test_gate_your_own.py)."""

from __future__ import annotations

import re

import pandas as pd
from modelgate.contracts import card, rationale
from modelgate.contracts.unagreed import PROPOSED, UNAGREED


def agree(folder, fitted, target: str, classifier: bool) -> None:
    """What a reviewer does: accept each proposal, write the units, and the agreed answers the fitted model gives."""
    scoring = folder / "scoring.feature"
    lines = scoring.read_text(encoding="utf-8").splitlines()
    rows = [i for i, line in enumerate(lines) if line.strip().startswith("|")]
    table = [i for i in rows if i - rows[0] == rows.index(i)]  # the first table: the agreed rows (then the tolerance's)
    header = [c.strip() for c in lines[table[0]].strip().strip("|").split("|")]
    inputs = header[: header.index(target)]
    rows = [[c.strip() for c in lines[i].strip().strip("|").split("|")][: len(inputs)] for i in table[1:]]
    frame = pd.DataFrame(rows, columns=inputs).replace("", None)
    numbers = [n for n in inputs if n not in ("island", "sex")]
    frame[numbers] = frame[numbers].astype(float)
    if classifier:
        probabilities = fitted.predict_proba(frame)
        answers = [[str(fitted.classes_[p.argmax()]), f"{round(p.max(), 4):g}"] for p in probabilities]
    else:
        answers = [[f"{round(float(v), 2):.2f}"] for v in fitted.predict(frame)]
    for i, answer in zip(table[1:], answers):
        cells = lines[i].split("|")
        lines[i] = "|".join([*cells[: len(inputs) + 1], *(f" {a} " for a in answer), ""])
    scoring.write_text("\n".join(lines) + "\n", encoding="utf-8")
    declared = folder / "model.feature"
    card_rows = []
    for line in declared.read_text(encoding="utf-8").splitlines():
        what = line.strip().strip("|").split("|")[0].strip()
        written = f"      | {what} | the {what}, as the reviewer wrote it |"  # the model's card: the reviewer's words
        card_rows.append(written if UNAGREED in line and what in card.ROWS else line)
    declared.write_text("\n".join(card_rows) + "\n", encoding="utf-8")
    for path in folder.glob("*.feature"):
        text = path.read_text(encoding="utf-8").replace(PROPOSED, "").replace(f"in {UNAGREED},", "in points,")
        for what in rationale.ROWS:  # under each agreed number: where it comes from and who owns it
            text = re.sub(rf"\| {what} +\| {UNAGREED} \|", f"| {what} | the {what}, as the reviewer wrote it |", text)
        path.write_text(text.replace(f"| {UNAGREED} |", "| |"), encoding="utf-8")
