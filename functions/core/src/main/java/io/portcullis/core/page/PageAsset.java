package io.portcullis.core.page;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A file the pages load (the logo): its media type and bytes, read once at startup.
 *
 * @param mediaType the {@code Content-Type} it is served with
 * @param content the file's bytes (copied in and out)
 */
public record PageAsset(String mediaType, byte[] content) {
    /** Image types a logo may be, by file extension. */
    private static final Map<String, String> IMAGE_TYPES = Map.of("svg", "image/svg+xml", "png", "image/png",
            "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp", "ico",
            "image/x-icon", "avif", "image/avif");

    public PageAsset {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The image media type of a file named {@code fileName}, by its extension; empty for any other file. */
    public static Optional<String> imageType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? Optional.empty()
                : Optional.ofNullable(IMAGE_TYPES.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    /** The extensions {@link #imageType} knows, for error messages. */
    public static String imageExtensions() {
        return String.join(", ", new java.util.TreeSet<>(IMAGE_TYPES.keySet()));
    }

    @Override
    public String toString() {
        return "PageAsset[" + mediaType + ", " + content.length + " bytes]";
    }
}
