@api
Feature: Agreed species
  The field team's reviewers have agreed the species the model gives twelve penguins of the
  evaluation set and, for most of them, how sure it is of that species. A model that answers another
  species for any of them, or moves an agreed probability by more than the tolerance, needs a new
  sign-off before it is released.

  Background:
    Given the scoring service is running

  Scenario: The agreed penguins are answered their agreed species
    When a client asks for the species of each penguin below
      | island    | sex    | bill_length_mm | bill_depth_mm | flipper_length_mm | body_mass_g | species   | probability |
      | Biscoe    | female | 35.5           | 16.2          | 195               | 3350        | Adelie    | 0.9853      |
      | Torgersen | male   | 34.6           | 21.1          | 198               | 4400        | Adelie    | 1           |
      | Dream     | female | 58             | 17.8          | 181               | 3700        | Chinstrap | 0.9997      |
      | Biscoe    | female | 35             | 17.9          | 192               | 3725        | Adelie    |             |
      | Biscoe    |        | 44.5           | 15.7          | 217               | 4875        | Gentoo    | 0.9905      |
      | Biscoe    | female | 43.8           | 13.9          | 208               | 4300        | Gentoo    |             |
      | Dream     | male   | 50             | 19.5          | 196               | 3900        | Chinstrap | 0.9692      |
      | Biscoe    | female | 46.2           | 14.1          | 217               | 4375        | Gentoo    |             |
    Then each answer is the agreed species, its probability give or take 0.01
      | source | A probability within one point: the reviewers read probabilities to two decimals |
      | owner  | The modelgate maintainers                                                        |

  Scenario Outline: A penguin the reviewers looked at closely is answered its agreed species
    When a client asks for the species of a <sex> penguin seen on <island>, its bill <bill_length_mm> mm long and <bill_depth_mm> mm deep, its flipper <flipper_length_mm> mm, weighing <body_mass_g> grams
    Then the answer is <species>, its probability <probability> give or take 0.01
      | source | A probability within one point: the reviewers read probabilities to two decimals |
      | owner  | The modelgate maintainers                                                        |

    Examples: Penguins whose measurements sit between two species
      | island    | sex    | bill_length_mm | bill_depth_mm | flipper_length_mm | body_mass_g | species   | probability |
      | Biscoe    | male   | 45.6           | 20.3          | 191               | 4600        | Adelie    | 0.9495      |
      | Torgersen | male   | 45.8           | 18.9          | 197               | 4150        | Adelie    | 0.8879      |
      | Dream     | female | 47.5           | 16.8          | 199               | 3900        | Chinstrap |             |
      | Biscoe    | male   | 43.2           | 19             | 197               | 4775        | Adelie    | 0.9387      |
