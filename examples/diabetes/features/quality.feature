@model
Feature: Model quality
  Before a model is released it must explain enough of the variation in progression to be useful,
  and on patients it has not seen it must miss by no more than the agreed number of points. The
  model judged is the one being released, and its record is checked against its own answers to the
  training patients, computed here.

  Background:
    Given the model under test and the training data its record names

  Scenario: The model's R² on its training data lies inside the agreed band
    Then its recorded R² on the training data is between 0.40 and 0.65

  Scenario: On patients it was not trained on, the model's typical error is small
    When each fifth of the training patients is predicted by a model fitted on the other four fifths
    Then on patients it was not trained on, its typical error is at most 50 points
    And its record states that typical error, the spread of its errors and its R² on those patients

  Scenario: The model's record states what it was trained on and how well it fits
    Then its record names the training data with its row count and fingerprint
    And the R² in its record matches the R² of its answers on the training data, computed here

  Scenario: Training is repeatable
    When the model is trained again on the same data
    Then both models give the same progressions and carry the same version
