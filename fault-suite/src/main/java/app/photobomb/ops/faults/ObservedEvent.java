package app.photobomb.ops.faults;

/** An event read back from its topic: its envelope's id and correlation id, its record key (the account), its JSON. */
record ObservedEvent(String topic, String ceId, String correlationId, String key, String payload) {

  String describe() {
    return topic + " ce_id=" + ceId + " correlation=" + correlationId + " " + payload;
  }
}
