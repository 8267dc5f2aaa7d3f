package co.backprop.spark;

import co.backprop.spark.plan.BackpropFunctions;
import co.backprop.spark.plan.BatchInferenceStrategy;
import co.backprop.spark.plan.ExtractBackpropCalls;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.Function1;
import scala.Tuple3;
import scala.runtime.BoxedUnit;

/**
 * The Backprop functions for any Spark session ({@code spark-sql}, {@code spark-shell}, PySpark):
 * {@code --jars backprop-app.jar --conf spark.sql.extensions=co.backprop.spark.BackpropExtensions}.
 * Registers the functions, the rule that moves their calls into batched operators and the strategy
 * that plans those.
 */
public final class BackpropExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    for (BackpropFunctions.Function function : BackpropFunctions.ALL) {
      extensions.injectFunction(
          new Tuple3<>(
              BackpropFunctions.identifier(function),
              BackpropFunctions.info(function),
              BackpropFunctions.builder(function)));
    }
    // After the operators are optimised, as Spark extracts Python UDFs into batched operators.
    extensions.injectPreCBORule(session -> new ExtractBackpropCalls());
    extensions.injectPlannerStrategy(session -> new BatchInferenceStrategy());
    return BoxedUnit.UNIT;
  }
}
