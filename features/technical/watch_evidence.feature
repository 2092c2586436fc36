@storage
Feature: The watcher's evidence
  For a file set aside in the quarantine the watcher also writes a JUnit file the pipeline can
  gate on, on a local folder and on Azure Data Lake Storage (Azurite in tests).

  Scenario Outline: A quarantined file gets a JUnit file naming the failed check
    Given an empty inbox, outbox and quarantine in <storage>
    When "r_input_file5.csv" with the lines "height\n64\n-7\n" is dropped into the inbox
    And the watcher looks once
    Then the quarantine holds a JUnit file for "r_input_file5.csv" whose "greater than 45" check failed

    Examples:
      | storage       |
      | local folder  |
      | cloud storage |
