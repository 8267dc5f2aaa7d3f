package co.backprop.spark.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.Metadata;

/**
 * Moves every Backprop call out of the operator that holds it (a projection, a filter, a grouping,
 * a join condition...) into a {@link BatchInference} under that operator, over the side whose
 * columns the call reads; the operator then reads the call's result column. Calls nested in calls
 * become stacked operators, innermost first. The same call twice in one operator runs once.
 */
public final class ExtractBackpropCalls extends Rule<LogicalPlan> {
  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return rewrite(plan);
  }

  private LogicalPlan rewrite(LogicalPlan node) {
    List<LogicalPlan> children = Scala.list(node.children());
    List<LogicalPlan> rewritten = children.stream().map(this::rewrite).toList();
    LogicalPlan current = node;
    for (int i = 0; i < children.size(); i++) {
      if (rewritten.get(i) != children.get(i)) {
        current = node.withNewChildren(Scala.seq(rewritten));
        break;
      }
    }
    return current instanceof BatchInference ? current : extract(current);
  }

  private static LogicalPlan extract(LogicalPlan node) {
    scala.collection.immutable.Seq<Attribute> output = node.output();
    LogicalPlan current = node;
    boolean changed = false;
    while (true) {
      List<BackpropCall> found = new ArrayList<>();
      for (Expression expression : Scala.list(current.expressions())) {
        BackpropCall.innermost(expression, found);
      }
      if (found.isEmpty()) {
        break;
      }
      current = extractOnce(current, found);
      changed = true;
    }
    if (changed && !current.output().equals(output)) {
      // A filter, sort or join passes its child's columns on: hide the result columns again.
      @SuppressWarnings({"unchecked", "rawtypes"})
      scala.collection.immutable.Seq<NamedExpression> columns =
          (scala.collection.immutable.Seq) output;
      current = new Project(columns, current);
    }
    return current;
  }

  private static LogicalPlan extractOnce(LogicalPlan node, List<BackpropCall> found) {
    List<LogicalPlan> children = Scala.list(node.children());
    Map<Expression, Attribute> columns = new LinkedHashMap<>();
    List<List<Expression>> calls = new ArrayList<>();
    List<List<Attribute>> results = new ArrayList<>();
    children.forEach(
        child -> {
          calls.add(new ArrayList<>());
          results.add(new ArrayList<>());
        });
    for (BackpropCall call : found) {
      Expression key = call.canonicalized();
      if (columns.containsKey(key)) {
        continue;
      }
      int side = sideOf(call, children);
      Attribute result =
          new AttributeReference(
              call.prettyName(),
              call.dataType(),
              false,
              Metadata.empty(),
              NamedExpression.newExprId(),
              Scala.seq(List.of()));
      columns.put(key, result);
      calls.get(side).add(call);
      results.get(side).add(result);
    }
    List<LogicalPlan> newChildren = new ArrayList<>();
    for (int i = 0; i < children.size(); i++) {
      LogicalPlan child = children.get(i);
      if (calls.get(i).isEmpty()) {
        newChildren.add(child);
        continue;
      }
      newChildren.add(
          new BatchInference(
              Scala.seq(calls.get(i)),
              Scala.seq(results.get(i)),
              narrowed(node, child, calls.get(i))));
    }
    return node.withNewChildren(Scala.seq(newChildren))
        .transformExpressions(
            Scala.partial(
                e -> e instanceof BackpropCall call ? columns.get(call.canonicalized()) : null));
  }

  /**
   * Under a projection or grouping only the columns it reads go through inference (a wide table's
   * other columns would be copied for nothing).
   */
  private static LogicalPlan narrowed(LogicalPlan node, LogicalPlan child, List<Expression> calls) {
    if (!(node instanceof Project) && !(node instanceof Aggregate)) {
      return child;
    }
    AttributeSet needed = node.references();
    for (Expression call : calls) {
      needed = needed.$plus$plus(call.references());
    }
    List<NamedExpression> kept = new ArrayList<>();
    for (Attribute attribute : Scala.list(child.output())) {
      if (needed.contains(attribute)) {
        kept.add(attribute);
      }
    }
    return kept.size() == child.output().size() ? child : new Project(Scala.seq(kept), child);
  }

  private static int sideOf(BackpropCall call, List<LogicalPlan> children) {
    if (children.isEmpty()) {
      throw new IllegalStateException(call.prettyName() + " is not over any rows");
    }
    AttributeSet references = call.references();
    for (int i = 0; i < children.size(); i++) {
      if (references.subsetOf(children.get(i).outputSet())) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        call.prettyName()
            + " reads columns of both sides of a join ("
            + call.references().toSeq().mkString(", ")
            + "); compute it over one side first, e.g. in a subquery of the joined rows");
  }
}
