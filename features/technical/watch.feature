@storage
Feature: Scoring files as they arrive
  Users upload files of heights into an inbox: a local folder, or a folder in cloud
  storage. Each new file is scored into the outbox under its own name with "input"
  replaced by "output", exactly once; a file that breaks the contract is set aside in the
  quarantine with a report saying why. The uploaded file itself is never changed, and a
  watcher that is stopped and started again loses nothing and repeats nothing.

  Scenario Outline: A dropped file is scored into the outbox
    Given an empty inbox, outbox and quarantine in <storage>
    When "r_input_file1.csv" with the agreed heights is dropped into the inbox
    And the watcher looks once
    Then the outbox holds "r_output_file1.csv" with the agreed weight for each height
    And "r_input_file1.csv" is still in the inbox, unchanged

    Examples:
      | storage       |
      | local folder  |
      | cloud storage |

  Scenario Outline: A file that breaks the contract is quarantined with its reports
    Given an empty inbox, outbox and quarantine in <storage>
    When "r_input_file2.csv" with the lines "height\n64\n-7\n" is dropped into the inbox
    And the watcher looks once
    Then the outbox holds no "r_output_file2.csv"
    And the quarantine holds "r_input_file2.csv" with a report naming line 3 and "greater than 45"

    Examples:
      | storage       |
      | local folder  |
      | cloud storage |

  Scenario Outline: The same upload twice is scored once
    Given an empty inbox, outbox and quarantine in <storage>
    When "r_input_file3.csv" with the lines "height\n67\n" is dropped into the inbox
    And the watcher looks once
    And the same content is dropped into the inbox again as "r_input_file3_again.csv"
    And the watcher looks once
    Then the outbox holds 1 scored file
    And the watcher's last look skipped "r_input_file3_again.csv" as already scored

    Examples:
      | storage       |
      | local folder  |
      | cloud storage |

  Scenario Outline: A restarted watcher picks up where it stopped
    Given an empty inbox, outbox and quarantine in <storage>
    When "r_input_monday.csv" with the lines "height\n59\n" is dropped into the inbox
    And the watcher looks once
    And while the watcher is stopped "r_input_tuesday.csv" with the lines "height\n61.5\n68.5\n" is dropped into the inbox
    And the watcher is started again and looks once
    Then the outbox holds "r_output_monday.csv" and "r_output_tuesday.csv"
    And the watcher's last look scored only "r_input_tuesday.csv"

    Examples:
      | storage       |
      | local folder  |
      | cloud storage |

  Scenario Outline: An empty upload is left alone
    Given an empty inbox, outbox and quarantine in <storage>
    When an empty "r_input_file4.csv" is dropped into the inbox
    And the watcher looks once
    Then the outbox holds 0 scored files
    And the quarantine is empty

    Examples:
      | storage       |
      | local folder  |
      | cloud storage |
