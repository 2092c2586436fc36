"""vetiver serving the diabetes example's fitted Pipeline: the app ``bench/vetiver_serve.py`` runs under uvicorn in
vetiver's own virtual environment (vetiver is not a dependency of modelgate: this file imports nothing of it).

    VETIVER_MODEL_FILE=model.skops VETIVER_TRAINING_DATA=diabetes.csv VETIVER_INPUTS=age,sex,... \\
        VENV/bin/python -m uvicorn --app-dir bench vetiver_app:app

The Pipeline is the model folder's own skops file (the one modelgate serves); the prototype is the training
patients' inputs, read as the example's training script reads them (sex as text), in the model's column order.
``POST /predict`` takes a list of records, as vetiver documents.
"""

import os

import pandas as pd
import skops.io as sio
from vetiver import VetiverAPI, VetiverModel

MODEL_FILE = os.environ["VETIVER_MODEL_FILE"]
INPUTS = os.environ["VETIVER_INPUTS"].split(",")

pipeline = sio.load(MODEL_FILE, trusted=sio.get_untrusted_types(file=MODEL_FILE))  # the file modelgate packaged
prototype = pd.read_csv(os.environ["VETIVER_TRAINING_DATA"], dtype={"sex": str})[INPUTS]
app = VetiverAPI(VetiverModel(pipeline, model_name="diabetes", prototype_data=prototype), check_prototype=True).app
