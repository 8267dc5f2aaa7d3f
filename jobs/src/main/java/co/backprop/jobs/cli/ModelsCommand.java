package co.backprop.jobs.cli;

import co.backprop.contract.model.ModelCatalog;
import co.backprop.contract.model.ModelFiles;
import co.backprop.contract.model.ModelSpec;
import co.backprop.contract.model.ModelStore;
import co.backprop.contract.task.Task;
import co.backprop.jobs.models.HadoopModelFiles;
import co.backprop.jobs.models.ModelFetcher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Lists the catalog's models and fetches the ones that are not bundled.",
    subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.FetchCommand.class})
public final class ModelsCommand {
  /** Where the catalog and the model store are. */
  static final class Location {
    @Option(
        names = "--model-store",
        description =
            "Folder or s3a:// URI of fetched models (default: $BACKPROP_MODEL_STORE or"
                + " ~/.backprop/models).")
    String modelStore;

    @Option(
        names = "--catalog",
        description = "Model catalog (default: the one bundled in the jar).")
    Path catalog;

    ModelCatalog catalog() {
      ModelStore store =
          modelStore == null ? ModelStore.fromEnvironment() : new ModelStore(modelStore);
      return catalog == null ? ModelCatalog.bundled(store) : ModelCatalog.load(catalog, store);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Every catalog model: task, name, kind, size, installed or not.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin Location location;

    @Override
    public Integer call() throws IOException {
      ModelCatalog catalog = location.catalog();
      PrintStream out = System.out;
      String format = "%-21s %-19s %-24s %-38s %10s  %s%n";
      out.printf(Locale.ROOT, format, "TASK", "NAME", "KIND", "ARTIFACT", "SIZE", "STATUS");
      for (ModelSpec spec : catalog.all()) {
        boolean installed = ModelFiles.isInstalled(spec);
        Long size =
            installed && !spec.location().startsWith("classpath:") && !catalog.store().isRemote()
                ? folderSize(Path.of(spec.location()))
                : catalog.artifact(spec.artifact()).size();
        String status =
            installed
                ? "installed"
                    + (spec.location().startsWith("classpath:")
                        ? " (bundled)"
                        : " in " + spec.location())
                : "not installed: " + spec.install();
        out.printf(
            Locale.ROOT,
            format,
            spec.task().apiName(),
            spec.name(),
            spec.kind(),
            spec.artifact(),
            size == null ? "?" : (installed ? "" : "~") + ModelFetcher.megabytes(size),
            status);
      }
      out.println();
      out.println(
          "zero-shot-embedding models classify by similarity to each label (a softmax of scaled"
              + " cosines), not by entailment;");
      out.println(
          "a name with a preferred model (english -> english-nli, english-goemotions) is served by"
              + " it once it is installed.");
      out.println("model store: " + catalog.store().root());
      return 0;
    }

    private static long folderSize(Path folder) throws IOException {
      try (Stream<Path> files = Files.walk(folder)) {
        return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
      }
    }
  }

  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      description =
          "Downloads an artifact (or the artifact of TASK/NAME) into the model store, resumably and"
              + " atomically.")
  static final class FetchCommand implements Callable<Integer> {
    @Mixin Location location;

    @Parameters(
        paramLabel = "NAME",
        description =
            "An artifact, e.g. nli-deberta-v3-xsmall, or a model as TASK/NAME, e.g. qa/english.")
    String name;

    @Option(names = "--force", description = "Fetch again even when installed.")
    boolean force;

    @Override
    public Integer call() throws IOException {
      ModelCatalog catalog = location.catalog();
      String artifact = name;
      int slash = name.indexOf('/');
      if (slash > 0) {
        artifact =
            catalog
                .resolve(Task.fromApiName(name.substring(0, slash)), name.substring(slash + 1))
                .artifact();
      }
      ModelFetcher fetcher =
          new ModelFetcher(ModelFetcher.defaultClient(), System.out, System.console() != null);
      ModelStore store = catalog.store();
      if (!store.isRemote()) {
        fetcher.fetch(store, artifact, catalog.artifact(artifact), force);
        return 0;
      }
      // A remote store: download into the local one (resumable there), then upload once for every
      // executor.
      ModelStore local = ModelStore.fromEnvironment();
      if (local.isRemote()) {
        local = new ModelStore(Path.of(System.getProperty("user.home"), ".backprop", "models"));
      }
      Path folder = fetcher.fetch(local, artifact, catalog.artifact(artifact), force);
      HadoopModelFiles.upload(folder, store.location(artifact), HadoopModelFiles.conf());
      System.out.println("uploaded " + artifact + " to " + store.location(artifact));
      return 0;
    }
  }
}
