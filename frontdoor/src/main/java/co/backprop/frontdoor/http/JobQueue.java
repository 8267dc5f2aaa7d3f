package co.backprop.frontdoor.http;

import co.backprop.store.JobRecord;
import co.backprop.store.JobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** Queueing jobs for the workers, and reading what they wrote. */
public final class JobQueue {
  private final JobStore store;
  private final Path jobs;

  public JobQueue(JobStore store, Path jobs) {
    this.store = store;
    this.jobs = jobs;
  }

  static String newId() {
    return "job_" + UUID.randomUUID().toString().replace("-", "");
  }

  /** Writes the request lines as the job's input file and queues the job. */
  JobRecord enqueueLines(String id, String account, String kind, Map<String, Object> options, List<String> lines, String output,
      String idempotencyKey) {
    Path input = folder(id).resolve("input.jsonl");
    try {
      Files.createDirectories(input.getParent());
      Files.write(input, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the input of " + id, e);
    }
    return store.enqueue(new JobRecord.NewJob(id, account, kind, options, input.toString(), output != null ? output : defaultOutput(id),
        idempotencyKey));
  }

  JobRecord enqueue(String id, String account, String kind, Map<String, Object> options, String input, String output, String idempotencyKey) {
    return store.enqueue(new JobRecord.NewJob(id, account, kind, options, input, output != null ? output : defaultOutput(id), idempotencyKey));
  }

  String defaultOutput(String id) {
    return folder(id).resolve("output").toString();
  }

  private Path folder(String id) {
    return jobs.resolve(id);
  }

  /** Polls the store until the job finishes or the time is up; empty when still unfinished. */
  Optional<JobRecord> awaitFinished(String id, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      JobRecord job = store.job(id).orElseThrow();
      if (job.finished()) {
        return Optional.of(job);
      }
      if (System.nanoTime() > deadline) {
        return Optional.empty();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /** The part files of a finished job's output folder, in order. */
  static List<Path> parts(String output, String folder) {
    Path path = Path.of(output.startsWith("file:") ? java.net.URI.create(output).getPath() : output).resolve(folder);
    if (!Files.isDirectory(path)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(path)) {
      return files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}
