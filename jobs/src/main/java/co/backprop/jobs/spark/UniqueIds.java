package co.backprop.jobs.spark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Proof, from the survey pass the job makes anyway, that a JSON-lines input's ids are all
 * different, so the exact duplicate check (a Spark SQL aggregation, seconds of a small job's start)
 * can be skipped. Each partition hashes its ids to 64 bits; if no two hashes are equal, no two ids
 * are. It only ever says "unique" when that is certain: a line whose id it cannot read exactly as
 * the exact check reads it ({@link InputIds#textField}: a string, or an integer's digits), a hash
 * that repeats (a real duplicate, or a collision), or more than {@link #MAX_IDS} ids, and the exact
 * check runs as before.
 */
final class UniqueIds {
  /** At most this many ids are hashed on executors and sorted on the driver (8 bytes each). */
  static final int MAX_IDS = 2_000_000;

  /** The line has no id (absent or null), as for the exact check. */
  static final long NO_ID = Long.MIN_VALUE;

  /** The line's id cannot be read here exactly as the exact check reads it. */
  static final long UNSURE = Long.MIN_VALUE + 1;

  private static final JsonFactory JSON = new JsonFactory();

  private UniqueIds() {}

  /** The 64-bit hash of a line's id, or {@link #NO_ID}, or {@link #UNSURE}. */
  static long idHash(String line, String field) {
    String id = null;
    boolean seen = false;
    try (JsonParser parser = JSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return UNSURE;
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals(field)) {
          if (seen) {
            return UNSURE; // which of two the exact check reads is not this class's to guess
          }
          seen = true;
          if (value == JsonToken.VALUE_STRING) {
            id = parser.getText();
          } else if (value == JsonToken.VALUE_NUMBER_INT) {
            id = parser.getBigIntegerValue().toString();
          } else if (value != JsonToken.VALUE_NULL) {
            return UNSURE; // a decimal, a boolean, an object as an id: its text is Spark's to make
          }
        } else if (name.equalsIgnoreCase(field)) {
          return UNSURE;
        }
        parser.skipChildren();
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return UNSURE;
      }
    } catch (IOException | RuntimeException e) {
      return UNSURE; // malformed: the exact check decides what it makes of the line
    }
    return id == null ? NO_ID : hash(id);
  }

  /** FNV-1a over the characters, then MurmurHash3's finalizer; never one of the two markers. */
  static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == NO_ID || h == UNSURE ? h + 2 : h;
  }

  /** One partition's id hashes, up to its share of {@link #MAX_IDS}. */
  static final class Collector {
    private final String field;
    private final int cap;
    private long[] hashes = new long[1024];
    private int size;
    private boolean unsure;

    Collector(String field, int cap) {
      this.field = field;
      this.cap = cap;
    }

    void add(String line) {
      if (unsure) {
        return;
      }
      long hash = idHash(line, field);
      if (hash == NO_ID) {
        return;
      }
      if (hash == UNSURE || size == cap) {
        unsure = true;
        hashes = null;
        return;
      }
      if (size == hashes.length) {
        hashes = Arrays.copyOf(hashes, (int) Math.min((long) size * 2, cap));
      }
      hashes[size++] = hash;
    }

    /** The hashes, or null when this partition cannot vouch for its ids. */
    long[] hashes() {
      return unsure ? null : Arrays.copyOf(hashes, size);
    }
  }

  /** True only when every partition vouched for its ids and no hash repeats. */
  static boolean unique(List<long[]> partitions) {
    long total = 0;
    for (long[] hashes : partitions) {
      if (hashes == null) {
        return false;
      }
      total += hashes.length;
    }
    if (total > MAX_IDS) {
      return false;
    }
    long[] all = new long[(int) total];
    int at = 0;
    for (long[] hashes : partitions) {
      System.arraycopy(hashes, 0, all, at, hashes.length);
      at += hashes.length;
    }
    Arrays.sort(all);
    for (int i = 1; i < all.length; i++) {
      if (all[i] == all[i - 1]) {
        return false;
      }
    }
    return true;
  }
}
