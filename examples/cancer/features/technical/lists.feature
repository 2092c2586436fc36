@api
Feature: Agreed masses sent in one request
  The agreed masses of the scoring feature, sent to the service as records in one POST request body
  ([{"mean_radius": ..., ...}, ...]). Each mass gets its agreed diagnosis, in the order sent.

  Background:
    Given the scoring service is running

  Scenario: The agreed masses can be sent as records
    When a client posts all agreed masses as a list of records
    Then there is one answer per mass, each the agreed diagnosis for its mass
