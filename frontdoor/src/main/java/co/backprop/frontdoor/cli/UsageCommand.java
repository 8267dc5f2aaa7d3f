package co.backprop.frontdoor.cli;

import co.backprop.cli.StoreOptions;
import co.backprop.frontdoor.usage.UsageImport;
import co.backprop.store.Store;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    subcommands = {UsageCommand.Import.class})
final class UsageCommand {
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Bills the usage of a job's output (bin/backprop job, spark-submit) to the ledger;"
              + " importing twice counts once.")
  static final class Import implements Callable<Integer> {
    @Parameters(
        paramLabel = "OUTPUT",
        description =
            "The job's output folder, local or s3a:// (summary.json, or the committed runs of"
                + " --incremental in _log/).")
    String output;

    @Mixin StoreOptions location;

    @Option(
        names = "--hadoop",
        description =
            "A Hadoop setting for reading the output, e.g. --hadoop fs.s3a.endpoint=http://...")
    Map<String, String> hadoopSettings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      Configuration hadoop = new Configuration();
      hadoopSettings.forEach(hadoop::set);
      try (Store store = location.open()) {
        for (UsageImport.Imported imported : UsageImport.of(store.ledger(), output, hadoop)) {
          System.out.printf(
              "imported %d usage rows from %s (%d already counted)%n",
              imported.rows() - imported.alreadyCounted(),
              imported.source(),
              imported.alreadyCounted());
        }
      }
      return 0;
    }
  }
}
