"""A model's contract: what it accepts and promises (its inputs, its answer, the facts reviewers agreed), compiled
from its features, and what is derived from it: schemas, request readers, response shapes.

Everything here is pure data and validation; ``contracts`` imports neither ``model`` nor ``app``.
"""
