package co.backprop.frontdoor.cli;

import co.backprop.cli.Cli;
import co.backprop.cli.Subcommand;

/**
 * {@code bin/backprop}'s entry point in the front door's JVM: the one command line, with this JVM's
 * subcommands.
 */
public final class FrontDoorMain {
  private FrontDoorMain() {}

  public static void main(String[] args) {
    Cli.main(
        Subcommand.Runtime.FRONT_DOOR,
        args,
        new ServeCommand(),
        new AccountsCommand(),
        new UsageCommand(),
        new BenchFrontDoorCommand());
  }
}
