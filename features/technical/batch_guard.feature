@batch
Feature: Batch CSV guard
  The mechanics of the batch guard: every kind of bad CSV file is rejected before anything is
  written, naming the header or the line and the pandera check that failed, with a JSON failure
  report and a JUnit file.

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
      | zero                | height\n72\n0\n                | line 3 | greater than 45    |
      | negative            | height\n-65\n                  | line 2 | greater than 45    |
      | too short           | height\n72\n45\n               | line 3 | greater than 45    |
      | too tall            | height\n150.5\n                | line 2 | at most 150        |
      | infinite            | height\n72\ninf\n              | line 3 | at most 150        |
      | absurdly large      | height\n1e400\n                | line 2 | at most 150        |
      | too many fields     | height\n72\n70,5\n             | line 3 | 2 fields           |
