"""``modelgate signoff``: record that a reviewer agreed the stakeholder features in force, against a model."""

from __future__ import annotations

from modelgate.commands import features_arg, model_arg
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    signoff = sub.add_parser(
        "signoff",
        help="record a reviewer's sign-off of the stakeholder features (FEATURES/signoffs.jsonl)",
        description="Append one record to FEATURES/signoffs.jsonl: who (--by), their role (--role), an optional note, "
        "when (UTC), the model version of --model the features were read against, the fingerprint of the stakeholder "
        "features (every *.feature directly in FEATURES, not technical/) and the contract they compile to. "
        "'modelgate gate --require-signoff' fails when the features in force are not the last signed ones, naming "
        "what moved. Commit the file with the features.",
    )
    signoff.add_argument("--by", required=True, metavar="NAME", help="who signs")
    signoff.add_argument("--role", required=True, metavar="ROLE", help="in which role (e.g. model risk, business owner)")
    signoff.add_argument("--note", default="", metavar="TEXT", help="what was agreed, or the ticket it was agreed in")
    features_arg(signoff, settings, "the features signed")
    model_arg(signoff, settings)
    signoff.set_defaults(run=run)


def run(args) -> int:
    import sys

    from modelgate.model_evidence import contract_problem
    from modelgate.signoff import record_path, sign, standing

    before = standing(args.features)
    record = sign(args.features, args.model, args.by, args.role, args.note)
    problem = contract_problem(args.model, args.features)
    if problem:  # recorded all the same: the sign-off binds the features; the gate refuses the model until repackaged
        print(f"modelgate signoff: note: {problem}", file=sys.stderr)
    where = record_path(args.features)
    print(f"signed off {args.features} (fingerprint {record.fingerprint[:12]}): {record.describe()}; recorded in {where}")
    if before.signed is not None and before.changed:
        print("what changed since the last sign-off (" + before.signed.describe() + "):")
        for line in before.changed:
            print(f"  {line}")
    return 0
