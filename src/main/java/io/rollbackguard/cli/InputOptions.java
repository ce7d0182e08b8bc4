package io.rollbackguard.cli;

import io.rollbackguard.manifest.InputLimits;
import io.rollbackguard.manifest.ManifestReader;
import java.io.InputStream;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The options of a command that reads manifests: how large an input it reads before refusing it. */
final class InputOptions {
  @Option(names = "--max-file-size", paramLabel = "SIZE", defaultValue = "8Mi", converter = SizeConverter.class,
      description = "Refuse a file, or standard input, larger than this (default: ${DEFAULT-VALUE}; e.g. 20Mi, 100M)."
          + " Standard input is read only up to it.")
  long maxFileSize;

  ManifestReader reader(InputStream stdin) {
    return new ManifestReader(InputLimits.DEFAULT.withMaxBytes(maxFileSize, "raise it with --max-file-size"), stdin);
  }

  /** {@code 8Mi}, {@code 20M}, {@code 512Ki} or bytes; a mistake is a usage error (exit 2) that says the form. */
  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return InputLimits.parseSize(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
