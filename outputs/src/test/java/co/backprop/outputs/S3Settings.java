package co.backprop.outputs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hadoop settings of the tests' S3 server: what a user puts in core-site.xml for an
 * S3-compatible store.
 */
public final class S3Settings {
  static final String ACCESS_KEY = "backprop-test";
  static final String SECRET_KEY = "backprop-test-secret";

  private S3Settings() {}

  public static Map<String, String> of(int port) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    settings.put("fs.s3a.endpoint.region", "us-east-1");
    settings.put("fs.s3a.path.style.access", "true");
    settings.put("fs.s3a.connection.ssl.enabled", "false");
    settings.put("fs.s3a.access.key", ACCESS_KEY);
    settings.put("fs.s3a.secret.key", SECRET_KEY);
    settings.put(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    return settings;
  }
}
