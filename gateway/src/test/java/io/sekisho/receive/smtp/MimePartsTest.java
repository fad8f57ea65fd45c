package io.sekisho.receive.smtp;

import io.sekisho.testing.Formats;
import io.sekisho.transfer.TransferPart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.sekisho.transfer.PartContent;
import io.sekisho.transfer.WorkFolder;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MimePartsTest {
    @TempDir
    Path dir;

    private List<TransferPart> split(String message) throws Exception {
        return MimeParts.split(PartContent.of(message.getBytes(StandardCharsets.ISO_8859_1)),
                new WorkFolder(dir, "parts-", 256 * 1024));
    }

    private static String text(TransferPart p, Charset cs) throws Exception {
        return new String(p.content().bytes(), cs);
    }

    private static String utf8(TransferPart p) throws Exception {
        return text(p, StandardCharsets.UTF_8);
    }

    private static String b64(byte[] b) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(b);
    }

    @Test
    void plainTextBodyAndSubject() throws Exception {
        List<TransferPart> parts = split("From: a@corp.example.co.jp\r\nSubject: Plan\r\n\r\nThe plan is here.\r\n");
        assertThat(parts).extracting(TransferPart::name).containsExactly("subject.txt", "body-1.txt");
        assertThat(utf8(parts.get(1))).isEqualTo("The plan is here.\r\n");
        assertThat(parts.get(1).declaredType()).isEqualTo("text/plain; charset=us-ascii");
        assertThat(parts).allMatch(TransferPart::inspectable);
    }

    @Test
    void onlyTheDecodedSubjectIsGatewayTextNotAnAttachmentNamedLikeIt() throws Exception {
        // A sender can name an attachment subject.txt and label it text/plain; it stays a sender's
        // part, whose format extraction detects.
        byte[] zip = Files.readAllBytes(Formats.zip("The secret formulation.", dir));
        List<TransferPart> parts = split("Subject: Plan\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
                + "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee attached\r\n"
                + "--m\r\nContent-Type: text/plain; charset=utf-8; name=\"subject.txt\"\r\n"
                + "Content-Disposition: attachment; filename=\"subject.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64(zip) + "\r\n--m--\r\n");

        assertThat(parts).extracting(TransferPart::name).containsExactly("subject.txt", "body-1.txt", "subject.txt");
        assertThat(parts).extracting(TransferPart::gatewayText).containsExactly(true, false, false);
        assertThat(utf8(parts.get(0))).isEqualTo("Plan");
        assertThat(parts.get(2).content().bytes()).isEqualTo(zip);
    }

    @Test
    void htmlAlternativeGivesBothParts() throws Exception {
        List<TransferPart> parts = split("""
                Subject: alt\r
                MIME-Version: 1.0\r
                Content-Type: multipart/alternative; boundary="b1"\r
                \r
                --b1\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                plain words\r
                --b1\r
                Content-Type: text/html; charset=utf-8\r
                \r
                <p>html words</p>\r
                --b1--\r
                """);
        assertThat(parts).extracting(TransferPart::declaredType)
                .containsExactly("text/plain; charset=utf-8", "text/plain; charset=utf-8", "text/html; charset=utf-8");
        assertThat(utf8(parts.get(1))).isEqualTo("plain words");
        assertThat(utf8(parts.get(2))).isEqualTo("<p>html words</p>");
        assertThat(parts.get(2).name()).endsWith(".html");
    }

    @Test
    void headersAreReadAsMailProgramsReadThem() throws Exception {
        // RFC 2231 and RFC 2047 file names, parameters in any case and spacing, a Content-Type with a
        // stray semicolon, and a boundary without quotes: each part found and named.
        List<TransferPart> parts = split("Subject: names\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: Multipart/Mixed;  BOUNDARY=m ;\r\n\r\n"
                + "--m\r\nContent-Type: text/plain; charset=UTF-8;\r\n\r\nbody text\r\n"
                + "--m\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename*=UTF-8''%E8%A8%88%E7%94%BB.txt\r\n\r\nplan one\r\n"
                + "--m\r\nContent-Type: application/octet-stream; name=\"=?UTF-8?B?5Zuz6Z2i?=.txt\"\r\n\r\nplan two\r\n"
                + "--m--\r\n");
        assertThat(parts).extracting(TransferPart::name).containsExactly("subject.txt", "body-1.txt", "計画.txt", "図面.txt");
        assertThat(parts.get(1).declaredType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(utf8(parts.get(2))).isEqualTo("plan one");
        assertThat(utf8(parts.get(3))).isEqualTo("plan two");
    }

    @Test
    void base64DocxAttachmentIsDecodedToTheSameBytes() throws Exception {
        Path docx = Formats.docx("Confidential design notes for the turbine blade.", dir);
        byte[] bytes = Files.readAllBytes(docx);
        List<TransferPart> parts = split("Subject: doc\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
                + "--m\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--m\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name=\"ignored.docx\"\r\n"
                + "Content-Disposition: attachment; filename=\"report.docx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64(bytes) + "\r\n--m--\r\n");
        TransferPart att = parts.stream().filter(p -> p.name().equals("report.docx")).findFirst().orElseThrow();
        assertThat(att.content().bytes()).isEqualTo(bytes);
        assertThat(att.size()).isEqualTo(bytes.length);
        assertThat(att.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(att.declaredType()).isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }

    @Test
    void quotedPrintableBodyIsDecoded() throws Exception {
        List<TransferPart> parts = split("Subject: qp\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 au lait, a soft=\r\n break and =3D sign\r\n");
        assertThat(utf8(parts.get(1))).isEqualTo("café au lait, a soft break and = sign\r\n");
    }

    @Test
    void attachedMessagesAreOpenedAndTheirPartsNamedUnderThem() throws Exception {
        String inner = "Subject: inner secret\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"i\"\r\n\r\n"
                + "--i\r\nContent-Type: text/plain\r\n\r\ninner body\r\n"
                + "--i\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=notes.txt\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64("inner attachment".getBytes(StandardCharsets.UTF_8)) + "\r\n--i--\r\n";
        List<TransferPart> parts = split("Subject: fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n"
                + "--o\r\nContent-Type: text/plain\r\n\r\nforwarding\r\n"
                + "--o\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"fwd.eml\"\r\n\r\n"
                + inner + "\r\n--o--\r\n");
        assertThat(parts).extracting(TransferPart::name)
                .contains("subject.txt", "fwd.eml!/subject.txt", "fwd.eml!/notes.txt");
        TransferPart notes = parts.stream().filter(p -> p.name().equals("fwd.eml!/notes.txt")).findFirst().orElseThrow();
        assertThat(utf8(notes)).isEqualTo("inner attachment");
        assertThat(utf8(parts.stream().filter(p -> p.name().equals("fwd.eml!/subject.txt")).findFirst().orElseThrow()))
                .isEqualTo("inner secret");
    }

    @Test
    void japaneseSubjectsAndBodiesInIso2022JpAndUtf8() throws Exception {
        Charset jis = Charset.forName("ISO-2022-JP");
        String subjectJa = "新製品の設計図";
        String bodyJa = "社外秘：タービン翼の設計値です。\r\n";
        String encodedSubject = "=?ISO-2022-JP?B?" + Base64.getEncoder().encodeToString(subjectJa.getBytes(jis)) + "?=";
        String jisBody = new String(bodyJa.getBytes(jis), StandardCharsets.ISO_8859_1);
        List<TransferPart> parts = split("Subject: " + encodedSubject + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + jisBody);
        assertThat(utf8(parts.get(0))).isEqualTo(subjectJa);
        assertThat(parts.get(1).declaredType()).isEqualTo("text/plain; charset=iso-2022-jp");
        assertThat(text(parts.get(1), jis)).isEqualTo(bodyJa);

        String utf8Subject = "=?UTF-8?B?" + Base64.getEncoder().encodeToString("見積書（極秘）".getBytes(StandardCharsets.UTF_8)) + "?=";
        List<TransferPart> u = split("Subject: " + utf8Subject + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64("価格表を添付します。".getBytes(StandardCharsets.UTF_8)) + "\r\n");
        assertThat(utf8(u.get(0))).isEqualTo("見積書（極秘）");
        assertThat(utf8(u.get(1))).isEqualTo("価格表を添付します。");
    }

    @Test
    void encryptedContentIsMarkedUninspectable() throws Exception {
        List<TransferPart> smime = split("Subject: s\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64(new byte[] {48, -126, 1, 2, 3}) + "\r\n");
        assertThat(smime.get(1).uninspectable()).isEqualTo(TransferPart.SMIME_ENCRYPTED);
        assertThat(smime.get(1).name()).isEqualTo("smime.p7m");

        List<TransferPart> opaque = split("Subject: s\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/pkcs7-mime; smime-type=signed-data\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64(new byte[] {48, 1}) + "\r\n");
        assertThat(opaque.get(1).uninspectable()).isEqualTo(TransferPart.SMIME_OPAQUE_SIGNED);

        List<TransferPart> pgpMime = split("Subject: p\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\r\n\r\n"
                + "--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
                + "--e\r\nContent-Type: application/octet-stream; name=encrypted.asc\r\n\r\n"
                + "-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n--e--\r\n");
        assertThat(pgpMime.subList(1, 3)).extracting(TransferPart::uninspectable)
                .containsOnly(TransferPart.PGP_ENCRYPTED);

        List<TransferPart> inline = split("Subject: i\r\n\r\nHi,\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n");
        assertThat(inline.get(1).uninspectable()).isEqualTo(TransferPart.PGP_ENCRYPTED);

        List<TransferPart> signed = split("Subject: sig\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"s\"\r\n\r\n"
                + "--s\r\nContent-Type: text/plain\r\n\r\nsigned but readable\r\n"
                + "--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64(new byte[] {48, 2}) + "\r\n--s--\r\n");
        assertThat(signed.get(1).inspectable()).isTrue();
        assertThat(utf8(signed.get(1))).isEqualTo("signed but readable");
    }
}
