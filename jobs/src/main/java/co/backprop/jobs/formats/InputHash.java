package co.backprop.jobs.formats;

import co.backprop.contract.task.Json;
import co.backprop.engines.pipeline.PendingItem;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.jobs.input.JobPlan;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A hash of exactly what the models see for one input row: each item's task, model name, the digest
 * of the model's files and the request after mapping and {@code --set} (or the error a bad item
 * carries). Written on every result row as {@code input_hash}; an incremental run skips a row only
 * when its id is done and this hash is unchanged, so an edited text, a new {@code --set} value or a
 * new model version runs again, and a column the mapping does not read changes nothing.
 */
public final class InputHash {
  public static final String COLUMN = "input_hash";

  /** 128 bits: collisions are out of reach for any table, and the index stays small. */
  private static final int BYTES = 16;

  private InputHash() {}

  /** What a format needs back to write a row, and the row's input hash. */
  public record Hashed<C>(C carrier, String inputHash) implements java.io.Serializable {}

  /** The row with its hash beside its carrier. */
  public static <C> PendingRow<Hashed<C>> attach(PendingRow<C> row, JobPlan plan) {
    return new PendingRow<>(new Hashed<>(row.carrier(), of(row, plan)), row.items());
  }

  public static String of(PendingRow<?> row, JobPlan plan) {
    MessageDigest digest = sha256();
    for (PendingItem item : row.items()) {
      String task = item.task() == null ? "" : item.task().apiName();
      String model = item.model() == null ? "" : item.model();
      digest.update((task + "\n" + model + "\n").getBytes(StandardCharsets.UTF_8));
      if (item.task() != null && item.model() != null) {
        digest.update(plan.modelDigest(item.task(), item.model()).getBytes(StandardCharsets.UTF_8));
      }
      digest.update((byte) '\n');
      digest.update(
          item.isValid()
              ? request(item)
              : ("error:" + item.error()).getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
    }
    return HexFormat.of().formatHex(digest.digest(), 0, BYTES);
  }

  private static byte[] request(PendingItem item) {
    try {
      return Json.MAPPER.writeValueAsBytes(item.request());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot hash the request " + item.request(), e);
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
