package co.backprop.jobs.spark;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import scala.Tuple2;

/** Lazy iterator steps for partition functions: a partition is never held in memory whole. */
public final class Iterators {
  private Iterators() {}

  public static <A, B> Iterator<B> map(Iterator<A> in, Function<A, B> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public B next() {
        return f.apply(in.next());
      }
    };
  }

  static <A, B> Iterator<B> flatten(Iterator<A> in, Function<A, List<B>> f) {
    return new Iterator<>() {
      private Iterator<B> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && in.hasNext()) {
          current = f.apply(in.next()).iterator();
        }
        return current.hasNext();
      }

      @Override
      public B next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** The non-blank lines, each with its number: {@code lastLineBefore + 1} onwards. */
  static Iterator<Tuple2<Long, String>> numberNonBlank(
      Iterator<String> lines, long lastLineBefore) {
    return new Iterator<>() {
      private long line = lastLineBefore;
      private String next;

      @Override
      public boolean hasNext() {
        while (next == null && lines.hasNext()) {
          String text = lines.next();
          if (!text.isBlank()) {
            next = text;
          }
        }
        return next != null;
      }

      @Override
      public Tuple2<Long, String> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        String text = next;
        next = null;
        return new Tuple2<>(++line, text);
      }
    };
  }
}
