package co.backprop.contract.model;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where fetched and uploaded models live: one folder per artifact, {@code {root}/{artifact}/}. The
 * root is a local folder or a URI another file system serves ({@code s3a://bucket/models}); every
 * executor reads a remote store through {@link RemoteModelFiles}. A local folder appears only when
 * its model is complete (fetches are staged and moved into place).
 *
 * @param root an absolute local path, or a URI with a scheme
 */
public record ModelStore(String root) {
  private static final Pattern URI_WITH_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://.*");

  public ModelStore {
    if (URI_WITH_SCHEME.matcher(root).matches()) {
      root = root.replaceAll("/+$", "");
    } else {
      root = Path.of(root).toAbsolutePath().normalize().toString();
    }
  }

  public ModelStore(Path root) {
    this(root.toString());
  }

  /** {@code -Dbackprop.modelStore}, else {@code $BACKPROP_MODEL_STORE}, else ~/.backprop/models. */
  public static ModelStore fromEnvironment() {
    String configured =
        System.getProperty("backprop.modelStore", System.getenv("BACKPROP_MODEL_STORE"));
    return new ModelStore(
        configured != null
            ? configured
            : Path.of(System.getProperty("user.home"), ".backprop", "models").toString());
  }

  /** Whether the store is a URI (s3a://...) rather than a folder of this machine. */
  public boolean isRemote() {
    return isRemote(root);
  }

  /** Whether a model location is a URI with a scheme, read through {@link RemoteModelFiles}. */
  static boolean isRemote(String location) {
    return URI_WITH_SCHEME.matcher(location).matches() && !location.startsWith("file:");
  }

  /** Where an artifact's folder is, as the catalog records it. */
  public String location(String artifact) {
    return isRemote() ? root + "/" + artifact : folder(artifact).toString();
  }

  /** The local folder of an artifact; a remote store has none. */
  public Path folder(String artifact) {
    return localRoot().resolve(artifact);
  }

  /** Where downloads wait until every file is there and checked. */
  public Path staging(String artifact) {
    return localRoot().resolve(".staging").resolve(artifact);
  }

  private Path localRoot() {
    if (isRemote()) {
      throw new IllegalStateException("the model store " + root + " is not a local folder");
    }
    return Path.of(root);
  }
}
