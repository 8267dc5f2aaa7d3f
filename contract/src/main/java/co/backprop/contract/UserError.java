package co.backprop.contract;

/**
 * Marks an exception whose message is written for the person who caused it (a bad argument, an
 * unknown model, a store that cannot be reached): the command line prints it as one line and exits
 * 2, the front door answers it without a stack trace.
 */
public interface UserError {}
