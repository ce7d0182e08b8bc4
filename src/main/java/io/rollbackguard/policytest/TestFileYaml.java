package io.rollbackguard.policytest;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.CharArrayReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Reads policy test files. YAML resolves a plain {@code .nan} or {@code .inf} to a float that Jackson then fails to
 * parse ("Malformed numeric value '.nan'"), so here such a scalar stays text and the series reader decides what it
 * means: {@code .nan} is no data, as the README says.
 */
final class TestFileYaml {
  private static final Pattern NON_FINITE = Pattern.compile("[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
  private static final ObjectMapper MAPPER = new ObjectMapper(new Factory());

  private TestFileYaml() {}

  static ObjectMapper mapper() {
    return MAPPER;
  }

  private static final class Factory extends YAMLFactory {
    @Override
    protected YAMLParser _createParser(Reader r, IOContext ctxt) {
      return new Parser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
    }

    @Override
    protected YAMLParser _createParser(InputStream in, IOContext ctxt) throws IOException {
      return _createParser(_createReader(in, null, ctxt), ctxt);
    }

    @Override
    protected YAMLParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable) {
      return _createParser(new CharArrayReader(data, offset, len), ctxt);
    }

    @Override
    protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
      return _createParser(_createReader(data, offset, len, null, ctxt), ctxt);
    }
  }

  private static final class Parser extends YAMLParser {
    Parser(IOContext ctxt, int parserFeatures, int yamlFeatures, LoaderOptions options, ObjectCodec codec,
        Reader reader) {
      super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
    }

    @Override
    protected JsonToken _decodeScalar(ScalarEvent scalar) throws IOException {
      JsonToken token = super._decodeScalar(scalar);
      return token == JsonToken.VALUE_NUMBER_FLOAT && NON_FINITE.matcher(scalar.getValue()).matches()
          ? JsonToken.VALUE_STRING : token;
    }
  }
}
