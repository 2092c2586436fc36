"""Train and package a model with its contract, verify and load its folder, and score batches.

Importing this package is light (the service imports its submodules that need no scikit-learn)."""

# The estimators ``modelgate train --estimator`` fits (model.train), in one place for the command line and the trainer.
ESTIMATORS = ("linear", "ridge", "random-forest", "gradient-boosting", "hist-gradient-boosting")
