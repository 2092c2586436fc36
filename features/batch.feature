@batch
Feature: Scoring files of heights
  Files of heights are scored in batch. A file is scored only if every height in it is
  acceptable; otherwise nothing is written, the file is left as it was, and a report
  says which line is wrong and why, counting the line naming the columns as line 1.

  Scenario: A good file is scored
    Given a batch file of these rows, the first naming the columns
      | height |
      | 62.5   |
      | 72     |
      | 138    |
    When the file is scored
    Then the scoring succeeds
    And the output has the input's columns plus "weight", one row per input row
    And each weight is the agreed weight for its height

  Scenario: Other columns pass through untouched
    Given a batch file of these rows, the first naming the columns
      | id  | height | site        |
      | A-1 | 72     | north       |
      | A-2 | 138    | south, east |
    When the file is scored
    Then the scoring succeeds
    And the output has the input's columns plus "weight", one row per input row

  Scenario: A file with an impossible height is not scored
    Given a batch file of these rows, the first naming the columns
      | height |
      | 72     |
      | -65    |
    When the file is scored
    Then the scoring is rejected, naming line 3 and "greater than 45"
    And no output file exists
    And the input file is unchanged
