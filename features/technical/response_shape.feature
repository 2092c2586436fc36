@api
Feature: Response shape
  Every answer of the scoring service is JSON. A good request gets exactly
  {"response": [weights]}; a bad one gets a 422 whose message names the height
  and the range of heights the model accepts. Never an empty value, never a server error.

  Background:
    Given the scoring service is running

  Scenario: A good request gets a list of weights and nothing else
    When a client asks for the weight of a person 138 inches tall
    Then the response status is 200
    And the body is a JSON object whose only key is "response"
    And "response" is a list of 1 number with at most 4 decimals

  Scenario Outline: A bad height in the query is refused with the allowed range
    When a client asks for the weight with the query "<query>"
    Then the response status is 422
    And the error names the height and the range "greater than 45 and at most 150 inches"
    And the body has no empty, null or NA values

    Examples: Bad heights
      | problem         | query        |
      | missing         |              |
      | empty           | height=      |
      | not a number    | height=tall  |
      | not a number    | height=NaN   |
      | infinite        | height=inf   |
      | zero            | height=0     |
      | negative        | height=-65   |
      | absurdly large  | height=1e400 |
      | above the range | height=150.5 |
      | below the range | height=45    |
      | one bad of two  | height=70&height=abc |

  Scenario Outline: A bad request body is refused with the allowed range
    When a client posts the body '<body>'
    Then the response status is 422
    And the error names the height and the range "greater than 45 and at most 150 inches"
    And the body has no empty, null or NA values

    Examples: Bad bodies
      | problem          | body                    |
      | no height        | {}                      |
      | empty list       | {"height": []}          |
      | not a list       | {"height": 70}          |
      | not a number     | {"height": ["tall"]}    |
      | null             | {"height": [null]}      |
      | zero             | {"height": [0]}         |
      | negative         | {"height": [70, -1]}    |
      | absurdly large   | {"height": [1e400]}     |

  Scenario: The service reports that it is alive, ready and which model it serves
    Then the health check answers "ok"
    And the readiness check answers "ready" with the model version
    And the metadata names the model's fingerprint and training data

  Scenario: Many heights can be sent as a list in the request body
    When a client posts all agreed heights as a list
    Then there is one answer per height, each the agreed weight for its height
