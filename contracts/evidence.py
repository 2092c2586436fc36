"""How a test result names the model it tested: the JUnit ``<testsuite>`` properties every suite that tests a model
writes (pytest's ``record_testsuite_property``, ``modelgate selftest``, ``modelgate score --junit``), and the release
gate reads to tell whether a result is about the model it releases."""

from __future__ import annotations

MODEL_SHA256 = "model_sha256"  # the model file's SHA-256 (hex), as in its manifest
MODEL_VERSION = "model_version"  # the manifest's model_version


def model_properties(manifest) -> dict[str, str]:
    """The suite properties naming the model of ``manifest`` (a ``modelgate.model.manifest.Manifest``)."""
    return {MODEL_SHA256: str(manifest.sha256), MODEL_VERSION: str(manifest.model_version)}
