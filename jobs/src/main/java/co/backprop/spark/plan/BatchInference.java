package co.backprop.spark.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Runs Backprop calls over its child's rows in batches and appends one struct column per call: the
 * logical twin of {@link BatchInferenceExec}, the way Spark's Python UDFs become a batched
 * evaluation operator.
 *
 * @param calls the {@link BackpropCall}s, reading only the child's columns
 * @param results the columns the calls' structs are appended as, one per call
 */
public final class BatchInference extends LogicalPlan {
  private final Seq<Expression> calls;
  private final Seq<Attribute> results;
  private final LogicalPlan child;

  public BatchInference(Seq<Expression> calls, Seq<Attribute> results, LogicalPlan child) {
    this.calls = calls;
    this.results = results;
    this.child = child;
  }

  public Seq<Expression> calls() {
    return calls;
  }

  public Seq<Attribute> results() {
    return results;
  }

  public LogicalPlan child() {
    return child;
  }

  @Override
  public Seq<Attribute> output() {
    return appended(child.output(), results);
  }

  @Override
  public AttributeSet producedAttributes() {
    return attributes(results);
  }

  /** The operator's columns, logical or physical: the child's, then one per call. */
  static Seq<Attribute> appended(Seq<Attribute> childOutput, Seq<Attribute> results) {
    List<Attribute> output = new ArrayList<>(Scala.list(childOutput));
    output.addAll(Scala.list(results));
    return Scala.seq(output);
  }

  /** The result columns as the set the operator produces (not reads from its child). */
  static AttributeSet attributes(Seq<Attribute> results) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    scala.collection.Iterable<Expression> columns = (scala.collection.Iterable) results;
    return AttributeSet.apply(columns);
  }

  @Override
  public Seq<LogicalPlan> children() {
    return Scala.seq(List.of(child));
  }

  @Override
  public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
    return new BatchInference(calls, results, newChildren.apply(0));
  }

  @Override
  public int productArity() {
    return 3;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> calls;
      case 1 -> results;
      case 2 -> child;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object other) {
    return other instanceof BatchInference;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BatchInference node
        && calls.equals(node.calls)
        && results.equals(node.results)
        && child.equals(node.child);
  }

  @Override
  public int hashCode() {
    return Objects.hash(calls, results, child);
  }
}
