package co.backprop.spark.plan;

import java.util.List;
import java.util.function.Function;
import scala.PartialFunction;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractPartialFunction;

/** Scala collections and functions for Catalyst's tree API, from Java. */
final class Scala {
  private Scala() {}

  static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }

  static <T> List<T> list(scala.collection.Seq<T> seq) {
    return List.copyOf(CollectionConverters.asJava(seq));
  }

  /** A partial function defined where {@code f} gives non-null. */
  static <A, B> PartialFunction<A, B> partial(Function<A, B> f) {
    return new AbstractPartialFunction<>() {
      @Override
      public boolean isDefinedAt(A value) {
        return f.apply(value) != null;
      }

      @Override
      public <A1 extends A, B1> B1 applyOrElse(A1 value, scala.Function1<A1, B1> otherwise) {
        B result = f.apply(value);
        @SuppressWarnings("unchecked")
        B1 cast = (B1) result;
        return result != null ? cast : otherwise.apply(value);
      }
    };
  }
}
