# Databricks notebook source
# MAGIC %md
# MAGIC # Score one CSV
# MAGIC
# MAGIC The parameterized inference notebook: reads `input_path` (a volume path or `abfs://` URL), adds the
# MAGIC model's answer column under the contract the model carries and writes `output_path`. This is `modelgate
# MAGIC score --engine spark` itself (its function, which the `batch_scoring` job's script calls too): nothing is
# MAGIC written unless every row passed, and a rejected file fails the task with one line naming the report.
# MAGIC An `output_path` ending with `/` is a folder, and the file is named like the watcher names it
# MAGIC (`r_input_1.csv` → `r_output_1.csv`).

# COMMAND ----------

dbutils.widgets.text("input_path", "", "Input CSV (volume path or abfs:// URL)")
dbutils.widgets.text("output_path", "/Volumes/ml/modelgate/scoring/output/", "Output CSV, or a folder ending with /")
dbutils.widgets.text("model_dir", "/Volumes/ml/modelgate/models/bundled", "Model folder (a volume folder)")
input_path = dbutils.widgets.get("input_path")
output_path = dbutils.widgets.get("output_path")
model_dir = dbutils.widgets.get("model_dir")

# COMMAND ----------

from modelgate import databricks

written = databricks.score(input_path, output_path, model_dir)

# COMMAND ----------

# MAGIC %md
# MAGIC ## The first scored rows

# COMMAND ----------

display(spark.read.option("header", True).csv(written).limit(20))
