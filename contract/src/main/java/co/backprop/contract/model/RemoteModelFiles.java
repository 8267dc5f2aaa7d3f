package co.backprop.contract.model;

import java.nio.file.Path;

/**
 * Reads model files from a store that is not a local folder (s3a://...). Found with {@link
 * java.util.ServiceLoader}: the jobs module implements it with Hadoop's file systems, so common
 * stays free of Hadoop and a process without it (the front door) says so instead of guessing.
 */
public interface RemoteModelFiles {
  /** Whether {@code location/file} exists, without reading it. */
  boolean exists(String location, String file);

  /**
   * A local copy of {@code location/file}, made at most once per machine while the remote file is
   * unchanged, and never visible half-written.
   */
  Path localCopy(String location, String file);
}
