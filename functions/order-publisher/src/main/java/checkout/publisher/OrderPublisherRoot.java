package checkout.publisher;

import checkout.aws.AwsClients;
import checkout.config.Settings;
import checkout.platform.Platform;
import checkout.time.Jitter;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** The publisher's parts, built once from the platform. */
final class OrderPublisherRoot {
  final EventBridgePublisher publisher;

  OrderPublisherRoot(Platform platform) {
    Settings.Events settings = platform.settings().events();
    EventBridgeClient events =
        AwsClients.build(
            EventBridgeClient.builder(), platform.settings().aws(), settings.endpoint());
    this.publisher =
        new EventBridgePublisher(
            events,
            settings.busName(),
            settings.source(),
            settings.maxAttempts(),
            platform.sleeper(),
            new Jitter());
  }
}
