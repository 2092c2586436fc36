@api
Feature: Agreed species
  The field team's reviewers have agreed the species the model gives eight penguins of the
  evaluation set, and how sure it is of each. A model that answers another species for any of them,
  or moves its probability by more than the tolerance, needs a new sign-off before it is released.

  Background:
    Given the scoring service is running

  Scenario: The agreed penguins are answered their agreed species
    When a client asks for the species of each penguin below
      | island    | sex    | bill_length_mm | bill_depth_mm | flipper_length_mm | body_mass_g | species   | probability |
      | Biscoe    | female | 35.5           | 16.2          | 195               | 3350        | Adelie    |             |
      | Torgersen | male   | 34.6           | 21.1          | 198               | 4400        | Adelie    |             |
      | Dream     | female | 58             | 17.8          | 181               | 3700        | Chinstrap |             |
      | Biscoe    | female | 35             | 17.9          | 192               | 3725        | Adelie    |             |
      | Biscoe    |        | 44.5           | 15.7          | 217               | 4875        | Gentoo    |             |
      | Biscoe    | female | 43.8           | 13.9          | 208               | 4300        | Gentoo    |             |
      | Dream     | male   | 50             | 19.5          | 196               | 3900        | Chinstrap |             |
      | Biscoe    | female | 46.2           | 14.1          | 217               | 4375        | Gentoo    |             |
    Then each answer is the agreed species, its probability give or take 0.01

  Scenario: The agreed penguins can be sent as records
    When a client posts all agreed penguins as a list of records
    Then there is one answer per penguin, each the agreed species for its penguin
