"""Batch scoring: the streaming CSV engine (``stream``), the Spark engine (``spark``), storage URLs
(``storage``), the run's evidence (``run_report``), the entry point that picks an engine (``engines``)
and the event-driven watcher (``watch``)."""

# The batch engines, in one place for the CLI, the Databricks job and the dispatcher (importing this
# package is light: the engines themselves load pandas, pyarrow or PySpark only when used).
ENGINES = ("pandas", "spark")

# Bytes of CSV per chunk, for every reader of a batch file (2 MiB measured faster and leaner than 4 or 8: bench/README.md).
BLOCK_SIZE = 2 << 20
