"""How a test result names the model it tested: the JUnit ``<testsuite>`` properties every suite that tests a model
writes (pytest's ``record_testsuite_property``, ``modelgate selftest``, ``modelgate score --junit``), and the release
gate reads to tell whether a result is about the model it releases."""

from __future__ import annotations

MODEL_SHA256 = "model_sha256"  # the model file's SHA-256 (hex), as in its manifest
MODEL_VERSION = "model_version"  # the manifest's model_version

# A first release: the champion/challenger checks had no production model to compare with. Said in the result (a JUnit
# property of the case, or of the suite for ``modelgate compare``), the gate's verdict line and the report, so such a
# pass is never read as a compared one.
FIRST_RELEASE = "first_release"
FIRST_RELEASE_NOTE = "first release: not compared with a production model"


def model_properties(manifest) -> dict[str, str]:
    """The suite properties naming the model of ``manifest`` (a ``modelgate.model.manifest.Manifest``)."""
    return {MODEL_SHA256: str(manifest.sha256), MODEL_VERSION: str(manifest.model_version)}
