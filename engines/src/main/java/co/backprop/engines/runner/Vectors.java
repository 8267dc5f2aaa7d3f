package co.backprop.engines.runner;

/** Arithmetic on embedding vectors. */
public final class Vectors {
  private Vectors() {}

  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "vectors of " + a.length + " and " + b.length + " dimensions");
    }
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
    }
    return dot;
  }

  public static double cosine(float[] a, float[] b) {
    return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  }
}
