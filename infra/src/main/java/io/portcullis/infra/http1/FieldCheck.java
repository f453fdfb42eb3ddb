package io.portcullis.infra.http1;

/**
 * What may be written as a header field: a token for the name, and a value without control characters (CR and LF
 * above all: a value that carried them would start a field, or a message, of its own) or characters beyond
 * Latin-1.
 */
public final class FieldCheck {
    private FieldCheck() {
    }

    /** @throws IllegalArgumentException naming the field (never the value) when it cannot be sent as is */
    public static void requireSendable(String name, String value) {
        if (!Tokens.isToken(name)) {
            throw new IllegalArgumentException("a header field name is not a token");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || !Tokens.isFieldValueByte(c)) {
                throw new IllegalArgumentException("the value of " + name + " has a character that cannot be sent");
            }
        }
    }
}
