@api
Feature: Agreed diagnoses
  The study's reviewers have agreed the diagnosis the model gives eight masses of the evaluation
  set, and how sure it is of each. Two of them are benign masses the model answers malignant: their
  probability of malignant is above the agreed 0.3, one of them below a half. A model that answers
  another diagnosis for any of them, or moves its probability by more than the tolerance, needs a
  new sign-off before it is released.

  Background:
    Given the scoring service is running

  Scenario: The agreed masses are answered their agreed diagnosis
    When a client asks for the diagnosis of each mass below
      | mean_radius | mean_texture | mean_smoothness | mean_concave_points | worst_radius | worst_symmetry | diagnosis | probability |
      | 9.787       | 19.94        | 0.1024          | 0.007937            | 10.92        | 0.1934         | benign    | 0.9997      |
      | 21.61       | 22.28        | 0.1167          | 0.1562              | 26.23        | 0.3828         | malignant | 1           |
      | 15.85       | 23.95        | 0.08401         | 0.05364             | 16.84        | 0.2809         | malignant | 0.7837      |
      | 15.71       | 13.93        | 0.09462         | 0.05933             | 17.5         | 0.2723         | benign    | 0.7146      |
      | 16.5        | 18.29        | 0.09686         | 0.04835             | 18.13        | 0.2394         | malignant | 0.5438      |
      | 14.74       | 25.42        | 0.08275         | 0.03027             | 16.51        | 0.2722         | malignant | 0.4928      |
      | 13.21       | 28.06        | 0.08671         | 0.03275             | 14.37        | 0.2473         | benign    | 0.7511      |
      | 13.61       | 24.69        | 0.09258         | 0.03085             | 16.89        | 0.347          | malignant | 0.7839      |
    Then each answer is the agreed diagnosis, its probability give or take 0.01
      | source | A probability within one point: the reviewers read probabilities to two decimals |
      | owner  | The modelgate maintainers                                                        |
