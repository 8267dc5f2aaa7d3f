package co.backprop.jobs.output;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.TextOutputFormat;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Writes lines of text as Spark SQL's text writer does — {@code part-*.txt} files (plus the codec's
 * extension when output compression is on), committed by the same Hadoop output committer, a folder
 * that exists refused — but from an RDD, without Spark SQL: a local job whose input and output are
 * JSON lines then never pays for Spark SQL's first query (seconds of set-up and code generation).
 */
public final class TextLines {
  private TextLines() {}

  /**
   * Writes the lines under {@code folder}, one part file per partition.
   *
   * @throws org.apache.hadoop.mapred.FileAlreadyExistsException (unannounced) when it exists
   */
  public static void write(JavaRDD<String> lines, String folder, Configuration hadoop) {
    lines
        .mapToPair(line -> new Tuple2<>(NullWritable.get(), new Text(line)))
        .saveAsNewAPIHadoopFile(
            folder,
            NullWritable.class,
            Text.class,
            TxtOutputFormat.class,
            new Configuration(hadoop));
  }

  /** Hadoop's text output with Spark SQL's {@code .txt} extension, which readers go by. */
  public static final class TxtOutputFormat extends TextOutputFormat<NullWritable, Text> {
    @Override
    public Path getDefaultWorkFile(TaskAttemptContext context, String extension)
        throws IOException {
      return super.getDefaultWorkFile(context, ".txt" + extension);
    }
  }
}
