package io.portcullis.server;

import io.portcullis.core.config.ConfigNode;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.ConfigRewrite;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.config.ProxyAuthFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the configuration comes from, read again at every reload: a YAML file (and its {@code users-file} and
 * {@code routes-file}), or ProxyAuth's {@code config.json} and {@code routes.yml}. The one way the files are read:
 * {@code serve}, a reload and {@code config check} all load them here, so a configuration the check accepts is
 * one a start accepts.
 */
@FunctionalInterface
public interface ConfigFiles {
    /**
     * The configuration as the files say now. Nothing is written: what a start writes back is
     * {@link Loaded#rewrite}.
     *
     * @throws ConfigException naming every problem
     */
    Loaded load();

    /**
     * @param root the merged Helidon tree, for the sections the server reads itself ({@code server})
     * @param rewrite what a start writes back into the files: plaintext passwords hashed, and ProxyAuth's
     *     generated {@code token_admin}
     * @param watched the files a change of which reloads the configuration
     * @param warnings what the files say that has no effect here, or that leaves the gateway weaker than it may
     *     look, to log
     */
    record Loaded(ConfigNode root, GatewayConfig config, ConfigRewrite rewrite, List<Path> watched,
            List<String> warnings) {
        public Loaded {
            watched = List.copyOf(watched);
            warnings = List.copyOf(warnings);
        }
    }

    /** A Portcullis YAML file, with {@code env} as environment variables. */
    static ConfigFiles yaml(Path file, Map<String, String> env) {
        return () -> {
            ConfigNode root = ConfigLoader.tree(file, env);
            GatewayConfig config = ConfigLoader.read(root, file);
            List<Path> watched = new ArrayList<>(List.of(file));
            config.usersFile().ifPresent(watched::add);
            root.get("routes-file").asString().ifPresent(routes ->
                    watched.add(file.toAbsolutePath().getParent().resolve(routes)));
            return new Loaded(root, config, ConfigRewrite.ofYaml(file, config), watched, config.warnings());
        };
    }

    /** ProxyAuth's two files, read unchanged. */
    static ConfigFiles proxyAuth(Path configJson, Path routesYml, Map<String, String> env) {
        return () -> {
            ProxyAuthFiles.Loaded loaded = ProxyAuthFiles.load(configJson, routesYml, env);
            return new Loaded(loaded.root(), loaded.config(), loaded.rewrite(), List.of(configJson, routesYml),
                    loaded.warnings());
        };
    }
}
