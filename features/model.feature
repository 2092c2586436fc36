@model
Feature: Height → weight model
  The model predicts a person's weight in pounds from their height in inches. This is where its
  input and its answer are declared; the other features state what was agreed about them.

  Scenario: The model is told a person's height and answers their weight
    Given the model under test
    Then it takes these inputs
      | input  | meaning             | unit   | kind   | may be missing |
      | height | the person's height | inches | number | no             |
    And it answers the weight in pounds, rounded to 4 decimals
