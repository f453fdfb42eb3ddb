package io.portcullis.server;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code kill -HUP <pid>} reloads the configuration, as daemons do. {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, exported and available from JDK 9 to 25 at least) is the only way Java offers to handle a
 * signal; without a handler, SIGHUP would stop the JVM. (javac warns about its use; the warning cannot be
 * suppressed.)
 */
final class ReloadSignal {
    private static final System.Logger LOG = System.getLogger(ReloadSignal.class.getName());

    private ReloadSignal() {
    }

    /** Runs {@code reload} on each SIGHUP (on the JVM's signal thread); whether the handler could be installed. */
    static boolean install(Runnable reload) {
        try {
            SignalHandler previous = Signal.handle(new Signal("HUP"), signal -> reload.run());
            if (previous == SignalHandler.SIG_IGN) {
                // Started with SIGHUP ignored (nohup, some supervisors): the JVM leaves it ignored, as it should.
                LOG.log(System.Logger.Level.WARNING, "SIGHUP is ignored in this process (started under nohup?): "
                        + "reload the configuration by changing its file instead");
                return false;
            }
            LOG.log(System.Logger.Level.INFO, "SIGHUP reloads the configuration");
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No SIGHUP on this platform, or the JVM keeps it (-Xrs).
            LOG.log(System.Logger.Level.WARNING, "SIGHUP does not reload the configuration here: " + e.getMessage());
            return false;
        }
    }
}
