"""Every feature of the features folder (``--features DIR``, or ``-o bdd_features_base_dir=DIR``; the bundled
model's by default), bound to the step library: the step definitions are plugins (``modelgate.steps.plugin``), so no
step module names the files of one model. Select by tag: ``-m api``, ``-m model``, ``-m batch``...

This repository collects it as ``pytest steps``; another repository, which has only its features and a model folder,
as ``pytest --pyargs modelgate.steps --features features --model model`` (what ``modelgate check`` runs)."""

from modelgate.steps.plugin import features_base_dir
from pytest_bdd import scenarios

scenarios(".", features_base_dir=features_base_dir())
