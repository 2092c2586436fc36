@api
Feature: Response shape of a classifier
  Every answer of the scoring service is JSON. A good request gets exactly
  {"response": [species], "probabilities": [{"Adelie": p, "Chinstrap": p, "Gentoo": p}]}: one species
  per penguin asked, in the order asked, and the probability of every species keyed by its name, in the
  declared order, never a bare array whose meaning depends on an order. Each probability is rounded to
  4 decimals, so the three of one answer sum to 1 within 3 times half the last decimal (0.00015), and
  the species answered is the one the declared rule picks from them (the most probable). A bad
  request gets a 422 whose message names the input and the values it accepts.

  Background:
    Given the scoring service is running

  Scenario: A good request gets one species and the probability of each species by name
    When a client asks for the species of a female penguin seen on Biscoe, its bill 35.5 mm long and 16.2 mm deep, its flipper 195 mm, weighing 3350 grams
    Then the response status is 200
    And the body is a JSON object whose keys are "response" and "probabilities", in this order
    And "response" is a list of 1 text, each one of "Adelie", "Chinstrap" or "Gentoo"
    And "probabilities" is a list of 1 object whose keys are "Adelie", "Chinstrap" and "Gentoo", in this order
    And every probability is a number from 0 to 1 with at most 4 decimals
    And the probabilities of each answer sum to 1 within 0.00015
    And each "response" is the class the declared rule picks from its "probabilities"
    And every answer passes the contract's check of an answer
    And the body has no empty, null or NA values

  Scenario: Many penguins in one request get one answer each, in the order asked
    When a client asks for the species of all agreed penguins in one request
    Then the response status is 200
    And "response" and "probabilities" hold one entry per penguin asked
    And the probabilities of each answer sum to 1 within 0.00015
    And each "response" is the class the declared rule picks from its "probabilities"
    And every answer passes the contract's check of an answer

  Scenario: Records with a missing sex and missing measurements are answered
    When a client posts the body '[{"island": "Torgersen", "sex": null, "bill_length_mm": null, "bill_depth_mm": null, "flipper_length_mm": null, "body_mass_g": null}, {"island": "Biscoe", "sex": "male", "bill_length_mm": 50.2, "bill_depth_mm": 14.3, "flipper_length_mm": 218, "body_mass_g": 5700}]'
    Then the response status is 200
    And "response" is a list of 2 texts, each one of "Adelie", "Chinstrap" or "Gentoo"
    And "probabilities" is a list of 2 objects whose keys are "Adelie", "Chinstrap" and "Gentoo", in this order
    And the probabilities of each answer sum to 1 within 0.00015
    And each "response" is the class the declared rule picks from its "probabilities"
    And every answer passes the contract's check of an answer

  Scenario Outline: A bad value is refused, naming the input and the values it accepts
    When a client asks for the species with the query "<query>"
    Then the response status is 422
    And the error names the <input> and the values "<accepted>"
    And the body has no empty, null or NA values

    Examples: Bad values
      | problem                 | input          | accepted                        | query                                                                                                     |
      | an island not declared  | island         | one of Biscoe, Dream, Torgersen | island=Mars&sex=female&bill_length_mm=35.5&bill_depth_mm=16.2&flipper_length_mm=195&body_mass_g=3350      |
      | no island               | island         | one of Biscoe, Dream, Torgersen | sex=female&bill_length_mm=35.5&bill_depth_mm=16.2&flipper_length_mm=195&body_mass_g=3350                  |
      | an empty island         | island         | one of Biscoe, Dream, Torgersen | island=&sex=female&bill_length_mm=35.5&bill_depth_mm=16.2&flipper_length_mm=195&body_mass_g=3350          |
      | a sex not declared      | sex            | one of female, male             | island=Biscoe&sex=x&bill_length_mm=35.5&bill_depth_mm=16.2&flipper_length_mm=195&body_mass_g=3350         |
      | a bill out of range     | bill_length_mm | at least 25 and at most 70 mm   | island=Biscoe&sex=female&bill_length_mm=99&bill_depth_mm=16.2&flipper_length_mm=195&body_mass_g=3350      |
      | a mass not a number     | body_mass_g    | at least 2000 and at most 7000  | island=Biscoe&sex=female&bill_length_mm=35.5&bill_depth_mm=16.2&flipper_length_mm=195&body_mass_g=heavy   |

  Scenario: The service reports that it is alive, ready and which model it serves
    Then the health check answers "ok"
    And the readiness check answers "ready" with the model version
    And the metadata names the model's fingerprint and training data

  Scenario: The agreed penguins can be sent as records
    When a client posts all agreed penguins as a list of records
    Then there is one answer per penguin, each the agreed species for its penguin
