package app.photobomb.ops.storage.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Builds the S3 client and presigner for an S3-compatible endpoint: path-style, static keys, fixed region. */
final class S3Clients {

  private S3Clients() {
  }

  /**
   * Checksums only where S3 requires them. s3proxy takes the SDK's default (a CRC32 trailer on aws-chunked
   * uploads), but R2 has refused or mishandled those defaults since SDK 2.30 (CRC32 full-object checksums on
   * multipart uploads, checksums of ranged reads); the adapter computes its own SHA-256 of every put anyway.
   */
  static S3Client client(S3Properties properties) {
    if (properties.endpoint() == null) {
      throw new IllegalArgumentException("endpoint is not set");
    }
    requireText(properties.accessKeyId(), "accessKeyId");
    requireText(properties.secretAccessKey(), "secretAccessKey");
    return S3Client.builder()
        .endpointOverride(properties.endpoint())
        .region(Region.of(properties.region()))
        .credentialsProvider(credentials(properties))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  static S3Presigner presigner(S3Properties properties) {
    return S3Presigner.builder()
        .endpointOverride(properties.endpoint())
        .region(Region.of(properties.region()))
        .credentialsProvider(credentials(properties))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  private static StaticCredentialsProvider credentials(S3Properties properties) {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(properties.accessKeyId(), properties.secretAccessKey()));
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is empty");
    }
  }
}
