"""Every feature of the features folder (``bdd_features_base_dir``; another model's with ``-o
bdd_features_base_dir=DIR``), bound to the step library: the step definitions are plugins (``conftest.py``), so no
step module names the files of one model. Select by tag: ``-m api``, ``-m model``, ``-m batch``..."""

from pytest_bdd import scenarios

scenarios(".")
