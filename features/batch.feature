@batch
Feature: Batch CSV guard
  Files of heights are scored in batch. A file is scored only if every row meets the
  contract; otherwise nothing is written, the file is left as it was, and a report
  says which line is wrong and why.

  Scenario: A valid file is scored
    Given a batch file with the lines "height\n62.5\n72\n138\n"
    When the file is scored
    Then the scoring succeeds
    And the output has the input's columns plus "weight", one row per input row
    And each weight is the agreed weight for its height

  Scenario: Extra columns pass through untouched
    Given a batch file with the lines "id,height,site\nA-1,72,north\nA-2,138,\"south, east\"\n"
    When the file is scored
    Then the scoring succeeds
    And the output has the input's columns plus "weight", one row per input row

  Scenario Outline: A bad file is rejected, nothing is written and the file is untouched
    Given a batch file with the lines "<lines>"
    When the file is scored
    Then the scoring is rejected, naming <where> and "<problem>"
    And no output file exists
    And the input file is unchanged
    And the failure report and the JUnit file record the problem

    Examples: Bad files
      | kind                | lines                          | where  | problem            |
      | empty file          |                                | header | empty file         |
      | no height column    | size\n72\n                     | header | 'height' is missing |
      | height twice        | height,height\n72,72\n         | header | 'height' is twice  |
      | has a weight column | height,weight\n72,150\n        | header | 'weight' column    |
      | not a number        | height\n72\ntall\n             | line 3 | is_number          |
      | blank height        | height\n72\n\n70\n             | line 3 | not_nullable       |
      | NaN                 | height\nNaN\n                  | line 2 | not_nullable       |
      | zero                | height\n72\n0\n                | line 3 | greater than 0     |
      | negative            | height\n-65\n                  | line 2 | greater than 0     |
      | infinite            | height\n72\ninf\n              | line 3 | at most 300        |
      | absurdly large      | height\n1e400\n                | line 2 | at most 300        |
      | too many fields     | height\n72\n70,5\n             | line 3 | 2 fields           |
