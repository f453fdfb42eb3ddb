package io.portcullis.core.page;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A QR code as an SVG image: ZXing encodes the text (error correction M, the quiet zone of four modules the
 * standard asks for), and each row's runs of dark modules become one path, so an authenticator app can scan the
 * picture on any screen size without blur.
 */
public final class QrCode {
    private static final int QUIET_ZONE = 4;
    /**
     * The picture's own size, in CSS pixels per module. A whole number keeps every module the same size on screen
     * (at 240 px for about 50 modules, rounding made some 4 px and some 5 px wide, which a scanner can misread); the
     * page's stylesheet only ever shrinks it, to fit a narrow screen.
     */
    private static final int PIXELS_PER_MODULE = 5;

    private QrCode() {
    }

    /** The SVG document of the QR code of {@code text}. */
    public static String svg(String text) {
        BitMatrix matrix;
        try {
            matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
                    EncodeHintType.MARGIN, QUIET_ZONE,
                    EncodeHintType.CHARACTER_SET, "UTF-8"));
        } catch (WriterException e) {
            throw new IllegalArgumentException("the text does not fit in a QR code", e);
        }
        int width = matrix.getWidth();
        int height = matrix.getHeight();
        StringBuilder path = new StringBuilder(width * height);
        for (int y = 0; y < height; y++) {
            int x = 0;
            while (x < width) {
                if (!matrix.get(x, y)) {
                    x++;
                    continue;
                }
                int run = x;
                while (run < width && matrix.get(run, y)) {
                    run++;
                }
                path.append('M').append(x).append(' ').append(y).append('h').append(run - x).append("v1h-")
                        .append(run - x).append('z');
                x = run;
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + width + " " + height
                + "\" width=\"" + width * PIXELS_PER_MODULE + "\" height=\"" + height * PIXELS_PER_MODULE
                + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
                + "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }

    /** The QR code of {@code text} as a {@code data:} URI, for an {@code <img>} on a page whose CSP allows data. */
    public static String dataUri(String text) {
        return "data:image/svg+xml;base64," + Base64.getEncoder().encodeToString(
                svg(text).getBytes(StandardCharsets.UTF_8));
    }
}
