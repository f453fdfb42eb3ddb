package io.portcullis.core.page;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The enrolment's QR code: drawn from ZXing's modules as SVG, and read back by ZXing's decoder. */
class QrCodeTest {
    private static final String URI = "otpauth://totp/Portcullis:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
            + "&issuer=Portcullis&algorithm=SHA1&digits=6&period=30";
    private static final Pattern VIEW_BOX = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"");
    private static final Pattern RUN = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-\\3z");

    @Test
    void svg_drawsTheModules_thatZxingDecodesBackToTheText() throws Exception {
        String svg = QrCode.svg(URI);

        assertThat(decode(svg)).isEqualTo(URI);
    }

    @Test
    void dataUri_isTheSvgInBase64_forAnImgUnderTheStrictPolicy() throws Exception {
        String uri = QrCode.dataUri(URI);

        assertThat(uri).startsWith("data:image/svg+xml;base64,");
        String svg = new String(Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1)),
                StandardCharsets.UTF_8);
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").doesNotContain("<script")
                .doesNotContain("style=");
        assertThat(decode(svg)).isEqualTo(URI);
    }

    /** Paints the SVG's runs into pixels (4 per module) and decodes them as a scanner would. */
    private static String decode(String svg) throws Exception {
        Matcher box = VIEW_BOX.matcher(svg);
        assertThat(box.find()).isTrue();
        int scale = 4;
        int width = Integer.parseInt(box.group(1)) * scale;
        int height = Integer.parseInt(box.group(2)) * scale;
        int[] pixels = new int[width * height];
        Arrays.fill(pixels, 0xffffff);
        Matcher run = RUN.matcher(svg);
        int runs = 0;
        while (run.find()) {
            runs++;
            int x = Integer.parseInt(run.group(1));
            int y = Integer.parseInt(run.group(2));
            int length = Integer.parseInt(run.group(3));
            for (int py = y * scale; py < (y + 1) * scale; py++) {
                Arrays.fill(pixels, py * width + x * scale, py * width + (x + length) * scale, 0);
            }
        }
        assertThat(runs).isGreaterThan(20);
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(width, height, pixels)))).getText();
    }
}
