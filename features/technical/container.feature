@container
Feature: The service image
  The scoring service ships as a container image and runs in the cluster as an unprivileged
  user on a read-only file system. It becomes ready only with a verified model, and it can
  prove the agreed weights on the spot, leaving evidence a pipeline can keep.

  Scenario: The service runs as an unprivileged user
    Given the service image is running
    Then its process does not run as root

  Scenario: The service keeps working on a read-only file system
    Given the service image is running
    Then nothing can be written to its file system
    And it answers the weight of a person 138 inches tall

  Scenario: Readiness names the verified model the image was built with
    Given the service image is running
    Then it is ready with the version of the model it was built with
    And the image's own health check reports it healthy

  Scenario: The image's self-test proves the contract and leaves JUnit evidence
    When the image's self-test runs
    Then the self-test passes
    And its JUnit report, copied out of the container, records every check as passed for the image's model

  Scenario Outline: A tampered model is refused
    Given a copy of the model whose <part> was altered after signing
    When the service image starts with that model
    Then it never becomes ready
    And its log says the <part> was modified

    Examples:
      | part         |
      | model file   |
      | serving form |

  Scenario: A model the Databricks training notebook published is served by the image and passes its self-test
    Given a model folder the Databricks training notebook published
    When an image is built with that model folder alone
    Then it is ready with the version of the model the notebook published
    And that image's self-test passes, leaving its JUnit report for the notebook's model
