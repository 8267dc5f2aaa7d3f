package co.backprop.spark.plan;

import co.backprop.jobs.spark.JobAccumulators;
import co.backprop.jobs.spark.PartitionRunner;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.physical.RoundRobinPartitioning;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.REPARTITION_BY_NUM$;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import scala.Option;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Runs a {@link BatchInference}: the models are resolved on the driver before any task starts (a
 * missing one fails the query saying how to install it), then each partition goes through {@link
 * CallRows} with the executor's model cache.
 */
public final class BatchInferenceExec extends SparkPlan {
  private final Seq<Expression> calls;
  private final Seq<Attribute> results;
  private final SparkPlan child;

  public BatchInferenceExec(Seq<Expression> calls, Seq<Attribute> results, SparkPlan child) {
    this.calls = calls;
    this.results = results;
    this.child = child;
  }

  @Override
  public RDD<InternalRow> doExecute() {
    SparkSession spark = session() != null ? session() : SparkSession.active();
    List<CallSpec> specs = new ArrayList<>();
    List<Expression> arguments = new ArrayList<>();
    List<Expression> callList = Scala.list(calls);
    int[] counts = new int[callList.size()];
    for (int c = 0; c < callList.size(); c++) {
      BackpropCall call = (BackpropCall) callList.get(c);
      specs.add(call.spec());
      counts[c] = call.children().size();
      for (Expression argument : Scala.list(call.children())) {
        arguments.add(argument);
      }
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    PartitionRunner runner =
        new PartitionRunner(
            context.broadcast(SessionSettings.plan(spark, specs)), new JobAccumulators(context));
    CallRows rows =
        new CallRows(
            specs,
            arguments,
            Scala.list(child.output()),
            counts,
            DataTypeUtils.fromAttributes(output()),
            runner,
            SessionSettings.usage(spark),
            YearMonth.now(ZoneOffset.UTC).toString());
    return input(spark).toJavaRDD().mapPartitions(rows::run).rdd();
  }

  /**
   * The child's rows, spread round-robin over the session's cores when the child has fewer
   * partitions (a small file is one partition, and inference would run on one core). Spark SQL
   * promises no row order without ORDER BY; the rows keep theirs within a spread partition.
   */
  private RDD<InternalRow> input(SparkSession spark) {
    RDD<InternalRow> rows = child.execute();
    int cores = spark.sparkContext().defaultParallelism();
    if (rows.getNumPartitions() >= cores) {
      return rows;
    }
    return new ShuffleExchangeExec(
            new RoundRobinPartitioning(cores), child, REPARTITION_BY_NUM$.MODULE$, Option.empty())
        .execute();
  }

  @Override
  public Seq<Attribute> output() {
    return BatchInference.appended(child.output(), results);
  }

  @Override
  public AttributeSet producedAttributes() {
    return BatchInference.attributes(results);
  }

  @Override
  public Seq<SparkPlan> children() {
    return Scala.seq(List.of(child));
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return new BatchInferenceExec(calls, results, newChildren.apply(0));
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
    return other instanceof BatchInferenceExec;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BatchInferenceExec node
        && calls.equals(node.calls)
        && results.equals(node.results)
        && child.equals(node.child);
  }

  @Override
  public int hashCode() {
    return Objects.hash(calls, results, child);
  }
}
