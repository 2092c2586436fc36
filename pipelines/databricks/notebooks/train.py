# Databricks notebook source
# MAGIC %md
# MAGIC # Train a model under its contract
# MAGIC
# MAGIC Compiles the contract from a features folder (by default the `features` the bundle synced beside these
# MAGIC notebooks; point `features_dir` at another repository's), reads the training CSV (a Unity Catalog volume
# MAGIC path or an `abfs://` URL) under it, fits the named estimator, shows the data and the fit, and publishes the
# MAGIC model folder to a volume: the skops model, the contract it carries, its serving form when it has one, and
# MAGIC the manifest that signs them. Every step is one call into `modelgate.databricks`; the contract (R² band,
# MAGIC agreed answers) is judged by the *contract tests* notebook, not here.

# COMMAND ----------

dbutils.widgets.text("training_data", "/Volumes/ml/modelgate/data/weight_data.csv", "Training CSV (volume path or abfs:// URL)")
dbutils.widgets.text("features_dir", "", "Features folder stating the contract (empty: the features synced beside this notebook)")
dbutils.widgets.text("estimator", "linear", "Estimator (linear, ridge, random-forest, gradient-boosting, hist-gradient-boosting)")
dbutils.widgets.text("model_dir", "/Volumes/ml/modelgate/models/candidate", "Model folder to write (a volume folder)")
training_data = dbutils.widgets.get("training_data")
features_dir = dbutils.widgets.get("features_dir")
estimator = dbutils.widgets.get("estimator")
model_dir = dbutils.widgets.get("model_dir")

# COMMAND ----------

# MAGIC %md
# MAGIC ## Fit
# MAGIC The CSV is validated against the contract's training schema (bad rows stop here, named), then the model is
# MAGIC fitted and packaged into a folder on the driver and verified (SHA-256, trusted types, the contract, the
# MAGIC serving form) before anything is published.

# COMMAND ----------

from modelgate import databricks

training = databricks.train(training_data, features=features_dir, estimator=estimator)
display(training.frame)

# COMMAND ----------

# MAGIC %md
# MAGIC ## The fit and its metrics
# MAGIC A model of one number: the data and the fitted line over it. Any other: each training row's answer against
# MAGIC its agreed value.

# COMMAND ----------

figure = databricks.fit_figure(training)  # None when the runtime has no matplotlib: then the fit as a table
display(figure if figure is not None else databricks.fit_table(training))
display(databricks.metrics_table(training))

# COMMAND ----------

# MAGIC %md
# MAGIC ## Publish to the volume
# MAGIC Exactly the files the manifest lists (`Manifest.files`, each verified), in its order: the signed files first,
# MAGIC the manifest (the commit point) last. A file an earlier model left that this manifest does not name is then
# MAGIC removed, and the copy in the volume is loaded and verified as every consumer will load it.

# COMMAND ----------

files = training.manifest.files(training.directory)
dbutils.fs.mkdirs(model_dir)
for path in files:
    dbutils.fs.cp(f"file:{path}", f"{model_dir}/{path.name}")
for info in dbutils.fs.ls(model_dir):
    if not info.name.endswith("/") and info.name not in {path.name for path in files}:
        dbutils.fs.rm(info.path)
published = databricks.verify(model_dir)
display(dbutils.fs.ls(model_dir))
print(f"published model {published.model_version} (SHA-256 {published.sha256[:12]}…, form {published.form}) to {model_dir}")
