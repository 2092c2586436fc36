# Sourced by .ci/run: Java 17+ for the Spark engine's tests (tox -e spark). Installs only if missing.
if ! command -v java >/dev/null 2>&1; then
    echo "== installing openjdk-17-jre-headless"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
# A missing Java or PySpark now fails the spark tests instead of skipping them.
export MODELGATE_REQUIRE_SPARK=1
