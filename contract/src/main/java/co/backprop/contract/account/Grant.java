package co.backprop.contract.account;

import java.net.URI;
import java.nio.file.Path;

/**
 * A location outside its own files folder the operator let an account use: an object-store prefix
 * ({@code s3a://bucket/prefix/}) or a local folder, for reading only or for reading and writing.
 *
 * @param prefix an {@code s3a://bucket/...} prefix or an absolute local folder, always ending in /
 */
public record Grant(String prefix, boolean readOnly) {
  public Grant {
    prefix = normalise(prefix);
  }

  /**
   * {@code s3a://bucket/prefix/} or {@code /srv/shared/acme/}: the form locations are compared in.
   */
  public static String normalise(String prefix) {
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException(
          "a grant needs a prefix: s3a://bucket/prefix/ or an absolute folder");
    }
    String value = prefix.trim();
    if (value.contains("://")) {
      URI uri = URI.create(value);
      if (!"s3a".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "a grant's object-store prefix is s3a://bucket/prefix/; got '" + prefix + "'");
      }
      if (value.contains("..") || Locations.hasGlob(value)) {
        throw new IllegalArgumentException(
            "a grant's prefix has no '..' and no glob characters; got '" + prefix + "'");
      }
      return value.endsWith("/") ? value : value + "/";
    }
    Path path = Path.of(value);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(
          "a grant's local folder must be absolute; got '" + prefix + "'");
    }
    String folder = path.normalize().toString();
    return folder.endsWith("/") ? folder : folder + "/";
  }

  /** Whether a normalised location lies under this grant (the prefix itself included). */
  public boolean covers(String location) {
    String folder = location.endsWith("/") ? location : location + "/";
    return folder.startsWith(prefix);
  }
}
