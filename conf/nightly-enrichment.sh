#!/usr/bin/env bash
# One night of incremental enrichment: new, edited (their input_hash changed) and failed rows of the
# product table get vectors; the night writes only those rows and commits them atomically as the next
# run of the output (_log/v000N.json). Rerunning after a crash is the same command: the dead run's
# folder is never read, and nothing is billed twice. A run that finds another run committed first
# fails and says so. --keep-runs 14 folds the runs into one snapshot every two weeks, so readers and
# the next night read a few folders, not hundreds; read the current rows with
# `bin/backprop results $OUTPUT`.
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
  --model-store "$MODELS" --incremental --keep-runs 14 --no-progress
