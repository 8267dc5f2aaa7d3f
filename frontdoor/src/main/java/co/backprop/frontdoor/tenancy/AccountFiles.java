package co.backprop.frontdoor.tenancy;

import co.backprop.contract.account.Account;
import co.backprop.contract.account.Grant;
import co.backprop.contract.account.Locations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an account may read and write: its own folder {@code DATA/files/<account>/}, and what the
 * operator granted it (object-store prefixes, local folders; read-only or not). Client locations
 * are checked here before anything touches them: relative paths are inside the account's folder, no
 * glob characters, no {@code ..} out, symlinks resolved before the check, and a location outside
 * what the account may use is refused the same way whether it exists or not.
 */
public final class AccountFiles {
  private final Path filesRoot;

  /**
   * @param filesRoot the folder holding every account's folder ({@code DATA/files})
   */
  public AccountFiles(Path filesRoot) {
    this.filesRoot = filesRoot.toAbsolutePath().normalize();
  }

  /** The account's own folder, made if missing. */
  public Path folder(String account) {
    Path folder = filesRoot.resolve(account);
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the files folder of " + account, e);
    }
    return folder;
  }

  /**
   * A location the account may read, resolved (a local path must exist); {@code field} names it in
   * refusals.
   */
  public String readable(Account account, String field, String location) {
    return resolve(account, field, location, false);
  }

  /** A location the account may write (results go under it). */
  public String writable(Account account, String field, String location) {
    return resolve(account, field, location, true);
  }

  private String resolve(Account account, String field, String location, boolean write) {
    if (location == null || location.isBlank()) {
      throw new Refused(Refused.Reason.INVALID, field + ": must not be empty");
    }
    if (Locations.hasGlob(location) || location.chars().anyMatch(Character::isISOControl)) {
      throw new Refused(
          Refused.Reason.INVALID,
          field + ": a location has no glob or control characters (* ? [ ] { } \\)");
    }
    if (location.startsWith("s3a://")) {
      return objectStore(account, field, location, write);
    }
    if (location.contains("://") && !location.startsWith("file://")) {
      throw new Refused(
          Refused.Reason.INVALID,
          field + ": only s3a:// locations and paths in your files are supported");
    }
    return local(account, field, location, write);
  }

  private static String objectStore(Account account, String field, String location, boolean write) {
    URI uri = uri(field, location);
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (uri.getHost() == null
        || List.of(path.split("/")).contains("..")
        || List.of(path.split("/")).contains(".")) {
      throw new Refused(
          Refused.Reason.INVALID,
          field + ": an s3a location is s3a://bucket/key, without . or .. segments");
    }
    boolean granted =
        account.grants().stream().anyMatch(g -> g.covers(location) && (!write || !g.readOnly()));
    if (!granted) {
      throw new Refused(
          Refused.Reason.FORBIDDEN,
          field
              + ": "
              + location
              + " is not granted to you for "
              + (write ? "writing" : "reading")
              + " (the operator grants object-store prefixes)");
    }
    return location;
  }

  private String local(Account account, String field, String location, boolean write) {
    String given = location.startsWith("file://") ? uri(field, location).getPath() : location;
    Path own = folder(account.name());
    Path path = own.resolve(given).normalize(); // an absolute path replaces the account's folder
    List<Path> roots = new ArrayList<>();
    roots.add(own);
    for (Grant grant : account.grants()) {
      if (!grant.prefix().startsWith("s3a://") && (!write || !grant.readOnly())) {
        roots.add(Path.of(grant.prefix()));
      }
    }
    Refused notYours =
        new Refused(
            Refused.Reason.FORBIDDEN,
            field
                + ": '"
                + location
                + "' is not a location you may "
                + (write ? "write" : "read")
                + ": give a path inside your files folder (relative paths are), or one granted to"
                + " you");
    if (roots.stream().noneMatch(path::startsWith)) {
      throw notYours;
    }
    // Symlinks are followed before the check again: a link inside may point out.
    Path real = realOfNearestExisting(path);
    if (roots.stream().map(AccountFiles::realOrSelf).noneMatch(real::startsWith)) {
      throw notYours;
    }
    if (!write && !Files.exists(path)) {
      throw new Refused(
          Refused.Reason.INVALID, field + ": '" + location + "' does not exist in your files");
    }
    return write ? path.toString() : real.toString();
  }

  /** A location given as a URI, parsed: one that is not a URI is the client's 400, not a 500. */
  private static URI uri(String field, String location) {
    try {
      return new URI(location);
    } catch (URISyntaxException e) {
      throw new Refused(
          Refused.Reason.INVALID,
          field + ": '" + location + "' is not a valid URI (" + e.getReason() + ")");
    }
  }

  /** The real path of a path, or of its nearest existing ancestor with the rest appended. */
  private static Path realOfNearestExisting(Path path) {
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return path;
    }
    return realOrSelf(existing).resolve(existing.relativize(path)).normalize();
  }

  private static Path realOrSelf(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path;
    }
  }
}
