@batch
Feature: Scoring files of heights
  Files of heights are scored in batch. A file is scored only if every height in it is
  acceptable; otherwise nothing is written, the file is left as it was, and a report
  says which line is wrong and why.

  Scenario: A good file is scored
    Given a batch file with the lines "height\n62.5\n72\n138\n"
    When the file is scored
    Then the scoring succeeds
    And the output has the input's columns plus "weight", one row per input row
    And each weight is the agreed weight for its height

  Scenario: Other columns pass through untouched
    Given a batch file with the lines "id,height,site\nA-1,72,north\nA-2,138,\"south, east\"\n"
    When the file is scored
    Then the scoring succeeds
    And the output has the input's columns plus "weight", one row per input row

  Scenario: A file with an impossible height is not scored
    Given a batch file with the lines "height\n72\n-65\n"
    When the file is scored
    Then the scoring is rejected, naming line 3 and "greater than 45"
    And no output file exists
    And the input file is unchanged
