@api
Feature: Agreed patients sent in one request
  The agreed patients of the scoring feature, sent to the service in one POST request body: as
  columns ({"age": [...], "sex": [...], ...}) and as records ([{"age": ..., "sex": ...}, ...]).
  Each patient gets its agreed progression, in the order sent.

  Background:
    Given the scoring service is running

  Scenario: The agreed patients can be sent as columns
    When a client posts all agreed patients as a list
    Then there is one answer per patient, each the agreed progression for its patient

  Scenario: The agreed patients can be sent as records
    When a client posts all agreed patients as a list of records
    Then there is one answer per patient, each the agreed progression for its patient
