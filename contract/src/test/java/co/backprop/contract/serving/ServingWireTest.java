package co.backprop.contract.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServingWireTest {
  private static ServingAnswer roundTrip(ServingAnswer answer) {
    Map<String, String> headers = ServingWire.headers(answer);
    return ServingWire.read(headers::get, ServingWire.body(answer));
  }

  @Test
  void anAnswerPassesTheResponseBytesThroughUntouched() {
    String response = "{\"vector\":[0.0123456789,-1.5E-7]}";
    ServingAnswer back = roundTrip(ServingAnswer.ok(response, "msmarco-distilroberta", 12.3456, 3));

    assertThat(back.status()).isEqualTo(ServingAnswer.Status.OK);
    assertThat(new String(back.response(), StandardCharsets.UTF_8)).isEqualTo(response);
    assertThat(back.error()).isNull();
    assertThat(back.model()).isEqualTo("msmarco-distilroberta");
    assertThat(back.computeMs()).isEqualTo(12.346);
    assertThat(back.items()).isEqualTo(3);
  }

  @Test
  void everyOtherStatusCarriesItsMessageAndWhatWasBilled() {
    ServingAnswer error = roundTrip(ServingAnswer.error("text: is empty — naïve", "m", 2.0, 1));
    assertThat(error.status()).isEqualTo(ServingAnswer.Status.ERROR);
    assertThat(error.error()).isEqualTo("text: is empty — naïve");
    assertThat(error.computeMs()).isEqualTo(2.0);
    assertThat(error.items()).isEqualTo(1);

    ServingAnswer busy = roundTrip(ServingAnswer.busy("queue full"));
    assertThat(busy.status()).isEqualTo(ServingAnswer.Status.BUSY);
    assertThat(busy.error()).isEqualTo("queue full");
    assertThat(busy.model()).isNull();
    assertThat(busy.items()).isZero();
  }

  @Test
  void somethingThatIsNotAServingProcessIsRejected() {
    assertThatThrownBy(() -> ServingWire.read(name -> null, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ServingWire.STATUS);
    assertThatThrownBy(
            () -> ServingWire.read(Map.of(ServingWire.STATUS, "MAYBE")::get, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    // An OK without a body would be an empty 200 to the client.
    assertThatThrownBy(() -> ServingWire.read(Map.of(ServingWire.STATUS, "OK")::get, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a response");
  }
}
