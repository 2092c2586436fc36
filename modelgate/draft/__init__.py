"""``modelgate init``: a draft contract written from a CSV of training data, for a reviewer to edit."""
