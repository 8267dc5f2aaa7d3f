package co.backprop.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class-data archive {@code bin/backprop} has this JVM write at its exit (the first job after a
 * build). It holds the classes this run loaded, so it is only worth keeping from a run that got as
 * far as a job's summary: one from {@code job --help} or a mistyped option holds ~6 MB of
 * command-line classes instead of ~110 MB of Spark's, and every later start would pay for the rest
 * (seconds) until the next build. {@code bin/backprop} keeps the archive only when this run says
 * so.
 */
final class ClassArchive {
  /** Set by bin/backprop when this JVM writes the archive: the file that says "keep it". */
  static final String KEEP_PROPERTY = "backprop.cds.keep";

  private ClassArchive() {}

  /** Called once a job has run to its summary: the archive this JVM writes is worth keeping. */
  static void worthKeeping() {
    String keep = System.getProperty(KEEP_PROPERTY);
    if (keep == null) {
      return;
    }
    try {
      Files.writeString(Path.of(keep), "a job ran to its summary\n");
    } catch (IOException e) {
      // Without it the next job writes the archive again: slower once, never wrong.
    }
  }
}
