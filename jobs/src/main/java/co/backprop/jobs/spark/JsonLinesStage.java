package co.backprop.jobs.spark;

import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.jobs.formats.InputHash.Hashed;
import co.backprop.jobs.formats.LineFormat;
import co.backprop.jobs.input.JobPlan;
import co.backprop.jobs.input.RequestLine;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * A JSON-lines input read as text, so each line is parsed by the job (a bad line is an error row
 * naming its line number, not a dropped record). Lines keep their order: partitions are byte ranges
 * of the file, and when a file cannot be split (gzip) the numbered lines are range-partitioned.
 */
public final class JsonLinesStage {
  /**
   * What one pass over a partition found: non-blank lines, (task/model) names asked for, and its
   * ids' hashes (null when it cannot vouch for them: see {@link UniqueIds}).
   */
  public record PartitionSurvey(long lines, Set<String> models, long[] idHashes)
      implements Serializable {}

  /**
   * What the driver knows before inference: total rows, where each partition's lines start, and
   * whether the ids are certainly all different (false: not known, the exact check decides).
   */
  public record Survey(long rows, long[] firstLine, Set<String> models, boolean idsUnique) {}

  private final JavaRDD<String> lines;

  public JsonLinesStage(JavaSparkContext context, String input, int minPartitions) {
    this.lines = context.textFile(input, minPartitions);
  }

  public int partitions() {
    return lines.getNumPartitions();
  }

  /**
   * One cheap pass before any model runs: counts lines (for progress and numbering); for a request
   * file, collects the models the lines ask for so a missing model fails the job now; with an id
   * field, finds out whether the ids are certainly unique ({@link UniqueIds}).
   */
  public Survey survey(boolean requestFile, String defaultAccount, String idField) {
    int idsPerPartition = UniqueIds.MAX_IDS / Math.max(1, lines.getNumPartitions());
    List<PartitionSurvey> partitions =
        lines
            .mapPartitions(
                (Iterator<String> it) -> {
                  long count = 0;
                  Set<String> models = new TreeSet<>();
                  UniqueIds.Collector ids =
                      idField == null ? null : new UniqueIds.Collector(idField, idsPerPartition);
                  long line = 0;
                  while (it.hasNext()) {
                    String text = it.next();
                    line++;
                    if (text.isBlank()) {
                      continue;
                    }
                    count++;
                    if (ids != null) {
                      ids.add(text);
                    }
                    if (requestFile) {
                      RequestLine request = RequestLine.read(line, text, defaultAccount);
                      if (request.error() == null) {
                        models.add(request.task().apiName() + "/" + request.model());
                      }
                    }
                  }
                  return Collections.singletonList(
                          new PartitionSurvey(count, models, ids == null ? null : ids.hashes()))
                      .iterator();
                })
            .collect();
    long[] firstLine = new long[partitions.size()];
    long rows = 0;
    Set<String> models = new TreeSet<>();
    for (int i = 0; i < partitions.size(); i++) {
      firstLine[i] = rows;
      rows += partitions.get(i).lines();
      models.addAll(partitions.get(i).models());
    }
    boolean idsUnique =
        idField != null
            && UniqueIds.unique(partitions.stream().map(PartitionSurvey::idHashes).toList());
    return new Survey(rows, firstLine, models, idsUnique);
  }

  /**
   * The non-blank lines with their numbers. Line numbers count non-blank lines from 1 across the
   * whole input, so {@code line 17} in an error is the 17th request.
   */
  public JavaRDD<Tuple2<Long, String>> numbered(Survey survey) {
    long[] firstLine = survey.firstLine();
    return lines.mapPartitionsWithIndex(
        (Integer partition, Iterator<String> it) ->
            Iterators.numberNonBlank(it, firstLine[partition]),
        true);
  }

  /**
   * The output lines of numbered lines, in line order.
   *
   * @param reorder whether the numbered lines lost their order (filtered through a join): they are
   *     then range-partitioned by line number and sorted
   */
  public <C> JavaRDD<String> run(
      JavaRDD<Tuple2<Long, String>> numbered,
      Survey survey,
      int targetPartitions,
      boolean reorder,
      LineFormat<C> format,
      PartitionRunner runner) {
    if (reorder
        || (lines.getNumPartitions() < targetPartitions && survey.rows() >= targetPartitions)) {
      numbered =
          JavaPairRDD.fromJavaRDD(numbered)
              .repartitionAndSortWithinPartitions(
                  new LineRanges(
                      survey.rows(), Math.max(1, (int) Math.min(targetPartitions, survey.rows()))))
              .map(pair -> pair);
    }
    return numbered.mapPartitions(
        (Iterator<Tuple2<Long, String>> it) -> {
          JobPlan plan = runner.plan();
          Iterator<PendingRow<Hashed<C>>> pending =
              Iterators.map(it, pair -> format.read(pair._1(), pair._2(), plan));
          Iterator<CompletedRow<Hashed<C>>> completed = runner.run(pending);
          return Iterators.flatten(completed, row -> format.write(row, plan));
        });
  }

  /**
   * Line n (1-based) of {@code total} goes to partition (n-1)·partitions/total: ranges in order.
   */
  static final class LineRanges extends Partitioner {
    private final long total;
    private final int partitions;

    LineRanges(long total, int partitions) {
      this.total = total;
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      long line = (Long) key;
      return (int) Math.min(partitions - 1, (line - 1) * partitions / total);
    }
  }
}
