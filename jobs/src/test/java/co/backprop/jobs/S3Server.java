package co.backprop.jobs;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** A real S3 server for the tests: S3Proxy in this JVM on a loopback port, in memory, with credentials. */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "backprop-test";
  static final String SECRET_KEY = "backprop-test-secret";

  private final BlobStoreContext blobs;
  private final S3Proxy proxy;

  S3Server(String... buckets) throws Exception {
    blobs = ContextBuilder.newBuilder("transient").credentials(ACCESS_KEY, SECRET_KEY).build(BlobStoreContext.class);
    proxy = S3Proxy.builder()
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

  /** What a user puts in spark-defaults.conf (or --conf) for an S3-compatible store. */
  Map<String, String> sparkSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + proxy.getPort());
    settings.put("spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
    settings.put("spark.hadoop.fs.s3a.path.style.access", "true");
    settings.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
    settings.put("spark.hadoop.fs.s3a.access.key", ACCESS_KEY);
    settings.put("spark.hadoop.fs.s3a.secret.key", SECRET_KEY);
    settings.put("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    return settings;
  }

  /** The same settings as a Hadoop configuration, for reading and writing objects from a test. */
  org.apache.hadoop.conf.Configuration hadoopConf() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    sparkSettings().forEach((key, value) -> conf.set(key.substring("spark.hadoop.".length()), value));
    return conf;
  }

  /** Writes an object through s3a, as a user's upload would land. */
  void put(String uri, byte[] content) throws java.io.IOException {
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
