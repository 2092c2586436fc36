@risk
Feature: Model risk
  A reviewer signs off on more than the agreed weights. The model must be no worse than the
  model in production on people neither was trained on, and it must only ever give plausible
  answers: heights outside a plausible range are refused, every weight it gives lies in a
  plausible range, and a taller person never gets a lower weight. Heights outside those the
  model was trained on are still answered, but every such answer is marked as an
  extrapolation and counted. A file of heights that no longer looks like the people the model
  was trained on (heights given in centimetres, say) is flagged, or refused.
  A model's typical error is how far its weight is from the real weight on average, above
  or below. A file's stability index compares how its heights spread over ten bands of the
  training heights with how the training heights spread: 0 when alike, larger the less alike.

  @api
  Scenario: Only plausible heights are accepted
    Given the scoring service is running
    Then the service accepts heights greater than 45 and at most 150 inches, and no others
      | source | A plausible adult height: 45 inches is below any adult's, 150 is far above the tallest person on record (107 inches), so the agreed weights at 138 and 140 inches, far outside the training people, can still be asked |
      | owner  | The modelgate maintainers                                                                                                                                                                                              |

  Scenario: Every answer is a plausible weight, and taller is never lighter
    Given the model under test
    Then every weight it gives for an accepted height is at least 25 and at most 600 pounds
      | source | The line at the ends of the accepted heights, about 36 pounds at 45 inches and about 558 pounds at 150 inches, widened to round numbers: an answer outside them is no longer that line |
      | owner  | The modelgate maintainers                                                                                                                                                              |
    And over all accepted heights a taller person never gets a lower weight

  @api
  Scenario: Heights outside those the model was trained on are answered and marked
    Given the scoring service is running
    When a client asks for the weights of people 50, 66 and 138 inches tall
    Then there are 3 weights, each the agreed weight for its height
    And the answer marks as extrapolations exactly the heights outside those the model was trained on

  Scenario: The model being released is not worse than the model in production
    Given the model under test and the model in production
    When both score the evaluation people, whom neither was trained on
    Then the new model's typical error is at most 0.5 pounds worse than the production model's
      | source | Half a pound is under 1 in 100 of the lightest agreed weight and finer than a bathroom scale reads: a loss nobody using the answers can notice, while a real loss of accuracy shows |
      | owner  | The modelgate maintainers                                                                                                                                                           |
    And no agreed weight moved from the production model's by more than the agreed tolerance

  Scenario: A file of heights like the training heights is scored as usual
    Given a file of the heights of the evaluation people
    When the file is scored with the drift check
    Then its heights' stability index against the training heights is below the warning level of 0.1
      | source | The warning level in common use for the population stability index in credit scoring: below 0.1 a population has not really changed |
      | owner  | The modelgate maintainers                                                                                                           |
    And the file is scored

  Scenario: A file of heights in centimetres is refused
    Given a file of the heights of the evaluation people, in centimetres
    And a file of 100 or more heights is judged for drift
      | source | By chance alone, a file drawn like the training people shows a stability index of about 9 divided by its number of heights (ten bands are compared): about 0.09 for 100 heights, just under the warning level, so smaller files are judged by the rule for them below |
      | owner  | The modelgate maintainers                                                                                                                                                                                                                                             |
    When the file is scored with the drift check
    Then the file is refused, its heights' stability index being at least 0.25
      | source | The level in common use for the population stability index in credit scoring from which a population has shifted significantly |
      | owner  | The modelgate maintainers                                                                                                      |
    And nothing is written for it

  Scenario: A smaller file of heights in centimetres is refused on wider bands
    Given a file of the first 60 heights of the evaluation people, in centimetres
    And a smaller file of 50 or more heights is refused when its stability index on five bands, each a fifth of the training heights, is at least 1
      | source | Files of 50 heights drawn by chance from the evaluation people reached at most 0.66 on five bands in 4,000 draws (one in a hundred above 0.33), while the same heights in centimetres reach about 7; below 50 heights a band left empty by chance alone reaches 1.5 |
      | owner  | The modelgate maintainers                                                                                                                                                                                                                                            |
    When the file is scored with the drift check
    Then the file is refused on its heights' stability index on five bands
    And nothing is written for it

  Scenario: A smaller file of heights like the training heights is scored, judged on wider bands
    Given a file of the first 60 heights of the evaluation people
    When the file is scored with the drift check
    Then its heights' stability index on five bands is below the smaller files' refusal level
    And the file is scored
