# Databricks notebook source
# MAGIC %md
# MAGIC # Contract tests on the cluster
# MAGIC
# MAGIC Runs the Gherkin features (pytest-bdd: the golden cases, the R² band, the response shape, the batch
# MAGIC contract) against the model in a volume folder, on this cluster's runtime and libraries, and writes the
# MAGIC JUnit file to a volume folder. Its suite names the model it judged (SHA-256 and version), so the release
# MAGIC gate (`modelgate gate --model …`) can tell it is about the model being released.
# MAGIC
# MAGIC The features, their steps and `conftest.py` are synced next to this notebook by the bundle (`sync.paths`);
# MAGIC `features_dir` may name another model's features folder instead (the steps stay the synced ones).

# COMMAND ----------

dbutils.widgets.text("model_dir", "/Volumes/ml/modelgate/models/bundled", "Model folder to judge (a volume folder)")
dbutils.widgets.text("training_data", "/Volumes/ml/modelgate/data/weight_data.csv", "The training CSV the model's record names")
dbutils.widgets.text("features_dir", "", "Features folder stating the contract (empty: the features synced beside this notebook)")
dbutils.widgets.text("junit_dir", "/Volumes/ml/modelgate/reports/contract", "Volume folder for the JUnit file")
model_dir = dbutils.widgets.get("model_dir")
training_data = dbutils.widgets.get("training_data")
features_dir = dbutils.widgets.get("features_dir")
junit_dir = dbutils.widgets.get("junit_dir")

# COMMAND ----------

from modelgate import databricks

run = databricks.run_contract(model_dir, training_data=training_data, features=features_dir)
print(run.output)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Publish the JUnit file, then fail the task if the contract failed

# COMMAND ----------

dbutils.fs.mkdirs(junit_dir)
dbutils.fs.cp(f"file:{run.junit}", f"{junit_dir}/{run.junit.name}")
display(dbutils.fs.ls(junit_dir))
databricks.require_passed(run)
