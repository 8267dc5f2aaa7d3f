package co.backprop.spark.plan;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A call of a Backprop function in a query. It is never evaluated row by row: {@link
 * ExtractBackpropCalls} moves every call into a {@link BatchInference} operator, which runs a
 * partition's calls together in length-sorted micro-batches, and the call's place in the query
 * reads the operator's output column.
 */
public final class BackpropCall extends Expression implements java.io.Serializable {
  private final Seq<Expression> arguments;
  private final CallSpec spec;

  public BackpropCall(Seq<Expression> arguments, CallSpec spec) {
    this.arguments = arguments;
    this.spec = spec;
  }

  public CallSpec spec() {
    return spec;
  }

  @Override
  public Seq<Expression> children() {
    return arguments;
  }

  @Override
  public boolean nullable() {
    // A bad row is a struct with status "error", never a null.
    return false;
  }

  @Override
  public DataType dataType() {
    return spec.resultType();
  }

  @Override
  public String prettyName() {
    return spec.function();
  }

  @Override
  public Object eval(InternalRow input) {
    throw new IllegalStateException(
        spec.function()
            + " runs in a batched Backprop operator and cannot be evaluated row by row; the"
            + " session lacks the Backprop planner rules (use Backprop.register(spark) or"
            + " spark.sql.extensions=co.backprop.spark.BackpropExtensions)");
  }

  @Override
  public ExprCode doGenCode(CodegenContext context, ExprCode code) {
    throw new IllegalStateException(spec.function() + " cannot be compiled row by row");
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new BackpropCall(newChildren.toList(), spec);
  }

  @Override
  public int productArity() {
    return 2;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> arguments;
      case 1 -> spec;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object other) {
    return other instanceof BackpropCall;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BackpropCall call
        && spec.equals(call.spec)
        && arguments.equals(call.arguments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(spec, arguments);
  }

  /** The calls in an expression with no call among their arguments (the first to run). */
  static void innermost(Expression expression, List<BackpropCall> into) {
    if (expression instanceof BackpropCall call && !containsCall(call.arguments)) {
      into.add(call);
      return;
    }
    Scala.list(expression.children()).forEach(child -> innermost(child, into));
  }

  private static boolean containsCall(Seq<Expression> expressions) {
    for (Expression e : Scala.list(expressions)) {
      if (e instanceof BackpropCall || containsCall(e.children())) {
        return true;
      }
    }
    return false;
  }
}
