@batch
Feature: Scoring files of penguins
  Files of penguins seen in the field are scored in batch: each penguin gets the species the model
  answers and the probability of each of the three species. A file is scored only if every penguin
  in it is acceptable; otherwise nothing is written, the file is left as it was, and a report says
  which line is wrong and why.

  Scenario: A good file is scored
    Given a batch file of the agreed penguins
    When the file is scored
    Then the scoring succeeds
    And the output has the input's columns plus the species and the probability of each species, one row per input row
    And each species is the agreed species for its penguin

  Scenario: A file with an impossible flipper length is not scored
    Given a batch file of the agreed penguins where line 3 has a flipper_length_mm of 300
    When the file is scored
    Then the scoring is rejected, naming line 3 and "at most 250 mm"
    And no output file exists
    And the input file is unchanged

  Scenario: A file with a penguin from an island the model does not know is not scored
    Given a batch file of the agreed penguins where line 4 has an island of Anvers
    When the file is scored
    Then the scoring is rejected, naming line 4 and "one of Biscoe, Dream, Torgersen"
    And no output file exists
    And the input file is unchanged
