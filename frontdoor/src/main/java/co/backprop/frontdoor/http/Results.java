package co.backprop.frontdoor.http;

import co.backprop.contract.job.Job;
import co.backprop.outputs.JobOutput;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/** What finished jobs wrote, read through the one output reader: local folders and s3a:// alike. */
public final class Results {
  private final Configuration hadoop;

  /**
   * @param hadoopSettings Hadoop settings for the file systems outputs live on, e.g. s3a
   *     credentials
   */
  public Results(Map<String, String> hadoopSettings) {
    this.hadoop = new Configuration();
    hadoopSettings.forEach(hadoop::set);
  }

  JobOutput of(Job job) {
    if (job.results() == null) {
      throw new ApiException(409, "job " + job.id() + " wrote no results");
    }
    return JobOutput.at(job.results(), hadoop);
  }

  /** Streams a finished job's result lines. */
  void copy(Job job, OutputStream out) {
    of(job).copyResultLines(out);
  }

  List<String> lines(Job job) {
    return of(job).resultLines();
  }
}
