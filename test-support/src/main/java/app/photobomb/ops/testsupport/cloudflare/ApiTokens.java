package app.photobomb.ops.testsupport.cloudflare;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The stand-in's user API tokens: the configured one and those {@code POST /user/tokens} made. A token is live until
 * {@code DELETE /user/tokens/<id>}; a deleted one authorizes nothing, at once. Policies are kept and echoed, not
 * enforced: every live token may purge and manage tokens.
 */
final class ApiTokens {

  /** One token; {@code value} is the secret a caller sends as a bearer token and sees only when it is created. */
  record Token(String id, String name, String value, JsonNode policies, Instant issuedOn) {
  }

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Token> byId = new LinkedHashMap<>();

  ApiTokens(String configuredValue) {
    add("configured", configuredValue, null);
  }

  synchronized Token create(String name, JsonNode policies) {
    byte[] secret = new byte[30];
    random.nextBytes(secret);
    // Cloudflare's token values are 40 characters of URL-safe base64
    return add(name, Base64.getUrlEncoder().withoutPadding().encodeToString(secret), policies);
  }

  synchronized Optional<Token> delete(String id) {
    return Optional.ofNullable(byId.remove(id));
  }

  /** The live token whose value this is. */
  synchronized Optional<Token> live(String value) {
    return byId.values().stream().filter(token -> token.value().equals(value)).findFirst();
  }

  synchronized List<Token> all() {
    return new ArrayList<>(byId.values());
  }

  private Token add(String name, String value, JsonNode policies) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    Token token = new Token(HexFormat.of().formatHex(id), name, value, policies,
        Instant.now().truncatedTo(ChronoUnit.SECONDS));
    byId.put(token.id(), token);
    return token;
  }
}
