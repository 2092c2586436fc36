"""Serving forms: a model written so that it can answer without scikit-learn or numpy (most of a cold start and most
of an image). ``linear`` is the file format and its arithmetic (the service's side); ``derive`` writes one from a
fitted scikit-learn estimator and checks that it answers as the estimator does (packaging's side)."""
