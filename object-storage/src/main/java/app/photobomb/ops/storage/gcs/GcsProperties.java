package app.photobomb.ops.storage.gcs;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Google Cloud Storage project and credentials ({@code photobomb.storage.gcs.*}).
 *
 * @param projectId the project billed for requests; defaults to the credentials' project
 * @param credentialsFile a service-account JSON key, which also signs download links; without it the
 *     application default credentials are used, and links need them to be a service account too
 */
@ConfigurationProperties("photobomb.storage.gcs")
public record GcsProperties(String projectId, Path credentialsFile) {
}
