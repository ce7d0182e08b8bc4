package io.rollbackguard.policytest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The series notation expands as promtool expands input_series values. */
class SeriesNotationTest {
  private static final double NO_DATA = Double.NaN;

  @Test
  void aPlusZeroTimesFortyIsFortyOneValues() throws Exception {
    assertThat(SeriesNotation.expand("0.01+0x40")).hasSize(41).containsOnly(0.01);
  }

  @Test
  void aTimesTwentyIsTheValueTwentyOneTimes() throws Exception {
    assertThat(SeriesNotation.expand("1x20")).isEqualTo(Collections.nCopies(21, 1.0));
  }

  @Test
  void blankTimesFiveIsFiveSamplesWithoutData() throws Exception {
    List<Double> values = SeriesNotation.expand("_x5");
    assertThat(values).hasSize(5).allMatch(v -> v.isNaN());
  }

  @Test
  void aMinusStepGoesDownByTheStepOneValueMoreThanTheCount() throws Exception {
    assertThat(SeriesNotation.expand("1-1x3")).containsExactly(1.0, 0.0, -1.0, -2.0);
    assertThat(SeriesNotation.expand("-2+4x3")).containsExactly(-2.0, 2.0, 6.0, 10.0);
  }

  @Test
  void theStepIsAddedToThePreviousValueAsPromtoolDoes() throws Exception {
    double v = 0;
    for (int i = 0; i < 3; i++) {
      v += 0.1;
    }
    assertThat(SeriesNotation.expand("0+0.1x3")).last().isEqualTo(v); // 0.30000000000000004, not 0.3
  }

  @Test
  void itemsSeparatedBySpacesFollowEachOther() throws Exception {
    assertThat(SeriesNotation.expand("  0.01+0x2 0.08x1   _ 3 _x2 +1 nan ")).containsExactly(0.01, 0.01, 0.01, 0.08,
        0.08, NO_DATA, 3.0, NO_DATA, NO_DATA, 1.0, NO_DATA);
  }

  @Test
  void aCountOfZeroIsOneValueOrNoBlank() throws Exception {
    assertThat(SeriesNotation.expand("5x0")).containsExactly(5.0);
    assertThat(SeriesNotation.expand("_x0 7")).containsExactly(7.0);
  }

  @Test
  void everyNoDataSpellingIsOneSampleWithoutData() throws Exception {
    assertThat(SeriesNotation.expand("_ nan NaN NAN .nan .NaN stale")).hasSize(7).allMatch(v -> v.isNaN());
  }

  @Test
  void exponentsAndInfinityAreNumbers() throws Exception {
    assertThat(SeriesNotation.expand("1e-3+1e-3x1 Inf -Inf .inf")).containsExactly(0.001, 0.002,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  @Test
  void noDataTakesNoExpansionSoThatBlankTimesNIsTheOneWayToWriteIt() {
    assertThatThrownBy(() -> SeriesNotation.expand("nanx3")).hasMessageContaining("'nanx3': nan takes no expansion")
        .hasMessageContaining("_xN");
    assertThatThrownBy(() -> SeriesNotation.expand("stale+0x3")).hasMessageContaining("stale takes no expansion");
    assertThatThrownBy(() -> SeriesNotation.expand("_-2")).hasMessageContaining("_ takes no expansion");
  }

  @Test
  void aMalformedItemIsNamedWithWhatToWriteInstead() {
    for (String bad : List.of("1x", "1+x3", "0.1+", "lots", "1x2.5", "3+3x4-4", "-3-3")) {
      assertThatThrownBy(() -> SeriesNotation.expand(bad)).as(bad)
          .hasMessageStartingWith("'" + bad + "' is not a value (use e.g. 0.05, 0.01+0x40");
    }
  }

  @Test
  void aCountBeyondAHundredThousandSamplesIsRefused() {
    assertThatThrownBy(() -> SeriesNotation.expand("0x100000")).hasMessageContaining("more than 100000 samples");
    assertThatThrownBy(() -> SeriesNotation.expand("_x99999999999")).hasMessageContaining("more than 100000");
    assertThatThrownBy(() -> SeriesNotation.expand("0x60000 0x60000")).hasMessageContaining("more than 100000");
  }
}
