"""Which form answers: a model with a serving form (``serving.json``) is answered by it in plain Python, with neither
scikit-learn nor numpy importable (the serving image); a model without one (a forest) is answered by its skops file
where scikit-learn is installed (the full image), and refused, in one line saying so, where it is not."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
from fastapi.testclient import TestClient
from modelgate.app.main import create_app
from modelgate.steps.support import ROOT

from modelgate.settings import Settings
from tests.app.support import own_answers

# The serving image's world: scikit-learn and numpy cannot be imported (a None in sys.modules refuses the import).
WITHOUT_SCIKIT_LEARN = """
import json, sys
sys.modules["sklearn"] = None
sys.modules["numpy"] = None
from modelgate.app.client import ask
from modelgate.app.main import create_app
from modelgate.contracts.errors import ModelgateError
from modelgate.model import served
from modelgate.settings import Settings

seen = {}
for model in sys.argv[1:]:
    try:
        seen[model] = {"form": served.load(model).form}
    except ModelgateError as exc:
        seen[model] = {"refused": str(exc)}
    app = create_app(model, Settings.from_env({}))
    app.state.load()
    ready = ask(app, "GET", "/ready")
    answer = ask(app, "GET", "/body_mass", b"bill_length=40&flipper_length=&island=Dream&adult=yes")
    seen[model] |= {"ready": [ready.status, json.loads(ready.body)], "answer": [answer.status, json.loads(answer.body)]}
print(json.dumps(seen))
"""


def test_without_scikit_learn_a_serving_form_answers_and_a_model_without_one_is_refused_in_one_line(penguins, penguins_forest):
    code = [sys.executable, "-c", WITHOUT_SCIKIT_LEARN, str(penguins), str(penguins_forest)]
    done = subprocess.run(code, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    line, forest = seen[str(penguins)], seen[str(penguins_forest)]
    assert line["form"] == "linear" and line["ready"][0] == 200 and line["ready"][1]["serving_form"] == "linear"
    status, body = line["answer"]
    (own,) = own_answers(penguins, [{"bill_length": 40.0, "flipper_length": None, "island": "Dream", "adult": True}])
    assert status == 200 and abs(body["response"][0] - own) <= 0.1 + 1e-9
    refusal = forest["refused"]
    assert "\n" not in refusal and str(penguins_forest) in refusal, refusal
    assert "no serving form" in refusal and "scikit-learn" in refusal and "full image" in refusal, refusal
    version = json.loads((penguins_forest / "manifest.json").read_text())["model_version"]
    assert version in refusal
    # The service is alive but not ready, and says why in the one error shape, on every route that needs the model.
    for status, body in (forest["ready"], forest["answer"]):
        assert status == 503 and body == {"detail": [{"loc": ["model"], "msg": refusal, "type": "model_not_ready"}]}


def test_with_scikit_learn_a_model_without_a_serving_form_is_answered_by_its_skops_file(penguins_forest):
    assert not (penguins_forest / "serving.json").exists()
    rows = [{"bill_length": 40.0, "flipper_length": None, "island": "Dream", "adult": True}]
    with TestClient(create_app(penguins_forest, Settings.from_env({}))) as client:
        assert client.get("/ready").json()["serving_form"] == "skops"
        answer = client.post("/body_mass", json=rows).json()["response"]
    # A forest's answer is its own predict, rounded as numpy rounds to the contract's one decimal: exactly.
    assert answer == [float(np.round(own_answers(penguins_forest, rows)[0], 1))]
