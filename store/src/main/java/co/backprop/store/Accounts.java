package co.backprop.store;

import java.util.Optional;

/** Accounts and their API keys; keys are stored only as hashes. */
public interface Accounts {
  /** Creates an account and returns its API key: shown once, stored only as a hash. */
  String create(String name);

  /** The account an API key belongs to. */
  Optional<String> forKey(String key);
}
