@model
Feature: Diabetes progression model
  The model predicts how far a patient's diabetes will have progressed one year after the baseline
  visit, on the study's progression scale, from their age, sex, body mass index, blood pressure and
  six blood serum measurements taken at that visit. This is where its inputs and its answer are
  declared; the other features state what was agreed about them.

  Scenario: The model's card: what it is for, what it was trained on and who owns it
    Given the model under test
    Then its card reads
      | what it is for     | Showing a model of several inputs gated on its contract: it estimates how far a patient's diabetes will have progressed one year after a baseline visit |
      | trained on         | 342 of the 442 diabetes patients of the study published by Efron, Hastie, Johnstone and Tibshirani (Least Angle Regression, 2004); the other 100 are kept aside for evaluation |
      | period             | Not stated by the study, published in 2004; the baseline visits and the follow-up a year later are all it describes |
      | not to be used for | Treating, triaging or advising any patient; patients of other clinics, countries or decades than the study's |
      | known limitations  | 442 patients in all, of one study; sex is only as the study codes it (1 or 2); the answer is a point on the study's own progression scale, not a clinical measure |
      | owner              | The modelgate maintainers, who run this repository's release chain |

  Scenario: The model is told a patient's baseline measurements and answers their progression
    Given the model under test
    Then it takes these inputs
      | input             | meaning                                   | unit  | kind     | accepted       | may be missing | source                                                                                                                                                                                                | owner                     |
      | age               | age at the baseline visit                 | years | number   | from 18 to 90  | no             | The study's 342 training patients are 19 to 79 years old; accepted from 18, an adult, to 90; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation | The modelgate maintainers |
      | sex               | sex, as the study codes it                |       | category | 1 or 2         | no             |                                                                                                                                                                                                       |                           |
      | bmi               | body mass index                           | kg/m² | number   | from 15 to 50  | no             | The training patients' body mass index is 18 to 42.2; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                                        | The modelgate maintainers |
      | blood_pressure    | average blood pressure                    | mm Hg | number   | from 50 to 150 | no             | The training patients' blood pressure is 62 to 131 mm Hg; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                                    | The modelgate maintainers |
      | cholesterol       | total serum cholesterol                   | mg/dL | number   | from 90 to 320 | no             | The training patients' total cholesterol is 97 to 300 mg/dL; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                                 | The modelgate maintainers |
      | ldl               | low-density lipoproteins                  | mg/dL | number   | from 30 to 250 | no             | The training patients' LDL is 41.6 to 242.4 mg/dL; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                                           | The modelgate maintainers |
      | hdl               | high-density lipoproteins                 | mg/dL | number   | from 15 to 110 | no             | The training patients' HDL is 22 to 98 mg/dL; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                                                | The modelgate maintainers |
      | cholesterol_ratio | total cholesterol for each unit of HDL    |       | number   | from 1 to 10   | no             | The training patients' ratio is 2 to 9.09; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                                                   | The modelgate maintainers |
      | triglycerides     | serum triglycerides level, as a logarithm |       | number   | from 3 to 6.5  | no             | The training patients' logarithm of triglycerides is 3.26 to 6.11; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                           | The modelgate maintainers |
      | glucose           | blood sugar level                         | mg/dL | number   | from 50 to 150 | no             | The training patients' blood sugar is 58 to 124 mg/dL; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                                       | The modelgate maintainers |
    And it answers the progression in points, rounded to 2 decimals
