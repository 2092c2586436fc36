"""One local SparkSession per test session (a pytest plugin); only the tests that ask for it pay its start-up.

Missing PySpark or Java skips with the reason, except when ``MODELGATE_REQUIRE_SPARK=1`` (CI).
"""

from __future__ import annotations

import os
import shutil

import pytest
from modelgate.steps.azurite import require


@pytest.fixture(scope="session")
def spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        require("PySpark", "pyspark is not installed (pip install -e '.[spark]')", "MODELGATE_REQUIRE_SPARK")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        require(
            "Java",
            "java was not found (apt-get install openjdk-17-jre-headless; see .ci/setup/20-java.sh)",
            "MODELGATE_REQUIRE_SPARK",
        )
    from modelgate.model.batch.spark import session

    # Small input splits, so that a test file of a few hundred KB spans several partitions and the
    # header, ordering and row-numbering across partitions are exercised.
    spark = session("local[2]", {"spark.sql.files.maxPartitionBytes": "65536", "spark.sql.shuffle.partitions": "2"})
    yield spark
    spark.stop()
