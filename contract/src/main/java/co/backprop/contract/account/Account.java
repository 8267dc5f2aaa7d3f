package co.backprop.contract.account;

import static java.util.Objects.requireNonNull;

import co.backprop.contract.usage.MonthlyLimit;
import java.util.List;

/**
 * An account as the operator set it up: its monthly limit and what it may reach beyond its own
 * files.
 */
public record Account(String name, MonthlyLimit monthlyLimit, List<Grant> grants) {
  public Account {
    requireNonNull(name, "name is null");
    requireNonNull(monthlyLimit, "monthlyLimit is null");
    grants = List.copyOf(grants);
  }
}
