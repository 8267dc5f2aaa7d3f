package co.backprop.contract.usage;

/** Compute billed to an account for one (period, task, model). */
public record UsageRow(
    String account,
    String period,
    String task,
    String model,
    long requests,
    double computeSeconds) {}
