package co.backprop.frontdoor.cli;

import co.backprop.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "accounts",
    mixinStandardHelpOptions = true,
    subcommands = {AccountsCommand.Create.class})
final class AccountsCommand {
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates an account; prints its API key once, alone on the last line.")
  static final class Create implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin StoreOptions location;

    @Override
    public Integer call() {
      try (Store store = location.open()) {
        String key = store.accounts().create(name);
        System.out.println(
            "created account " + name + "; its API key (shown once, stored as a hash):");
        System.out.println(key);
      }
      return 0;
    }
  }
}
