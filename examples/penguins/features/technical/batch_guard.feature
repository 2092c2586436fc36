@batch
Feature: Batch CSV guard for a classifier
  The mechanics of the batch guard for the penguins model: a file that already holds the species
  column or a probability column the scoring would write is rejected before anything is written,
  naming the column; a category not allowed, a missing value where the contract forbids it and a
  number out of range are rejected naming the line, the input and its allowed values, with a JSON
  failure report and a JUnit file.

  Scenario Outline: A bad file of penguins is rejected, nothing is written and the file is untouched
    Given a batch file with the lines "<lines>"
    When the file is scored
    Then the scoring is rejected, naming <where> and "<problem>"
    And no output file exists
    And the input file is unchanged
    And the failure report and the JUnit file record the problem

    Examples: Bad files
      | kind                     | lines                                                                                                                                       | where  | problem                                          |
      | has a probability column | island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,probability_Adelie\nBiscoe,female,35.5,16.2,195,3350,0.98\n           | header | 'probability_Adelie' column                      |
      | has a species column     | island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,species\nBiscoe,female,35.5,16.2,195,3350,Adelie\n                    | header | 'species' column                                 |
      | an island not allowed    | island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\nBiscoe,female,35.5,16.2,195,3350\nAnvers,female,35.5,16.2,195,3350\n | line 3 | column 'island': one of Biscoe, Dream, Torgersen |
      | a sex not allowed        | island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\nBiscoe,unknown,35.5,16.2,195,3350\n                                  | line 2 | column 'sex': one of female, male                |
      | a missing island         | island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\nBiscoe,female,35.5,16.2,195,3350\n,female,35.5,16.2,195,3350\n       | line 3 | column 'island': not_nullable                    |
      | a bill too long          | island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\nBiscoe,female,70.5,16.2,195,3350\n                                   | line 2 | column 'bill_length_mm': at most 70 mm           |
      | a body mass too low      | island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\nBiscoe,female,35.5,16.2,195,3350\nBiscoe,female,35.5,16.2,195,1999\n | line 3 | column 'body_mass_g': at least 2000 grams        |
      | a flipper not a number   | island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\nBiscoe,female,35.5,16.2,long,3350\n                                  | line 2 | column 'flipper_length_mm': is_number            |
