package co.backprop.spark.plan;

import co.backprop.engines.pipeline.CompletedRow;
import co.backprop.engines.pipeline.ItemResult;
import co.backprop.engines.pipeline.PendingItem;
import co.backprop.engines.pipeline.PendingRow;
import co.backprop.jobs.formats.ResultColumns;
import co.backprop.jobs.spark.Iterators;
import co.backprop.jobs.spark.PartitionRunner;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * One partition of a {@link BatchInference} on an executor: each row's call arguments become
 * requests (the same validation as a job's table rows), the job's {@link PartitionRunner} runs them
 * in length-sorted micro-batches, and each row comes out with one result struct per call.
 */
final class CallRows implements Serializable {
  private final List<CallSpec> calls;
  private final List<Expression> arguments;
  private final List<Attribute> input;
  private final int[] argumentCounts;
  private final StructType outputSchema;
  private final PartitionRunner runner;
  private final UsageAccumulator usage;
  private final String period;

  /**
   * @param arguments every call's arguments in call order
   * @param input the columns of the rows the arguments read
   */
  CallRows(
      List<CallSpec> calls,
      List<Expression> arguments,
      List<Attribute> input,
      int[] argumentCounts,
      StructType outputSchema,
      PartitionRunner runner,
      UsageAccumulator usage,
      String period) {
    this.calls = List.copyOf(calls);
    this.arguments = List.copyOf(arguments);
    this.input = List.copyOf(input);
    this.argumentCounts = argumentCounts.clone();
    this.outputSchema = outputSchema;
    this.runner = runner;
    this.usage = usage;
    this.period = period;
  }

  Iterator<InternalRow> run(Iterator<InternalRow> rows) {
    UnsafeProjection argumentsOf = UnsafeProjection.create(Scala.seq(arguments), Scala.seq(input));
    TaskContext task = TaskContext.get();
    argumentsOf.initialize(task == null ? 0 : task.partitionId());
    DataType[] types = arguments.stream().map(Expression::dataType).toArray(DataType[]::new);
    Iterator<PendingRow<InternalRow>> pending =
        Iterators.map(
            rows,
            row -> {
              UnsafeRow values = argumentsOf.apply(row);
              List<PendingItem> items = new ArrayList<>(calls.size());
              int next = 0;
              for (int c = 0; c < calls.size(); c++) {
                Object[] external = new Object[argumentCounts[c]];
                for (int a = 0; a < external.length; a++, next++) {
                  external[a] =
                      values.isNullAt(next)
                          ? null
                          : CatalystTypeConverters.convertToScala(
                              values.get(next, types[next]), types[next]);
                }
                items.add(calls.get(c).item(external, runner.plan()));
              }
              // The pipeline holds a window of rows: the child's row object is reused.
              return new PendingRow<>(row.copy(), items);
            });
    Iterator<CompletedRow<InternalRow>> completed = runner.run(pending);
    UnsafeProjection output = UnsafeProjection.create(outputSchema);
    List<Function1<Object, Object>> toCatalyst =
        calls.stream()
            .map(call -> CatalystTypeConverters.createToCatalystConverter(call.resultType()))
            .toList();
    String account = runner.plan().defaultAccount();
    return Iterators.map(
        completed,
        row -> {
          GenericInternalRow results = new GenericInternalRow(calls.size());
          for (int c = 0; c < calls.size(); c++) {
            ItemResult result = row.results().get(c);
            results.update(c, toCatalyst.get(c).apply(ResultColumns.callValues(result)));
            if (result.ok()) {
              usage.add(
                  new UsageAccumulator.Charge(
                      account,
                      period,
                      calls.get(c).task().apiName(),
                      result.model(),
                      ResultColumns.computeMs(result)));
            }
          }
          return output.apply(new JoinedRow(row.carrier(), results));
        });
  }
}
