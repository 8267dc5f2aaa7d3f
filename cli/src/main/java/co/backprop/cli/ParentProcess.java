package co.backprop.cli;

import org.slf4j.LoggerFactory;

/**
 * A process started by another (a worker or serving process by {@code serve}) that must not outlive
 * it, however it ended — {@code kill -9} leaves no shutdown hook to tell the children.
 */
public final class ParentProcess {
  private ParentProcess() {}

  /**
   * Runs {@code stop} within a second or two of process {@code pid} ending (at once if it has).
   *
   * @param what this process, as the log line names it
   */
  public static void whenGone(long pid, String what, Runnable stop) {
    ProcessHandle parent = ProcessHandle.of(pid).orElse(null);
    Thread watchdog =
        new Thread(
            () -> {
              while (parent != null && parent.isAlive()) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
              }
              LoggerFactory.getLogger(ParentProcess.class)
                  .warn("the process that started this {} (pid {}) is gone: it stops", what, pid);
              stop.run();
            },
            "backprop-parent-watch");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
