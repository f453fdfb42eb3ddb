package io.portcullis.core;

/** Whether a request may use the admin API: granted to an admin, or refused (401, 403). */
public sealed interface AdminAccess permits AdminAccess.Granted, Rejection {
    /** @param actor who is acting: the admin's user name, or {@code token_admin} for ProxyAuth's admin token */
    record Granted(String actor) implements AdminAccess {
    }
}
