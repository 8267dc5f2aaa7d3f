package co.backprop.contract.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A SHA-256 over a model's files (role, name and bytes of each): what changes when the weights or
 * tokenizer change, so content-aware runs re-run rows a new model version would answer differently.
 * A file's digest is remembered by path, size and modification time, in this JVM and beside the
 * machine's model cache, so a 90 MB model is read once, not at every job's start.
 */
public final class ModelDigest {
  private static final Map<String, String> FILES = new ConcurrentHashMap<>();
  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private ModelDigest() {}

  /** The digest of the model's files as hex (the files must be installed). */
  public static String of(ModelSpec spec) {
    MessageDigest model = sha256();
    for (Map.Entry<String, Path> file : ModelFiles.localFiles(spec).entrySet()) {
      model.update((file.getKey() + "=" + file.getValue().getFileName() + "=").getBytes(UTF8));
      model.update(fileDigest(file.getValue()).getBytes(UTF8));
      model.update((byte) '\n');
    }
    return HexFormat.of().formatHex(model.digest());
  }

  private static String fileDigest(Path file) {
    try {
      String key =
          file.toAbsolutePath()
              + "|"
              + Files.size(file)
              + "|"
              + Files.getLastModifiedTime(file).toMillis();
      String known = FILES.get(key);
      if (known != null) {
        return known;
      }
      Path remembered =
          ModelFiles.cacheFolder()
              .resolve("digests")
              .resolve(HexFormat.of().formatHex(sha256().digest(key.getBytes(UTF8))) + ".sha256");
      String digest = readRemembered(remembered);
      if (digest == null) {
        digest = hash(file);
        remember(remembered, digest);
      }
      FILES.put(key, digest);
      return digest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model file " + file, e);
    }
  }

  private static String hash(Path file) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String readRemembered(Path remembered) {
    try {
      String text = Files.readString(remembered).trim();
      return text.matches("[0-9a-f]{64}") ? text : null;
    } catch (IOException e) {
      return null; // not remembered (or unreadable): hash the file
    }
  }

  /** Best effort: a cache folder that cannot be written only costs a hash at the next start. */
  private static void remember(Path remembered, String digest) {
    try {
      Files.createDirectories(remembered.getParent());
      Path partial = Files.createTempFile(remembered.getParent(), "digest", ".partial");
      Files.writeString(partial, digest);
      Files.move(
          partial,
          remembered,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // ignored: see above
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
