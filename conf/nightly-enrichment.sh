#!/usr/bin/env bash
# One night of incremental enrichment: new and failed rows of the product table get vectors, rows
# already done are carried over, and the run is committed atomically as the next v000N/ of the output.
# Rerunning after a crash is the same command: the dead run is cleared and nothing is billed twice.
set -euo pipefail

BACKPROP_HOME=${BACKPROP_HOME:-/opt/backprop}
SPARK_HOME=${SPARK_HOME:-/opt/spark}
MASTER=${MASTER:-spark://spark-master:7077}
INPUT=${INPUT:-s3a://lake/products/}
OUTPUT=${OUTPUT:-s3a://lake/enriched/products}
MODELS=${MODELS:-s3a://lake/models}

echo "== $(date -u +%FT%TZ) nightly enrichment of $INPUT into $OUTPUT"
"$SPARK_HOME/bin/spark-submit" \
  --master "$MASTER" \
  --properties-file "$BACKPROP_HOME/conf/spark-defaults-cpu.conf" \
  "$BACKPROP_HOME/jobs/target/backprop-app.jar" \
  job --task text-vectorisation --input "$INPUT" --output "$OUTPUT" \
  --map text=title --id-col sku --account acme \
  --model-store "$MODELS" --incremental --no-progress
