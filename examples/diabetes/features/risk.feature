@risk
Feature: Model risk
  A reviewer signs off on more than the agreed progressions. The model must be no worse than the
  model in production on patients neither was trained on, and it must only give answers within the
  agreed range: measurements outside the accepted ranges are refused, every answer lies in the
  agreed range, and a higher body mass index or triglycerides level never gives a lower
  progression. The model is a linear one: combinations of measurements far from the study's
  patients get answers outside the study's own 25 to 346 points, so the agreed range is wider.
  Measurements outside those the model was trained on are still answered, but every such answer is
  marked as an extrapolation and counted. A file of patients that no longer looks like the
  patients the model was trained on (blood sugar given in another unit, say) is refused; a file of
  a hundred patients drawn like the training patients already differs from them by a stability
  index of up to about 0.27 in some measurement, so the levels are set above that.
  A model's typical error is how far its progression is from the real one on average, above or
  below. A file's stability index compares how each measurement spreads over ten bands of the
  training patients' with how theirs spreads: 0 when alike, larger the less alike.

  @api
  Scenario: Only plausible measurements are accepted
    Given the scoring service is running
    Then the service accepts every input's accepted values, and no others

  Scenario: Every answer is in the agreed range, and more body fat never lowers the progression
    Given the model under test
    Then every progression it gives for accepted measurements is at least -250 and at most 700 points
      | source | Wide enough for the answers a linear model gives to combinations of accepted measurements far from the study's patients, which lie beyond the study's own 25 to 346 points |
      | owner  | The modelgate maintainers                                                                                                                                                  |
    And the progression never falls as bmi rises
    And the progression never falls as triglycerides rise

  @api
  Scenario: Measurements outside those the model was trained on are answered and marked
    Given the scoring service is running
    When a client asks for the progression of these patients
      | age | sex | bmi  | blood_pressure | cholesterol | ldl   | hdl | cholesterol_ratio | triglycerides | glucose |
      | 36  | 1   | 27.8 | 73             | 153         | 104.4 | 42  | 4                 | 3.4965        | 73      |
      | 85  | 2   | 30   | 90             | 200         | 120   | 50  | 4                 | 4.5           | 90      |
      | 50  | 1   | 48   | 145            | 200         | 120   | 50  | 4                 | 4.5           | 140     |
    Then the answer marks as extrapolations exactly the patients outside those the model was trained on

  Scenario: The model being released is not worse than the model in production
    Given the model under test and the model in production
    When both score the evaluation patients, whom neither was trained on
    Then the new model's typical error is at most 2 points worse than the production model's
      | source | About 1 in 20 of the 44-point typical error: a change no reviewer would call a loss, while a real loss shows |
      | owner  | The modelgate maintainers                                                                                    |
    And no agreed progression moved from the production model's by more than the agreed tolerance

  Scenario: A file of patients like the training patients is scored as usual
    Given a file of the measurements of the evaluation patients
    When the file is scored with the drift check
    Then its measurements' stability index against the training measurements is below the warning level of 0.35
      | source | A file of 100 patients drawn like the training patients already shows a stability index of up to about 0.27 in some measurement; the warning level is set above that |
      | owner  | The modelgate maintainers                                                                                                                                            |
    And the file is scored

  Scenario: A file whose blood sugar is in millimoles per litre is refused
    Given a file of the glucose of the evaluation patients, in millimoles per litre
    And a file of 100 or more patients is judged for drift
      | source | Below 100 patients, a file drawn like the training patients shows a stability index near the warning level by chance alone |
      | owner  | The modelgate maintainers                                                                                                  |
    When the file is scored with the drift check
    Then the file is refused, its measurements' stability index being at least 0.7
      | source | Twice the warning level, far above what chance gives a file of 100 patients |
      | owner  | The modelgate maintainers                                                   |
    And nothing is written for it
