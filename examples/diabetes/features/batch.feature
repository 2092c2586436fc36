@batch
Feature: Scoring files of patients
  Files of patients' baseline measurements are scored in batch. A file is scored only if every
  measurement in it is acceptable; otherwise nothing is written, the file is left as it was, and a
  report says which line is wrong and why.

  Scenario: A good file is scored
    Given a batch file of the agreed patients
    When the file is scored
    Then the scoring succeeds
    And the output has the input's columns plus "progression", one row per input row
    And each progression is the agreed progression for its patient

  Scenario: A file with an impossible body mass index is not scored
    Given a batch file of the agreed patients where line 3 has a bmi of 4
    When the file is scored
    Then the scoring is rejected, naming line 3 and "at least 15"
    And no output file exists
    And the input file is unchanged
