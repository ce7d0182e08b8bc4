package io.rollbackguard.manifest;

import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.Event;

/**
 * Jackson's YAML parser, with the SnakeYAML event behind each token in view.
 *
 * <p>Why not Jackson alone: its token stream drops what aliases need. An alias comes out as a string holding the
 * anchor's name (so {@code for: *d} read as "d"), and an anchor on a scalar is not reported at all. Why not SnakeYAML
 * alone: Jackson decides how a plain scalar is typed ({@code on}, {@code 0x1F}, {@code 1_000}, {@code ~}), and keeping
 * its decisions keeps every policy that reads today reading the same. The event is {@code YAMLParser._lastEvent},
 * protected for subclasses since Jackson 2.0.
 */
final class EventYamlFactory extends YAMLFactory {
  private static final long serialVersionUID = 1L;

  EventYamlFactory() {
    super(YAMLFactory.builder().loaderOptions(loaderOptions()).streamReadConstraints(constraints()));
    // The builder's defaults are not the constructor's (EMPTY_STRING_AS_NULL, for one); the mapper users' files were
    // always read with was made by the constructor, so its features are the ones that keep them reading the same.
    YAMLFactory plain = new YAMLFactory();
    _parserFeatures = plain.getParserFeatures();
    _yamlParserFeatures = plain.getFormatParserFeatures();
  }

  /**
   * SnakeYAML's own limits on aliases and nesting live in its Composer, which this reader does not use (the trees are
   * composed by {@link DocumentComposer}, which applies {@link InputLimits}); its code point limit counts a whole
   * document, which the byte limit on the input already bounds, so it is lifted here.
   */
  private static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    return options;
  }

  /** Strings and documents are bounded by InputLimits; numbers keep Jackson's 1,000 digits (a longer one parses slowly). */
  private static StreamReadConstraints constraints() {
    return StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE)
        .maxNestingDepth(Integer.MAX_VALUE).build();
  }

  @Override
  protected YAMLParser _createParser(Reader r, IOContext ctxt) {
    return new Parser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
  }

  /** A YAMLParser that says which event made its current token. */
  static final class Parser extends YAMLParser {
    Parser(IOContext ctxt, int parserFeatures, int formatFeatures, LoaderOptions options, ObjectCodec codec,
        Reader reader) {
      super(ctxt, parserFeatures, formatFeatures, options, codec, reader);
    }

    /** The event of the current token: a ScalarEvent for a key or a scalar, an AliasEvent, a collection's start. */
    Event event() {
      return _lastEvent;
    }
  }
}
