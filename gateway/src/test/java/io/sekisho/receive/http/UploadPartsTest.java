package io.sekisho.receive.http;

import io.sekisho.transfer.Channel;
import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.TransferPart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.sekisho.transfer.PartContent;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** How a spooled body becomes the parts inspection reads. */
class UploadPartsTest {
    @TempDir
    Path tmp;

    private List<TransferPart> split(String type, String encoding, byte[] body, long max) throws Exception {
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>();
        if (type != null) {
            headers.add(Map.entry("Content-Type", type));
        }
        if (encoding != null) {
            headers.add(Map.entry("Content-Encoding", encoding));
        }
        UploadRequest r = new UploadRequest(Channel.HTTP, "t1", "c1", "127.0.0.1", null, "POST",
                "http://example.com/dir/upload.bin?x=1", "example.com", headers, body.length);
        return new UploadParts(tmp, max, 256 * 1024, MemoryBudget.UNBOUNDED).split(r, PartContent.of(body), body.length > max);
    }

    private static String text(TransferPart p) throws Exception {
        return new String(p.content().bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void multipartGivesOnePartPerFileAndOneForAllFields() throws Exception {
        String b = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nMy report\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfirst file\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"doc2\"; filename=\"b.csv\"\r\nContent-Type: text/csv\r\n\r\nx,y\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nsee attached\r\n--XyZ--\r\n";
        List<TransferPart> parts = split("multipart/form-data; boundary=XyZ", null, b.getBytes(StandardCharsets.UTF_8), 1 << 20);
        assertThat(parts).extracting(TransferPart::name).containsExactly("a.txt", "b.csv", UploadParts.FORM_FIELDS);
        assertThat(parts).extracting(TransferPart::declaredType).startsWith("text/plain", "text/csv");
        assertThat(text(parts.get(0))).isEqualTo("first file");
        assertThat(text(parts.get(2))).isEqualTo("title: My report\nnote: see attached\n");
        assertThat(parts.get(0).sha256()).hasSize(64);
        assertThat(parts).allMatch(TransferPart::inspectable);
    }

    @Test
    void rawBodyIsOnePartNamedAfterThePath() throws Exception {
        List<TransferPart> parts = split("application/octet-stream", null, new byte[]{1, 2, 3}, 1 << 20);
        assertThat(parts).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("upload.bin");
            assertThat(p.size()).isEqualTo(3);
        });
    }

    @Test
    void contentEncodingsAreUndone() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write("zipped".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(text(split("text/plain", "gzip", gz.toByteArray(), 1 << 20).get(0))).isEqualTo("zipped");
        ByteArrayOutputStream df = new ByteArrayOutputStream();
        try (OutputStream o = new DeflaterOutputStream(df)) {
            o.write("deflated".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(text(split("text/plain", "deflate", df.toByteArray(), 1 << 20).get(0))).isEqualTo("deflated");
        byte[] brHello = {0x0b, 0x02, (byte) 0x80, 'h', 'e', 'l', 'l', 'o', 0x03};
        assertThat(text(split("text/plain", "br", brHello, 1 << 20).get(0))).isEqualTo("hello");
        ByteArrayOutputStream twice = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(twice)) {
            o.write(df.toByteArray());
        }
        assertThat(text(split("text/plain", "deflate, gzip", twice.toByteArray(), 1 << 20).get(0))).isEqualTo("deflated");
    }

    @Test
    void compressionBombIsCutAtTheLimitAndMarkedTruncated() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write(new byte[10 * 1024 * 1024]);
        }
        List<TransferPart> parts = split("text/plain", "gzip", gz.toByteArray(), 64 * 1024);
        assertThat(parts).singleElement().satisfies(p -> {
            assertThat(p.uninspectable()).isEqualTo(UploadParts.TRUNCATED);
            assertThat(p.size()).isEqualTo(64 * 1024);
        });
    }

    @Test
    void unknownOrBrokenEncodingKeepsTheBytesMarkedUndecodable() throws Exception {
        assertThat(split("text/plain", "compress", "abc".getBytes(StandardCharsets.UTF_8), 1 << 20).get(0).uninspectable())
                .isEqualTo(UploadParts.UNDECODABLE);
        assertThat(split("text/plain", "gzip", "not gzip".getBytes(StandardCharsets.UTF_8), 1 << 20).get(0).uninspectable())
                .isEqualTo(UploadParts.UNDECODABLE);
    }

    @Test
    void formEncodedFieldsAreDecoded() throws Exception {
        List<TransferPart> parts = split("application/x-www-form-urlencoded", null,
                "a=1&msg=caf%C3%A9+au+lait&empty=".getBytes(StandardCharsets.US_ASCII), 1 << 20);
        assertThat(text(parts.get(0))).isEqualTo("a: 1\nmsg: café au lait\nempty: \n");
    }
}
