"""The model artifact's manifest: its file name and the keys that identify the model.

Training writes it (``modelgate.model.artifact``); the release gate reads it as plain JSON to tell which
model a release ships, without loading the model's libraries. Both take the names from here.
"""

from __future__ import annotations

MANIFEST_FILE = "manifest.json"
MANIFEST_VERSION = 1  # the manifest's own format, written into it as manifest_version
MODEL_FILE = "model.skops"  # the model file training writes beside the manifest
SERVING_FILE = "serving.json"  # its serving form: the fitted line, all the service needs

# The keys that identify the model a manifest describes.
MODEL_VERSION_KEY = "model_version"  # what the model computes: data and coefficients, hashed
MODEL_SHA256_KEY = "model_sha256"  # the model file's SHA-256 (hex)
MODEL_FILE_KEY = "model_file"  # the model file's name, in the manifest's folder
SERVING_FILE_KEY = "serving_file"  # the serving form's name, in the manifest's folder
SERVING_SHA256_KEY = "serving_sha256"  # the serving form's SHA-256 (hex)
