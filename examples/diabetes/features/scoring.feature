@api
Feature: Agreed progressions
  The clinical reviewers have agreed the progression the model gives eight patients of the evaluation
  set. A model that moves any of them by more than the tolerance needs a new sign-off before it is
  released.

  Background:
    Given the scoring service is running

  Scenario: The agreed patients score to their agreed progression
    When a client asks for the progression of each patient below
      | age | sex | bmi  | blood_pressure | cholesterol | ldl   | hdl | cholesterol_ratio | triglycerides | glucose | progression |
      | 36  | 1   | 27.8 | 73             | 153         | 104.4 | 42  | 4                 | 3.4965        | 73      | 89.43       |
      | 52  | 2   | 19.7 | 81             | 152         | 53.4  | 82  | 2                 | 4.4188        | 82      | 68.69       |
      | 57  | 2   | 30.7 | 90             | 204         | 147.8 | 34  | 6                 | 4.7095        | 93      | 175.49      |
      | 37  | 2   | 27.7 | 93             | 180         | 119.4 | 30  | 6                 | 5.0304        | 88      | 190.21      |
      | 55  | 1   | 32.1 | 110            | 164         | 84.2  | 42  | 4                 | 5.2417        | 90      | 257.09      |
      | 28  | 1   | 25.4 | 93             | 141         | 79    | 49  | 3                 | 4.1744        | 91      | 139.52      |
      | 22  | 1   | 19.3 | 82             | 156         | 93.2  | 52  | 3                 | 3.989         | 71      | 71.37       |
      | 19  | 1   | 19.2 | 87             | 124         | 54    | 57  | 2                 | 4.1744        | 90      | 96.59       |
    Then each answer is the agreed progression, give or take 0.01 points
      | source | The answers are rounded to 2 decimals: one unit in the last decimal |
      | owner  | The modelgate maintainers                                           |
