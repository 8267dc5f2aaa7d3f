package co.backprop.contract.account;

import java.util.regex.Pattern;

/** What a client-given location may not contain, wherever it points. */
public final class Locations {
  // Hadoop expands these in paths: one would read many folders, other tenants' among them.
  private static final Pattern GLOB = Pattern.compile("[*?\\[\\]{}\\\\]");

  private Locations() {}

  public static boolean hasGlob(String location) {
    return GLOB.matcher(location).find();
  }
}
