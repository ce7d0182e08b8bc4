package io.rollbackguard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InputLimitsTest {
  @ParameterizedTest
  @CsvSource({"8Mi, 8388608", "20MiB, 20971520", "100M, 100000000", "100MB, 100000000", "512Ki, 524288",
      "1Gi, 1073741824", "1000, 1000", "2k, 2000"})
  void aSizeIsReadAsKubernetesWritesQuantities(String text, long bytes) {
    assertThat(InputLimits.parseSize(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource({"lots", "8 Mo", "-1", "0", "2Gi", "1.5Mi"})
  void aSizeThatIsNotOneSaysTheForm(String text) {
    assertThatThrownBy(() -> InputLimits.parseSize(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + text + "' is not a size");
  }

  @ParameterizedTest
  @CsvSource({"8388608, 8 MiB", "100000000, 95.4 MiB", "1536, 1.5 KiB", "17, 17 bytes", "1, 1 byte",
      "1073741824, 1 GiB"})
  void aSizeIsShownWholeWhereItIsWhole(long bytes, String shown) {
    assertThat(InputLimits.size(bytes)).isEqualTo(shown);
  }
}
