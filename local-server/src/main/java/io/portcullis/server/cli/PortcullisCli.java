package io.portcullis.server.cli;

import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.config.ConfigException;
import io.portcullis.server.PortcullisServer;
import java.io.Console;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The server jar's command line: {@code serve} and the operator's commands ({@code hash-password}, {@code users},
 * {@code token}, {@code config check}). Arguments that start with an option mean {@code serve}, so
 * {@code java -jar portcullis-server.jar --config FILE} runs the gateway as it always has.
 *
 * <p>Exit codes: {@value #OK} done; {@value #FAILED} failed or refused (the reason on standard error);
 * {@value #USAGE} wrong arguments (and, for {@code serve}, a configuration that cannot start).
 */
public final class PortcullisCli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    private static final System.Logger LOG = System.getLogger(PortcullisCli.class.getName());
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    private final CommandLine commandLine;
    private final ServeCommand serve;

    @Command(name = "portcullis", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
            versionProvider = Version.class, usageHelpAutoWidth = true,
            description = "The Portcullis gateway, and commands to run it: serve (the default), hash-password, "
                    + "users, token, config.",
            footer = {"", "Exit codes: 0 done, 1 failed or refused, 2 wrong arguments. Passwords are never "
                + "arguments: they are read from the terminal without echo, or from standard input."})
    private static final class Root implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("unreachable: no arguments mean serve");
        }
    }

    /** The version the jar's manifest names. */
    private static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Portcullis " + Optional.ofNullable(PortcullisCli.class.getPackage()
                    .getImplementationVersion()).orElse("(development build)")};
        }
    }

    /**
     * @param stopOnShutdown whether {@code serve} stops the server from a JVM shutdown hook (the real process;
     *     tests close the server themselves)
     */
    public PortcullisCli(Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err,
            Optional<Console> console, Clock clock, boolean stopOnShutdown) {
        CommandContext context = new CommandContext(env, in, out, err, console, clock);
        serve = new ServeCommand(context, stopOnShutdown);
        commandLine = new CommandLine(new Root())
                .addSubcommand(serve)
                .addSubcommand(new HashPasswordCommand(context))
                .addSubcommand(new UsersCommand(context))
                .addSubcommand(new TokenCommand(context))
                .addSubcommand(new ConfigCommand(context))
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println("portcullis: " + usageProblem(e) + "\nSee '"
                            + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
                    return USAGE;
                })
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    line.getErr().println("portcullis: " + describe(e));
                    if (!expected(e)) {
                        LOG.log(System.Logger.Level.ERROR, "unexpected failure", e); // a bug: keep its trace
                    }
                    return FAILED;
                });
    }

    /** The command line of this process: its environment, standard streams and terminal. */
    public static PortcullisCli ofSystem() {
        return new PortcullisCli(System.getenv(), System.in, new PrintWriter(System.out, true),
                new PrintWriter(System.err, true), Optional.ofNullable(System.console()), Clock.systemUTC(), true);
    }

    /** Runs the command the arguments name and returns its exit code; output is flushed. */
    public int execute(String... args) {
        try {
            return commandLine.execute(withDefaultCommand(args));
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
        }
    }

    /** The server {@code serve} started, if it did: the process must then stay up after {@link #execute}. */
    public Optional<PortcullisServer> server() {
        return serve.server();
    }

    /** No arguments, or a first argument that is an option other than help, mean {@code serve}. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length == 0 || (args[0].startsWith("-") && !TOP_LEVEL_OPTIONS.contains(args[0]))) {
            String[] serve = new String[args.length + 1];
            serve[0] = "serve";
            System.arraycopy(args, 0, serve, 1, args.length);
            return serve;
        }
        return args;
    }

    /**
     * What is wrong with the arguments. Unknown options are named but not what follows them: that may be a password
     * someone tried to pass as an argument, and need not be copied into a log as well.
     */
    private static String usageProblem(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> options = unmatched.getUnmatched().stream().filter(arg -> arg.startsWith("-")).toList();
            return options.isEmpty() ? "unknown arguments: " + String.join(" ", unmatched.getUnmatched())
                    : "unknown option" + (options.size() == 1 ? " " : "s ") + String.join(", ", options.stream()
                            .map(option -> option.replaceFirst("=.*", "")).toList());
        }
        return e.getMessage();
    }

    /** Failures with a message meant for the operator, as opposed to bugs. */
    private static boolean expected(Exception e) {
        return e instanceof ConfigException || e instanceof CommandFailure || e instanceof StoreUnavailableException
                || e instanceof UncheckedIOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException;
    }

    /** What went wrong, for an operator: messages only, no stack traces. */
    private static String describe(Exception e) {
        return switch (e) {
            case ConfigException config -> config.getMessage();
            case CommandFailure failure -> failure.getMessage();
            case StoreUnavailableException store -> "the store is unavailable: " + store.getMessage();
            case UncheckedIOException io -> io.getMessage() + ": " + io.getCause().getMessage();
            case IllegalArgumentException refused -> refused.getMessage();
            case IllegalStateException refused -> refused.getMessage();
            default -> e.toString();
        };
    }
}
