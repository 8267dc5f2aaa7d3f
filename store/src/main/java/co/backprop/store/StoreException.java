package co.backprop.store;

import co.backprop.contract.UserError;

/** Every failure of the store, with the SQL cause kept and no password in the message. */
public final class StoreException extends RuntimeException implements UserError {
  StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  StoreException(String message) {
    super(message);
  }
}
