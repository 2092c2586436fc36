@model
Feature: Diabetes progression model
  The model predicts how far a patient's diabetes will have progressed one year after the baseline
  visit, on the study's progression scale, from their age, sex, body mass index, blood pressure and
  six blood serum measurements taken at that visit. This is where its inputs and its answer are
  declared; the other features state what was agreed about them.

  Scenario: The model is told a patient's baseline measurements and answers their progression
    Given the model under test
    Then it takes these inputs
      | input             | meaning                                  | unit  | kind     | accepted       | may be missing |
      | age               | age at the baseline visit                | years | number   | from 18 to 90  | no             |
      | sex               | sex, as the study codes it               |       | category | 1 or 2         | no             |
      | bmi               | body mass index                          | kg/m² | number   | from 15 to 50  | no             |
      | blood_pressure    | average blood pressure                   | mm Hg | number   | from 50 to 150 | no             |
      | cholesterol       | total serum cholesterol                  | mg/dL | number   | from 90 to 320 | no             |
      | ldl               | low-density lipoproteins                 | mg/dL | number   | from 30 to 250 | no             |
      | hdl               | high-density lipoproteins                | mg/dL | number   | from 15 to 110 | no             |
      | cholesterol_ratio | total cholesterol for each unit of HDL   |       | number   | from 1 to 10   | no             |
      | triglycerides     | serum triglycerides level, as a logarithm |      | number   | from 3 to 6.5  | no             |
      | glucose           | blood sugar level                        | mg/dL | number   | from 50 to 150 | no             |
    And it answers the progression in points, rounded to 2 decimals
