package co.backprop.outputs;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server for the tests: S3Proxy on a loopback port, in memory, with credentials. In the
 * test's JVM, or (for the front door's tests, whose Jetty 12 cannot share a JVM with S3Proxy's
 * Jetty 11) in a JVM of its own through {@link #main}.
 */
public final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = S3Settings.ACCESS_KEY;
  static final String SECRET_KEY = S3Settings.SECRET_KEY;

  private final BlobStoreContext blobs;
  private final S3Proxy proxy;

  public S3Server(String... buckets) throws Exception {
    blobs =
        ContextBuilder.newBuilder("transient")
            .credentials(ACCESS_KEY, SECRET_KEY)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(blobs.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
    for (String bucket : buckets) {
      blobs.getBlobStore().createContainerInLocation(null, bucket);
    }
  }

  /**
   * Starts a server with the buckets given as arguments and prints its port; runs until stdin
   * closes.
   */
  public static void main(String[] buckets) throws Exception {
    try (S3Server server = new S3Server(buckets)) {
      System.out.println("port " + server.proxy.getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the parent closes our stdin (or dies)
      }
    }
  }

  public int port() {
    return proxy.getPort();
  }

  /** What a user puts in spark-defaults.conf (or --conf) for an S3-compatible store. */
  public Map<String, String> sparkSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    S3Settings.of(proxy.getPort())
        .forEach((key, value) -> settings.put("spark.hadoop." + key, value));
    return settings;
  }

  /** The same settings as a Hadoop configuration, for reading and writing objects from a test. */
  public org.apache.hadoop.conf.Configuration hadoopConf() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    S3Settings.of(proxy.getPort()).forEach(conf::set);
    return conf;
  }

  /** Writes an object through s3a, as a user's upload would land. */
  public void put(String uri, byte[] content) throws java.io.IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
    try (var out = path.getFileSystem(hadoopConf()).create(path, true)) {
      out.write(content);
    }
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    blobs.close();
  }
}
