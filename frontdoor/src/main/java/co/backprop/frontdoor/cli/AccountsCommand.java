package co.backprop.frontdoor.cli;

import co.backprop.cli.StoreOptions;
import co.backprop.contract.account.Grant;
import co.backprop.contract.usage.MonthlyLimit;
import co.backprop.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "accounts",
    mixinStandardHelpOptions = true,
    subcommands = {
      AccountsCommand.Create.class,
      AccountsCommand.Set.class,
      AccountsCommand.GrantCommand.class,
      AccountsCommand.Revoke.class,
      AccountsCommand.Show.class
    })
final class AccountsCommand {
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Creates an account and its files folder (DATA/files/NAME/); prints its API key once,"
              + " alone on the last line.")
  static final class Create implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--monthly-seconds",
        defaultValue = "1000",
        description =
            "Compute seconds it may use a month, or 'unlimited' (default: ${DEFAULT-VALUE}, the"
                + " API's free tier).")
    String monthlySeconds;

    @Mixin StoreOptions location;

    @Override
    public Integer call() {
      MonthlyLimit limit = MonthlyLimit.parse(monthlySeconds);
      try (Store store = location.open()) {
        String key = store.accounts().create(name, limit);
        Files.createDirectories(location.data().resolve("files").resolve(name));
        System.out.println(
            "created account "
                + name
                + " ("
                + limit
                + "); its API key (shown once, stored as a hash):");
        System.out.println(key);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the files folder of " + name, e);
      }
      return 0;
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Changes an account's monthly limit.")
  static final class Set implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--monthly-seconds",
        required = true,
        description = "Compute seconds a month, or 'unlimited'.")
    String monthlySeconds;

    @Mixin StoreOptions location;

    @Override
    public Integer call() {
      MonthlyLimit limit = MonthlyLimit.parse(monthlySeconds);
      try (Store store = location.open()) {
        store.accounts().setMonthlyLimit(name, limit);
      }
      System.out.println(name + ": " + limit);
      return 0;
    }
  }

  @Command(
      name = "grant",
      mixinStandardHelpOptions = true,
      description =
          "Lets an account's jobs read (and write, unless --read-only) under an s3a:// prefix or a"
              + " local folder.")
  static final class GrantCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(
        index = "1",
        paramLabel = "PREFIX",
        description = "s3a://bucket/prefix/ or an absolute local folder.")
    String prefix;

    @Option(names = "--read-only", description = "Inputs only: results may not be written there.")
    boolean readOnly;

    @Mixin StoreOptions location;

    @Override
    public Integer call() {
      Grant grant = new Grant(prefix, readOnly);
      try (Store store = location.open()) {
        store.accounts().grant(name, grant);
      }
      System.out.println(
          name + " may now " + (readOnly ? "read" : "read and write") + " under " + grant.prefix());
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Takes a grant back.")
  static final class Revoke implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "PREFIX")
    String prefix;

    @Mixin StoreOptions location;

    @Override
    public Integer call() {
      try (Store store = location.open()) {
        if (!store.accounts().revoke(name, prefix)) {
          throw new IllegalArgumentException(name + " has no grant of " + Grant.normalise(prefix));
        }
      }
      System.out.println(name + " no longer has " + Grant.normalise(prefix));
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "An account's monthly limit and grants.")
  static final class Show implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin StoreOptions location;

    @Override
    public Integer call() {
      try (Store store = location.open()) {
        var account =
            store
                .accounts()
                .account(name)
                .orElseThrow(
                    () -> new IllegalArgumentException("there is no account '" + name + "'"));
        System.out.println(account.name() + ": " + account.monthlyLimit());
        account
            .grants()
            .forEach(
                g ->
                    System.out.println(
                        "  " + (g.readOnly() ? "read      " : "read+write") + "  " + g.prefix()));
      }
      return 0;
    }
  }
}
