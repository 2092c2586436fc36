"""What the height -> weight model accepts and promises: ranges, schemas, response shapes.

Everything here is pure data and validation; ``contracts`` imports neither ``model`` nor ``app``.
"""
