package io.portcullis.core.route;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The routes, matched by longest prefix on a segment boundary. */
public final class RouteTable {
    private final List<Route> longestFirst;

    public RouteTable(List<Route> routes) {
        this.longestFirst = routes.stream()
                .sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed())
                .toList();
    }

    /** The route for an already canonical path. */
    public Optional<Route> match(String canonicalPath) {
        for (Route route : longestFirst) {
            if (route.matches(canonicalPath)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    public List<Route> routes() {
        return longestFirst;
    }
}
