"""model.served: the model as the service and the self-test hold it. A model with a serving form is served and
self-tested with none of the batch stack installed (as in the serving image); one without says, in one line, to use
the full image; and the values the training data never had are the ones the training file says."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from math import inf, nextafter

import pytest
from modelgate.model import served
from modelgate.model.manifest import MANIFEST_FILE, SERVING_FILE, ArtifactError
from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA, train_into

# Runs Python with every module of the batch extra missing, as in the serving image: None in sys.modules makes an
# import fail and importlib.util.find_spec answer None, as for a package that is not installed.
WITHOUT_BATCH = """
import sys
from modelgate.cli import BATCH_MODULES, main

sys.modules.update(dict.fromkeys(BATCH_MODULES))
code = main(sys.argv[1:])
loaded = sorted(m for m, found in sys.modules.items() if found is not None and m.partition(".")[0] in BATCH_MODULES)
print("batch modules loaded:", loaded)
sys.exit(code)
"""


def without_batch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_BATCH, *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=120
    )


def test_selftest_passes_without_the_batch_extra(trained_model, tmp_path):
    junit = tmp_path / "selftest.xml"
    done = without_batch("selftest", "--model", str(trained_model), "--junit", str(junit))
    assert done.returncode == 0, done.stderr
    assert "all" in done.stdout and "checks passed" in done.stdout and "batch modules loaded: []" in done.stdout, done.stdout
    assert 'failures="0"' in junit.read_text() and 'errors="0"' in junit.read_text()


def test_a_model_with_no_serving_form_needs_the_full_image_and_says_so_in_one_line(tmp_path):
    model = train_into(tmp_path / "model", FEATURES, TRAINING_DATA, "gradient-boosting")
    done = without_batch("selftest", "--model", str(model))
    assert done.returncode == 2, done
    (line,) = done.stderr.strip().splitlines()
    assert (
        line.startswith(f"modelgate: error: selftest: {model}: model ")
        and "(GradientBoostingRegressor) has no serving form" in line
    )
    assert line.endswith("serve it with the full image (docker/build.sh builds TAG-full)")
    assert served.load(model).form == served.SKOPS  # with scikit-learn installed, its skops file answers


def test_the_service_imports_nothing_of_the_batch_stack():
    code = "import sys, modelgate.app.main, modelgate.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in " + (
        "{'sklearn','skops','numpy','pandas','pandera','pyarrow','scipy','tqdm','fsspec'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout


def test_a_batch_command_without_the_batch_extra_says_so_in_one_line(tmp_path):
    done = without_batch("train", "--features", str(FEATURES), "--data", str(TRAINING_DATA), "--out", str(tmp_path / "m"))
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("modelgate: error: 'modelgate train' needs the batch extra") and "modelgate[batch]" in lines[0]
    assert not (tmp_path / "m").exists()


@pytest.fixture(scope="module")
def training_heights() -> list[float]:
    with TRAINING_DATA.open(newline="", encoding="utf-8") as handle:
        return [float(row["height"]) for row in csv.DictReader(handle)]


def test_the_values_the_training_data_never_had_are_outside_the_training_files_heights(trained_model, training_heights):
    model = served.load(trained_model)
    low, high = min(training_heights), max(training_heights)
    heights = [low, high, (low + high) / 2, low - 0.1, high + 0.1, 46.0, 150.0, nextafter(low, -inf), nextafter(high, inf)]
    rows = [{"height": h} for h in heights]
    assert model.unseen(rows) == [(i, "height") for i, h in enumerate(heights) if h < low or h > high]
    assert model.domain("height") == f"{low:g} to {high:g} inches"
    assert model.version == model.manifest.model_version and set(model.profiles) == {"height"}


def _signed_again(folder, **fields) -> dict:
    """The manifest with ``fields`` changed and the serving form's digest taken again, as anyone with write access could."""
    manifest = json.loads((folder / MANIFEST_FILE).read_text()) | fields
    manifest["serving"]["sha256"] = hashlib.sha256((folder / SERVING_FILE).read_bytes()).hexdigest()
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))
    return manifest


@pytest.mark.parametrize(("field", "value"), [("model_version", "0123456789ab"), ("output", "height")])
def test_a_serving_form_of_another_model_signed_again_is_refused(trained_model, tmp_path, field, value):
    model = shutil.copytree(trained_model, tmp_path / "model")
    form = model / SERVING_FILE
    form.write_text(json.dumps(json.loads(form.read_text()) | {field: value}, indent=2) + "\n")
    manifest = _signed_again(model)
    with pytest.raises(
        ArtifactError, match=rf"^{form}: this form is not model {manifest['model_version']} of the manifest; refusing"
    ):
        served.load(model)


@pytest.mark.parametrize("model", ["trained_model", "penguins_model"], ids=["linear", "logistic"])
def test_a_serving_form_that_is_no_form_is_refused_naming_its_file(request, tmp_path, model):
    folder = shutil.copytree(request.getfixturevalue(model), tmp_path / "model")
    form = folder / SERVING_FILE
    form.write_text("{not json")
    _signed_again(folder)
    with pytest.raises(ArtifactError, match=rf"^{form}: not a readable serving form \("):
        served.load(folder)


def test_a_logistic_form_of_other_classes_is_refused_even_signed_and_versioned_again(penguins_model, tmp_path):
    """Every number of the form re-signed and the model version recomputed for it, as a packager would: a form whose
    classes are not the contract's (read from the example's features here) is still not served."""
    from modelgate.contracts.reader import read_contract
    from modelgate.model.forms import logistic
    from modelgate.model.manifest import read_manifest

    classes = list(read_contract(ROOT / "examples" / "penguins" / "features").output.classes)
    model = shutil.copytree(penguins_model, tmp_path / "model")
    form = model / SERVING_FILE
    body = json.loads(form.read_text())
    assert sorted(body["classes"]) == sorted(classes)
    body["classes"] = [*body["classes"][:-1], "Emperor"]
    digest = logistic.digest(logistic.loads(json.dumps(body).encode(), "here")[0])
    body["model_version"] = version = read_manifest(model).expected_version(digest)
    form.write_text(json.dumps(body, indent=2) + "\n")
    _signed_again(model, model_version=version, form_sha256=digest)
    with pytest.raises(ArtifactError) as raised:
        served.load(model)
    assert str(raised.value) == f"{form}: the form answers {', '.join(body['classes'])}, the contract {', '.join(classes)}"
