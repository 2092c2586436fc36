@spark
Feature: Spark engine
  The penguin species model's files are scored on Spark (Databricks in production) under the same
  contract as on the default engine: the same species and probability of each species, byte for
  byte, and the same bad rows, on the same lines.

  Scenario: The example file scores to the same bytes on Spark
    Given the example batch file
    When it is scored by the default engine and by the Spark engine
    Then both engines succeed
    And the two output files are identical, byte for byte

  Scenario: A file split across several Spark partitions keeps its rows in order
    Given a generated batch file of 30000 rows with an id column and a site column
    When it is scored by the default engine and by the Spark engine
    Then Spark read the file in at least 4 parts
    And both engines succeed
    And the two output files are identical, byte for byte

  Scenario: Bad rows far apart in the file are found with their own line numbers
    Given a generated batch file of 30000 rows where line 17 holds "long" and line 29001 holds "-4"
    When it is scored by the default engine and by the Spark engine
    Then both engines reject the file, and neither wrote an output file
    And both failure reports count the same violations of the same checks
    And both JUnit files are identical
    And the Spark engine's report names line 17 with "is_number" and line 29001 with "at least 25"
