package co.backprop.jobs.cli;

import co.backprop.cli.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Vectorises datasets/products.jsonl (300 products) with the embedded english model"
          + " (all-MiniLM-L6-v2, offline)",
      "into out/demo/. Any job option may follow, e.g. --master local[2]."
    })
public final class DemoCommand implements Callable<Integer> {
  @Unmatched List<String> jobOptions = new ArrayList<>();

  @Override
  public Integer call() {
    Path home = Path.of(System.getProperty("backprop.home", ".")).toAbsolutePath().normalize();
    Path sample = home.resolve("datasets/products.jsonl");
    System.err.println(
        "backprop demo: vectorising the "
            + home.getFileName()
            + "/datasets/products.jsonl sample with the bundled"
            + " english model (all-MiniLM-L6-v2)");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--task",
                "text-vectorisation",
                "--input",
                sample.toString(),
                "--output",
                home.resolve("out/demo").toString(),
                "--map",
                "text=title",
                "--id-col",
                "sku",
                "--account",
                "demo",
                "--overwrite"));
    args.addAll(jobOptions);
    return Cli.single(new JobCommand()).execute(args.toArray(String[]::new));
  }
}
