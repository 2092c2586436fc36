"""Drift on the live service: ``/metrics`` keeps, per input, the population stability index of the last N values
answered against the training data, N being the rows the contract judges drift from, with the contract's warning
and refusal levels beside it, so an alert can fire as the batch check would refuse a file. The expected index is
computed here from the manifest on disk with this module's own arithmetic."""

from __future__ import annotations

import csv
import json
import math

from fastapi.testclient import TestClient
from modelgate.app.main import create_app
from modelgate.contracts.reader import read_contract
from modelgate.steps.support import FEATURES, ROOT, psi_by_definition

from modelgate.settings import Settings
from tests.app.support import samples

DRIFT = read_contract(FEATURES).drift  # what the risk feature states: judged from 100 heights, 0.1 and 0.25


def _heights() -> list[float]:
    with open(ROOT / "data" / "evaluation.csv", newline="", encoding="utf-8") as handle:
        return [float(row["height"]) for row in csv.DictReader(handle)]


def _index(heights: list[float], profile: dict) -> float:
    """The stability index by its definition, each height's bin found here: at or below the first cut, then between
    cuts, then above the last."""
    cuts = profile["deciles"]
    counted = [0] * (len(cuts) + 1)
    for x in heights:
        counted[next((i for i, cut in enumerate(cuts) if x <= cut), len(cuts))] += 1
    return psi_by_definition(counted, profile["shares"])


def _metrics(client) -> dict:
    return samples(client.get("/metrics").text)


def test_the_service_judges_its_last_answered_heights_as_the_contract_judges_a_file(trained_model):
    profile = json.loads((trained_model / "manifest.json").read_text())["training_data"]["profile"]["height"]
    heights = _heights()
    assert DRIFT is not None and DRIFT.min_rows == 100 and len(heights) > DRIFT.min_rows
    with TestClient(create_app(trained_model, Settings.from_env({}))) as client:
        first = heights[: DRIFT.min_rows - 1]
        assert client.get("/weight?" + "&".join(f"height={h}" for h in first)).status_code == 200  # the fast path
        early = _metrics(client)
        assert early[("modelgate_input_stability_window", ("input", "height"))] == DRIFT.min_rows - 1
        assert ("modelgate_input_stability_index", ("input", "height")) not in early  # fewer than the rows judged
        assert (
            early[("modelgate_drift_warning_level",)] == DRIFT.warn and early[("modelgate_drift_refusal_level",)] == DRIFT.refuse
        )

        rest = heights[DRIFT.min_rows - 1 :]
        assert client.post("/weight", json={"height": rest}).status_code == 200  # the general path
        found = _metrics(client)
        last = heights[-DRIFT.min_rows :]  # the window holds the last N answered, the oldest gone
        assert found[("modelgate_input_stability_window", ("input", "height"))] == DRIFT.min_rows
        assert math.isclose(found[("modelgate_input_stability_index", ("input", "height"))], _index(last, profile), rel_tol=1e-9)

        tall = ([h for h in heights if h >= 72] * 10)[: DRIFT.min_rows]  # only tall people: what the batch check refuses
        assert client.post("/weight", json={"height": tall}).status_code == 200
        drifted = _metrics(client)[("modelgate_input_stability_index", ("input", "height"))]
        assert math.isclose(drifted, _index(tall, profile), rel_tol=1e-9) and drifted >= DRIFT.refuse


def test_refused_rows_are_not_in_the_window(trained_model):
    with TestClient(create_app(trained_model, Settings.from_env({}))) as client:
        assert client.post("/weight", json={"height": [60, -1]}).status_code == 422
        assert client.get("/weight?height=66").status_code == 200
        found = _metrics(client)
    assert found[("modelgate_input_stability_window", ("input", "height"))] == 1
