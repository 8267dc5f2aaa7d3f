package co.backprop.spark.plan;

import co.backprop.contract.task.Task;
import co.backprop.spark.plan.CallSpec.Argument;
import co.backprop.spark.plan.CallSpec.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Function1;
import scala.collection.immutable.Seq;

/**
 * The SQL functions: one per task, and {@code backprop(task, body_json)} for any body. Each returns
 * a struct ({@code status, error}, the task's response field, {@code model, compute_ms,
 * truncated}); a bad row is a struct with status {@code error}, never a failed query.
 */
public final class BackpropFunctions {
  /**
   * A function: its name, task and required arguments, then optionally a constant {@code model}
   * ({@code optionalModel}) or decoding parameters ({@code optionalParameters}).
   */
  public record Function(
      String name,
      Task task,
      List<Argument> arguments,
      boolean optionalModel,
      boolean optionalParameters,
      String usage) {

    /** Builds a call from SQL arguments; a wrong count or a non-constant model is refused. */
    public Expression build(List<Expression> given) {
      if (task == null) {
        requireCount(given, 2, 2);
        Task bodyTask = Task.fromApiName(constant(given.get(0), "task"));
        return call(
            new CallSpec(name, bodyTask, null, List.of(new Argument(Role.BODY, "body")), Map.of()),
            given.subList(1, 2));
      }
      int required = arguments.size();
      requireCount(given, required, required + (optionalModel || optionalParameters ? 1 : 0));
      if (given.size() == required) {
        return call(new CallSpec(name, task, null, arguments, Map.of()), given);
      }
      if (optionalParameters) {
        List<Argument> all = new ArrayList<>(arguments);
        all.add(new Argument(Role.PARAMETERS, "params"));
        return call(new CallSpec(name, task, null, all, Map.of()), given);
      }
      String model = constant(given.get(required), "model");
      return call(new CallSpec(name, task, model, arguments, Map.of()), given.subList(0, required));
    }

    private void requireCount(List<Expression> given, int least, int most) {
      if (given.size() < least || given.size() > most) {
        throw new IllegalArgumentException(
            name + " takes " + usage + " but got " + given.size() + " argument(s)");
      }
    }

    private String constant(Expression expression, String what) {
      if (!expression.foldable() || !expression.dataType().equals(DataTypes.StringType)) {
        throw new IllegalArgumentException(
            name
                + ": the "
                + what
                + " must be a constant string (e.g. '"
                + (what.equals("task") ? "text-vectorisation" : "english")
                + "') but got "
                + expression.sql());
      }
      Object value = expression.eval(null);
      if (value == null) {
        throw new IllegalArgumentException(name + ": the " + what + " must not be null");
      }
      return ((UTF8String) value).toString();
    }
  }

  public static final List<Function> ALL =
      List.of(
          text("backprop_vectorise", Task.TEXT_VECTORISATION),
          new Function(
              "backprop_classify",
              Task.TEXT_CLASSIFICATION,
              List.of(Argument.field("text"), Argument.field("labels")),
              true,
              false,
              "(text, labels [, model])"),
          text("backprop_emotion", Task.EMOTION),
          text("backprop_summarise", Task.SUMMARISATION),
          new Function(
              "backprop_answer",
              Task.QA,
              List.of(Argument.field("question"), Argument.field("context")),
              true,
              false,
              "(question, context [, model])"),
          new Function(
              "backprop_generate",
              Task.TEXT_GENERATION,
              List.of(Argument.field("text")),
              false,
              true,
              "(text [, params]) where params is a map or a JSON object of decoding parameters"),
          new Function(
              "backprop_classify_image",
              Task.IMAGE_CLASSIFICATION,
              List.of(Argument.field("image"), Argument.field("labels")),
              true,
              false,
              "(image, labels [, model])"),
          new Function("backprop", null, List.of(), false, false, "(task, body_json)"));

  private BackpropFunctions() {}

  private static Function text(String name, Task task) {
    return new Function(
        name, task, List.of(Argument.field("text")), true, false, "(text [, model])");
  }

  /** A call of {@code spec} over {@code arguments}. */
  public static BackpropCall call(CallSpec spec, List<Expression> arguments) {
    return new BackpropCall(Scala.seq(new ArrayList<>(arguments)), spec);
  }

  /** What {@code DESCRIBE FUNCTION} shows. */
  public static ExpressionInfo info(Function function) {
    String task = function.task() == null ? "any Backprop task" : function.task().apiName();
    return new ExpressionInfo(
        BackpropCall.class.getName(),
        null,
        function.name(),
        "_FUNC_"
            + function.usage()
            + " - runs "
            + task
            + " in length-sorted batches; returns a struct of status, error, the task's response"
            + " field, model, compute_ms and truncated",
        "");
  }

  public static FunctionIdentifier identifier(Function function) {
    return FunctionIdentifier.apply(function.name());
  }

  public static Function1<Seq<Expression>, Expression> builder(Function function) {
    return arguments -> function.build(Scala.list(arguments));
  }
}
