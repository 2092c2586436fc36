@risk
Feature: Model risk
  A reviewer signs off on more than the agreed species. The model being released must be no worse
  than the model in production on penguins neither was trained on, in the log loss of the
  probabilities it gives (its log loss is how surprised it is by the real species on average: minus
  the logarithm of the probability it gave that species), and it must give every agreed penguin the
  species the model in production gives it. Only plausible penguins are answered: a measurement
  outside its accepted range, an island or a sex not declared, a missing island are refused.
  Measurements outside those the model was trained on are still answered, but every such answer is
  marked as an extrapolation and counted. A file of penguins that no longer looks like the penguins
  the model was trained on is refused: its measurements have drifted, and so have the shares of the
  species the model answers for it (against the shares it answers for the training penguins). The 84
  evaluation penguins, drawn like the training penguins, already differ from them by a stability
  index of up to about 0.25 in their bill depth, so the levels are set above that; a file of the
  penguins of one island only differs by more than 4 in its island and by more than 1 in its
  predicted species shares. A file's stability index compares how its penguins spread over ten bands
  of each measurement (or over the islands, the sexes, the species answered) with how the training
  penguins spread: 0 when alike, larger the less alike.

  @api
  Scenario: Only plausible measurements are accepted
    Given the scoring service is running
    Then the service accepts every input's accepted values, and no others

  @api
  Scenario: Measurements outside those the model was trained on are answered and marked
    Given the scoring service is running
    When a client asks for the species of these penguins
      | island    | sex    | bill_length_mm | bill_depth_mm | flipper_length_mm | body_mass_g |
      | Biscoe    | female | 35.5           | 16.2          | 195               | 3350        |
      | Dream     | male   | 65             | 19.5          | 196               | 3900        |
      | Biscoe    | male   | 50.2           | 14.3          | 240               | 6800        |
      | Torgersen |        | 39             | 18            | 190               |             |
    Then the answer marks as extrapolations exactly the penguins outside those the model was trained on

  Scenario: The model being released is no worse than the model in production
    Given the model under test and the model in production
    When both score the evaluation penguins, whom neither was trained on
    Then the new model's log loss is at most 0.05 worse than the production model's
      | source | Half the log loss band: a new model may be a little less sure of its answers, not much less |
      | owner  | The modelgate maintainers                                                                   |
    And no agreed species changed from the production model's, nor an agreed probability by more than its tolerance

  Scenario: A file of penguins like the training penguins is scored as usual
    Given a file of the measurements of the evaluation penguins
    When the file is scored with the drift check
    Then its measurements' and its predicted species shares' stability index against the training penguins is below the warning level of 0.35
      | source | The 84 evaluation penguins, drawn like the training penguins, already differ from them by up to about 0.25 in their bill depth; the warning level is set above that |
      | owner  | The modelgate maintainers                                                                                                                                           |
    And the file is scored

  Scenario: A file of the penguins of one island only is refused
    Given a file of the measurements of the training penguins seen on Biscoe
    And a file of 80 or more penguins is judged for drift
      | source | Just under the 84 evaluation penguins, the smallest file whose stability index the reviewers have seen stay below the warning level |
      | owner  | The modelgate maintainers                                                                                                           |
    When the file is scored with the drift check
    Then the file is refused, its island's and its predicted species shares' stability index being at least 0.7
      | source | Twice the warning level: a file of the penguins of one island only differs by more than 4 in its island and by more than 1 in its predicted species shares |
      | owner  | The modelgate maintainers                                                                                                                                  |
    And nothing is written for it
