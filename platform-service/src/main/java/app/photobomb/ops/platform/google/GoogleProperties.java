package app.photobomb.ops.platform.google;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the Google APIs are ({@code photobomb.platform.google.*}). Production leaves the endpoints alone and
 * authenticates with Application Default Credentials (the Cloud Run / GKE service account).
 *
 * @param project the Google Cloud project of the instance, the API's Cloud Run service and the secrets
 * @param region the Cloud Run region
 * @param sqlAdminUrl root URL of the Cloud SQL Admin API
 * @param cloudRunEndpoint host:port of the Cloud Run Admin API (gRPC)
 * @param secretManagerEndpoint host:port of Secret Manager (gRPC)
 * @param local {@code true}: the endpoints are local stand-ins, reached without TLS and without credentials
 *     ({@code inprocess:NAME} names an in-process gRPC server)
 */
@ConfigurationProperties("photobomb.platform.google")
public record GoogleProperties(
    @DefaultValue("photobomb-prod") String project,
    @DefaultValue("us-central1") String region,
    @DefaultValue("https://sqladmin.googleapis.com/") String sqlAdminUrl,
    @DefaultValue("run.googleapis.com:443") String cloudRunEndpoint,
    @DefaultValue("secretmanager.googleapis.com:443") String secretManagerEndpoint,
    @DefaultValue("false") boolean local) {
}
