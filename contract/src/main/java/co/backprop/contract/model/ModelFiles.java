package co.backprop.contract.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Where a model's files are, for the three locations the catalog knows: {@code classpath:}
 * (resources shipped in the application jar), a local folder, and a remote store's folder
 * (s3a://..., through {@link RemoteModelFiles}).
 */
public final class ModelFiles {
  private static final String CLASSPATH = "classpath:";

  private ModelFiles() {}

  /**
   * Checks every file of the model is where the catalog says, without reading it. Run on the driver
   * before any work starts: the error says which model, where it was looked for and how to install
   * it.
   */
  public static void requireInstalled(ModelSpec spec) {
    List<String> missing = new ArrayList<>();
    for (String file : spec.files().values()) {
      if (!exists(spec, file)) {
        missing.add(file);
      }
    }
    if (!missing.isEmpty()) {
      throw new ModelException(
          ModelException.Kind.NOT_INSTALLED,
          "model "
              + spec.qualifiedName()
              + " is not installed: "
              + String.join(", ", missing)
              + " not found in "
              + describeLocation(spec)
              + (spec.install().isEmpty() ? "" : ". To install it: " + spec.install()));
    }
  }

  /** Whether every file of the model is where the catalog says. */
  public static boolean isInstalled(ModelSpec spec) {
    return spec.files().values().stream().allMatch(file -> exists(spec, file));
  }

  /** Local paths of the model's files by role; classpath resources are extracted once per JVM. */
  public static Map<String, Path> localFiles(ModelSpec spec) {
    requireInstalled(spec);
    Map<String, Path> paths = new LinkedHashMap<>();
    for (Map.Entry<String, String> file : spec.files().entrySet()) {
      Path local;
      if (isClasspath(spec)) {
        local = extract(resourceName(spec, file.getValue()));
      } else if (ModelStore.isRemote(spec.location())) {
        local = remote(spec).localCopy(spec.location(), file.getValue());
      } else {
        local = folder(spec).resolve(file.getValue());
      }
      paths.put(file.getKey(), local);
    }
    return paths;
  }

  private static boolean exists(ModelSpec spec, String file) {
    if (isClasspath(spec)) {
      return classLoader().getResource(resourceName(spec, file)) != null;
    }
    if (ModelStore.isRemote(spec.location())) {
      return remote(spec).exists(spec.location(), file);
    }
    return Files.isRegularFile(folder(spec).resolve(file));
  }

  private static String describeLocation(ModelSpec spec) {
    if (isClasspath(spec)) {
      String prefix = spec.location().substring(CLASSPATH.length());
      return "the classpath of this JVM (resource folder '"
          + (prefix.isEmpty() ? "/" : prefix)
          + "')";
    }
    if (ModelStore.isRemote(spec.location())) {
      return spec.location();
    }
    return "the folder " + folder(spec).toAbsolutePath();
  }

  private static RemoteModelFiles remote(ModelSpec spec) {
    return ServiceLoader.load(RemoteModelFiles.class, classLoader())
        .findFirst()
        .orElseThrow(
            () ->
                new ModelException(
                    ModelException.Kind.NOT_INSTALLED,
                    "model "
                        + spec.qualifiedName()
                        + " is in "
                        + spec.location()
                        + ", which this process cannot read: remote model stores are read by the"
                        + " jobs (Hadoop file systems); use a local --model-store here"));
  }

  private static boolean isClasspath(ModelSpec spec) {
    return spec.location().startsWith(CLASSPATH);
  }

  private static String resourceName(ModelSpec spec, String file) {
    return spec.location().substring(CLASSPATH.length()) + file;
  }

  private static Path folder(ModelSpec spec) {
    return Path.of(spec.location());
  }

  /**
   * The machine's cache of model files copied out of jars and remote stores ({@code
   * -Dbackprop.model.cache}).
   */
  public static Path cacheFolder() {
    return Path.of(
        System.getProperty(
            "backprop.model.cache",
            Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "backprop-models-" + System.getProperty("user.name"))
                .toString()));
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : ModelFiles.class.getClassLoader();
  }

  /**
   * Copies a resource to a cache folder shared by the JVMs of this machine, named by the resource's
   * size and time stamp so a new jar never reuses a stale copy.
   */
  private static Path extract(String resource) {
    try {
      URL url = classLoader().getResource(resource);
      URLConnection connection = url.openConnection();
      long size = connection.getContentLengthLong();
      long modified = connection.getLastModified();
      Path target =
          cacheFolder().resolve(size + "-" + modified).resolve(Path.of(resource).getFileName());
      return cachedCopy(target, size, modified, connection::getInputStream);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract model resource " + resource, e);
    }
  }

  /** Where a cached copy is read from. */
  public interface Source {
    InputStream open() throws IOException;
  }

  /**
   * A copy at {@code target}, in the machine's cache, of a file of the given size and modification
   * time: reused while both match, else written to a temporary name and moved into place, so a
   * reader in another JVM never sees half a file. One copy at a time in this JVM.
   */
  public static synchronized Path cachedCopy(
      Path target, long size, long modifiedMillis, Source source) throws IOException {
    if (Files.isRegularFile(target)
        && Files.size(target) == size
        && Files.getLastModifiedTime(target).toMillis() == modifiedMillis) {
      return target;
    }
    Files.createDirectories(target.getParent());
    Path partial =
        Files.createTempFile(target.getParent(), target.getFileName().toString(), ".partial");
    try (InputStream in = source.open()) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setLastModifiedTime(partial, FileTime.fromMillis(modifiedMillis));
    return Files.move(
        partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
