@api
Feature: Scoring contract
  The service predicts a person's weight in pounds from their height in inches.
  The business has agreed the weights below for the bundled model. A model that moves
  any of them by more than the tolerance needs a new sign-off before it is released.

  Background:
    Given the scoring service is running

  Scenario Outline: An agreed height scores to its agreed weight
    When a client asks for the weight of a person <height> inches tall
    Then the answer is <weight> pounds, give or take 0.0001 pounds
      | source | The answers are rounded to 4 decimals: one unit in the last decimal, so an agreed weight may differ only in how it was rounded |
      | owner  | The modelgate maintainers                                                                                                      |
    And the answer holds exactly one weight

    Examples: Agreed weights
      | height | weight   |
      | 50     | 60.6672  |
      | 60     | 110.398  |
      | 62.5   | 122.8307 |
      | 66     | 140.2365 |
      | 72     | 170.075  |
      | 75.5   | 187.4807 |
      | 80     | 209.8596 |
      | 138    | 498.2981 |
      | 140    | 508.2442 |

  Scenario: All agreed heights asked at once are answered in the order asked
    When a client asks for the weights of all agreed heights in one request
    Then there is one answer per height, each the agreed weight for its height
