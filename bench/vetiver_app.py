"""vetiver serving an example's fitted Pipeline: the app ``bench/vetiver_serve.py`` runs under uvicorn in vetiver's own
virtual environment (vetiver is not a dependency of modelgate: this file imports nothing of it).

    VETIVER_MODEL_FILE=model.skops VETIVER_TRAINING_DATA=diabetes.csv VETIVER_INPUTS=age,sex,... \\
        VETIVER_TEXT_INPUTS=sex [VETIVER_PROBABILITIES=1] VENV/bin/python -m uvicorn --app-dir bench vetiver_app:app

The Pipeline is the model folder's own skops file (the one modelgate serves); the prototype is the training rows'
inputs, read as the example's training script reads them (the category inputs as text), in the model's column order.
``POST /predict`` takes a list of records, as vetiver documents. With ``VETIVER_PROBABILITIES=1`` (a classifier) the
app also has ``POST /predict_proba``, the Pipeline's ``predict_proba`` as a bare list of rows in ``classes_`` order,
added with ``VetiverAPI.vetiver_post``: the way vetiver's maintainers document for a vetiver without the built-in
endpoint (rstudio/vetiver-python#2; #233 added ``vetiver_post("predict_proba")``, unreleased in vetiver 0.2.6), through
the same prototype check and frame as ``/predict``.
"""

import os

import pandas as pd
import skops.io as sio
from vetiver import VetiverAPI, VetiverModel

MODEL_FILE = os.environ["VETIVER_MODEL_FILE"]
INPUTS = os.environ["VETIVER_INPUTS"].split(",")
TEXT = [name for name in os.environ.get("VETIVER_TEXT_INPUTS", "").split(",") if name]

pipeline = sio.load(MODEL_FILE, trusted=sio.get_untrusted_types(file=MODEL_FILE))  # the file modelgate packaged
prototype = pd.read_csv(os.environ["VETIVER_TRAINING_DATA"], dtype=dict.fromkeys(TEXT, str))[INPUTS]
api = VetiverAPI(VetiverModel(pipeline, model_name="model", prototype_data=prototype), check_prototype=True)


def predict_proba(frame):
    """The probability of each class, one list per record, in the Pipeline's ``classes_`` order."""
    return pipeline.predict_proba(frame).tolist()


if os.environ.get("VETIVER_PROBABILITIES") == "1":
    api.vetiver_post(predict_proba, "predict_proba")
app = api.app
