@model
Feature: Model quality
  Before a model is released it must explain enough of the variation in weight to be
  useful, and not so much that the training data must have leaked the answer into it.

  Background:
    Given the model trained on the bundled training data

  Scenario: The model's R² on its training data lies inside the agreed band
    Then its R² on the training data is between 0.60 and 0.95

  Scenario: The model's record states what it was trained on and how well it fits
    Then its record names the training data with its row count and fingerprint
    And the R² in its record matches the R² recomputed from the training data

  Scenario: Training is repeatable
    When the model is trained again on the same data
    Then both models give the same weights and carry the same version
