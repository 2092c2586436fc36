"""How a test result names the model it tested: the JUnit ``<testsuite>`` properties every suite that
tests a model writes (pytest's ``record_testsuite_property``, ``modelgate selftest``, ``modelgate
score --junit``), and the release gate reads to tell whether a result is about the model it releases."""

from __future__ import annotations

from modelgate.contracts.manifest import MODEL_SHA256_KEY, MODEL_VERSION_KEY

# The property names are the manifest's own keys, so a suite's evidence reads like the manifest it names.
MODEL_SHA256 = MODEL_SHA256_KEY  # the model file's SHA-256 (hex), as in its manifest
MODEL_VERSION = MODEL_VERSION_KEY  # the manifest's model_version


def model_properties(manifest: dict) -> dict[str, str]:
    """The suite properties naming the model of ``manifest``."""
    return {MODEL_SHA256: str(manifest[MODEL_SHA256_KEY]), MODEL_VERSION: str(manifest[MODEL_VERSION_KEY])}
