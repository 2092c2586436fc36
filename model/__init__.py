"""Train the height -> weight model, save and verify its artifact, and score batches."""
