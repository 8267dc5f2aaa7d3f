package co.backprop.jobs.models;

import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.RemoteModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * A model store on any Hadoop file system (s3a://, hdfs://): every executor copies each model file
 * to its machine's cache once, then loads it from there as from a local store.
 */
public final class HadoopModelFiles implements RemoteModelFiles {
  @Override
  public boolean exists(String location, String file) {
    Path path = new Path(location, file);
    try {
      return path.getFileSystem(conf()).isFile(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + path, e);
    }
  }

  @Override
  public java.nio.file.Path localCopy(String location, String file) {
    Path remote = new Path(location, file);
    try {
      FileSystem fs = remote.getFileSystem(conf());
      FileStatus status = fs.getFileStatus(remote);
      java.nio.file.Path target =
          ModelFiles.cacheFolder().resolve("remote").resolve(digest(location)).resolve(file);
      return ModelFiles.cachedCopy(
          target, status.getLen(), status.getModificationTime(), () -> fs.open(remote));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy model file " + remote + " to this machine", e);
    }
  }

  /**
   * Puts a local model folder into a remote store's folder. Each file is written under a temporary
   * name and renamed; the model counts as installed only once all its files are there.
   */
  public static void upload(java.nio.file.Path folder, String location, Configuration conf)
      throws IOException {
    Path target = new Path(location);
    FileSystem fs = target.getFileSystem(conf);
    try (Stream<java.nio.file.Path> files = Files.list(folder)) {
      for (java.nio.file.Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        Path partial = new Path(target, "." + file.getFileName() + ".partial");
        // A plain stream, not copyFromLocalFile: that path's signed single PUT is refused by some
        // S3-compatible servers.
        try (InputStream in = Files.newInputStream(file);
            var out = fs.create(partial, true)) {
          in.transferTo(out);
        }
        Path done = new Path(target, file.getFileName().toString());
        fs.delete(done, false);
        if (!fs.rename(partial, done)) {
          throw new IOException("cannot rename " + partial + " to " + done);
        }
      }
    }
  }

  /**
   * The Hadoop settings of this JVM: Spark's ({@code spark.hadoop.*} included) once Spark runs,
   * else the {@code spark.hadoop.*} system properties spark-submit and bin/backprop set from
   * --conf.
   */
  public static Configuration conf() {
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      return SparkHadoopUtil.get().newConfiguration(env.conf());
    }
    Configuration conf = new Configuration();
    for (Map.Entry<Object, Object> property : System.getProperties().entrySet()) {
      String key = property.getKey().toString();
      if (key.startsWith("spark.hadoop.")) {
        conf.set(key.substring("spark.hadoop.".length()), property.getValue().toString());
      }
    }
    return conf;
  }

  private static String digest(String location) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(location.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
