# Databricks notebook source
# MAGIC %md
# MAGIC # Train the height → weight model
# MAGIC
# MAGIC Reads the training CSV (a Unity Catalog volume path or an `abfs://` URL), shows the data and the fit,
# MAGIC and publishes the verified artifact (`model.skops` + `manifest.json`) to a volume folder.
# MAGIC Every step is one call into `modelgate.databricks`; the contract (R² band, golden cases) is judged by
# MAGIC the *contract tests* notebook, not here.

# COMMAND ----------

dbutils.widgets.text("training_data", "/Volumes/ml/modelgate/data/weight_data.csv", "Training CSV (volume path or abfs:// URL)")
dbutils.widgets.text("model_dir", "/Volumes/ml/modelgate/models/candidate", "Model folder to write (a volume folder)")
training_data = dbutils.widgets.get("training_data")
model_dir = dbutils.widgets.get("model_dir")

# COMMAND ----------

# MAGIC %md
# MAGIC ## Fit
# MAGIC The CSV is validated against the training schema (bad rows stop here, named), then the line is fitted
# MAGIC into a folder on the driver and verified (SHA-256, trusted types) before anything is published.

# COMMAND ----------

from modelgate import databricks

training = databricks.train(training_data)
display(training.frame)

# COMMAND ----------

# MAGIC %md
# MAGIC ## The fit and its metrics

# COMMAND ----------

figure = databricks.fit_figure(training)  # None when the runtime has no matplotlib: then the fit as a table
display(figure if figure is not None else databricks.fit_table(training))
display(databricks.metrics_table(training))

# COMMAND ----------

# MAGIC %md
# MAGIC ## Publish to the volume
# MAGIC The model file is copied first and the manifest (which pins its SHA-256) last, then the copy in the
# MAGIC volume is loaded and verified as every consumer will load it.

# COMMAND ----------

dbutils.fs.mkdirs(model_dir)
for name in training.files:
    dbutils.fs.cp(f"file:{training.directory / name}", f"{model_dir}/{name}")
published = databricks.verify(model_dir)
display(dbutils.fs.ls(model_dir))
print(f"published model {published['model_version']} (SHA-256 {published['model_sha256'][:12]}…) to {model_dir}")
