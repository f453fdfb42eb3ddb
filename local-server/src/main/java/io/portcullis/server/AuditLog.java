package io.portcullis.server;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Security events as JSON lines in the {@code audit} log: logins (success, or failure with its reason — a wrong
 * password, an unknown user, a rate-limit block), revocations, TOTP enrolments, admin actions and configuration
 * reloads. A line never holds a token, password or secret: user names, token ids, addresses and reasons only.
 *
 * <pre>{"time":"…","log":"audit","event":"login","outcome":"failure","reason":"wrong_password","user":"alice",…}</pre>
 */
public final class AuditLog {
    private final LogSink sink;
    private final Clock clock;

    AuditLog(LogSink sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    /**
     * Records an event.
     *
     * @param event what happened: {@code login}, {@code revocation}, {@code admin}, {@code config_reload}, …
     * @param outcome {@code success} or {@code failure}
     * @param fields more about it (user, reason, target, …); never a token, password or secret
     */
    public void event(String event, String outcome, Map<String, String> fields) {
        LogLine line = new LogLine(LogTime.format(clock.instant()), "audit").put("event", event)
                .put("outcome", outcome);
        fields.forEach((name, value) -> line.put(name, LogSink.bounded(value, 512)));
        sink.write("audit", line.json());
    }

    /** An administrator's action: {@code actor} did {@code action} (e.g. {@code revoke_user}) to {@code target}. */
    public void adminAction(String actor, String action, String target, boolean succeeded,
            Optional<String> reason) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("actor", actor);
        fields.put("action", action);
        fields.put("target", target);
        reason.ifPresent(r -> fields.put("reason", r));
        event("admin", succeeded ? "success" : "failure", fields);
    }

    /**
     * A configuration reload: applied, or refused (the old configuration stays in force) with the problems found.
     *
     * @param source what was reloaded from (a file name, {@code SIGHUP})
     */
    public void configReload(String source, boolean applied, Optional<String> problems) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("source", source);
        problems.ifPresent(p -> fields.put("reason", p));
        event("config_reload", applied ? "success" : "failure", fields);
    }
}
