package co.backprop.store;

import co.backprop.contract.account.Account;
import co.backprop.contract.account.Grant;
import co.backprop.contract.usage.MonthlyLimit;
import java.util.Optional;

/** Accounts, their API keys (stored only as hashes), monthly limits and grants. */
public interface Accounts {
  /** Creates an account and returns its API key: shown once, stored only as a hash. */
  String create(String name, MonthlyLimit limit);

  /** Creates an account on the API's free tier (1000 compute seconds a month). */
  default String create(String name) {
    return create(name, MonthlyLimit.FREE_TIER);
  }

  /** The account an API key belongs to. */
  Optional<String> forKey(String key);

  Optional<Account> account(String name);

  /** Sets an account's monthly limit; an unknown account is an error naming it. */
  void setMonthlyLimit(String name, MonthlyLimit limit);

  /**
   * Lets an account use a location beyond its files (replacing an earlier grant of the same
   * prefix).
   */
  void grant(String name, Grant grant);

  /** Takes a grant back; false when there was none. */
  boolean revoke(String name, String prefix);
}
