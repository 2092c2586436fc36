@model
Feature: Breast mass diagnosis model
  The model tells whether a breast mass is malignant or benign from six measurements of the cell
  nuclei in a digitised picture of a fine needle aspirate of the mass, with how likely each is. The
  masses are those of the Wisconsin diagnostic study (569 masses, 1995). Lengths are measured on the
  picture, in its pixels. A mass is answered malignant as soon as the model gives malignant a
  probability of 0.3 or more: a benign mass sent for a biopsy costs less than a malignant one missed.
  This is where its inputs and its answer are declared; the other features state what was agreed
  about them.

  Scenario: The model's card: what it is for, what it was trained on and who owns it
    Given the model under test
    Then its card reads
      | what it is for     | Showing a binary classifier with a threshold gated on its contract: it tells whether a breast mass is malignant or benign from six measurements of its cell nuclei |
      | trained on         | 429 of the 569 breast masses of the Wisconsin diagnostic study (Dr. William H. Wolberg, University of Wisconsin Hospitals, Madison); the other 140 are kept aside for evaluation |
      | period             | The masses imaged for the study, published in 1995 |
      | not to be used for | Diagnosing, screening or advising any patient; pictures taken or measured another way than the study's |
      | known limitations  | One hospital's masses; six of the study's thirty measurements; lengths are in the picture's pixels, so another imaging set-up measures other numbers |
      | owner              | The modelgate maintainers, who run this repository's release chain |

  Scenario: The model is told a mass's measurements and answers its diagnosis
    Given the model under test
    Then it takes these inputs
      | input               | meaning                                            | unit        | kind   | accepted          | may be missing | source                                                                                                                                                               | owner                     |
      | mean_radius         | the mean radius of its nuclei                      | pixels      | number | from 5 to 35      | no             | The 429 training masses' mean radius is 7.7 to 27.4 pixels; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation | The modelgate maintainers |
      | mean_texture        | the mean spread of grey levels inside its nuclei   | grey levels | number | from 5 to 45      | no             | Their mean texture is 9.7 to 39.3 grey levels; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation              | The modelgate maintainers |
      | mean_smoothness     | how little its nuclei's radii vary along a contour |             | number | from 0.03 to 0.25 | no             | Their mean smoothness is 0.053 to 0.163; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                    | The modelgate maintainers |
      | mean_concave_points | the concave portions of its nuclei's contours      |             | number | from 0 to 0.3     | no             | Their mean concave points are 0 to 0.201; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                   | The modelgate maintainers |
      | worst_radius        | the radius of its three largest nuclei             | pixels      | number | from 5 to 45      | no             | Their worst radius is 8.7 to 36 pixels; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                     | The modelgate maintainers |
      | worst_symmetry      | the symmetry of its three least symmetric nuclei   |             | number | from 0.1 to 0.8   | no             | Their worst symmetry is 0.157 to 0.664; the accepted range leaves a margin around them, and an answer outside them is marked as an extrapolation                     | The modelgate maintainers |
    And it answers the diagnosis, one of malignant or benign, malignant being the positive class when its probability is at least 0.3, with the probability of each rounded to 4 decimals
      | source | The study's reviewers: a benign mass sent for a biopsy costs less than a malignant one missed, so a mass is answered malignant well before its probability reaches a half |
      | owner  | The modelgate maintainers                                                                                                                                                 |
