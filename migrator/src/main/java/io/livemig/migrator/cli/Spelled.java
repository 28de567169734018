package io.livemig.migrator.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Collectors;

/**
 * An option value from a fixed set whose spellings are not Java names ({@code before-resume}):
 * an enum that spells itself, a converter that accepts exactly those spellings, and the
 * completion candidates that let {@code --help} list them ({@code ${COMPLETION-CANDIDATES}}).
 * Each enum adds two one-line nested classes extending {@link Converter} and {@link Choices}.
 */
interface Spelled {
    /** The word users type and see. */
    String spelling();

    /** Accepts the spellings of {@code E} (case-insensitive); anything else is refused naming them all. */
    abstract class Converter<E extends Enum<E> & Spelled> implements ITypeConverter<E> {
        private final Class<E> type;

        protected Converter(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            for (E e : type.getEnumConstants()) {
                if (e.spelling().equalsIgnoreCase(value.strip())) return e;
            }
            throw new TypeConversionException("'" + value + "' is not one of " + spellings(type));
        }
    }

    /** The spellings of {@code E}, in declaration order, for {@code completionCandidates}. */
    abstract class Choices<E extends Enum<E> & Spelled> implements Iterable<String> {
        private final Class<E> type;

        protected Choices(Class<E> type) {
            this.type = type;
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(type.getEnumConstants()).map(Spelled::spelling).iterator();
        }
    }

    static <E extends Enum<E> & Spelled> String spellings(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Spelled::spelling).collect(Collectors.joining(", "));
    }
}
