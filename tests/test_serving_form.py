"""The serving form (``serving.json``): written at training time, checked against the skops model, verified
on load, and enough to serve and self-test with none of the batch stack installed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from modelgate.contracts.ranges import HEIGHT
from modelgate.model import artifact, serving
from modelgate.model.manifest import SERVING_FILE, ArtifactError
from modelgate.model.train import train

from steps.support import FEATURES, ROOT, TRAINING_DATA


@pytest.fixture
def model_copy(trained_model, tmp_path):
    return shutil.copytree(trained_model, tmp_path / "model")


def sklearn_answers(model_dir, heights) -> np.ndarray:
    """The skops model's own answers: scikit-learn's predict, rounded to the contract's 4 decimals."""
    estimator = artifact.load(model_dir).estimator
    return np.round(estimator.predict(np.array(heights, dtype="float64").reshape(-1, 1)), 4)


def test_training_writes_a_serving_form_the_manifest_signs(trained_model):
    manifest = json.loads((trained_model / artifact.MANIFEST_FILE).read_text())
    assert manifest["serving_file"] == SERVING_FILE
    assert manifest["serving_sha256"] == artifact.sha256_file(trained_model / SERVING_FILE)
    served = serving.load(trained_model)
    assert served.version == manifest["model_version"]
    assert json.loads((trained_model / SERVING_FILE).read_text())["model_version"] == manifest["model_version"]


def test_the_serving_form_answers_as_the_skops_model_bit_for_bit(trained_model, golden):
    form = serving.load(trained_model).form
    rng = np.random.default_rng(14)
    heights = [*golden, *np.arange(0.5, 300.0, 0.05).tolist(), *rng.uniform(1e-9, 300.0, 20_000).tolist()]
    got = np.array(form.predict_list(heights), dtype="float64")
    assert got.tobytes() == sklearn_answers(trained_model, heights).tobytes()
    # The agreed heights are among those training checks, and so are 30,000 random heights in the accepted range.
    checked = artifact.check_heights()
    assert set(golden) <= set(checked)
    drawn = set(checked) - {i / 100 for i in range(1, int(HEIGHT.high * 100) + 1)}
    assert len(drawn) == artifact.RANDOM_CHECK_HEIGHTS and all(HEIGHT.low <= h <= HEIGHT.high for h in drawn)


def test_training_refuses_a_serving_form_that_answers_otherwise(trained_model):
    estimator = artifact.load(trained_model).estimator
    good = serving.LinearForm(float(estimator.intercept_), float(estimator.coef_[0]))
    artifact.check_serving_form(estimator, good)
    off = serving.LinearForm(good.intercept + 1e-6, good.slope)
    with pytest.raises(ArtifactError, match="the serving form answers height"):
        artifact.check_serving_form(estimator, off)


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        (SERVING_FILE, "SHA-256 mismatch, the serving form was modified or replaced"),
        (artifact.MODEL_FILE, "SHA-256 mismatch, the model file was modified or replaced"),
    ],
)
def test_a_tampered_file_is_refused(model_copy, file, reason):
    with open(model_copy / file, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ArtifactError, match=reason):
        serving.load(model_copy)


def test_a_missing_serving_form_is_refused(model_copy):
    (model_copy / SERVING_FILE).unlink()
    with pytest.raises(ArtifactError, match="serving form named by the manifest is missing"):
        serving.load(model_copy)


def test_a_re_signed_serving_form_with_another_line_is_not_the_model_version(model_copy):
    body = json.loads((model_copy / SERVING_FILE).read_text())
    body["slope"] += 0.001
    (model_copy / SERVING_FILE).write_text(json.dumps(body))
    manifest = json.loads((model_copy / artifact.MANIFEST_FILE).read_text())
    manifest["serving_sha256"] = artifact.sha256_file(model_copy / SERVING_FILE)
    (model_copy / artifact.MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match=f"this line is not model {manifest['model_version']}"):
        serving.load(model_copy)


def test_a_model_trained_before_the_serving_form_gets_one_from_train_if_missing(model_copy):
    from modelgate.cli import main

    manifest = json.loads((model_copy / artifact.MANIFEST_FILE).read_text())
    old = {k: v for k, v in manifest.items() if k not in ("serving_file", "serving_sha256")}
    (model_copy / artifact.MANIFEST_FILE).write_text(json.dumps(old))
    (model_copy / SERVING_FILE).unlink()
    with pytest.raises(ArtifactError, match="predates it"):
        serving.load(model_copy)
    assert main(["train", "--if-missing", "--out", str(model_copy)]) == 0
    served = serving.load(model_copy)
    assert served.version == manifest["model_version"] and served.manifest["model_sha256"] == manifest["model_sha256"]
    assert (model_copy / SERVING_FILE).read_bytes() == serving.dumps(served.form, served.version)


# Runs Python with every module of the batch extra unimportable, as in the serving image.
WITHOUT_BATCH = """
import sys
from importlib.abc import MetaPathFinder
from modelgate.cli import BATCH_MODULES, main

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BATCH_MODULES:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, Missing())
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.partition(".")[0] in BATCH_MODULES | {"scipy", "pandera"})
print("batch modules loaded:", loaded)
sys.exit(code)
"""


def without_batch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_BATCH, *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=120
    )


def test_selftest_passes_without_the_batch_extra(trained_model, tmp_path):
    junit = tmp_path / "selftest.xml"
    done = without_batch("selftest", "--model", str(trained_model), "--features", str(FEATURES), "--junit", str(junit))
    assert done.returncode == 0, done.stderr
    assert "all" in done.stdout and "checks passed" in done.stdout and "batch modules loaded: []" in done.stdout, done.stdout
    assert 'failures="0"' in junit.read_text()


def test_the_service_imports_nothing_of_the_batch_stack():
    code = "import sys, modelgate.app.main, modelgate.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in " + (
        "{'sklearn','skops','numpy','pandas','pandera','pyarrow','scipy','tqdm','fsspec'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout


def test_a_batch_command_without_the_batch_extra_says_so_in_one_line(tmp_path):
    done = without_batch("train", "--data", str(TRAINING_DATA), "--out", str(tmp_path / "m"))
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("modelgate: error: 'modelgate train' needs the batch extra") and "modelgate[batch]" in lines[0]
    assert not (tmp_path / "m").exists()


def test_retraining_gives_the_same_serving_form(trained_model, tmp_path):
    """The serving form is what the model computes: unlike the skops file, identical trainings give identical bytes."""
    train(TRAINING_DATA, tmp_path / "again")
    assert (tmp_path / "again" / SERVING_FILE).read_bytes() == (trained_model / SERVING_FILE).read_bytes()
