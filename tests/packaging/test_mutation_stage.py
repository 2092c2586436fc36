"""The mutation run's stage installs the project's test dependencies without the project itself: the only
modelgate its tests can import is mutmut's mutated copy, and none is fetched from a package index."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib

import pytest
from modelgate.steps.support import ROOT, load_script

stage = load_script(ROOT / "bench" / "mutation_stage.py")


def test_the_stage_requirements_name_no_modelgate_and_hold_every_extra_the_tests_pull_in():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lines = stage.requirements(project).splitlines()
    assert not [line for line in lines if line.split("[")[0].strip().lower() == "modelgate"], lines
    # What the test extra asks for, directly or through modelgate[batch], read from pyproject here.
    extras = project["project"]["optional-dependencies"]
    assert set(extras["batch"]) <= set(lines)
    assert {r for r in extras["test"] if not r.startswith("modelgate")} <= set(lines)
    assert set(project["project"]["dependencies"]) <= set(lines)
    assert len(lines) == len(set(lines))


def test_a_first_run_imports_modelgate_from_the_mutants_mutmut_writes_after_python_started(tmp_path):
    # As in tox -e mutation: mutants/ is on the path from the start, holding at most the recorded results written back
    # (bench/mutation-results.json), and filled with the modules only once the process is running.
    staged = stage.stage(into=tmp_path / "stage")
    mutants = staged / "mutants"
    script = (
        "import shutil\n"
        "import json  # any import before mutmut writes the mutants searches the path\n"
        f"shutil.copytree({str(staged / 'modelgate')!r}, {str(mutants / 'modelgate')!r}, dirs_exist_ok=True)\n"
        "import modelgate\n"
        "print(modelgate.__file__)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(mutants)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(mutants / "modelgate" / "__init__.py"), done.stderr


def test_a_mutants_tests_run_its_siblings_killers_first_then_fastest_first_and_any_other_run_keeps_pytests_order(tmp_path):
    # As mutmut runs a mutant's tests: in mutants/, beside its stats, the stage's plugin on the path.
    staged = stage.stage(into=tmp_path / "stage")
    mutants = tmp_path / "mutants"
    mutants.mkdir()
    names = ["test_slow", "test_unknown", "test_quick", "test_middle"]  # in the file's order
    body = "    Path('ran').open('a').write('{name}\\n')\n"
    killer = "    assert not os.environ['MUTANT_UNDER_TEST'].endswith('x_f__mutmut_1')\n"  # test_slow kills that mutant
    (mutants / "test_order.py").write_text(
        "import os\nfrom pathlib import Path\n\n\n"
        + "".join(
            f"def {name}():\n" + body.format(name=name) + (killer if name == "test_slow" else "") + "\n\n" for name in names
        )
    )
    timings = {"test_slow": 9.0, "test_quick": 0.1, "test_middle": 2.0}  # test_unknown has no timing
    stats = {"duration_by_test": {f"test_order.py::{name}": took for name, took in timings.items()}}
    (mutants / "mutmut-stats.json").write_text(json.dumps(stats))

    def order(mutant: str) -> tuple[list[str], int]:
        (mutants / "ran").unlink(missing_ok=True)
        env = {**os.environ, "PYTHONPATH": str(staged / "site"), "PYTEST_PLUGINS": "mutation_order", "MUTANT_UNDER_TEST": mutant}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:modelgate", "test_order.py"]
        done = subprocess.run(command, check=False, cwd=mutants, env=env, capture_output=True, text=True)
        return (mutants / "ran").read_text().split(), done.returncode

    fastest = ["test_quick", "test_middle", "test_slow", "test_unknown"]
    for other in ("", "stats", "fail"):  # the clean run, the stats run, mutmut's forced failure: pytest's order
        assert order(other) == (names, 0), other
    assert order("modelgate.model.manifest.x_g__mutmut_4") == (fastest, 0)  # no kill recorded yet
    assert order("modelgate.model.manifest.x_f__mutmut_1") == (fastest, 1)  # killed by test_slow, recorded
    assert (mutants / "mutation-killers" / "modelgate.model.manifest.x_f").read_text() == "test_order.py::test_slow\n"
    slow_first = ["test_slow", "test_quick", "test_middle", "test_unknown"]
    assert order("modelgate.model.manifest.x_f__mutmut_2") == (slow_first, 0)  # a sibling's killer first
    assert order("modelgate.model.manifest.xǁManifestǁpath__mutmut_2") == (slow_first, 0)  # the same module's
    assert order("modelgate.model.served.x_load__mutmut_2") == (fastest, 0)  # another module's: none


def test_recorded_results_come_back_as_mutmuts_own_files_in_a_fresh_stage_and_never_replace_the_stages_own(tmp_path):
    results, first, fresh = tmp_path / "results.json", tmp_path / "first", tmp_path / "fresh"
    meta = first / "mutants" / "modelgate" / "model" / "manifest.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {"modelgate.model.manifest.x_signed_file__mutmut_1": 1, "modelgate.model.manifest.x_signed_file__mutmut_2": 0}
    hashes = {"x_signed_file": "0f1e2d"}
    unchecked = {"modelgate.model.manifest.x_signed_file__mutmut_3": None}
    written = {"exit_code_by_key": codes | unchecked, "hash_by_function_name": hashes, "type_check_error_by_key": {}}
    meta.write_text(json.dumps(written | {"durations_by_key": {}, "estimated_durations_by_key": {}}))
    nothing = {"exit_code_by_key": {"modelgate.gate.x_main__mutmut_1": None}, "hash_by_function_name": {"x_main": "9a"}}
    (first / "mutants" / "modelgate" / "gate.py.meta").write_text(json.dumps(nothing))  # a module not yet checked
    assert stage.save(first, results) == {"modelgate/model/manifest.py": 2}

    assert stage.restore(fresh, results) == ["modelgate/model/manifest.py"]
    back = json.loads((fresh / "mutants" / "modelgate" / "model" / "manifest.py.meta").read_text())
    # What mutmut's SourceFileMutationData.load reads: the checked results and the hashes they hold for; no unchecked one.
    assert back["exit_code_by_key"] == codes and back["hash_by_function_name"] == hashes
    assert set(back) == {
        "exit_code_by_key",
        "hash_by_function_name",
        "type_check_error_by_key",
        "durations_by_key",
        "estimated_durations_by_key",
    }
    assert stage.restore(first, results) == [] and json.loads(meta.read_text())["exit_code_by_key"] == codes | unchecked


def test_a_modules_sample_is_fixed_by_its_mutants_names_and_its_interval_has_the_closed_ends(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    score = load_script(ROOT / "bench" / "mutation_score.py")
    names = [f"modelgate.contracts.reader.x_read__mutmut_{i}" for i in range(1, 301)]
    drawn = score.sample(names, 40)
    assert len(set(drawn)) == 40 and set(drawn) <= set(names)
    assert score.sample(list(reversed(names)), 40) == drawn  # not the order mutmut lists them in
    assert drawn[0] == min(names, key=lambda name: hashlib.sha256(name.encode()).hexdigest())
    # A function with more mutants since: the old draw's members keep their order among the new ones.
    more = score.sample([*names, *(f"modelgate.contracts.reader.x_new__mutmut_{i}" for i in range(1, 51))], 350)
    assert [name for name in more if name in names][:40] == drawn
    # The Wilson interval's ends at none and all killed are z² / (n + z²) and n / (n + z²), z = 1.96.
    z2 = 1.959964**2
    low, high = score.wilson(0, 40)
    assert low == 0 and abs(high - 100 * z2 / (40 + z2)) < 1e-9
    low, high = score.wilson(40, 40)
    assert abs(low - 100 * 40 / (40 + z2)) < 1e-9 and high == 100
    low, high = score.wilson(20, 40)
    assert abs((low + high) / 2 - 50) < 1e-9 and 35.1 < low < 35.3  # symmetric about a half; 35.2 % worked by hand


def test_a_sampled_run_hands_mutmut_the_draws_unchecked_mutants_and_never_an_empty_list(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    run = load_script(ROOT / "bench" / "mutation_run.py")
    called = []
    monkeypatch.setattr(run, "generate", lambda: None)
    monkeypatch.setattr(run.os, "execvp", lambda program, args: called.append(args))
    monkeypatch.setenv("MUTATION_SAMPLE", "2")
    judged = {"contracts/reader.py": {"a": "killed", "b": "not checked"}, "model/manifest.py": {"c": "survived"}}
    monkeypatch.setattr(run, "judgement", lambda patterns, size: ({}, judged) if size == 2 else pytest.fail(str(size)))
    run.main([])
    assert called == [["mutmut", "run", "b"]]
    judged["contracts/reader.py"]["b"] = "killed"
    assert run.main([]) == 0 and len(called) == 1  # mutmut given no names would check every mutant
    run.main(["modelgate.model.scorer*"])  # patterns: checked again, as given
    assert called[-1] == ["mutmut", "run", "modelgate.model.scorer*"]
