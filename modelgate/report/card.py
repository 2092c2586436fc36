"""The report's first sections: the model's card (what it is for, what it was trained on, what it must not be used
for, its known limitations and its owner), in the features' words, so a reader who has never seen the project
learns what the model is and who answers for it before any number; then who signed its features off, and what
changed since, and since the model in production; then where each agreed number comes from and who owns it."""

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


def signoff_section(inputs: Inputs) -> str:
    """Who signed which features, in which role, against which model, when; and what moved since the last sign-off
    (the contract diff a reviewer reads before signing again)."""
    found = inputs.signoff
    if found is None:
        return ""
    if found.signed is None:
        body = (
            '<div class="alert"><b>Nobody has signed these features off.</b> Record a reviewer\'s agreement with '
            f"<code>modelgate signoff --features {escape(str(found.features))} --by NAME --role ROLE</code>.</div>"
        )
        return f'<section id="signoff"><h2>Sign-off</h2>{body}</section>'
    last = found.signed
    signed = f"fingerprint {last.fingerprint[:12]}: {', '.join(last.files)}"
    rows = [("Signed by", f"{last.by}, {last.role}"), ("When", last.at), ("Features signed", signed)]
    rows += [("Against model", last.model_version)]
    rows += [("Note", last.note)] if last.note else []
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    if found.changed:
        moved = "".join(f"<li>{escape(line)}</li>" for line in found.changed)
        state = (
            '<div class="alert"><b>The features changed since this sign-off.</b> What moved in the contract, signed → '
            f"in force; the release gate (--require-signoff) refuses it until they are signed off again:<ul>{moved}</ul></div>"
        )
    else:
        state = '<p class="note">The features in force are the ones signed: no fact of the contract moved since.</p>'
    lead = '<p class="lead">The last sign-off of the stakeholder features, and what changed since.</p>'
    return f'<section id="signoff"><h2>Sign-off</h2>{lead}<dl class="record">{items}</dl>{state}</section>'


def sources_section(inputs: Inputs) -> str:
    """Each agreed number of the features with where it comes from and who owns it; the numbers that state neither are
    flagged (the release gate fails on them)."""
    contract = inputs.stated
    if contract is None:
        return ""
    rows = "".join(
        f"<tr><td>{escape(r.stated)}</td><td>{escape(r.source)}</td><td>{escape(r.owner)}</td></tr>" for r in contract.rationales
    )
    table = (
        '<div class="scroll"><table class="sources"><thead><tr><th>agreed</th><th>where it comes from</th><th>owner</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div>"
        if rows
        else ""
    )
    alert = ""
    if inputs.unsourced:
        listed = "".join(f"<li>{escape(where)}: {escape(stated)}</li>" for where, stated in inputs.unsourced)
        alert = (
            f'<div class="alert"><b>{len(inputs.unsourced)} agreed number(s) state no source and owner.</b> '
            f"The release gate refuses them until each says where it comes from and who owns it:<ul>{listed}</ul></div>"
        )
    if not table and not alert:
        return ""
    lead = '<p class="lead">Where each agreed number comes from and who answers for it, as the features state them.</p>'
    return f'<section id="sources"><h2>Where the numbers come from</h2>{lead}{alert}{table}</section>'


def production_section(inputs: Inputs) -> str:
    """What changed in the contract since the model in production: agreed answers that moved, bands and limits that
    changed, inputs added or removed (production → new). Nothing without a production model."""
    changed = inputs.risk.contract_changes if inputs.risk is not None else None
    if changed is None:
        return ""
    if changed:
        listed = "".join(f"<li>{escape(line)}</li>" for line in changed)
        body = (
            f'<p class="note">{len(changed)} fact(s) of the contract moved, production → this model:</p>'
            f'<ul class="changes">{listed}</ul>'
        )
    else:
        body = '<p class="note">The same contract as the model in production: no agreed answer, band, limit or input moved.</p>'
    lead = '<p class="lead">The contract of this model against the one the model in production was released with.</p>'
    return f'<section id="since-production"><h2>Since the model in production</h2>{lead}{body}</section>'
