"""The report's first section: the model's card (what it is for, what it was trained on, what it must not be used
for, its known limitations and its owner), in the features' words, so a reader who has never seen the project
learns what the model is and who answers for it before any number."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from modelgate.report.inputs import Inputs


def card_section(inputs: Inputs) -> str:
    contract = inputs.stated or inputs.contract  # the features' card: what the reviewers read
    card = contract.card if contract is not None else None
    if card is None:
        return (
            '<section id="card"><h2>The model</h2><div class="alert"><b>The features state no model\'s card.</b> '
            "Nothing says what the model is for, what it was trained on or who owns it; it cannot be packaged or "
            "released until they do.</div></section>"
        )
    items = "".join(f"<dt>{escape(what.capitalize())}</dt><dd>{escape(says)}</dd>" for what, says in card.rows())
    lead = '<p class="lead">What the model is for and what it was trained on, as its features state them.</p>'
    return f'<section id="card"><h2>The model</h2>{lead}<dl class="record">{items}</dl></section>'
