package io.livemig.migrator.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8: malformed input is an error both ways, so every string round-trips exactly. */
final class Utf8 {

    private Utf8() {
    }

    /** @throws IllegalArgumentException when {@code s} is null, unencodable or longer than the limit */
    static byte[] encode(String field, String s) {
        if (s == null) {
            throw new IllegalArgumentException(field + " is null");
        }
        ByteBuffer bytes;
        try {
            bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(field + " is not valid Unicode (unpaired surrogate)", e);
        }
        if (bytes.remaining() > ProtocolLimits.MAX_STRING_BYTES) {
            throw new IllegalArgumentException(field + " is " + bytes.remaining()
                    + " UTF-8 bytes, more than " + ProtocolLimits.MAX_STRING_BYTES);
        }
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return out;
    }

    static String decode(String field, ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(field + " is not valid UTF-8");
        }
    }

    /**
     * Fits any text into a string field: unpaired surrogates become '?', and the text is cut on a
     * code point boundary at the byte limit. For diagnostics (abort reasons), never for data.
     */
    static String fit(String s) {
        String text = s == null ? "" : s;
        StringBuilder out = new StringBuilder(Math.min(text.length(), ProtocolLimits.MAX_STRING_BYTES));
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
                codePoint = '?';
            }
            bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes > ProtocolLimits.MAX_STRING_BYTES) {
                break;
            }
            out.appendCodePoint(codePoint);
        }
        return out.toString();
    }
}
