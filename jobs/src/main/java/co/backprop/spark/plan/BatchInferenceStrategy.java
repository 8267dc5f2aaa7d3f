package co.backprop.spark.plan;

import java.util.List;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;

/** Plans a {@link BatchInference} as a {@link BatchInferenceExec}. */
public final class BatchInferenceStrategy extends SparkStrategy {
  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (plan instanceof BatchInference node) {
      return Scala.seq(
          List.of(new BatchInferenceExec(node.calls(), node.results(), planLater(node.child()))));
    }
    return Scala.seq(List.of());
  }
}
