@model
Feature: Penguin species model
  The model tells which of the three species of the Palmer archipelago a penguin is (Adelie, Chinstrap
  or Gentoo) from the island it was seen on, its sex and four measurements, with how likely each
  species is. The penguins are those the Palmer Station field team measured from 2007 to 2009. This is
  where its inputs and its answer are declared; the other features state what was agreed about them.

  Scenario: The model's card: what it is for, what it was trained on and who owns it
    Given the model under test
    Then its card reads
      | what it is for     | Showing a classifier gated on its contract: it tells which of three species a penguin of the Palmer archipelago is, with how likely each is |
      | trained on         | 260 of the 344 penguins of the Palmer archipelago, Antarctica, measured by Dr. Kristen Gorman and the Palmer Station field team; the other 84 are kept aside for evaluation |
      | period             | The breeding seasons of 2007, 2008 and 2009 |
      | not to be used for | Penguins of other places or species, or any count or survey of a population |
      | known limitations  | Only three islands and three species: any penguin is answered as one of them; a few penguins have no sex recorded and two no measurement at all |
      | owner              | The modelgate maintainers, who run this repository's release chain |

  Scenario: The model is told a penguin's island, sex and measurements and answers its species
    Given the model under test
    Then it takes these inputs
      | input             | meaning                   | unit  | kind     | accepted                   | may be missing | source                                                                                                                                                              | owner                     |
      | island            | the island it was seen on |       | category | Biscoe, Dream or Torgersen | no             |                                                                                                                                                                     |                           |
      | sex               | its sex                   |       | category | female or male             | yes            |                                                                                                                                                                     |                           |
      | bill_length_mm    | its bill's length         | mm    | number   | from 25 to 70              | yes            | The 260 training penguins' bills are 32.1 to 59.6 mm long; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation | The modelgate maintainers |
      | bill_depth_mm     | its bill's depth          | mm    | number   | from 10 to 25              | yes            | The training penguins' bills are 13.1 to 21.5 mm deep; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation     | The modelgate maintainers |
      | flipper_length_mm | its flipper's length      | mm    | number   | from 150 to 250            | yes            | The training penguins' flippers are 172 to 231 mm long; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation    | The modelgate maintainers |
      | body_mass_g       | its body mass             | grams | number   | from 2000 to 7000          | yes            | The training penguins weigh 2700 to 6300 grams; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation            | The modelgate maintainers |
    And it answers the species, one of Adelie, Chinstrap or Gentoo, with the probability of each rounded to 4 decimals
